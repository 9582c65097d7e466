"""Store access of alerts (issue 20): rules, what a changed story looks like, the delivery queue.

``Alerts(store)`` is what ``marsad.alerts.service`` is handed (it never imports the store). The
one write that matters for "exactly once" is :meth:`Alerts.commit`: the deliveries a batch of
``alert`` outbox rows gave, the rules' story states and the removal of those outbox rows, in ONE
transaction; deliveries are unique per (rule, story, event), so a batch done twice (its
consumer killed after the commit, before it knew) writes nothing new.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
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
from marsad.errors import NotFoundError, UserError
from marsad.search.places import country_region
from marsad.store import Store
from marsad.store import schema as t
from marsad.store.alert_tables import (
    alert_deliveries,
    alert_digests,
    alert_rules,
    alert_story_state,
)
from marsad.store.store import OUTBOX_ALERT

_follows = t.metadata.tables["follows"]
_d = alert_deliveries


def _now() -> datetime:
    return datetime.now(UTC)


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
        any more is left out)."""
        a = t.articles
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
            for row in rows:
                event = self._event(conn, row)
                if event is not None:
                    out[int(row.id)] = event
        return out

    def _event(self, conn: sa.Connection, row: Any) -> StoryEvent | None:
        a, s = t.articles, t.stories
        story = conn.execute(sa.select(s).where(s.c.id == row.story_id)).first()
        if story is None:
            return None
        when = sa.func.coalesce(a.c.published_at, a.c.created_at, type_=t.UTCDateTime)
        members = conn.execute(
            sa.select(a.c.source_id, a.c.language, sa.func.min(when).label("first"))
            .where(a.c.story_id == row.story_id)
            .group_by(a.c.source_id, a.c.language)
        ).all()
        source_first: dict[int, datetime] = {}
        language_first: dict[str, datetime] = {}
        for m in members:
            if m.source_id is not None:
                prev = source_first.get(int(m.source_id))
                source_first[int(m.source_id)] = m.first if prev is None else min(prev, m.first)
            if m.language:
                prev = language_first.get(m.language)
                language_first[m.language] = m.first if prev is None else min(prev, m.first)
        ae = t.article_entities
        story_entities = {
            e
            for (e,) in conn.execute(
                sa.select(ae.c.entity_id)
                .distinct()
                .join(a, a.c.id == ae.c.article_id)
                .where(a.c.story_id == row.story_id)
            )
        }
        own_entities = [
            e for (e,) in conn.execute(sa.select(ae.c.entity_id).where(ae.c.article_id == row.id))
        ]
        ac = t.article_countries
        about = [
            c
            for (c,) in conn.execute(
                sa.select(ac.c.country).where(ac.c.article_id == row.id, ac.c.is_about.is_(True))
            )
        ]
        translated = conn.execute(
            sa.select(t.translations.c.text).where(
                t.translations.c.article_id == row.id,
                t.translations.c.field == "title",
                t.translations.c.target_language == "ar",
            )
        ).scalar()
        title = f"{row.title or ''}\n{translated}" if translated else row.title
        doc = match_doc(
            article_id=int(row.id),
            title=title,
            body=row.text or row.summary,
            language=row.language,
            entity_ids=own_entities,
            countries=about,
            source_id=row.source_id,
            published_at=row.when,
            story_id=int(row.story_id),
            indexed=row.duplicate_of is None or row.duplicate_kind == "translation",
        )
        countries = frozenset(story.countries or ())
        regions = set(story.regions or ()) | {
            r for r in (country_region(c) for c in countries) if r is not None
        }
        first_seen = story.first_seen or row.when
        last_seen = max(story.last_seen or row.when, row.when)
        return StoryEvent(
            story_id=int(story.id),
            title=story.title or row.title or "",
            title_ar=story.title_ar,
            countries=countries,
            regions=frozenset(regions),
            entity_ids=frozenset(story_entities),
            source_ids=frozenset(source_first),
            languages=frozenset(language_first),
            article_count=int(story.article_count),
            source_count=int(story.source_count),
            first_seen=first_seen,
            last_seen=last_seen,
            doc=doc,
            source_times=tuple(sorted(source_first.items())),
            language_times=tuple(sorted(language_first.items())),
            url=f"/stories/{int(story.id)}",
            created_at=story.created_at,
        )

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
            if fires:
                conn.execute(
                    store.insert(_d).on_conflict_do_nothing(),
                    [
                        {
                            "rule_id": fire.rule_id,
                            "user_id": rule.user_id,
                            "story_id": fire.story_id,
                            "event": fire.event,
                            "channel": rule.channel,
                            "status": PENDING,
                            "attempts": 0,
                            "payload": fire.payload,
                            "created_at": now,
                            "next_attempt_at": due or now,
                        }
                        for fire, rule, due in fires
                    ],
                )
            if states:
                # One statement for every state (executemany), not one per rule and story.
                st = alert_story_state
                stmt = store.insert(st).values(
                    rule_id=sa.bindparam("r"),
                    story_id=sa.bindparam("s"),
                    first_matched_at=sa.bindparam("f", type_=t.UTCDateTime),
                    growing_step=sa.bindparam("g"),
                    languages=sa.bindparam("l", type_=sa.JSON),
                    breaking=sa.bindparam("b"),
                )
                stmt = stmt.on_conflict_do_update(
                    index_elements=["rule_id", "story_id"],
                    set_={
                        "growing_step": stmt.excluded.growing_step,
                        "languages": stmt.excluded.languages,
                        "breaking": stmt.excluded.breaking,
                    },
                )
                conn.execute(
                    stmt,
                    [
                        {
                            "r": x.rule_id,
                            "s": x.story_id,
                            "f": x.first_matched_at,
                            "g": x.growing_step,
                            "l": sorted(x.languages),
                            "b": x.breaking,
                        }
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
        r_ = alert_rules
        query = (
            sa.select(_d, r_.c.target, r_.c.secret, r_.c.language)
            .join(r_, r_.c.id == _d.c.rule_id)
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
                payload=dict(x.payload or {}),
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
