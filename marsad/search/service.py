"""``search``: the one search service behind the CLI, the web page and the API.

Order of work: parse the query (pure) -> analyse its words and look up entity names -> ask the
backend for the most recent ``CANDIDATES`` matches with their relevance (FTS5 ``bm25`` or
PostgreSQL ``ts_rank_cd``) -> add recency, group by story, count facets, over those candidates ->
read one page of articles and cut highlighted snippets from their original text.

Why only the most recent matches: FTS5 scores every row it returns (~2 us each), so ranking all
matches of a common word over a million articles takes seconds. Walking the index in descending
rowid (= article id, i.e. arrival) order and stopping after ``CANDIDATES`` rows bounds the work,
and for news the newest matches are the ones wanted. The two backends return the same SETS;
PostgreSQL's ts_rank_cd orders them differently from FTS5's bm25, but its best candidates are
scored again with the bm25 formula (``_rerank``), so the top of the list agrees too.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from marsad.errors import QueryError, StorageError
from marsad.search import plan as p
from marsad.search.places import country_region, region_countries, resolve_country, resolve_region
from marsad.search.proximity import (
    FIELDS,
    StoredDoc,
    best_window,
    bm25,
    bm25_idf,
    clause_share,
    doc_from_columns,
    doc_from_tsvector,
)
from marsad.search.query import Filters, parse_query
from marsad.search.results import FacetCount, Facets, SearchHit, SearchResults
from marsad.search.snippets import make_snippet
from marsad.store import Store
from marsad.store import schema as t
from marsad.text import analyze

log = logging.getLogger(__name__)

# Most matches ranked per query (see the module docstring). 500 keeps a common word at ~1 ms of
# FTS5 scoring and a few ms of facet counting (profiled on bench/search/scale.py), and still
# leaves 25 pages of 20.
CANDIDATES = 500
# ``total`` is counted exactly up to here, then reported as a lower bound ("5000+"): counting
# walks the index, and a page of results never needs more.
COUNT_CAP = 5_000
# Field weights for FTS5 bm25(title, body, names). Calibrated on ARCD full (bench/search/arcd.py,
# match=any): title weight 0 / 0.5 / 1 / 2 / 4 gave MRR@10 0.787 / 0.801 / 0.807 / 0.808 / 0.812
# at Recall@10 0.954-0.960; news titles carry the point of an article too.
W_TITLE, W_BODY, W_NAMES = 4.0, 1.0, 1.0
# ts_rank_cd weights in PostgreSQL's order {D, C, B, A} = {-, names, body, title}, same ratios.
PG_WEIGHTS = "'{0.1, 0.25, 0.25, 1.0}'::float4[]"
# Recency: a match from RECENCY_HALF_LIFE_DAYS ago gets half the boost of one from today.
RECENCY_HALF_LIFE_DAYS = 7.0
# Re-ranking of the RERANK_TOP most relevant candidates from their stored terms
# (marsad/search/proximity.py): relevance x (1 + PROXIMITY_WEIGHT x share of the query's terms
# within PROXIMITY_WIDTH body terms) x (1 + TITLE_WEIGHT x share of the query's clauses in the
# title) x (1 + COVERAGE_WEIGHT x share of the clauses matched anywhere). Calibrated on ARCD
# (bench/search/arcd.py, SQLite; match=auto and any gave the same figures with these factors),
# Recall@10 / MRR@10 on full, then on the test split: no factor 0.959 / 0.812, 0.967 / 0.840;
# proximity alone 0.960 / 0.820, 0.967 / 0.855; + title 0.959 / 0.825, 0.967 / 0.855;
# + coverage 0.959 / 0.820, 0.969 / 0.855; all three 0.960 / 0.826, 0.969 / 0.858. Flat around
# these (full MRR@10): title 0.25 / 1.0 0.825 / 0.827, coverage 1.0 0.825, proximity 0.7 0.828
# at Recall@10 0.958. The coverage bonus replaced ranking every all-word match above every
# partial one in ``auto`` (before: 0.960 / 0.816 full, 0.967 / 0.850 test). RERANK_TOP 30, 50
# and 100 give the same figures on SQLite; PostgreSQL, whose first order is weaker (``_pg_bm25``),
# needs 50 (simulated: 30 gave Recall@10 0.948, 50 0.958, 100 0.960 on full).
RERANK_TOP = 50
PROXIMITY_WIDTH = 15
PROXIMITY_WEIGHT = 0.4
TITLE_WEIGHT = 0.5
COVERAGE_WEIGHT = 0.5
# PostgreSQL: how many of the newest articles are tested to choose between walking them and
# the GIN index (``_pg_candidates``); 1,000 cost ~4 ms on bench/search/scale.py.
PG_SAMPLE = 1_000
MAX_LIMIT = 100
MATCH_MODES = ("auto", "all", "any")

_fts = sa.table("search_fts", sa.column("rowid"))
_docs = sa.table("search_docs", sa.column("article_id"), sa.column("tsv"))
_a = t.articles


@dataclass(frozen=True)
class _Candidate:
    article_id: int
    relevance: float


def _lookup_names(conn: sa.Connection, keys: set[str]) -> dict[str, tuple[str, ...]]:
    if not keys:
        return {}
    stmt = sa.text("SELECT key, entity_id FROM search_names WHERE key IN :keys").bindparams(
        sa.bindparam("keys", expanding=True)
    )
    found: dict[str, list[str]] = {}
    for key, entity_id in conn.execute(stmt, {"keys": sorted(keys)}):
        found.setdefault(key, []).append(entity_id)
    return {k: tuple(sorted(v)) for k, v in found.items()}


def _entity_name_terms(conn: sa.Connection, names: dict[str, tuple[str, ...]]) -> frozenset[str]:
    """Terms of every name of the entities the query named, so "Putin" lights up for بوتين."""
    ids = sorted({e for found in names.values() for e in found})
    if not ids:
        return frozenset()
    stmt = sa.text("SELECT key FROM search_names WHERE entity_id IN :ids").bindparams(
        sa.bindparam("ids", expanding=True)
    )
    return frozenset(t for (key,) in conn.execute(stmt, {"ids": ids}).all() for t in key.split())


def _resolve_sources(conn: sa.Connection, values: Sequence[str]) -> list[int]:
    rows = conn.execute(sa.select(t.sources.c.id, t.sources.c.title, t.sources.c.url)).all()
    ids: list[int] = []
    for value in values:
        wanted = value.strip().lower()
        for r in rows:
            title = (r.title or "").lower()
            if (
                (wanted.isdigit() and int(wanted) == r.id)
                or wanted == title
                or (not wanted.isdigit() and (wanted in title or wanted in r.url.lower()))
            ):
                ids.append(r.id)
    return sorted(set(ids))


@dataclass
class _Where:
    """A query's filters: conditions on ``articles``, and the country sets an article must be
    about (one of each set).

    The country tests are written against the candidate's id in the index (``on``), not against
    ``articles.id``: SQLite then tests them in the index walk before it reads the article row
    (measured on 200k articles, a common word with country:EG: 14 ms -> 7 ms).
    """

    articles: list[Any] = field(default_factory=list)
    countries: list[list[str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.articles or self.countries)

    def on(self, article_id: Any) -> list[Any]:
        """Every condition, the country tests correlated on ``article_id``."""
        ac = t.article_countries
        # EXISTS per candidate (a primary-key probe), not IN (...): a region's article list
        # is half the archive, and building it cost 0.5 s per query on 200k articles.
        about = [
            sa.exists().where(
                ac.c.article_id == article_id,
                ac.c.country.in_(codes),
                ac.c.is_about.is_(True),
            )
            for codes in self.countries
        ]
        return [*about, *self.articles]


def _filter_conditions(conn: sa.Connection, filters: Filters, notices: list[str]) -> _Where | None:
    """The filters as SQL conditions; None when a filter can match nothing."""
    where = _Where()
    conds = where.articles
    if filters.sources:
        ids = _resolve_sources(conn, filters.sources)
        if not ids:
            notices.append(f"unknown source: {', '.join(filters.sources)}")
            return None
        conds.append(_a.c.source_id.in_(ids))
    countries: set[str] = set()
    for value in filters.countries:
        code = resolve_country(value)
        if code is None:
            raise QueryError(f"unknown country: {value!r}", message_ar=f"بلد غير معروف: {value!r}")
        countries.add(code)
    regions: set[str] = set()
    for value in filters.regions:
        region = resolve_region(value)
        if region is None:
            raise QueryError(
                f"unknown region: {value!r}", message_ar=f"منطقة غير معروفة: {value!r}"
            )
        regions.add(region)
    for wanted in (countries, set().union(*(region_countries(r) for r in regions))):
        if wanted:
            where.countries.append(sorted(wanted))
    if filters.languages:
        conds.append(_a.c.language.in_(list(filters.languages)))
    when = sa.func.coalesce(_a.c.published_at, _a.c.created_at, type_=t.UTCDateTime)
    if filters.date_from is not None:
        conds.append(when >= filters.date_from)
    if filters.date_to is not None:
        conds.append(when < filters.date_to)
    if filters.stories:
        conds.append(_a.c.story_id.in_(list(filters.stories)))
    return where


# What ranking and facets read of each candidate. The date ranking uses is read once, already
# coalesced (``published_at``, else ``created_at``, which is never null): parsing SQLite's date
# strings was ~1 ms per 500 candidates for each date column.
_META = (
    sa.func.coalesce(_a.c.published_at, _a.c.created_at, type_=t.UTCDateTime).label("published_at"),
    _a.c.story_id,
    _a.c.source_id,
    _a.c.language,
)


def _about_countries(dialect: str, article_id: Any) -> Any:
    """The countries an article is about, space-separated (for the facets): one index probe."""
    ac = t.article_countries
    agg = sa.func.group_concat if dialect == "sqlite" else sa.func.string_agg
    return (
        sa.select(agg(ac.c.country, " "))
        .where(ac.c.article_id == article_id, ac.c.is_about.is_(True))
        .scalar_subquery()
    )


def _candidate_columns(dialect: str, article_id: Any, rel: Any) -> list[Any]:
    """A candidate row: its id, relevance, ``_META`` and the countries it is about."""
    countries = _about_countries(dialect, article_id).label("countries")
    return [article_id.label("id"), rel.label("rel"), *_META, countries]


def _candidate_query(
    dialect: str, match: str | None, where: _Where, *, meta: bool = True
) -> sa.Select[Any]:
    """The most recent matches: id, relevance and what ranking and facets need of the article.

    ``match`` None = filters only. The index drives the query (descending id) and the articles
    row is fetched by primary key for each candidate, so the work stops after the limit.
    ``meta`` False: the id alone (for counting).
    """

    def columns(article_id: Any, rel: Any) -> list[Any]:
        return _candidate_columns(dialect, article_id, rel) if meta else [article_id.label("id")]

    if match is None:
        return (
            sa.select(*columns(_a.c.id, sa.literal(0.0)))
            .where(
                sa.or_(_a.c.duplicate_of.is_(None), _a.c.duplicate_kind == "translation"),
                *where.on(_a.c.id),
            )
            .order_by(_a.c.id.desc())
        )
    if dialect == "sqlite":
        rel: sa.ColumnClause[Any] = sa.literal_column(
            f"-bm25(search_fts, {W_TITLE}, {W_BODY}, {W_NAMES})"
        )
        return (
            sa.select(*columns(_fts.c.rowid, rel))
            .select_from(_fts)
            .join(_a, _a.c.id == _fts.c.rowid)
            .where(
                sa.text("search_fts MATCH :match").bindparams(match=match),
                *where.on(_fts.c.rowid),
            )
            .order_by(_fts.c.rowid.desc())
        )
    # PostgreSQL: no relevance here; ts_rank_cd must read (detoast) each tsvector, so it runs
    # on the bounded candidate set afterwards (``_pg_relevance``), not on every match.
    tsq = sa.cast(sa.literal(match), postgresql.TSQUERY)
    return (
        sa.select(*columns(_docs.c.article_id, sa.literal(0.0)))
        .select_from(_docs)
        .join(_a, _a.c.id == _docs.c.article_id)
        .where(_docs.c.tsv.op("@@")(tsq), *where.on(_docs.c.article_id))
        .order_by(_docs.c.article_id.desc())
    )


def _pg_candidates(
    conn: sa.Connection, query: sa.Select[Any], match: str, where: _Where
) -> tuple[list[Any], int | None]:
    """The candidate rows, and how many articles match (None: not counted), on PostgreSQL.

    Testing ``@@`` row by row detoasts each tsvector (~7 us), so PostgreSQL's own choice, walking
    ids newest-first, is right only for a word in many of the newest articles; for the rest the
    GIN index gives every match at ~1.5 us each (measured on bench/search/scale.py, 200k
    articles). So: test the newest ``PG_SAMPLE`` articles; walk when the rows it would test,
    ``CANDIDATES`` over the share that matches and passes the filters, cost less at ~5x the
    price than the index's matches (the share that matches x the articles). The walk counts
    nothing (the total is then a lower bound); the index path counts every match.
    """
    tsq = sa.cast(sa.literal(match), postgresql.TSQUERY)
    newest = (
        sa.select(_docs.c.article_id, _docs.c.tsv)
        .order_by(_docs.c.article_id.desc())
        .limit(PG_SAMPLE)
        .subquery()
    )
    hit = newest.c.tsv.op("@@")(tsq)
    sample = (
        sa.select(
            sa.func.count(),
            sa.func.count().filter(hit),
            sa.func.count().filter(sa.and_(hit, *where.on(newest.c.article_id))),
            sa.select(sa.func.max(_docs.c.article_id)).scalar_subquery(),
        )
        .select_from(newest)
        .join(_a, _a.c.id == newest.c.article_id)
    )
    tested, hits, passed, articles = _run(conn, sample)[0]
    if tested == PG_SAMPLE and passed:
        walked = CANDIDATES * tested / passed
        if walked * 5 < hits / tested * (articles or 0):
            return _run(conn, query.limit(CANDIDATES)), None
    found = (
        sa.select(_docs.c.article_id.label("article_id"))
        .where(_docs.c.tsv.op("@@")(tsq))
        .cte("matched")
        .prefix_with("MATERIALIZED")
    )
    counted = sa.select(sa.func.count()).select_from(found).scalar_subquery()
    # Left to itself the planner reads every tsvector for a word in a third of the articles
    # (its costs leave out detoasting): 690 ms against 140 ms from the GIN index on 200k. And
    # it merge-joins the matches with the articles newest-first, which stops early when they
    # are among the newest, but walks every article for a few hundred old ones: 117 ms against
    # 1 ms looking each up. Under 1% in the sample, look them up.
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    sparse = passed * 100 < tested
    if sparse:
        conn.exec_driver_sql("SET LOCAL enable_mergejoin = off")
    rows = _run(
        conn,
        sa.select(
            *_candidate_columns("postgresql", found.c.article_id, sa.literal(0.0)),
            counted.label("matched"),
        )
        .select_from(found)
        .join(_a, _a.c.id == found.c.article_id)
        .where(*where.on(found.c.article_id))
        .order_by(found.c.article_id.desc())
        .limit(CANDIDATES),
    )
    conn.exec_driver_sql("SET LOCAL enable_seqscan TO DEFAULT")
    if sparse:
        conn.exec_driver_sql("SET LOCAL enable_mergejoin TO DEFAULT")
    return rows, int(rows[0].matched) if rows else 0


def _pg_relevance(conn: sa.Connection, match: str, ids: Sequence[int]) -> dict[int, float]:
    tsq = sa.cast(sa.literal(match), postgresql.TSQUERY)
    rel = sa.func.ts_rank_cd(sa.literal_column(PG_WEIGHTS), _docs.c.tsv, tsq)
    out: dict[int, float] = {}
    for chunk in _chunks(ids):
        stmt = sa.select(_docs.c.article_id, rel).where(_docs.c.article_id.in_(list(chunk)))
        out.update({int(i): float(r or 0.0) for i, r in _run(conn, stmt)})
    return out


def _count(conn: sa.Connection, dialect: str, match: str | None, conds: _Where) -> int:
    """Matches, counted up to ``COUNT_CAP`` (index alone when there are no filters)."""
    if match is not None and not conds:
        if dialect == "sqlite":
            query = sa.select(_fts.c.rowid).where(
                sa.text("search_fts MATCH :match").bindparams(match=match)
            )
        else:
            tsq = sa.cast(sa.literal(match), postgresql.TSQUERY)
            query = sa.select(_docs.c.article_id).where(_docs.c.tsv.op("@@")(tsq))
    else:
        query = _candidate_query(dialect, match, conds, meta=False)
        if dialect != "sqlite":
            query = query.order_by(None)
        # SQLite keeps ORDER BY rowid DESC: without it the planner may drive the count from a
        # filter's index and probe FTS5 once per article (measured: 11 s for a common word
        # with source: on 200k articles, against 0.1 s walking the index).
    sub = query.limit(COUNT_CAP).subquery()
    return int(conn.execute(sa.select(sa.func.count()).select_from(sub)).scalar_one())


def _run(conn: sa.Connection, stmt: Any) -> list[Any]:
    try:
        return list(conn.execute(stmt).all())
    except (sa.exc.ProgrammingError, sa.exc.DataError) as exc:
        log.warning("search query rejected by the database: %s", exc)
        raise QueryError(
            "this query could not be run; try simpler words",
            message_ar="تعذّر تنفيذ هذا البحث؛ جرّب كلمات أبسط",
        ) from None
    except sa.exc.OperationalError as exc:
        if "fts5" in str(exc).lower():
            log.warning("search query rejected by FTS5: %s", exc)
            raise QueryError(
                "this query could not be run; try simpler words",
                message_ar="تعذّر تنفيذ هذا البحث؛ جرّب كلمات أبسط",
            ) from None
        raise StorageError(f"search failed: {str(exc.orig).splitlines()[0]}") from None


def _chunks(ids: Sequence[int], size: int = 900) -> list[Sequence[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def search(
    store: Store,
    query: str,
    *,
    limit: int = 20,
    offset: int = 0,
    group_by_story: bool = False,
    facets: bool = True,
    now: datetime | None = None,
    recency_weight: float = 0.3,
    match: str = "auto",
) -> SearchResults:
    """Search the indexed articles; see ``marsad.search.query`` for the query language.

    ``match``: ``all`` (every word), ``any`` (any word, BM25 ranks those with more first) or
    ``auto`` (every word; when that gives fewer than a page, any word too, ranked together, with
    a bonus for the share of the words an article holds).
    ``recency_weight`` is the setting ``search_recency_weight``. Raises ``QueryError`` for a
    query with nothing to search for or a bad filter value.
    """
    started = time.perf_counter()
    if match not in MATCH_MODES:
        raise ValueError(f"match must be one of {MATCH_MODES}")
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    now = now or datetime.now(UTC)
    parsed = parse_query(query)
    notices = list(parsed.notices)
    clauses, excluded = p.analyse_terms(parsed, analyze)
    if not clauses and parsed.clauses:
        notices.append("only stop words: searched by the filters alone")
    if not clauses and parsed.filters.is_empty():
        raise QueryError(
            'nothing to search for: type a word, a "phrase" or a filter such as country:EG',
            message_ar='لا شيء للبحث عنه: اكتب كلمة أو "عبارة" أو مرشّحًا مثل country:EG',
        )
    dialect = store.dialect
    try:
        with store.search_connection() as conn:
            conds = _filter_conditions(conn, parsed.filters, notices)
            if conds is None:
                return SearchResults(
                    query, (), 0, facets=Facets() if facets else None, notices=tuple(notices)
                )
            names = _lookup_names(conn, p.name_keys(clauses))
            plan = p.build_plan(clauses, excluded, names)
            highlight = plan.highlight_terms | _entity_name_terms(conn, names)
            if not plan.has_text and plan.excluded:
                # Only exclusions: everything the filters allow, minus the excluded words.
                conds.articles.append(_a.c.id.not_in(_excluded_ids(dialect, plan.excluded)))
            cands, meta, total, capped = _candidates(
                conn, dialect, plan, conds, match, offset + limit
            )
            cands = _rerank(conn, dialect, cands, plan)
            ranked = _rank(cands, meta, now, recency_weight, has_text=plan.has_text)
            if group_by_story:
                ranked = _group(ranked, meta)
            page = ranked[offset : offset + limit]
            hits = _hits(conn, page, highlight)
            facet_counts = _facets(conn, cands, meta) if facets else None
    except sa.exc.OperationalError as exc:
        raise StorageError(f"search failed: {str(exc.orig).splitlines()[0]}") from None
    return SearchResults(
        query=query,
        hits=tuple(hits),
        total=total,
        total_is_lower_bound=capped,
        facets=facet_counts,
        facets_exact=len(cands) < CANDIDATES,
        candidates=len(cands),
        notices=tuple(notices),
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )


def _excluded_ids(dialect: str, excluded: tuple[p.Alt, ...]) -> sa.Select[Any]:
    if dialect == "sqlite":
        return sa.select(_fts.c.rowid).where(
            sa.text("search_fts MATCH :excluded").bindparams(excluded=p.fts5_any(excluded))
        )
    tsq = sa.cast(sa.literal(p.tsquery_any(excluded)), postgresql.TSQUERY)
    return sa.select(_docs.c.article_id).where(_docs.c.tsv.op("@@")(tsq))


def _candidates(
    conn: sa.Connection, dialect: str, plan: p.QueryPlan, conds: _Where, match: str, wanted: int
) -> tuple[list[_Candidate], dict[int, Any], int, bool]:
    """Candidates, their article rows, the total and whether it is a bound.

    ``auto`` takes the articles with every clause, and when they are fewer than ``wanted`` those
    with any clause too; ranking does not put the first above the second (see ``_rerank``).
    """

    def expr(any_term: bool) -> str | None:
        if not plan.has_text:
            return None
        if dialect == "sqlite":
            return p.fts5_match(plan, any_term=any_term)
        return p.tsquery_text(plan, any_term=any_term)

    modes = [match == "any"]
    if match == "auto" and len(plan.clauses) > 1:
        modes.append(True)
    seen: dict[int, _Candidate] = {}
    meta: dict[int, Any] = {}
    total, capped = 0, False
    for any_term in modes:
        match_expr = expr(any_term)
        query = _candidate_query(dialect, match_expr, conds)
        matches: int | None = None  # counted by the PostgreSQL index path
        uncounted = False  # PostgreSQL walked the newest articles: the total is a lower bound
        if dialect != "sqlite" and match_expr is not None:
            rows, matches = _pg_candidates(conn, query, match_expr, conds)
            uncounted = matches is None
        else:
            rows = _run(conn, query.limit(CANDIDATES))
        fresh = [r for r in rows if r.id not in seen]
        pg_rel = None
        if dialect != "sqlite" and match_expr is not None and fresh:
            # The any-clause pass of ``auto`` scores the first pass's few candidates again with
            # its query, so all compare (ts_rank_cd of an AND query is on another scale; FTS5's
            # bm25 is the same for both, as both hold the same phrases).
            pg_rel = _pg_relevance(conn, match_expr, [*seen, *(r.id for r in fresh)])
            seen = {i: replace(c, relevance=pg_rel.get(i, 0.0)) for i, c in seen.items()}
        for r in fresh:
            relevance = pg_rel.get(r.id, 0.0) if pg_rel is not None else float(r.rel or 0.0)
            seen[r.id] = _Candidate(r.id, relevance)
            meta[r.id] = r
        if len(rows) < CANDIDATES:
            total, capped = len(seen), False
        elif conds or uncounted:
            # Counting a filtered common word means walking the index until COUNT_CAP rows
            # pass the filter (0.5 s for a word in 35% and a country in 9% of 200k articles),
            # and on PostgreSQL counting a common word means testing each tsvector: report
            # "500+" instead.
            total, capped = len(seen), True
        else:
            if matches is None:
                matches = _count(conn, dialect, match_expr, conds)
            total = max(min(matches, COUNT_CAP), len(seen))
            capped = total >= COUNT_CAP
        if len(seen) >= wanted:
            break
    return list(seen.values())[:CANDIDATES], meta, total, capped


def _rerank(
    conn: sa.Connection, dialect: str, cands: list[_Candidate], plan: p.QueryPlan
) -> list[_Candidate]:
    """Weigh the ``RERANK_TOP`` most relevant candidates by proximity, title and coverage.

    The factors come from the terms the index stores (FTS5 columns, tsvector weights A/B/C), so
    both backends apply the same ones. On PostgreSQL these candidates are first scored again
    with FTS5's bm25 formula (``_pg_bm25``). The rest keep their order, below them.
    """
    if not plan.has_text or not cands:
        return cands
    top = sorted(cands, key=lambda c: c.relevance, reverse=True)[:RERANK_TOP]
    ids = [c.article_id for c in top]
    terms = plan.highlight_terms
    wanted = terms | {t for c in plan.clauses for a in c for t in a}
    docs: dict[int, StoredDoc] = {}
    if dialect == "sqlite":
        stmt = sa.text("SELECT rowid, title, body, names FROM search_fts WHERE rowid IN :ids")
        rows = conn.execute(stmt.bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids})
        for i, title, body, names in rows.all():
            docs[int(i)] = doc_from_columns(title or "", body or "", names or "", wanted)
        relevance = {c.article_id: c.relevance for c in top}
    else:
        stmt = sa.text("SELECT article_id, tsv::text FROM search_docs WHERE article_id IN :ids")
        rows = conn.execute(stmt.bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids})
        docs = {int(i): doc_from_tsvector(tsv, wanted) for i, tsv in rows.all()}
        relevance = _pg_bm25(conn, plan, docs)
    scored: dict[int, float] = {}
    for i, doc in docs.items():
        f = 1.0 + TITLE_WEIGHT * clause_share(plan.clauses, doc.terms_in("title"))
        f *= 1.0 + COVERAGE_WEIGHT * clause_share(plan.clauses, doc.terms_in(*FIELDS))
        if len(terms) > 1:
            body = [h for h in doc.hits["body"] if h[1] in terms]
            f *= 1.0 + PROXIMITY_WEIGHT * best_window(body, PROXIMITY_WIDTH) / len(terms)
        scored[i] = relevance[i] * f
    # On SQLite the factors only lift, so the rest are below already (scale 1).
    rest = max((c.relevance for c in cands if c.article_id not in scored), default=0.0)
    floor = min(scored.values(), default=0.0)
    scale = min(1.0, floor / rest) if rest > 0 else 1.0
    return [
        replace(c, relevance=scored[c.article_id])
        if c.article_id in scored
        else replace(c, relevance=c.relevance * scale)
        for c in cands
    ]


def _pg_bm25(
    conn: sa.Connection, plan: p.QueryPlan, docs: dict[int, StoredDoc]
) -> dict[int, float]:
    """FTS5's bm25 (same weights) of these documents, from their tsvector terms.

    ts_rank_cd sums the weighted hits with no IDF, saturation or length normalisation: on ARCD
    (full, PostgreSQL) Recall@10 / MRR@10 were 0.912 / 0.631 with it, 0.956 / 0.824 with this
    (SQLite: 0.960 / 0.826; test split 0.970 / 0.858, SQLite 0.969 / 0.858). The collection
    size is the largest id, a phrase is as frequent as its rarest word (``_pg_frequencies``),
    and the average length is these documents' (FTS5 takes the collection's).
    """
    alts = list(dict.fromkeys(a for c in plan.clauses for a in c))
    documents, frequency = _pg_frequencies(conn, sorted({t for a in alts for t in a}))
    documents = max(documents, len(docs))
    idf = {a: bm25_idf(documents, min(frequency[t] for t in a)) for a in alts}
    weights = {"title": W_TITLE, "body": W_BODY, "names": W_NAMES}
    avg_length = sum(d.length for d in docs.values()) / max(1, len(docs))
    return {i: bm25(d, weights, idf, avg_length) for i, d in docs.items()}


_PG_COMMON_TERMS = sa.text(
    "SELECT e.lexeme, e.freq FROM pg_stats s, "
    "unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(lexeme, freq) "
    "WHERE s.schemaname = current_schema() AND s.tablename = 'search_docs' "
    "AND s.attname = 'tsv' AND e.lexeme IN :terms"
).bindparams(sa.bindparam("terms", expanding=True))


def _pg_frequencies(conn: sa.Connection, terms: list[str]) -> tuple[int, dict[str, int]]:
    """The collection size (largest id) and how many documents hold each term.

    Common terms come from ANALYZE's statistics (``pg_stats.most_common_elems``, the share of
    rows): counting them in the index would read thousands of entries each. The others are
    rarer than those, and counted in the GIN index, up to ``COUNT_CAP``.
    """
    documents = int(conn.execute(sa.select(sa.func.max(_docs.c.article_id))).scalar() or 0)
    shares: dict[str, float] = dict(conn.execute(_PG_COMMON_TERMS, {"terms": terms}).all())
    frequency = {term: round(float(share) * documents) for term, share in shares.items()}
    rare = [term for term in terms if term not in shares]

    def count(term: str) -> Any:
        tsq = sa.cast(sa.literal(p.tsquery_any(((term,),))), postgresql.TSQUERY)
        found = sa.select(_docs.c.article_id).where(_docs.c.tsv.op("@@")(tsq)).limit(COUNT_CAP)
        return sa.select(sa.func.count()).select_from(found.subquery()).scalar_subquery()

    if rare:
        counts = conn.execute(sa.select(*map(count, rare))).one()
        frequency.update(zip(rare, map(int, counts), strict=True))
    return documents, frequency


@dataclass(frozen=True)
class _Ranked:
    candidate: _Candidate
    score: float
    story_matches: int = 1


def _rank(
    cands: list[_Candidate], meta: dict[int, Any], now: datetime, weight: float, *, has_text: bool
) -> list[_Ranked]:
    """Relevance times a recency boost, best first; ties go to the newest."""
    scored: list[tuple[_Ranked, float]] = []
    for c in cands:
        row = meta.get(c.article_id)
        if row is None:  # deleted since it was indexed
            continue
        when = row.published_at  # already falls back to created_at (``_META``)
        age_days = max(0.0, (now - when).total_seconds() / 86400) if when else math.inf
        freshness = 0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS) if when else 0.0
        base = c.relevance if has_text else 1.0
        scored.append(
            (_Ranked(c, base * (1.0 + weight * freshness)), when.timestamp() if when else 0.0)
        )
    scored.sort(
        key=lambda s: (s[0].score, s[1], s[0].candidate.article_id),
        reverse=True,
    )
    return [r for r, _ in scored]


def _group(ranked: list[_Ranked], meta: dict[int, Any]) -> list[_Ranked]:
    """The best article of each story, with how many of the story's articles matched."""
    counts = Counter(meta[r.candidate.article_id].story_id for r in ranked)
    out: list[_Ranked] = []
    seen: set[int] = set()
    for r in ranked:
        story = meta[r.candidate.article_id].story_id
        if story is None:
            out.append(r)
        elif story not in seen:
            seen.add(story)
            out.append(_Ranked(r.candidate, r.score, counts[story]))
    return out


def _hits(conn: sa.Connection, page: list[_Ranked], terms: frozenset[str]) -> list[SearchHit]:
    if not page:
        return []
    ids = [item.candidate.article_id for item in page]
    rows = conn.execute(
        sa.select(
            _a.c.id,
            _a.c.url,
            _a.c.title,
            _a.c.text,
            _a.c.summary,
            _a.c.language,
            _a.c.story_id,
            _a.c.source_id,
            _a.c.published_at,
            t.sources.c.title.label("source_title"),
        )
        .outerjoin(t.sources, t.sources.c.id == _a.c.source_id)
        .where(_a.c.id.in_(ids))
    )
    by_id = {r.id: r for r in rows}
    cache: dict[str, frozenset[str]] = {}
    hits: list[SearchHit] = []
    for item in page:
        cand, score = item.candidate, item.score
        r = by_id.get(cand.article_id)
        if r is None:
            continue
        snippet = make_snippet(
            r.text or r.summary or r.title, terms, r.language, analyze, cache=cache
        )
        hits.append(
            SearchHit(
                article_id=r.id,
                url=r.url,
                title=r.title,
                score=score,
                story_id=r.story_id,
                snippet=snippet,
                language=r.language,
                source_id=r.source_id,
                source=r.source_title,
                published_at=r.published_at,
                story_matches=item.story_matches,
            )
        )
    return hits


def _facets(conn: sa.Connection, cands: list[_Candidate], meta: dict[int, Any]) -> Facets:
    """Counts over the candidates, from their rows (``countries`` came with the candidates)."""
    rows = [meta[c.article_id] for c in cands if c.article_id in meta]
    languages = Counter(r.language for r in rows if r.language)
    sources = Counter(r.source_id for r in rows if r.source_id is not None)
    # Few distinct country sets occur, so count the sets and expand each once.
    countries: Counter[str] = Counter()
    regions: Counter[str] = Counter()
    for about, n in Counter(r.countries for r in rows if r.countries).items():
        codes = set(about.split())
        for code in codes:
            countries[code] += n
        for region in {r for r in map(country_region, codes) if r}:
            regions[region] += n
    titles = (
        dict(
            conn.execute(
                sa.select(t.sources.c.id, t.sources.c.title).where(
                    t.sources.c.id.in_(list(sources))
                )
            ).all()
        )
        if sources
        else {}
    )

    def top(counter: Counter[Any], labels: dict[Any, Any] | None = None) -> tuple[FacetCount, ...]:
        items = sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))[:50]
        return tuple(
            FacetCount(str(k), n, labels.get(k) if labels is not None else None) for k, n in items
        )

    return Facets(
        region=top(regions),
        country=top(countries),
        source=top(sources, titles),
        language=top(languages),
    )


__all__ = ["CANDIDATES", "MATCH_MODES", "search"]
