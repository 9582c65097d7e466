"""The storage interface: one class over SQLAlchemy Core, the same on SQLite and PostgreSQL.

Every write runs in one short transaction (``_write``); on SQLite writes are serialised by a
lock so the file has one writer. Rows come back as the frozen records of ``marsad.models``.

Writes are idempotent under their natural keys (an article's URL, an alias, (article, source),
an entity id, (entity, name, language), (article, country), a signature's article, (article,
field, language) of a translation): rows are written with ``INSERT ... ON CONFLICT`` on both
backends, so two processes storing the same article at once end with one row and no error. A
PostgreSQL deadlock or serialisation failure between two such writers is retried.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from marsad.errors import NotFoundError, StorageError, UserError
from marsad.models import (
    AnalysedArticle,
    Article,
    ArticleCountry,
    ArticleEntity,
    Entity,
    EntityName,
    EntityType,
    ExtractionStatus,
    NewArticle,
    Regrouping,
    Source,
    SourceKind,
    Story,
    Translation,
)
from marsad.store import schema as t
from marsad.store.engine import create_engine, first_line, migrate
from marsad.store.grouping import DecisionBatch, refresh_story_counts, story_values
from marsad.store.reads import StoreReads

log = logging.getLogger(__name__)

T = TypeVar("T")

# Work the pipeline leaves for consumers in the article's own transaction (``outbox.kind``).
OUTBOX_TRANSLATE = "translate"
OUTBOX_GROUP = "group"
# A story changed by a grouping decision, for the alert consumer (issue 20): the row names the
# story's newest article of the decision; written only when the pipeline asks (``story_outbox``).
OUTBOX_ALERT = "alert"
# A ``group`` row's fields when the article's index entry is written at grouping, not before.
INDEX_AT_GROUPING = "index"
# PostgreSQL SQLSTATEs of a transaction lost to a concurrent one: safe to run again.
_RETRYABLE = {"40P01", "40001"}  # deadlock_detected, serialization_failure
_WRITE_ATTEMPTS = 5
# The lock whose holder makes grouping decisions (stories, copies), and how long a holder that
# stops renewing it keeps it: long enough for a slow batch, short enough that a killed
# holder's successor takes over within a minute.
GROUPING_LOCK = "grouping"
# The ``pipeline_state`` row of the grouping window (decision counter and snapshot).
GROUPING_STATE = "grouping"
LOCK_SECONDS = 30.0
# How often a holder's decisions push the lock's expiry (each one still checks it is held).
RENEW_EVERY_SECONDS = 1.0
# Errors that mean the database itself is unusable (gone, full, read-only), not a bad row.
_UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError)

# The hook save_analysed / apply_groupings call inside their transaction with the ids whose
# search-index rows must be rewritten (the search package provides it; store cannot import it).
IndexHook = Callable[[sa.Connection, Sequence[int]], object]


@dataclass(frozen=True)
class GroupedArticle:
    """A grouped article as the window replay needs it (``Store.grouped_since``)."""

    id: int
    url: str
    story_id: int | None
    duplicate_of: int | None
    minhash: bytes | None
    features: dict[str, Any] | None
    story_first_seen: datetime | None
    stream_time: datetime | None = None  # published, else fetched


def _stream_time() -> Any:
    """An article's place in the stream: when it was published, else when it was fetched."""
    return sa.func.coalesce(t.articles.c.published_at, t.articles.c.fetched_at)


def _waiting_for_grouping() -> Any:
    """Articles stored but not grouped yet: the holder takes them from the outbox instead."""
    return (
        sa.select(t.outbox.c.id)
        .where(t.outbox.c.kind == OUTBOX_GROUP, t.outbox.c.article_id == t.articles.c.id)
        .exists()
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _inserted_id(result: sa.CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _retryable(exc: BaseException) -> bool:
    return getattr(getattr(exc, "orig", None), "sqlstate", None) in _RETRYABLE


_SOURCE_FIELDS = {c.name for c in t.sources.columns} - {"id", "created_at"}
_ARTICLE_FIELDS = {c.name for c in t.articles.columns} - {"id", "created_at"}
_STORY_FIELDS = {c.name for c in t.stories.columns} - {"id", "created_at"}


class Store(StoreReads):
    """Typed access to the database. Create with :func:`open_store`. Reads for the site, feeds,
    API and CLI come from :meth:`reading` (``marsad.store.reads``)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._write_lock = threading.RLock()

    # -- plumbing -------------------------------------------------------------------------
    def insert(self, table: sa.Table) -> Any:
        """An INSERT with the backend's ``on_conflict_do_nothing`` / ``on_conflict_do_update``."""
        if self.dialect == "postgresql":
            return pg_dialect.insert(table)
        return sqlite_dialect.insert(table)

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        with self._write_lock:
            try:
                with (
                    self.engine.connect().execution_options(marsad_write=True) as conn,
                    conn.begin(),
                ):
                    yield conn
            except _UNAVAILABLE as exc:
                if _retryable(exc):
                    raise
                raise StorageError(f"database write failed: {first_line(exc)}") from None

    def _run_write(self, work: Callable[[sa.Connection], T]) -> T:
        """Run ``work`` in one write transaction; a PostgreSQL deadlock or serialisation
        failure against a concurrent writer rolls back and runs it again (it is idempotent)."""
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                with self._write() as conn:
                    return work(conn)
            except _UNAVAILABLE as exc:
                if not _retryable(exc) or attempt == _WRITE_ATTEMPTS - 1:
                    raise StorageError(f"database write failed: {first_line(exc)}") from None
                log.debug("write lost to a concurrent one (%s); retrying", first_line(exc))
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except _UNAVAILABLE as exc:
            raise StorageError(f"database read failed: {first_line(exc)}") from None

    @contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """A write transaction for callers (search indexing, clustering) that batch statements."""
        with self._write() as conn:
            yield conn

    def _connect(self) -> sa.Connection:
        """A plain read connection (caller closes it): for this class and its tests only;
        everything else reads through methods that return plain data."""
        return self.engine.connect()

    def close(self) -> None:
        self.engine.dispose()

    # -- sources --------------------------------------------------------------------------
    def add_source(
        self,
        url: str,
        kind: SourceKind | str = SourceKind.FEED,
        *,
        title: str | None = None,
        country: str | None = None,
        language: str | None = None,
        site_url: str | None = None,
        next_poll_at: datetime | None = None,
    ) -> Source:
        now = utcnow()
        values = {
            "url": url,
            "kind": SourceKind(kind).value,
            "title": title,
            "country": country.upper() if country else None,
            "language": language.lower() if language else None,
            "site_url": site_url,
            "next_poll_at": next_poll_at or now,
            "created_at": now,
            "updated_at": now,
        }
        inserted = self._run_write(
            lambda conn: conn.execute(
                self.insert(t.sources)
                .values(**values)
                .on_conflict_do_nothing(index_elements=["url"])
                .returning(t.sources.c.id)
            ).first()
        )
        if inserted is None:
            raise UserError(
                f"source already exists: {url}", message_ar=f"المصدر موجود من قبل: {url}"
            )
        return self.get_source(int(inserted[0]))

    def _source_query(self) -> sa.Select[Any]:
        # A correlated count reads one source's links through the primary key index; a grouped
        # count over all of article_sources cost time in proportion to the whole store.
        count = (
            sa.select(sa.func.count())
            .select_from(t.article_sources)
            .where(t.article_sources.c.source_id == t.sources.c.id)
            .correlate(t.sources)
            .scalar_subquery()
        )
        return sa.select(t.sources, count.label("article_count"))

    @staticmethod
    def _row_to_source(row: sa.Row[Any]) -> Source:
        m = dict(row._mapping)
        m.pop("updated_at", None)
        m["kind"] = SourceKind(m["kind"])
        return Source(**m)

    def get_source(self, source_id: int) -> Source:
        with self._read() as conn:
            row = conn.execute(self._source_query().where(t.sources.c.id == source_id)).first()
        if row is None:
            raise NotFoundError(
                f"unknown source: {source_id}", message_ar=f"مصدر غير معروف: {source_id}"
            )
        return self._row_to_source(row)

    def find_source(self, url: str) -> Source | None:
        with self._read() as conn:
            row = conn.execute(self._source_query().where(t.sources.c.url == url)).first()
        return self._row_to_source(row) if row else None

    def get_source_by_url(self, url: str) -> Source:
        source = self.find_source(url)
        if source is None:
            raise NotFoundError(f"unknown source: {url}", message_ar=f"مصدر غير معروف: {url}")
        return source

    def list_sources(
        self, *, due_before: datetime | None = None, include_paused: bool = True
    ) -> list[Source]:
        query = self._source_query().order_by(t.sources.c.id)
        if due_before is not None:
            query = query.where(
                sa.or_(t.sources.c.next_poll_at.is_(None), t.sources.c.next_poll_at <= due_before)
            )
        if not include_paused:
            query = query.where(t.sources.c.paused.is_(False))
        with self._read() as conn:
            return [self._row_to_source(r) for r in conn.execute(query)]

    def update_source(self, source_id: int, **fields: Any) -> Source:
        unknown = set(fields) - _SOURCE_FIELDS
        if unknown:
            raise ValueError(f"unknown source fields: {sorted(unknown)}")
        fields["updated_at"] = utcnow()
        with self._write() as conn:
            result = conn.execute(
                t.sources.update().where(t.sources.c.id == source_id).values(**fields)
            )
        if result.rowcount == 0:
            raise NotFoundError(f"unknown source: {source_id}")
        return self.get_source(source_id)

    def remove_source(self, url: str) -> Source:
        """Remove a source. Its articles stay (they may be carried by other sources too)."""
        source = self.get_source_by_url(url)
        with self._write() as conn:
            conn.execute(
                t.articles.update()
                .where(t.articles.c.source_id == source.id)
                .values(source_id=None)
            )
            conn.execute(t.sources.delete().where(t.sources.c.id == source.id))
        return source

    # -- articles -------------------------------------------------------------------------
    def find_article_id(self, keys: Iterable[str]) -> int | None:
        """The id of the article stored under any of ``keys`` (canonical URL, alias or guid)."""
        keys = [k for k in keys if k]
        if not keys:
            return None
        with self._read() as conn:
            found = conn.execute(
                sa.select(t.articles.c.id).where(t.articles.c.url.in_(keys))
            ).first()
            if found is None:
                found = conn.execute(
                    sa.select(t.article_aliases.c.article_id).where(
                        t.article_aliases.c.alias.in_(keys)
                    )
                ).first()
        return int(found[0]) if found else None

    def add_article(self, new: NewArticle) -> tuple[Article, bool]:
        """Store ``new`` once. Returns (article, created); a known URL/alias only records the source."""
        now = utcnow()
        article_id, created = self._run_write(lambda conn: self._add_article_in(conn, new, now))
        return self.get_article(article_id), created

    def add_articles(self, batch: Sequence[NewArticle]) -> list[tuple[int, bool]]:
        """Store a batch in one transaction: all of it is committed, or none. Returns (id, created)."""
        now = utcnow()
        return self._run_write(lambda conn: [self._add_article_in(conn, n, now) for n in batch])

    def _add_article_in(
        self, conn: sa.Connection, new: NewArticle, now: datetime
    ) -> tuple[int, bool]:
        keys = [new.url, *new.aliases, *([new.guid] if new.guid else [])]
        existing = conn.execute(
            sa.select(t.articles.c.id).where(t.articles.c.url.in_(keys))
        ).first()
        if existing is None:
            existing = conn.execute(
                sa.select(t.article_aliases.c.article_id).where(t.article_aliases.c.alias.in_(keys))
            ).first()
        created = existing is None
        if created:
            values = {k: v for k, v in vars(new).items() if k in _ARTICLE_FIELDS}
            values["extraction_status"] = ExtractionStatus(new.extraction_status).value
            values["created_at"] = now
            inserted = conn.execute(
                self.insert(t.articles)
                .values(**values)
                .on_conflict_do_nothing(index_elements=["url"])
                .returning(t.articles.c.id)
            ).first()
            if inserted is None:
                # Another writer stored this URL since the look-up: it is already known.
                created = False
                article_id = int(
                    conn.execute(
                        sa.select(t.articles.c.id).where(t.articles.c.url == new.url)
                    ).scalar_one()
                )
            else:
                article_id = int(inserted[0])
        else:
            article_id = int(existing[0])  # type: ignore[index]
        aliases = [k for k in keys if k != new.url] + ([] if created else [new.url])
        self._add_aliases(conn, article_id, aliases)
        if new.source_id is not None:
            self._link_source(conn, article_id, new.source_id, now)
        return article_id, created

    def save_analysed(
        self,
        bundle: AnalysedArticle,
        *,
        holder: str | None = None,
        outbox: Sequence[str] = (),
        index: IndexHook | None = None,
        index_at_grouping: bool = False,
        story_outbox: Sequence[str] = (),
    ) -> tuple[int, int | None, bool]:
        """Store an article with its analysis, duplicate link and story in ONE transaction.

        A crash leaves either all of it or none of it. Returns (article id, story id, created);
        an article already stored is left as it is (only its new alias and source are recorded).

        ``outbox`` names the work that follows (``translate``), written in the same
        transaction; ``index`` rewrites the search rows in it too, so a stored article is never
        left unsearchable. A bundle with a story is a grouping decision: with ``holder`` it is
        kept only while ``holder`` still holds the grouping lock (checked and renewed in this
        transaction); otherwise the article is stored without a story and a ``group`` outbox
        row hands it to the holder. The story id is then None.

        ``index_at_grouping``: for the grouping holder's own articles, grouped right after in
        this process. An article left pending grouping is then not indexed here: its ``group``
        row says so (fields ``["index"]``) and :meth:`apply_groupings` writes the entry in the
        grouping transaction, once, knowing whether it is a copy (most repeats are; indexing
        them at store time only to remove them at grouping was half the import's index work).
        The row is in this transaction, so a crash in between leaves the work to the next
        holder, and ``index_disagreement`` counts such an article as waiting, not missing.
        """
        now = utcnow()

        def work(conn: sa.Connection) -> tuple[int, int | None, bool]:
            article_id, created = self._add_article_in(conn, bundle.article, now)
            if not created:
                row = conn.execute(
                    sa.select(t.articles.c.story_id).where(t.articles.c.id == article_id)
                ).first()
                return article_id, (row.story_id if row else None), False
            if bundle.entities:
                self._upsert_entities_in(conn, bundle.entities)
            if bundle.countries:
                conn.execute(
                    self.insert(t.article_countries).on_conflict_do_nothing(),
                    [{"article_id": article_id, **vars(c)} for c in bundle.countries],
                )
            if bundle.entity_links:
                conn.execute(
                    self.insert(t.article_entities).on_conflict_do_nothing(),
                    [{"article_id": article_id, **vars(e)} for e in bundle.entity_links],
                )
            if bundle.minhash is not None or bundle.features is not None:
                self._put_signature_in(conn, article_id, bundle.minhash, bundle.features)
            kinds = list(outbox)
            decision = bundle.story is not None or bundle.duplicate_of is not None
            story_id = None
            reindex = [article_id]
            if decision and (
                holder is None or self._renew_lock_in(conn, GROUPING_LOCK, holder, now)
            ):
                story_id, demoted = self._group_in(conn, article_id, bundle, now)
                reindex += demoted
                if story_id is not None:
                    kinds += story_outbox
            elif decision:
                kinds.append(OUTBOX_GROUP)
            deferred = index is not None and index_at_grouping and OUTBOX_GROUP in kinds
            if deferred:
                kinds.remove(OUTBOX_GROUP)
                self._enqueue_in(conn, [OUTBOX_GROUP], [article_id], now, [INDEX_AT_GROUPING])
            self._enqueue_in(conn, kinds, [article_id], now)
            if index is not None and not deferred:
                index(conn, reindex)
            return article_id, story_id, True

        return self._run_write(work)

    def _group_in(
        self, conn: sa.Connection, article_id: int, bundle: AnalysedArticle, now: datetime
    ) -> tuple[int | None, list[int]]:
        """Apply a grouping decision (story, copy link) to a stored article. Returns its story
        id and the articles that stopped being originals (``DecisionBatch.decide``)."""
        self._count_decision_in(conn)
        batch = DecisionBatch(conn, now)
        batch.prefetch([bundle])
        story_id, demoted = batch.decide(article_id, bundle)
        batch.finish()
        return batch.story_id(story_id), demoted

    def apply_groupings(
        self,
        decisions: Sequence[tuple[int, AnalysedArticle, str | None]],
        *,
        holder: str,
        index: IndexHook | None = None,
        story_outbox: Sequence[str] = (),
    ) -> list[int | None] | None:
        """The holder's decisions for articles stored as pending grouping, in order, in ONE
        transaction with the removal of their ``group`` outbox rows. Returns the story id of
        each; None, nothing written, when ``holder`` no longer holds the grouping lock.

        Each decision is (article id, bundle, story reference): the reference names the
        window's story, so decisions of one batch that put articles in the same new story
        (``story_id`` None) share the story the first of them creates. A batch is the same as
        its decisions one by one: each sees the ones before it (a copy of an article decided
        earlier in the batch links to it); the rows are written together at the end
        (``DecisionBatch``: a few statements a batch, not several a decision), and so are the
        decision counter and the search rows. ``story_outbox`` kinds are written once per
        story the batch changed, for its last article in the batch."""
        now = utcnow()

        def work(conn: sa.Connection) -> list[int | None] | None:
            if not self._renew_lock_in(conn, GROUPING_LOCK, holder, now):
                return None
            if not decisions:
                return []
            o, a = t.outbox, t.articles
            ids = [d[0] for d in decisions]
            waiting = {
                int(r.article_id): r.fields
                for r in conn.execute(
                    o.delete()
                    .where(o.c.kind == OUTBOX_GROUP, o.c.article_id.in_(ids))
                    .returning(o.c.article_id, o.c.fields)
                )
            }
            # Grouped already (a retried batch), or the article is gone: its stored story.
            decided: dict[int, int | None] = {}
            if len(waiting) < len(ids):
                query = sa.select(a.c.id, a.c.story_id).where(
                    a.c.id.in_([i for i in ids if i not in waiting])
                )
                decided = {int(r.id): r.story_id for r in conn.execute(query)}
            batch = DecisionBatch(conn, now)
            batch.prefetch(d[1] for d in decisions if d[0] in waiting)
            story_ids: list[int | None] = []
            created: dict[str, int] = {}  # story reference -> the story this batch created
            reindex: dict[int, None] = {}
            for article_id, bundle, ref in decisions:
                if article_id not in waiting:
                    story_ids.append(decided.get(article_id))
                    continue
                change = bundle.story
                # A new story of this batch's window is created once, by its first decision.
                new_ref = ref if change is not None and change.story_id is None else None
                if change is not None and new_ref in created:
                    bundle = replace(bundle, story=replace(change, story_id=created[new_ref]))
                story_id, demoted = batch.decide(article_id, bundle)
                story_ids.append(story_id)
                if story_id is not None and new_ref is not None:
                    created.setdefault(new_ref, story_id)
                # Its index entry was written when it was stored (unless the row says it
                # waits for this transaction); only a copy leaves the index, and so does an
                # earlier original that just became a copy of it.
                reindex.update(dict.fromkeys(demoted))
                fields = waiting[article_id] or ()
                if bundle.duplicate_of is not None or INDEX_AT_GROUPING in fields:
                    reindex[article_id] = None
            if waiting:  # decisions were made: a snapshot from before them is stale
                self._count_decision_in(conn)
            touched = batch.finish()
            if story_outbox and touched:
                self._enqueue_in(conn, story_outbox, list(touched.values()), now)
            if index is not None and reindex:
                index(conn, list(reindex))
            return [
                batch.story_id(s) if i in waiting else s
                for (i, _, _), s in zip(decisions, story_ids, strict=True)
            ]

        return self._run_write(work)

    def apply_regrouping(
        self, change: Regrouping, *, holder: str, index: IndexHook | None = None
    ) -> dict[str, int] | None:
        """The holder's re-check of its window (``marsad.cluster.recheck``) in one transaction:
        new stories created, articles moved and re-linked, story rows refreshed, stories that
        no story continues marked ``merged_into`` the one that took their articles (pages and
        feeds of the old id lead there). Returns the story id of each reference; None, nothing
        written, when ``holder`` no longer holds the grouping lock."""
        now = utcnow()

        def work(conn: sa.Connection) -> dict[str, int] | None:
            if not self._renew_lock_in(conn, GROUPING_LOCK, holder, now):
                return None
            self._count_decision_in(conn)
            ids: dict[str, int] = {}
            for ref, story in change.stories.items():
                values = story_values(story, now)
                if story.story_id is None:
                    ids[ref] = _inserted_id(
                        conn.execute(t.stories.insert().values(created_at=now, **values))
                    )
                else:
                    ids[ref] = story.story_id
                    conn.execute(
                        t.stories.update()
                        .where(t.stories.c.id == story.story_id)
                        .values(merged_into=None, **values)
                    )
            relinked: list[int] = []
            left: set[int] = set()  # stories that lose articles: their counts change too
            a = t.articles
            for article_id, ref, duplicate_of, kind, evidence in change.articles:
                before = conn.execute(
                    sa.select(a.c.duplicate_of, a.c.story_id).where(a.c.id == article_id)
                ).first()
                old_link = before.duplicate_of if before else None
                if before is not None and before.story_id is not None:
                    left.add(before.story_id)
                conn.execute(
                    a.update()
                    .where(a.c.id == article_id)
                    .values(
                        story_id=ids[ref],
                        duplicate_of=duplicate_of,
                        duplicate_kind=kind if duplicate_of else None,
                        duplicate_evidence=evidence if duplicate_of else None,
                    )
                )
                if (old_link is None) != (duplicate_of is None):
                    relinked.append(article_id)  # a copy leaves the index, an original joins
            for gone, ref in change.absorbed:
                target = ids[ref]
                if gone == target:
                    continue
                conn.execute(a.update().where(a.c.story_id == gone).values(story_id=target))
                conn.execute(
                    t.stories.update()
                    .where(t.stories.c.id == gone)
                    .values(merged_into=target, article_count=0, source_count=0, updated_at=now)
                )
                # Stories merged into it before lead to its successor directly.
                conn.execute(
                    t.stories.update()
                    .where(t.stories.c.merged_into == gone)
                    .values(merged_into=target)
                )
            emptied = {story_id for story_id, _ in change.absorbed}
            refresh_story_counts(conn, (set(ids.values()) | left) - emptied)
            if index is not None and relinked:
                index(conn, relinked)
            return ids

        return self._run_write(work)

    def pending_grouping(self, *, limit: int = 500) -> list[Any]:
        """Articles stored by a process without the grouping lock, oldest first, with what
        grouping needs: id, url, published_at, fetched_at, minhash, features."""
        a, o, sig = t.articles, t.outbox, t.article_signatures
        query = (
            sa.select(
                a.c.id,
                a.c.url,
                a.c.published_at,
                a.c.fetched_at,
                sig.c.minhash,
                sig.c.features,
            )
            .select_from(o)
            .join(a, a.c.id == o.c.article_id)
            .outerjoin(sig, sig.c.article_id == a.c.id)
            .where(o.c.kind == OUTBOX_GROUP)
            .order_by(o.c.id)
            .limit(limit)
        )
        with self._read() as conn:
            return list(conn.execute(query).all())

    # -- the grouping window: decision counter, snapshot, replay ----------------------------
    def _count_decision_in(self, conn: sa.Connection) -> None:
        """Bump the grouping decision counter in the decision's own transaction: a window
        snapshot taken before it is stale from then on (``grouping_snapshot``)."""
        ps = t.pipeline_state
        bumped = conn.execute(
            ps.update().where(ps.c.name == GROUPING_STATE).values(seq=ps.c.seq + 1)
        )
        if bumped.rowcount == 0:
            conn.execute(
                self.insert(ps).values(name=GROUPING_STATE, seq=1).on_conflict_do_nothing()
            )

    def save_grouping_snapshot(self, data: bytes, fmt: str, *, holder: str) -> bool:
        """As the grouping holder: keep ``data`` (the story window, format ``fmt``) as the
        state after the decisions applied so far. False, nothing written, when ``holder`` no
        longer holds the grouping lock (its window may be behind another holder's)."""
        now = utcnow()
        ps = t.pipeline_state

        def work(conn: sa.Connection) -> bool:
            if not self._renew_lock_in(conn, GROUPING_LOCK, holder, now):
                return False
            conn.execute(
                self.insert(ps).values(name=GROUPING_STATE, seq=0).on_conflict_do_nothing()
            )
            conn.execute(
                ps.update()
                .where(ps.c.name == GROUPING_STATE)
                .values(
                    snapshot=data,
                    snapshot_seq=ps.c.seq,
                    snapshot_format=fmt,
                    saved_at=now,
                )
            )
            return True

        return self._run_write(work)

    def grouping_snapshot(self, fmt: str) -> bytes | None:
        """The saved story window, only when it is current (no grouping decision since it
        was taken) and in format ``fmt``; None otherwise: the caller replays the store."""
        ps = t.pipeline_state
        query = sa.select(ps.c.snapshot).where(
            ps.c.name == GROUPING_STATE,
            ps.c.snapshot_seq == ps.c.seq,
            ps.c.snapshot_format == fmt,
        )
        with self._read() as conn:
            data = conn.execute(query).scalar()
        return bytes(data) if data is not None else None

    def newest_grouped_time(self) -> datetime | None:
        """The stream time (published, else fetched) of the newest article with a signature."""
        a, sig = t.articles, t.article_signatures
        query = sa.select(sa.func.max(_stream_time())).join(sig, sig.c.article_id == a.c.id)
        with self._read() as conn:
            newest = conn.execute(query).scalar()
        return None if newest is None else _as_utc(newest)

    def grouped_since(self, since: datetime) -> list[GroupedArticle]:
        """The grouped articles with a signature from ``since`` on (stream time), in stream
        order: what a holder replays into its window when no current snapshot exists."""
        a, sig, s = t.articles, t.article_signatures, t.stories
        when = _stream_time()
        query = (
            sa.select(
                a.c.id,
                a.c.url,
                a.c.story_id,
                a.c.duplicate_of,
                sig.c.minhash,
                sig.c.features,
                s.c.first_seen,
                when.label("stream_time"),
            )
            .join(sig, sig.c.article_id == a.c.id)
            .outerjoin(s, s.c.id == a.c.story_id)
            .where(when >= since, ~_waiting_for_grouping())
            .order_by(when, a.c.id)
        )
        with self._read() as conn:
            return [
                GroupedArticle(*row[:-1], _as_utc(row[-1]) if row[-1] is not None else None)
                for row in conn.execute(query)
            ]

    def signatures_between(
        self, since: datetime, before: datetime, *, limit: int
    ) -> list[tuple[int, bytes | None, dict[str, Any] | None]]:
        """(id, minhash, features) of up to ``limit`` originals (no copies) with a signature
        from ``since`` up to ``before`` (stream time), newest first."""
        a, sig = t.articles, t.article_signatures
        when = _stream_time()
        query = (
            sa.select(a.c.id, sig.c.minhash, sig.c.features)
            .join(a, sig.c.article_id == a.c.id)
            .where(when >= since, when < before, a.c.duplicate_of.is_(None))
            .order_by(when.desc())
            .limit(limit)
        )
        with self._read() as conn:
            return [(int(r.id), r.minhash, r.features) for r in conn.execute(query)]

    # -- outbox ---------------------------------------------------------------------------
    def _enqueue_in(
        self,
        conn: sa.Connection,
        kinds: Sequence[str],
        article_ids: Sequence[int],
        now: datetime,
        fields: list[str] | None = None,
    ) -> None:
        rows = [
            {"kind": k, "article_id": i, "created_at": now, "fields": fields}
            for k in kinds
            for i in article_ids
        ]
        if rows:
            conn.execute(self.insert(t.outbox).on_conflict_do_nothing(), rows)

    def enqueue(
        self, kind: str, article_ids: Sequence[int], *, fields: list[str] | None = None
    ) -> None:
        """Leave ``kind`` work for these articles in the outbox (once per article and kind)."""
        now = utcnow()
        ids = list(article_ids)
        self._run_write(lambda conn: self._enqueue_in(conn, [kind], ids, now, fields))

    def claim_outbox(
        self, kind: str, owner: str, *, limit: int, lease_seconds: float = 300.0
    ) -> list[tuple[int, int, list[str] | None]]:
        """Up to ``limit`` rows of ``kind`` nobody else is working on, oldest first, claimed by
        ``owner`` for ``lease_seconds`` (an expired claim comes back). Returns (row id,
        article id, fields); delete them with :meth:`finish_outbox` when done."""
        now = utcnow()
        o = t.outbox

        def work(conn: sa.Connection) -> list[tuple[int, int, list[str] | None]]:
            query = (
                sa.select(o.c.id, o.c.article_id, o.c.fields)
                .where(
                    o.c.kind == kind,
                    sa.or_(o.c.claimed_until.is_(None), o.c.claimed_until < now),
                )
                .order_by(o.c.id)
                .limit(limit)
            )
            if self.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = [(int(r.id), int(r.article_id), r.fields) for r in conn.execute(query)]
            if rows:
                conn.execute(
                    o.update()
                    .where(o.c.id.in_([r[0] for r in rows]))
                    .values(claimed_by=owner, claimed_until=now + timedelta(seconds=lease_seconds))
                )
            return rows

        return self._run_write(work)

    def finish_outbox(self, row_ids: Sequence[int], *, then: IndexHook | None = None) -> None:
        """Delete done outbox rows; ``then`` runs in the same transaction (e.g. re-indexing)."""

        def work(conn: sa.Connection) -> None:
            if row_ids:
                ids = list(row_ids)
                if then is not None:
                    articles = conn.execute(
                        sa.select(t.outbox.c.article_id).where(t.outbox.c.id.in_(ids))
                    )
                    then(conn, [int(r[0]) for r in articles])
                conn.execute(t.outbox.delete().where(t.outbox.c.id.in_(ids)))

        self._run_write(work)

    def outbox_counts(self) -> dict[str, int]:
        """Rows waiting per kind."""
        query = sa.select(t.outbox.c.kind, sa.func.count()).group_by(t.outbox.c.kind)
        with self._read() as conn:
            return {str(k): int(n) for k, n in conn.execute(query)}

    # -- locks and leases -------------------------------------------------------------------
    def acquire_lock(self, name: str, holder: str, *, ttl: float = LOCK_SECONDS) -> bool:
        """Take (or renew) the named lock for ``ttl`` seconds; False while another holds it."""
        now = utcnow()
        lk = t.locks

        def work(conn: sa.Connection) -> bool:
            until = now + timedelta(seconds=ttl)
            conn.execute(
                self.insert(lk)
                .values(name=name, holder=holder, expires_at=until)
                .on_conflict_do_nothing(index_elements=["name"])
            )
            taken = conn.execute(
                lk.update()
                .where(lk.c.name == name, sa.or_(lk.c.holder == holder, lk.c.expires_at < now))
                .values(holder=holder, expires_at=until)
            )
            return bool(taken.rowcount == 1)

        return self._run_write(work)

    def _renew_lock_in(
        self, conn: sa.Connection, name: str, holder: str, now: datetime, ttl: float = LOCK_SECONDS
    ) -> bool:
        """Inside a decision's transaction: still ours? (renewed if so). This fences a holder
        that stalled past its expiry: once another took the lock, its decisions are refused.

        The expiry is pushed at most once per ``RENEW_EVERY_SECONDS`` (a holder decides
        hundreds of articles a second; rewriting the lock row for each was a page write per
        decision): while the stored expiry is that fresh the row is only read, locked as the
        update would lock it (PostgreSQL ``FOR UPDATE``: a concurrent takeover is waited for
        and then seen; SQLite writes are serialised by ``BEGIN IMMEDIATE``), so the fence is
        the same. The stored expiry is the record of the last committed renewal: a rolled-back
        one renewed nothing and is not counted."""
        lk = t.locks
        query = sa.select(lk.c.holder, lk.c.expires_at).where(lk.c.name == name)
        if self.dialect == "postgresql":
            query = query.with_for_update()
        row = conn.execute(query).first()
        if row is None or row.holder != holder:
            return False
        expires = _as_utc(row.expires_at)
        if expires > now and expires >= now + timedelta(seconds=ttl - RENEW_EVERY_SECONDS):
            return True
        renewed = conn.execute(
            lk.update()
            .where(lk.c.name == name, lk.c.holder == holder)
            .values(expires_at=now + timedelta(seconds=ttl))
        )
        return bool(renewed.rowcount == 1)

    def break_lock(self, name: str, holder: str) -> None:
        """Free a lock whose holder is known to be gone (same as its release)."""
        self.release_lock(name, holder)

    def release_lock(self, name: str, holder: str) -> None:
        self._run_write(
            lambda conn: conn.execute(
                t.locks.delete().where(t.locks.c.name == name, t.locks.c.holder == holder)
            )
        )

    def lock_holder(self, name: str) -> tuple[str, datetime] | None:
        """Who holds the named lock and until when (None when free or expired)."""
        with self._read() as conn:
            row = conn.execute(sa.select(t.locks).where(t.locks.c.name == name)).first()
        if row is None or row.expires_at < utcnow():
            return None
        return str(row.holder), row.expires_at

    def claim_sources(
        self,
        owner: str,
        *,
        limit: int,
        lease_seconds: float,
        due_before: datetime | None = None,
        include_paused: bool = True,
        exclude: Iterable[int] = (),
    ) -> list[Source]:
        """Lease up to ``limit`` sources nobody else is fetching (``FOR UPDATE SKIP LOCKED`` on
        PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite): saving a source's poll state ends its lease,
        and a lease left by a killed process ends by itself after ``lease_seconds``."""
        now = utcnow()
        s = t.sources
        skip = list(exclude)

        def work(conn: sa.Connection) -> list[int]:
            query = (
                sa.select(s.c.id)
                .where(sa.or_(s.c.lease_until.is_(None), s.c.lease_until < now))
                .order_by(s.c.id)
                .limit(limit)
            )
            if due_before is not None:
                query = query.where(
                    sa.or_(s.c.next_poll_at.is_(None), s.c.next_poll_at <= due_before)
                )
            if not include_paused:
                query = query.where(s.c.paused.is_(False))
            if skip:
                query = query.where(s.c.id.not_in(skip))
            if self.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            ids = [int(r[0]) for r in conn.execute(query)]
            if ids:
                conn.execute(
                    s.update()
                    .where(s.c.id.in_(ids))
                    .values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_seconds))
                )
            return ids

        ids = self._run_write(work)
        if not ids:
            return []
        with self._read() as conn:
            rows = conn.execute(self._source_query().where(s.c.id.in_(ids)).order_by(s.c.id))
            return [self._row_to_source(r) for r in rows]

    def renew_source_leases(
        self, owner: str, source_ids: Iterable[int], *, lease_seconds: float
    ) -> list[int]:
        """Extend ``owner``'s leases on these sources by ``lease_seconds`` from now (a pass
        still working on them). Returns the ones another owner holds now: leases that ran out
        before this renewal and were claimed again."""
        ids = list(source_ids)
        if not ids:
            return []
        now = utcnow()
        s = t.sources

        def work(conn: sa.Connection) -> list[int]:
            conn.execute(
                s.update()
                .where(s.c.id.in_(ids), s.c.lease_owner == owner)
                .values(lease_until=now + timedelta(seconds=lease_seconds))
            )
            taken = conn.execute(
                sa.select(s.c.id).where(
                    s.c.id.in_(ids), s.c.lease_owner.is_not(None), s.c.lease_owner != owner
                )
            )
            return sorted(int(r[0]) for r in taken)

        return self._run_write(work)

    def integrity_problem(self) -> str | None:
        """SQLite's ``PRAGMA quick_check`` first complaint (None when sound, and on PostgreSQL,
        which checks its own pages)."""
        if self.dialect != "sqlite":
            return None
        with self._read() as conn:
            first = conn.exec_driver_sql("PRAGMA quick_check").scalar()
        return None if first == "ok" else str(first)

    def lease_owners(self) -> list[str]:
        """Owners of the source leases that have not run out."""
        s = t.sources
        query = sa.select(s.c.lease_owner).where(s.c.lease_until >= utcnow()).distinct()
        with self._read() as conn:
            return [str(r[0]) for r in conn.execute(query) if r[0]]

    def break_leases(self, owners: Iterable[str]) -> None:
        """End the leases of owners known to be gone (a killed process on this machine)."""
        gone = list(owners)
        s = t.sources
        if gone:
            self._run_write(
                lambda conn: conn.execute(
                    s.update()
                    .where(s.c.lease_owner.in_(gone))
                    .values(lease_owner=None, lease_until=None)
                )
            )

    def release_sources(self, owner: str, source_ids: Iterable[int]) -> None:
        """End ``owner``'s leases on these sources (a pass that stops early)."""
        ids = list(source_ids)
        if not ids:
            return
        s = t.sources
        self._run_write(
            lambda conn: conn.execute(
                s.update()
                .where(s.c.id.in_(ids), s.c.lease_owner == owner)
                .values(lease_owner=None, lease_until=None)
            )
        )

    # -- what the pipeline learned about a source -------------------------------------------
    def load_boilerplate(self, source_id: int) -> tuple[int, dict[str, int]] | None:
        """(articles, line counts) of a source's boilerplate learner, or None."""
        with self._read() as conn:
            state = conn.execute(
                sa.select(t.source_state.c.boilerplate).where(
                    t.source_state.c.source_id == source_id
                )
            ).scalar()
        if not state:
            return None
        return int(state.get("articles", 0)), dict(state.get("counts", {}))

    def merge_boilerplate(
        self, source_id: int, articles: int, counts: dict[str, int], *, max_lines: int
    ) -> tuple[int, dict[str, int]]:
        """Add a learner's new observations to the stored ones (two processes learning the same
        site add up instead of overwriting each other); returns the merged state. Lines seen
        once are dropped first when there are more than ``max_lines``."""
        now = utcnow()
        st = t.source_state

        def work(conn: sa.Connection) -> tuple[int, dict[str, int]]:
            query = sa.select(st.c.boilerplate).where(st.c.source_id == source_id)
            if self.dialect == "postgresql":
                query = query.with_for_update()
            stored = conn.execute(query).scalar() or {}
            total = int(stored.get("articles", 0)) + articles
            merged = dict(stored.get("counts", {}))
            for line, n in counts.items():
                merged[line] = merged.get(line, 0) + n
            if len(merged) > max_lines:
                merged = dict(sorted(merged.items(), key=lambda kv: -kv[1])[:max_lines])
            value = {"articles": total, "counts": merged}
            exists = conn.execute(
                sa.select(t.sources.c.id).where(t.sources.c.id == source_id)
            ).first()
            if exists is not None:
                conn.execute(
                    self.insert(st)
                    .values(source_id=source_id, boilerplate=value, updated_at=now)
                    .on_conflict_do_update(
                        index_elements=["source_id"],
                        set_={"boilerplate": value, "updated_at": now},
                    )
                )
            return total, merged

        return self._run_write(work)

    def _add_aliases(self, conn: sa.Connection, article_id: int, aliases: Sequence[str]) -> None:
        rows = [
            {"alias": a, "article_id": article_id} for a in dict.fromkeys(a for a in aliases if a)
        ]
        if rows:  # an alias already taken keeps its article
            conn.execute(self.insert(t.article_aliases).on_conflict_do_nothing(), rows)

    def _link_source(
        self, conn: sa.Connection, article_id: int, source_id: int, when: datetime
    ) -> None:
        conn.execute(
            self.insert(t.article_sources)
            .values(article_id=article_id, source_id=source_id, first_seen=when)
            .on_conflict_do_nothing()
        )

    def _article_query(self) -> sa.Select[Any]:
        return sa.select(t.articles, t.sources.c.title.label("source_title")).outerjoin(
            t.sources, t.sources.c.id == t.articles.c.source_id
        )

    @staticmethod
    def _row_to_article(row: sa.Row[Any]) -> Article:
        m = dict(row._mapping)
        m["extraction_status"] = ExtractionStatus(m["extraction_status"])
        return Article(**m)

    def get_article(self, article_id: int) -> Article:
        with self._read() as conn:
            row = conn.execute(self._article_query().where(t.articles.c.id == article_id)).first()
        if row is None:
            raise NotFoundError(
                f"unknown article: {article_id}", message_ar=f"مقال غير معروف: {article_id}"
            )
        return self._row_to_article(row)

    def get_articles(self, ids: Sequence[int]) -> list[Article]:
        if not ids:
            return []
        with self._read() as conn:
            rows = conn.execute(self._article_query().where(t.articles.c.id.in_(list(ids)))).all()
        by_id = {r.id: self._row_to_article(r) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def list_articles(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        source_id: int | None = None,
        story_id: int | None = None,
        language: str | None = None,
        country: str | None = None,
        include_duplicates: bool = True,
    ) -> list[Article]:
        order = sa.func.coalesce(t.articles.c.published_at, t.articles.c.created_at)
        query = self._article_query().order_by(order.desc(), t.articles.c.id.desc())
        if source_id is not None:
            carried = sa.select(t.article_sources.c.article_id).where(
                t.article_sources.c.source_id == source_id
            )
            query = query.where(t.articles.c.id.in_(carried))
        if story_id is not None:
            query = query.where(t.articles.c.story_id == story_id)
        if language:
            query = query.where(t.articles.c.language == language)
        if country:
            about = sa.select(t.article_countries.c.article_id).where(
                t.article_countries.c.country == country.upper(),
                t.article_countries.c.is_about.is_(True),
            )
            query = query.where(t.articles.c.id.in_(about))
        if not include_duplicates:
            query = query.where(t.articles.c.duplicate_of.is_(None))
        with self._read() as conn:
            return [
                self._row_to_article(r) for r in conn.execute(query.limit(limit).offset(offset))
            ]

    def count_articles(self) -> int:
        with self._read() as conn:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(t.articles)).scalar_one()
            )

    def update_article(self, article_id: int, **fields: Any) -> None:
        unknown = set(fields) - _ARTICLE_FIELDS
        if unknown:
            raise ValueError(f"unknown article fields: {sorted(unknown)}")
        if "extraction_status" in fields:
            fields["extraction_status"] = ExtractionStatus(fields["extraction_status"]).value
        with self._write() as conn:
            conn.execute(t.articles.update().where(t.articles.c.id == article_id).values(**fields))

    def article_source_ids(self, article_id: int) -> list[int]:
        with self._read() as conn:
            rows = conn.execute(
                sa.select(t.article_sources.c.source_id)
                .where(t.article_sources.c.article_id == article_id)
                .order_by(t.article_sources.c.first_seen)
            )
            return [int(r[0]) for r in rows]

    # -- analysis results -----------------------------------------------------------------
    def set_article_countries(self, article_id: int, countries: Sequence[ArticleCountry]) -> None:
        with self._write() as conn:
            conn.execute(
                t.article_countries.delete().where(t.article_countries.c.article_id == article_id)
            )
            if countries:
                conn.execute(
                    t.article_countries.insert(),
                    [{"article_id": article_id, **vars(c)} for c in countries],
                )

    def get_article_countries(self, article_id: int) -> list[ArticleCountry]:
        with self._read() as conn:
            rows = conn.execute(
                sa.select(t.article_countries)
                .where(t.article_countries.c.article_id == article_id)
                .order_by(t.article_countries.c.score.desc())
            )
            return [
                ArticleCountry(
                    country=r.country, score=r.score, is_about=r.is_about, mentions=r.mentions
                )
                for r in rows
            ]

    def upsert_entities(self, entities: Iterable[Entity]) -> None:
        with self._write() as conn:
            self._upsert_entities_in(conn, entities)

    def _upsert_entities_in(self, conn: sa.Connection, entities: Iterable[Entity]) -> None:
        # In id order, so two writers never wait on each other's rows in opposite orders.
        by_id = {e.id: e for e in entities}
        if not by_id:
            return
        ids = sorted(by_id)
        stored = {
            r.id: (r.type, r.name_ar, r.name_en)
            for r in conn.execute(sa.select(t.entities).where(t.entities.c.id.in_(ids)))
        }
        fresh, changed = [], []
        for entity_id in ids:
            entity = by_id[entity_id]
            values = (EntityType(entity.type).value, entity.name_ar, entity.name_en)
            row = {"id": entity_id, "type": values[0], "name_ar": values[1], "name_en": values[2]}
            if entity_id not in stored:
                fresh.append(row)
            elif stored[entity_id] != values:
                changed.append(row)
        if fresh:
            conn.execute(self.insert(t.entities).on_conflict_do_nothing(), fresh)
        for row in changed:  # rare: the knowledge file renamed an entity
            conn.execute(
                t.entities.update()
                .where(t.entities.c.id == row["id"])
                .values(type=row["type"], name_ar=row["name_ar"], name_en=row["name_en"])
            )
        known = {
            (r.entity_id, r.name, r.language)
            for r in conn.execute(
                sa.select(t.entity_names).where(t.entity_names.c.entity_id.in_(ids))
            )
        }
        names = sorted(
            {(entity_id, n.name, n.language) for entity_id in ids for n in by_id[entity_id].names}
            - known
        )
        if names:
            conn.execute(
                self.insert(t.entity_names).on_conflict_do_nothing(),
                [{"entity_id": e, "name": n, "language": lang} for e, n, lang in names],
            )

    def get_entity(self, entity_id: str) -> Entity:
        with self._read() as conn:
            row = conn.execute(sa.select(t.entities).where(t.entities.c.id == entity_id)).first()
            if row is None:
                raise NotFoundError(
                    f"unknown entity: {entity_id}", message_ar=f"كيان غير معروف: {entity_id}"
                )
            names = conn.execute(
                sa.select(t.entity_names)
                .where(t.entity_names.c.entity_id == entity_id)
                .order_by(t.entity_names.c.language)
            ).all()
        return Entity(
            id=row.id,
            type=EntityType(row.type),
            name_ar=row.name_ar,
            name_en=row.name_en,
            names=tuple(EntityName(n.name, n.language) for n in names),
        )

    def set_article_entities(self, article_id: int, links: Sequence[ArticleEntity]) -> None:
        with self._write() as conn:
            conn.execute(
                t.article_entities.delete().where(t.article_entities.c.article_id == article_id)
            )
            if links:
                conn.execute(
                    t.article_entities.insert(),
                    [{"article_id": article_id, **vars(link)} for link in links],
                )

    def get_article_entities(self, article_id: int) -> list[ArticleEntity]:
        with self._read() as conn:
            rows = conn.execute(
                sa.select(t.article_entities)
                .where(t.article_entities.c.article_id == article_id)
                .order_by(t.article_entities.c.salience.desc(), t.article_entities.c.entity_id)
            )
            return [
                ArticleEntity(entity_id=r.entity_id, mentions=r.mentions, salience=r.salience)
                for r in rows
            ]

    def set_signature(
        self, article_id: int, minhash: bytes | None, features: dict[str, Any] | None
    ) -> None:
        self._run_write(lambda conn: self._put_signature_in(conn, article_id, minhash, features))

    def _put_signature_in(
        self,
        conn: sa.Connection,
        article_id: int,
        minhash: bytes | None,
        features: dict[str, Any] | None,
    ) -> None:
        conn.execute(
            self.insert(t.article_signatures)
            .values(article_id=article_id, minhash=minhash, features=features)
            .on_conflict_do_update(
                index_elements=["article_id"], set_={"minhash": minhash, "features": features}
            )
        )

    def get_signature(self, article_id: int) -> tuple[bytes | None, dict[str, Any] | None] | None:
        with self._read() as conn:
            row = conn.execute(
                sa.select(t.article_signatures).where(
                    t.article_signatures.c.article_id == article_id
                )
            ).first()
        return (row.minhash, row.features) if row else None

    # -- stories --------------------------------------------------------------------------
    @staticmethod
    def _row_to_story(row: sa.Row[Any]) -> Story:
        m = dict(row._mapping)
        m.pop("created_at", None)
        m.pop("updated_at", None)
        m["countries"] = tuple(m.get("countries") or ())
        m["regions"] = tuple(m.get("regions") or ())
        return Story(**m)

    def create_story(self, **fields: Any) -> Story:
        unknown = set(fields) - _STORY_FIELDS
        if unknown:
            raise ValueError(f"unknown story fields: {sorted(unknown)}")
        now = utcnow()
        for key in ("countries", "regions"):
            if key in fields:
                fields[key] = list(fields[key])
        with self._write() as conn:
            new_id = _inserted_id(
                conn.execute(t.stories.insert().values(created_at=now, updated_at=now, **fields))
            )
        return self.get_story(int(new_id))

    def update_story(self, story_id: int, **fields: Any) -> None:
        unknown = set(fields) - _STORY_FIELDS
        if unknown:
            raise ValueError(f"unknown story fields: {sorted(unknown)}")
        for key in ("countries", "regions"):
            if key in fields:
                fields[key] = list(fields[key])
        with self._write() as conn:
            conn.execute(
                t.stories.update()
                .where(t.stories.c.id == story_id)
                .values(updated_at=utcnow(), **fields)
            )

    def get_story(self, story_id: int) -> Story:
        with self._read() as conn:
            row = conn.execute(sa.select(t.stories).where(t.stories.c.id == story_id)).first()
        if row is None:
            raise NotFoundError(
                f"unknown story: {story_id}", message_ar=f"قصة غير معروفة: {story_id}"
            )
        return self._row_to_story(row)

    def list_stories(self, *, limit: int = 50, offset: int = 0) -> list[Story]:
        query = (
            sa.select(t.stories)
            .where(t.stories.c.merged_into.is_(None))
            .order_by(t.stories.c.last_seen.desc(), t.stories.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with self._read() as conn:
            return [self._row_to_story(r) for r in conn.execute(query)]

    # -- translations ---------------------------------------------------------------------
    def put_translation(self, tr: Translation) -> None:
        """Store a translation, replacing an earlier one of the same field and language."""
        values = {
            "engine": tr.engine,
            "model": tr.model,
            "text": tr.text,
            "created_at": tr.created_at or utcnow(),
        }
        statement = (
            self.insert(t.translations)
            .values(
                article_id=tr.article_id,
                field=tr.field,
                target_language=tr.target_language,
                **values,
            )
            .on_conflict_do_update(
                index_elements=["article_id", "field", "target_language"], set_=values
            )
        )
        self._run_write(lambda conn: conn.execute(statement))

    def get_translations(
        self, article_id: int, target_language: str = "ar"
    ) -> dict[str, Translation]:
        with self._read() as conn:
            rows = conn.execute(
                sa.select(t.translations).where(
                    t.translations.c.article_id == article_id,
                    t.translations.c.target_language == target_language,
                )
            )
            return {
                r.field: Translation(
                    article_id=r.article_id,
                    field=r.field,
                    target_language=r.target_language,
                    engine=r.engine,
                    model=r.model,
                    text=r.text,
                    created_at=r.created_at,
                )
                for r in rows
            }

    # -- session locks (added for marsad/scale: one active `marsad scheduler`) ---------------
    def try_session_lock(self, name: str) -> tuple[Callable[[], bool], Callable[[], None]] | None:
        """PostgreSQL only: take the advisory lock ``name`` on a connection of its own, held
        until released or until this process (or its connection) dies, when the server frees
        it at once. Returns (still_held, release), or None while another session holds it."""
        if self.dialect != "postgresql":
            raise UserError("session locks need PostgreSQL (MARSAD_DATABASE_URL=postgresql://...)")
        conn = self.engine.connect()
        try:
            taken = conn.execute(
                sa.text("SELECT pg_try_advisory_lock(hashtextextended(:name, 0))"), {"name": name}
            ).scalar()
            conn.commit()
        except BaseException:
            conn.close()
            raise
        if not taken:
            conn.close()
            return None

        def still_held() -> bool:
            try:
                conn.execute(sa.text("SELECT 1")).scalar()
                conn.commit()
                return True
            except sa.exc.SQLAlchemyError:
                return False

        def release() -> None:
            try:
                conn.execute(
                    sa.text("SELECT pg_advisory_unlock(hashtextextended(:name, 0))"),
                    {"name": name},
                )
                conn.commit()
            except sa.exc.SQLAlchemyError:
                pass  # the connection is gone, and the lock with it
            finally:
                conn.close()

        return still_held, release


def open_store(database_url: str, *, migrate_schema: bool = True) -> Store:
    """Open the database at ``database_url``, migrating it to the newest schema first."""
    engine = create_engine(database_url)
    if migrate_schema:
        try:
            migrate(engine)
        except Exception:
            engine.dispose()
            raise
    return Store(engine)
