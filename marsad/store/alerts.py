"""Store access of alerts (issue 20): rules, what a changed story looks like, the delivery queue.

``Alerts(store)`` is what ``marsad.alerts.service`` is handed (it never imports the store). The
one write that matters for "exactly once" is :meth:`Alerts.commit`: the deliveries a batch of
``alert`` outbox rows gave, the rules' story states and the removal of those outbox rows, in ONE
transaction; deliveries are unique per (rule, story, event), so a batch done twice (its
consumer killed after the commit, before it knew) writes nothing new.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from marsad.alerts.model import (
    CADENCES,
    CHANNELS,
    DEAD,
    LANGUAGES,
    MODES,
    PENDING,
    SENT,
    AlertRule,
    Delivery,
    Fire,
    RuleState,
    StoryEvent,
)
from marsad.alerts.percolate import match_doc
from marsad.alerts.rules import delivery_payload
from marsad.errors import NotFoundError, UserError
from marsad.search.places import country_region
from marsad.store import Store
from marsad.store import schema as t
from marsad.store.alert_tables import (
    alert_deliveries,
    alert_digests,
    alert_payloads,
    alert_rules,
    alert_story_state,
)
from marsad.store.store import OUTBOX_ALERT

_follows = t.metadata.tables["follows"]
_d = alert_deliveries


def _now() -> datetime:
    return datetime.now(UTC)


def _converter(type_: sa.types.TypeEngine[Any], dialect: sa.Dialect) -> Callable[[Any], Any]:
    """``type_``'s conversion of a Python value for ``dialect``'s driver, remembering each
    value it converted (a batch has few distinct times and language sets)."""
    process = type_.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return lambda value: value
    seen: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        if value not in seen:
            seen[value] = process(list(value) if isinstance(value, tuple) else value)
        return seen[value]

    return convert


class Alerts:
    """Alert rules, story events and deliveries over one ``Store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- rules --------------------------------------------------------------------------------
    def add_rule(
        self,
        user_id: int,
        follow_id: int,
        *,
        mode: str,
        channel: str,
        target: str,
        params: Mapping[str, int] | None = None,
        cadence: str = "hourly",
        language: str = "ar",
    ) -> AlertRule:
        """A rule on the user's own follow (``NotFoundError`` for anybody else's); the target
        is checked by the caller (``marsad.web.alerts_pages``), and again when sending."""
        for name, value, allowed in (
            ("mode", mode, MODES),
            ("channel", channel, CHANNELS),
            ("cadence", cadence, CADENCES),
            ("language", language, LANGUAGES),
        ):
            if value not in allowed:
                raise UserError(
                    f"{name} must be one of {', '.join(allowed)}", message_ar=f"{name} غير صالح"
                )
        now = _now()
        with self.store.transaction() as conn:
            owner = conn.execute(
                sa.select(_follows.c.user_id).where(_follows.c.id == follow_id)
            ).scalar()
            if owner is None or int(owner) != user_id:
                raise NotFoundError(f"no follow {follow_id}", message_ar=f"لا متابعة {follow_id}")
            rule_id = conn.execute(
                alert_rules.insert()
                .values(
                    user_id=user_id,
                    follow_id=follow_id,
                    mode=mode,
                    params=dict(params or {}),
                    channel=channel,
                    target=target,
                    cadence=cadence,
                    language=language,
                    secret=secrets.token_hex(32),
                    created_at=now,
                )
                .returning(alert_rules.c.id)
            ).scalar_one()
        rule = self.get_rule(user_id, int(rule_id))
        assert rule is not None
        return rule

    def _rules_query(self) -> sa.Select[Any]:
        r = alert_rules
        return sa.select(
            r, _follows.c.kind, _follows.c.target.label("follow_target"), _follows.c.label
        ).join(_follows, _follows.c.id == r.c.follow_id)

    @staticmethod
    def _rule(row: Any) -> AlertRule:
        return AlertRule(
            id=int(row.id),
            user_id=int(row.user_id),
            follow_id=int(row.follow_id),
            follow_kind=str(row.kind),
            follow_target=str(row.follow_target),
            mode=str(row.mode),
            channel=str(row.channel),
            target=str(row.target),
            params=dict(row.params or {}),
            cadence=str(row.cadence),
            language=str(row.language),
            created_at=row.created_at,
            label=str(row.label),
            secret=str(row.secret),
        )

    def list_rules(self, user_id: int | None = None) -> list[AlertRule]:
        """Every rule (the consumer), or one user's."""
        query = self._rules_query().order_by(alert_rules.c.id)
        if user_id is not None:
            query = query.where(alert_rules.c.user_id == user_id)
        with self.store.engine.connect() as conn:
            return [self._rule(row) for row in conn.execute(query)]

    def get_rule(self, user_id: int, rule_id: int) -> AlertRule | None:
        query = self._rules_query().where(
            alert_rules.c.id == rule_id, alert_rules.c.user_id == user_id
        )
        with self.store.engine.connect() as conn:
            row = conn.execute(query).first()
        return self._rule(row) if row is not None else None

    def remove_rule(self, user_id: int, rule_id: int) -> bool:
        """Remove the user's own rule (its deliveries go with it); False when not theirs."""
        with self.store.transaction() as conn:
            done = conn.execute(
                alert_rules.delete().where(
                    alert_rules.c.id == rule_id, alert_rules.c.user_id == user_id
                )
            )
            return bool(done.rowcount)

    def rules_version(self) -> tuple[int, int, int]:
        """Changes when rules or follows are added or removed (the consumer rebuilds its
        index then): counts and the largest ids."""
        with self.store.engine.connect() as conn:
            row = conn.execute(
                sa.select(
                    sa.select(sa.func.count()).select_from(alert_rules).scalar_subquery(),
                    sa.select(sa.func.coalesce(sa.func.max(alert_rules.c.id), 0)).scalar_subquery(),
                    sa.select(sa.func.count()).select_from(_follows).scalar_subquery(),
                )
            ).one()
        return int(row[0]), int(row[1]), int(row[2])

    # -- what the matcher needs of the search index ----------------------------------------
    def lookup_names(self, keys: set[str]) -> dict[str, tuple[str, ...]]:
        """Entity ids named by each analysed key, as the search looks them up."""
        if not keys:
            return {}
        stmt = sa.text("SELECT key, entity_id FROM search_names WHERE key IN :keys").bindparams(
            sa.bindparam("keys", expanding=True)
        )
        found: dict[str, list[str]] = {}
        ordered = sorted(keys)
        with self.store.engine.connect() as conn:
            for i in range(0, len(ordered), 500):
                for key, entity_id in conn.execute(stmt, {"keys": ordered[i : i + 500]}):
                    found.setdefault(key, []).append(entity_id)
        return {k: tuple(sorted(v)) for k, v in found.items()}

    def resolve_sources(self, values: tuple[str, ...]) -> list[int]:
        """``source:`` values to ids, as the search resolves them."""
        with self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(t.sources.c.id, t.sources.c.title, t.sources.c.url)).all()
        ids: set[int] = set()
        for value in values:
            wanted = value.strip().lower()
            for row in rows:
                title = (row.title or "").lower()
                if (
                    (wanted.isdigit() and int(wanted) == row.id)
                    or wanted == title
                    or (not wanted.isdigit() and (wanted in title or wanted in row.url.lower()))
                ):
                    ids.add(int(row.id))
        return sorted(ids)

    # -- outbox -> story events ------------------------------------------------------------
    def claim(self, owner: str, *, limit: int, lease_seconds: float) -> list[tuple[int, int]]:
        """Claim ``alert`` outbox rows: (row id, article id)."""
        rows = self.store.claim_outbox(
            OUTBOX_ALERT, owner, limit=limit, lease_seconds=lease_seconds
        )
        return [(row_id, article_id) for row_id, article_id, _ in rows]

    def story_events(self, article_ids: Sequence[int]) -> dict[int, StoryEvent]:
        """The story of each article as it is now (by article id; an article without a story
        any more is left out). Seven queries for the whole batch, not seven per article."""
        a, s = t.articles, t.stories
        ae, ac, tr = t.article_entities, t.article_countries, t.translations
        when = sa.func.coalesce(a.c.published_at, a.c.created_at, type_=t.UTCDateTime)
        out: dict[int, StoryEvent] = {}
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(
                    a.c.id,
                    a.c.title,
                    a.c.text,
                    a.c.summary,
                    a.c.language,
                    a.c.source_id,
                    a.c.story_id,
                    a.c.duplicate_of,
                    a.c.duplicate_kind,
                    when.label("when"),
                ).where(a.c.id.in_(list(article_ids)), a.c.story_id.is_not(None))
            ).all()
            if not rows:
                return out
            ids = [int(r.id) for r in rows]
            story_ids = sorted({int(r.story_id) for r in rows})
            stories = {
                int(x.id): x for x in conn.execute(sa.select(s).where(s.c.id.in_(story_ids)))
            }
            source_first: dict[int, dict[int, datetime]] = {}
            language_first: dict[int, dict[str, datetime]] = {}
            for m in conn.execute(
                sa.select(a.c.story_id, a.c.source_id, a.c.language, sa.func.min(when))
                .where(a.c.story_id.in_(story_ids))
                .group_by(a.c.story_id, a.c.source_id, a.c.language)
            ):
                story_id, source_id, language, first = int(m[0]), m[1], m[2], m[3]
                if source_id is not None:
                    by_source = source_first.setdefault(story_id, {})
                    prev = by_source.get(int(source_id))
                    by_source[int(source_id)] = first if prev is None else min(prev, first)
                if language:
                    by_language = language_first.setdefault(story_id, {})
                    prev = by_language.get(language)
                    by_language[language] = first if prev is None else min(prev, first)
            story_entities: dict[int, set[str]] = {}
            for story_id, entity_id in conn.execute(
                sa.select(a.c.story_id, ae.c.entity_id)
                .distinct()
                .join(a, a.c.id == ae.c.article_id)
                .where(a.c.story_id.in_(story_ids))
            ):
                story_entities.setdefault(int(story_id), set()).add(entity_id)
            own_entities: dict[int, list[str]] = {}
            for article_id, entity_id in conn.execute(
                sa.select(ae.c.article_id, ae.c.entity_id).where(ae.c.article_id.in_(ids))
            ):
                own_entities.setdefault(int(article_id), []).append(entity_id)
            about: dict[int, list[str]] = {}
            for article_id, country in conn.execute(
                sa.select(ac.c.article_id, ac.c.country).where(
                    ac.c.article_id.in_(ids), ac.c.is_about.is_(True)
                )
            ):
                about.setdefault(int(article_id), []).append(country)
            translated = dict(
                conn.execute(
                    sa.select(tr.c.article_id, tr.c.text).where(
                        tr.c.article_id.in_(ids),
                        tr.c.field == "title",
                        tr.c.target_language == "ar",
                    )
                ).all()
            )
        for row in rows:
            story = stories.get(int(row.story_id))
            if story is None:
                continue
            article_id = int(row.id)
            sources = source_first.get(int(story.id), {})
            languages = language_first.get(int(story.id), {})
            title_ar = translated.get(article_id)
            doc = match_doc(
                article_id=article_id,
                title=f"{row.title or ''}\n{title_ar}" if title_ar else row.title,
                body=row.text or row.summary,
                language=row.language,
                entity_ids=own_entities.get(article_id, []),
                countries=about.get(article_id, []),
                source_id=row.source_id,
                published_at=row.when,
                story_id=int(row.story_id),
                indexed=row.duplicate_of is None or row.duplicate_kind == "translation",
            )
            countries = frozenset(story.countries or ())
            regions = set(story.regions or ()) | {
                r for r in (country_region(c) for c in countries) if r is not None
            }
            out[article_id] = StoryEvent(
                story_id=int(story.id),
                title=story.title or row.title or "",
                title_ar=story.title_ar,
                countries=countries,
                regions=frozenset(regions),
                entity_ids=frozenset(story_entities.get(int(story.id), ())),
                source_ids=frozenset(sources),
                languages=frozenset(languages),
                article_count=int(story.article_count),
                source_count=int(story.source_count),
                first_seen=story.first_seen or row.when,
                last_seen=max(story.last_seen or row.when, row.when),
                doc=doc,
                source_times=tuple(sorted(sources.items())),
                language_times=tuple(sorted(languages.items())),
                url=f"/stories/{int(story.id)}",
                created_at=story.created_at,
            )
        return out

    def rule_states(self, story_ids: Iterable[int]) -> dict[tuple[int, int], RuleState]:
        """Every rule's state of these stories, by (rule id, story id)."""
        ids = sorted(set(story_ids))
        if not ids:
            return {}
        st = alert_story_state
        with self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(st).where(st.c.story_id.in_(ids))).all()
        return {
            (int(x.rule_id), int(x.story_id)): RuleState(
                rule_id=int(x.rule_id),
                story_id=int(x.story_id),
                first_matched_at=x.first_matched_at,
                growing_step=int(x.growing_step),
                languages=frozenset(x.languages or ()),
                breaking=bool(x.breaking),
            )
            for x in rows
        }

    # -- the one transaction -------------------------------------------------------------------
    def commit(
        self,
        outbox_ids: Sequence[int],
        fires: Sequence[tuple[Fire, AlertRule, datetime | None]],
        states: Sequence[RuleState],
    ) -> None:
        """Deliveries (fire, its rule, when it is first due), rule states and the removal of
        the outbox rows, in one transaction. A delivery already written stays as it is."""
        now = _now()
        store = self.store

        def write(conn: sa.Connection, _articles: Sequence[int]) -> None:
            dialect = conn.dialect
            # Thousands of rows a batch on a busy story: plain tuples through the driver's
            # executemany (psycopg pipelines it), each distinct time or JSON value converted
            # once, not per row by SQLAlchemy (that was half of the consumer's CPU).
            mark = "?" if dialect.paramstyle == "qmark" else "%s"
            stamp = _converter(t.UTCDateTime(), dialect)
            if fires:
                stories: dict[int, dict[str, Any]] = {}
                for fire, _, _ in fires:
                    stories.setdefault(fire.story_id, fire.story)
                story_rows = [
                    {"story_id": story_id, "story": story, "created_at": now}
                    for story_id, story in stories.items()
                ]
                made = conn.execute(
                    alert_payloads.insert().returning(
                        alert_payloads.c.id, alert_payloads.c.story_id, sort_by_parameter_order=True
                    ),
                    story_rows,
                ).all()
                payload_of = {int(story_id): int(row_id) for row_id, story_id in made}
                written = stamp(now)
                conn.exec_driver_sql(
                    "INSERT INTO alert_deliveries (rule_id, user_id, story_id, event, channel,"
                    " status, attempts, payload_id, created_at, next_attempt_at)"
                    f" VALUES ({mark}, {mark}, {mark}, {mark}, {mark}, '{PENDING}', 0, {mark},"
                    f" {mark}, {mark}) ON CONFLICT (rule_id, story_id, event) DO NOTHING",
                    [
                        (
                            fire.rule_id,
                            rule.user_id,
                            fire.story_id,
                            fire.event,
                            rule.channel,
                            payload_of[fire.story_id],
                            written,
                            stamp(due) if due is not None else written,
                        )
                        for fire, rule, due in fires
                    ],
                )
            if states:
                # One statement for every state (executemany), not one per rule and story.
                as_json = _converter(alert_story_state.c.languages.type, dialect)
                flag = _converter(alert_story_state.c.breaking.type, dialect)
                conn.exec_driver_sql(
                    "INSERT INTO alert_story_state (rule_id, story_id, first_matched_at,"
                    f" growing_step, languages, breaking) VALUES ({mark}, {mark}, {mark}, {mark},"
                    f" {mark}, {mark}) ON CONFLICT (rule_id, story_id) DO UPDATE SET"
                    " growing_step = excluded.growing_step, languages = excluded.languages,"
                    " breaking = excluded.breaking",
                    [
                        (
                            x.rule_id,
                            x.story_id,
                            stamp(x.first_matched_at),
                            x.growing_step,
                            as_json(tuple(sorted(x.languages))),
                            flag(x.breaking),
                        )
                        for x in states
                    ],
                )

        if outbox_ids:
            store.finish_outbox(list(outbox_ids), then=write)
        else:
            with store.transaction() as conn:
                write(conn, [])

    # -- the delivery queue ----------------------------------------------------------------
    def claim_due(
        self,
        owner: str,
        *,
        channels: Sequence[str],
        limit: int,
        lease_seconds: float = 120.0,
        now: datetime | None = None,
    ) -> list[Delivery]:
        """Pending deliveries of ``channels`` that are due and nobody else holds, claimed by
        ``owner`` for ``lease_seconds`` (FOR UPDATE SKIP LOCKED on PostgreSQL)."""
        now = now or _now()
        store = self.store
        query = (
            sa.select(_d.c.id)
            .where(
                _d.c.status == PENDING,
                _d.c.channel.in_(list(channels)),
                _d.c.next_attempt_at <= now,
                sa.or_(_d.c.claimed_until.is_(None), _d.c.claimed_until < now),
            )
            .order_by(_d.c.next_attempt_at, _d.c.id)
            .limit(limit)
        )
        if store.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        with store.transaction() as conn:
            ids = [int(i) for (i,) in conn.execute(query)]
            if ids:
                conn.execute(
                    _d.update()
                    .where(_d.c.id.in_(ids))
                    .values(claimed_by=owner, claimed_until=now + timedelta(seconds=lease_seconds))
                )
        return self._deliveries(_d.c.id.in_(ids)) if ids else []

    def _deliveries(self, *where: Any, limit: int | None = None) -> list[Delivery]:
        r_, p_, f_ = alert_rules, alert_payloads, _follows
        query = (
            sa.select(
                _d,
                r_.c.target,
                r_.c.secret,
                r_.c.language,
                r_.c.follow_id,
                f_.c.kind.label("follow_kind"),
                f_.c.label.label("follow_label"),
                p_.c.story,
            )
            .join(r_, r_.c.id == _d.c.rule_id)
            .join(f_, f_.c.id == r_.c.follow_id)
            .join(p_, p_.c.id == _d.c.payload_id)
            .where(*where)
            .order_by(_d.c.id.desc() if limit else _d.c.id)
        )
        if limit:
            query = query.limit(limit)
        with self.store.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            Delivery(
                id=int(x.id),
                rule_id=int(x.rule_id),
                user_id=int(x.user_id),
                story_id=int(x.story_id),
                event=str(x.event),
                channel=str(x.channel),
                target=str(x.target),
                status=str(x.status),
                attempts=int(x.attempts),
                payload=delivery_payload(
                    str(x.event),
                    int(x.rule_id),
                    {"id": int(x.follow_id), "kind": str(x.follow_kind), "label": x.follow_label},
                    dict(x.story or {}),
                ),
                created_at=x.created_at,
                next_attempt_at=x.next_attempt_at,
                sent_at=x.sent_at,
                last_error=x.last_error,
                language=str(x.language),
                secret=str(x.secret),
            )
            for x in rows
        ]

    def mark_sent(self, ids: Sequence[int], *, owner: str, now: datetime | None = None) -> None:
        now = now or _now()
        if not ids:
            return
        with self.store.transaction() as conn:
            conn.execute(
                _d.update()
                .where(_d.c.id.in_(list(ids)), _d.c.status == PENDING)
                .values(
                    status=SENT,
                    sent_at=now,
                    attempts=_d.c.attempts + 1,
                    claimed_by=None,
                    claimed_until=None,
                    last_error=None,
                )
            )

    def mark_failed(self, delivery_id: int, error: str, *, retry_at: datetime | None) -> None:
        """A failed try: again at ``retry_at``, or a dead letter (None)."""
        with self.store.transaction() as conn:
            conn.execute(
                _d.update()
                .where(_d.c.id == delivery_id, _d.c.status == PENDING)
                .values(
                    status=PENDING if retry_at is not None else DEAD,
                    attempts=_d.c.attempts + 1,
                    next_attempt_at=retry_at,
                    last_error=error[:500],
                    claimed_by=None,
                    claimed_until=None,
                )
            )

    def record_digest(self, user_id: int, target: str, count: int) -> None:
        with self.store.transaction() as conn:
            conn.execute(
                alert_digests.insert().values(
                    user_id=user_id, target=target, deliveries=count, sent_at=_now()
                )
            )

    # -- what a user sees --------------------------------------------------------------------
    def user_deliveries(
        self, user_id: int, *, status: str | None = None, limit: int = 50
    ) -> list[Delivery]:
        where = [_d.c.user_id == user_id]
        if status is not None:
            where.append(_d.c.status == status)
        return self._deliveries(*where, limit=limit)

    def all_deliveries(self) -> list[Delivery]:
        """Every delivery, oldest first (tests and ``marsad alerts list``)."""
        return self._deliveries()

    def retry_dead(self, user_id: int, delivery_id: int) -> bool:
        """Send the user's own dead letter again (from its first try)."""
        with self.store.transaction() as conn:
            done = conn.execute(
                _d.update()
                .where(_d.c.id == delivery_id, _d.c.user_id == user_id, _d.c.status == DEAD)
                .values(status=PENDING, attempts=0, next_attempt_at=_now(), last_error=None)
            )
            return bool(done.rowcount)


__all__ = ["Alerts"]
