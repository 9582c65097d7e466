"""Keeping the search index in step with the articles (the I/O side of indexing).

``index_articles`` is called by the pipeline after it stores or changes articles (new text, new
entities, marked as a duplicate); it is idempotent. ``reindex_all`` rebuilds everything, e.g.
after the analyser changed. Republished copies (``duplicate_of`` set, not a translation) are kept out of the index,
so a search shows the original once.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import sqlalchemy as sa

from marsad.search.terms import DocumentTerms, document_terms, name_key, tsvector_literal
from marsad.store import Store
from marsad.store import schema as t
from marsad.store.store import INDEX_AT_GROUPING, OUTBOX_GROUP

log = logging.getLogger(__name__)

BATCH = 500

_SQLITE_DELETE = sa.text("DELETE FROM search_fts WHERE rowid = :id")
_SQLITE_INSERT = sa.text(
    "INSERT INTO search_fts(rowid, title, body, names) VALUES (:id, :title, :body, :names)"
)
_PG_DELETE = sa.text("DELETE FROM search_docs WHERE article_id = :id")
_PG_UPSERT = sa.text(
    "INSERT INTO search_docs(article_id, tsv) VALUES (:id, CAST(:tsv AS tsvector)) "
    "ON CONFLICT (article_id) DO UPDATE SET tsv = EXCLUDED.tsv"
)

_Job = tuple[int, str | None, str | None, str | None, tuple[str, ...]]
# What one article becomes in the index: (id, title, body, names) as FTS5 text, or (id, tsvector
# literal) for PostgreSQL. Workers send these back, not ``DocumentTerms``: three strings pickle
# far cheaper than hundreds of terms.
_Row = tuple[Any, ...]


def _analyse_job(job: _Job) -> DocumentTerms:
    article_id, title, text, language, entity_ids = job
    return document_terms(article_id, title, text, language, entity_ids)


def _index_row(dialect: str, doc: DocumentTerms) -> _Row:
    if dialect == "sqlite":
        return (doc.article_id, " ".join(doc.title), " ".join(doc.body), " ".join(doc.names))
    return (doc.article_id, tsvector_literal(doc))


def _analyse_rows(dialect: str, jobs: Sequence[_Job]) -> list[_Row]:
    """Analyse a chunk of articles (in a worker process when there are workers)."""
    return [_index_row(dialect, _analyse_job(j)) for j in jobs]


def _load_jobs(conn: sa.Connection, ids: Sequence[int]) -> tuple[list[_Job], list[int]]:
    """Index jobs for ``ids``, and the ids that must leave the index (gone or duplicates)."""
    a = t.articles
    rows = conn.execute(
        sa.select(
            a.c.id,
            a.c.title,
            a.c.text,
            a.c.summary,
            a.c.language,
            a.c.duplicate_of,
            a.c.duplicate_kind,
        ).where(a.c.id.in_(list(ids)))
    ).all()
    entity_rows = conn.execute(
        sa.select(t.article_entities.c.article_id, t.article_entities.c.entity_id).where(
            t.article_entities.c.article_id.in_(list(ids))
        )
    ).all()
    # Machine-translated titles are indexed with the title, so an Arabic query finds an English
    # article by its translated title (issue 9); snippets still come from the original.
    translated = dict(
        conn.execute(
            sa.select(t.translations.c.article_id, t.translations.c.text).where(
                t.translations.c.article_id.in_(list(ids)),
                t.translations.c.field == "title",
                t.translations.c.target_language == "ar",
            )
        ).all()
    )
    entities: dict[int, list[str]] = {}
    for article_id, entity_id in entity_rows:
        entities.setdefault(article_id, []).append(entity_id)
    jobs: list[_Job] = []
    found: set[int] = set()
    for r in rows:
        if r.duplicate_of is not None and r.duplicate_kind != "translation":
            continue
        found.add(r.id)
        body = r.text or r.summary
        title = f"{r.title or ''}\n{translated[r.id]}" if r.id in translated else r.title
        jobs.append((r.id, title, body, r.language, tuple(sorted(entities.get(r.id, ())))))
    return jobs, [i for i in ids if i not in found]


def _write(store: Store, rows: Sequence[_Row], remove: Sequence[int]) -> None:
    """Replace the index rows of these articles and drop ``remove``, in one transaction."""
    with store.transaction() as conn:
        if store.dialect == "sqlite":
            gone = [{"id": i} for i in [*remove, *(r[0] for r in rows)]]
            if gone:
                conn.execute(_SQLITE_DELETE, gone)
            if rows:
                conn.execute(
                    _SQLITE_INSERT,
                    [{"id": i, "title": ti, "body": b, "names": n} for i, ti, b, n in rows],
                )
        else:
            if remove:
                conn.execute(_PG_DELETE, [{"id": i} for i in remove])
            if rows:
                conn.execute(_PG_UPSERT, [{"id": i, "tsv": tsv} for i, tsv in rows])


def _index_entity_names(store: Store, entity_ids: Iterable[str] | None) -> int:
    """(Re)write the analysed-name lookup for ``entity_ids`` (None: every entity)."""
    n = t.entity_names
    query = sa.select(n.c.entity_id, n.c.name, n.c.language)
    wanted = None if entity_ids is None else sorted(set(entity_ids))
    if wanted is not None:
        if not wanted:
            return 0
        query = query.where(n.c.entity_id.in_(wanted))
    with store.search_connection() as conn:
        rows = conn.execute(query).all()
    pairs = {(name_key(r.name, r.language), r.entity_id) for r in rows}
    # A name that analyses to nothing (all stop words) can never be typed as a query word.
    records = [{"key": k, "entity_id": e} for k, e in sorted(pairs) if k]
    with store.transaction() as conn:
        if wanted is None:
            conn.execute(sa.text("DELETE FROM search_names"))
        else:
            for chunk in _chunks(wanted, BATCH):
                conn.execute(
                    sa.text("DELETE FROM search_names WHERE entity_id IN :ids").bindparams(
                        sa.bindparam("ids", expanding=True)
                    ),
                    {"ids": chunk},
                )
        if records:
            conn.execute(
                sa.text("INSERT INTO search_names(key, entity_id) VALUES (:key, :entity_id)"),
                records,
            )
    return len(records)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def index_articles(store: Store, article_ids: Iterable[int]) -> int:
    """Index (or re-index) these articles; returns how many are now in the index.

    Also refreshes the name lookup of the entities they mention, so a query for a person's name
    in Arabic finds the English articles that mention them.
    """
    ids = list(dict.fromkeys(int(i) for i in article_ids))
    indexed = 0
    for chunk in _chunks(ids, BATCH):
        with store.search_connection() as conn:
            jobs, remove = _load_jobs(conn, chunk)
        rows = _analyse_rows(store.dialect, jobs)
        _write(store, rows, remove)
        _index_entity_names(store, {e for j in jobs for e in j[4]})
        indexed += len(rows)
    return indexed


def _job_batches(store: Store, batch: int) -> Iterator[list[_Job]]:
    """Every article to index, ``batch`` articles at a time, in id order."""
    last_id = 0
    while True:
        with store.search_connection() as conn:
            ids = [
                int(r[0])
                for r in conn.execute(
                    sa.select(t.articles.c.id)
                    .where(t.articles.c.id > last_id)
                    .order_by(t.articles.c.id)
                    .limit(batch)
                )
            ]
            if not ids:
                return
            jobs, _gone = _load_jobs(conn, ids)
        last_id = ids[-1]
        yield jobs


def reindex_all(store: Store, *, workers: int = 1, batch: int = 2_000) -> int:
    """Rebuild the whole index from the articles table; returns the number indexed.

    ``workers`` > 1 analyses in that many processes (analysis, not the database, is the cost),
    one batch ahead: while this process writes a batch, the workers analyse the next.
    """
    started = time.perf_counter()
    with store.transaction() as conn:
        conn.execute(
            sa.text(
                "DELETE FROM search_fts" if store.dialect == "sqlite" else "DELETE FROM search_docs"
            )
        )
    _index_entity_names(store, None)
    indexed = 0
    dialect = store.dialect
    pool = ProcessPoolExecutor(workers) if workers > 1 else None
    pending: deque[list[Future[list[_Row]]]] = deque()

    def write_oldest() -> int:
        rows = [row for future in pending.popleft() for row in future.result()]
        _write(store, rows, [])
        return len(rows)

    try:
        for jobs in _job_batches(store, batch):
            if pool is None:
                rows = _analyse_rows(dialect, jobs)
                _write(store, rows, [])
                indexed += len(rows)
                continue
            size = max(1, len(jobs) // (4 * workers))
            pending.append(
                [pool.submit(_analyse_rows, dialect, chunk) for chunk in _chunks(jobs, size)]
            )
            if len(pending) > 1:
                indexed += write_oldest()
        while pending:
            indexed += write_oldest()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    written = time.perf_counter()
    with store.transaction() as conn:
        if store.dialect == "sqlite":
            # Merge the index segments into one: fewer b-trees to walk per query.
            conn.execute(sa.text("INSERT INTO search_fts(search_fts) VALUES ('optimize')"))
        else:
            # Fresh statistics let the planner choose between the GIN index (rare words) and
            # walking ids newest-first (common words); without them a rare word took seconds.
            for table in ("search_docs", "articles", "article_countries"):
                conn.execute(sa.text(f"ANALYZE {table}"))
    log.info(
        "search index rebuilt: %d articles in %.1fs (%.1fs of it merging or analysing at the end)",
        indexed,
        time.perf_counter() - started,
        time.perf_counter() - written,
    )
    return indexed


def remove_articles(store: Store, article_ids: Iterable[int]) -> None:
    """Take articles out of the index (the pipeline calls this before deleting them)."""
    _write(store, [], list(dict.fromkeys(int(i) for i in article_ids)))


def index_in(conn: sa.Connection, article_ids: Sequence[int]) -> int:
    """Rewrite the index rows of these articles inside the caller's write transaction.

    The pipeline stores an article and its index entry in ONE transaction with this (the
    store's ``index`` hook), so a crash can never leave a stored article unsearchable. Entity
    names are only added here (ON CONFLICT DO NOTHING): concurrent writers of articles about
    the same person never wait on each other's deletes.
    """
    ids = list(dict.fromkeys(int(i) for i in article_ids))
    if not ids:
        return 0
    dialect = conn.dialect.name
    jobs, remove = _load_jobs(conn, ids)
    rows = _analyse_rows(dialect, jobs)
    if dialect == "sqlite":
        gone = [{"id": i} for i in [*remove, *(r[0] for r in rows)]]
        if gone:
            conn.execute(_SQLITE_DELETE, gone)
        if rows:
            conn.execute(
                _SQLITE_INSERT,
                [{"id": i, "title": ti, "body": b, "names": n} for i, ti, b, n in rows],
            )
    else:
        if remove:
            conn.execute(_PG_DELETE, [{"id": i} for i in remove])
        if rows:
            conn.execute(_PG_UPSERT, [{"id": i, "tsv": tsv} for i, tsv in sorted(rows)])
    wanted = sorted({e for j in jobs for e in j[4]})
    if wanted:
        n = t.entity_names
        names = conn.execute(
            sa.select(n.c.entity_id, n.c.name, n.c.language).where(n.c.entity_id.in_(wanted))
        ).all()
        pairs = sorted({(name_key(r.name, r.language), r.entity_id) for r in names})
        records = [{"key": k, "entity_id": e} for k, e in pairs if k]
        if records:
            conn.execute(_NAMES_INSERT, records)
    return len(rows)


_NAMES_INSERT = sa.text(
    "INSERT INTO search_names(key, entity_id) VALUES (:key, :entity_id) ON CONFLICT DO NOTHING"
)


def _indexed_ids_query(dialect: str) -> sa.TextClause:
    if dialect == "sqlite":
        return sa.text("SELECT rowid FROM search_fts WHERE rowid > :after ORDER BY rowid LIMIT :n")
    return sa.text(
        "SELECT article_id FROM search_docs WHERE article_id > :after ORDER BY article_id LIMIT :n"
    )


def index_disagreement(store: Store, *, batch: int = 50_000) -> tuple[list[int], list[int]]:
    """(missing, extra): articles that should be searchable and are not, and index rows of
    articles that are gone or are republished copies. Read in id order, ``batch`` at a time."""
    a = t.articles
    indexable = sa.or_(a.c.duplicate_of.is_(None), a.c.duplicate_kind == "translation")
    should: set[int] = set()
    indexed: set[int] = set()
    with store.search_connection() as conn:
        last = 0
        while True:
            ids = [
                int(r[0])
                for r in conn.execute(
                    sa.select(a.c.id).where(a.c.id > last, indexable).order_by(a.c.id).limit(batch)
                )
            ]
            if not ids:
                break
            should.update(ids)
            last = ids[-1]
        last = 0
        query = _indexed_ids_query(store.dialect)
        while True:
            ids = [int(r[0]) for r in conn.execute(query, {"after": last, "n": batch})]
            if not ids:
                break
            indexed.update(ids)
            last = ids[-1]
        # The grouping holder's own articles get their entry in the grouping transaction: until
        # then (a crash in between included) they wait in the outbox, they are not missing.
        o = t.outbox
        waiting = {
            int(r.article_id)
            for r in conn.execute(
                sa.select(o.c.article_id, o.c.fields).where(o.c.kind == OUTBOX_GROUP)
            )
            if INDEX_AT_GROUPING in (r.fields or ())
        }
    return sorted(should - indexed - waiting), sorted(indexed - should)


__all__ = [
    "index_articles",
    "index_disagreement",
    "index_in",
    "reindex_all",
    "remove_articles",
]
