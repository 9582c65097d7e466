"""``search``: the one search service behind the CLI, the web page and the API.

Order of work: parse the query (pure) -> analyse its words and look up entity names -> ask the
backend for the most recent ``CANDIDATES`` matches with their relevance (FTS5 ``bm25`` or
PostgreSQL ``ts_rank_cd``) -> add recency, group by story, count facets, over those candidates ->
read one page of articles and cut highlighted snippets from their original text.

Why only the most recent matches: FTS5 scores every row it returns (~2 us each), so ranking all
matches of a common word over a million articles takes seconds. Walking the index in descending
rowid (= article id, i.e. arrival) order and stopping after ``CANDIDATES`` rows bounds the work,
and for news the newest matches are the ones wanted. The two backends score differently
(bm25 vs ts_rank_cd), so orders may differ, but the SETS they return are the same.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from marsad.errors import QueryError, StorageError
from marsad.search import plan as p
from marsad.search.places import country_region, region_countries, resolve_country, resolve_region
from marsad.search.proximity import best_window, tsvector_field_terms
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
# Proximity re-ranking of the best candidates: relevance x (1 + weight x share of the query's
# terms found within PROXIMITY_WIDTH body terms). Calibrated on ARCD full (match=any): weight
# 0.2 / 0.4 / 0.7 / 1.0 at width 15 gave MRR@10 0.820 / 0.820 / 0.821 / 0.821 (none: 0.812) and
# Recall@10 0.960 / 0.960 / 0.958 / 0.958.
PROXIMITY_TOP = 30
PROXIMITY_WIDTH = 15
PROXIMITY_WEIGHT = 0.4
MAX_LIMIT = 100
MATCH_MODES = ("auto", "all", "any")

_fts = sa.table("search_fts", sa.column("rowid"))
_docs = sa.table("search_docs", sa.column("article_id"), sa.column("tsv"))
_a = t.articles


@dataclass(frozen=True)
class _Candidate:
    article_id: int
    relevance: float
    tier: int  # 1 matched every clause, 0 only some (``auto`` fallback)


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


def _filter_conditions(
    conn: sa.Connection, filters: Filters, notices: list[str]
) -> list[Any] | None:
    """SQL conditions on ``articles``; None when a filter can match nothing."""
    conds: list[Any] = []
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
            # EXISTS per candidate (a primary-key probe), not IN (...): a region's article list
            # is half the archive, and building it cost 0.5 s per query on 200k articles.
            ac = t.article_countries
            conds.append(
                sa.exists().where(
                    ac.c.article_id == _a.c.id,
                    ac.c.country.in_(sorted(wanted)),
                    ac.c.is_about.is_(True),
                )
            )
    if filters.languages:
        conds.append(_a.c.language.in_(list(filters.languages)))
    when = sa.func.coalesce(_a.c.published_at, _a.c.created_at, type_=t.UTCDateTime)
    if filters.date_from is not None:
        conds.append(when >= filters.date_from)
    if filters.date_to is not None:
        conds.append(when < filters.date_to)
    if filters.stories:
        conds.append(_a.c.story_id.in_(list(filters.stories)))
    return conds


_META = (
    _a.c.published_at,
    _a.c.created_at,
    _a.c.story_id,
    _a.c.source_id,
    _a.c.language,
)


def _candidate_query(dialect: str, match: str | None, conds: list[Any]) -> sa.Select[Any]:
    """The most recent matches: id, relevance and what ranking and facets need of the article.

    ``match`` None = filters only. The index drives the query (descending id) and the articles
    row is fetched by primary key for each candidate, so the work stops after the limit.
    """
    if match is None:
        return (
            sa.select(_a.c.id.label("id"), sa.literal(0.0).label("rel"), *_META)
            .where(
                sa.or_(_a.c.duplicate_of.is_(None), _a.c.duplicate_kind == "translation"), *conds
            )
            .order_by(_a.c.id.desc())
        )
    if dialect == "sqlite":
        rel: sa.ColumnClause[Any] = sa.literal_column(
            f"-bm25(search_fts, {W_TITLE}, {W_BODY}, {W_NAMES})"
        )
        return (
            sa.select(_fts.c.rowid.label("id"), rel.label("rel"), *_META)
            .select_from(_fts)
            .join(_a, _a.c.id == _fts.c.rowid)
            .where(sa.text("search_fts MATCH :match").bindparams(match=match), *conds)
            .order_by(_fts.c.rowid.desc())
        )
    # PostgreSQL: no relevance here; ts_rank_cd must read (detoast) each tsvector, so it runs
    # on the bounded candidate set afterwards (``_pg_relevance``), not on every match.
    tsq = sa.cast(sa.literal(match), postgresql.TSQUERY)
    return (
        sa.select(_docs.c.article_id.label("id"), sa.literal(0.0).label("rel"), *_META)
        .select_from(_docs)
        .join(_a, _a.c.id == _docs.c.article_id)
        .where(_docs.c.tsv.op("@@")(tsq), *conds)
        .order_by(_docs.c.article_id.desc())
    )


def _pg_choose_path(
    conn: sa.Connection, query: sa.Select[Any], match: str, conds: list[Any]
) -> sa.Select[Any]:
    """Pick the plan ourselves: PostgreSQL's estimates for ``@@`` are poor.

    Left alone it walks ids newest-first and tests every tsvector (detoasting each) even for a
    rare word: 6.6 s for three rare words OR-ed on 200k articles. So: count the matches in the
    GIN index (cheap, capped); under ``COUNT_CAP`` take them all from the index (a materialised
    CTE) and sort those; past it the word is common, and walking newest-first stops early.
    """
    tsq = sa.cast(sa.literal(match), postgresql.TSQUERY)
    probe = sa.select(_docs.c.article_id).where(_docs.c.tsv.op("@@")(tsq)).limit(COUNT_CAP)
    (matches,) = _run(conn, sa.select(sa.func.count()).select_from(probe.subquery()))[0]
    if matches >= COUNT_CAP:
        return query
    found = (
        sa.select(_docs.c.article_id.label("article_id"))
        .where(_docs.c.tsv.op("@@")(tsq))
        .cte("matched")
        .prefix_with("MATERIALIZED")
    )
    return (
        sa.select(found.c.article_id.label("id"), sa.literal(0.0).label("rel"), *_META)
        .select_from(found)
        .join(_a, _a.c.id == found.c.article_id)
        .where(*conds)
        .order_by(found.c.article_id.desc())
    )


def _pg_relevance(conn: sa.Connection, match: str, ids: Sequence[int]) -> dict[int, float]:
    tsq = sa.cast(sa.literal(match), postgresql.TSQUERY)
    rel = sa.func.ts_rank_cd(sa.literal_column(PG_WEIGHTS), _docs.c.tsv, tsq)
    out: dict[int, float] = {}
    for chunk in _chunks(ids):
        stmt = sa.select(_docs.c.article_id, rel).where(_docs.c.article_id.in_(list(chunk)))
        out.update({int(i): float(r or 0.0) for i, r in _run(conn, stmt)})
    return out


def _count(conn: sa.Connection, dialect: str, match: str | None, conds: list[Any]) -> int:
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
        query = _candidate_query(dialect, match, conds)
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
    ``auto`` (every word first, then the rest when that gives fewer than a page).
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
        with store.connect() as conn:
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
                conds.append(_a.c.id.not_in(_excluded_ids(dialect, plan.excluded)))
            cands, meta, total, capped = _candidates(
                conn, dialect, plan, conds, match, offset + limit
            )
            cands = _rerank_by_proximity(conn, dialect, cands, plan.highlight_terms)
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
    conn: sa.Connection, dialect: str, plan: p.QueryPlan, conds: list[Any], match: str, wanted: int
) -> tuple[list[_Candidate], dict[int, Any], int, bool]:
    """Candidates (tier 1 first), their article rows, the total and whether it is a bound."""

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
        if dialect != "sqlite" and match_expr is not None:
            query = _pg_choose_path(conn, query, match_expr, conds)
        rows = _run(conn, query.limit(CANDIDATES))
        tier = 0 if any_term and match == "auto" else 1
        fresh = [r for r in rows if r.id not in seen]
        pg_rel = None
        if dialect != "sqlite" and match_expr is not None and fresh:
            pg_rel = _pg_relevance(conn, match_expr, [r.id for r in fresh])
        for r in fresh:
            relevance = pg_rel.get(r.id, 0.0) if pg_rel is not None else float(r.rel or 0.0)
            seen[r.id] = _Candidate(r.id, relevance, tier)
            meta[r.id] = r
        if len(rows) < CANDIDATES:
            total, capped = len(seen), False
        elif conds:
            # Counting a filtered common word means walking the index until COUNT_CAP rows
            # pass the filter (0.5 s for a word in 35% and a country in 9% of 200k articles):
            # report "500+" instead.
            total, capped = len(seen), True
        else:
            total = max(_count(conn, dialect, match_expr, conds), len(seen))
            capped = total >= COUNT_CAP
        if len(seen) >= wanted:
            break
    return list(seen.values())[:CANDIDATES], meta, total, capped


def _rerank_by_proximity(
    conn: sa.Connection, dialect: str, cands: list[_Candidate], terms: frozenset[str]
) -> list[_Candidate]:
    """Lift the best ``PROXIMITY_TOP`` candidates whose body holds the query terms close."""
    if len(terms) < 2 or not cands:
        return cands
    top = sorted(cands, key=lambda c: (c.tier, c.relevance), reverse=True)[:PROXIMITY_TOP]
    ids = [c.article_id for c in top]
    if dialect == "sqlite":
        stmt = sa.text("SELECT rowid, body FROM search_fts WHERE rowid IN :ids")
        rows = conn.execute(stmt.bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids})
        bodies = {int(i): (body or "").split() for i, body in rows.all()}
    else:
        stmt = sa.text("SELECT article_id, tsv::text FROM search_docs WHERE article_id IN :ids")
        rows = conn.execute(stmt.bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids})
        bodies = {int(i): tsvector_field_terms(tsv, "B") for i, tsv in rows.all()}
    boost = {
        i: 1.0 + PROXIMITY_WEIGHT * best_window(seq, terms, PROXIMITY_WIDTH) / len(terms)
        for i, seq in bodies.items()
    }
    return [
        replace(c, relevance=c.relevance * boost[c.article_id]) if c.article_id in boost else c
        for c in cands
    ]


@dataclass(frozen=True)
class _Ranked:
    candidate: _Candidate
    score: float
    story_matches: int = 1


def _rank(
    cands: list[_Candidate], meta: dict[int, Any], now: datetime, weight: float, *, has_text: bool
) -> list[_Ranked]:
    """Relevance times a recency boost; tier first, then score, then the newest."""
    scored: list[tuple[_Ranked, float]] = []
    for c in cands:
        row = meta.get(c.article_id)
        if row is None:  # deleted since it was indexed
            continue
        when = row.published_at or row.created_at
        age_days = max(0.0, (now - when).total_seconds() / 86400) if when else math.inf
        freshness = 0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS) if when else 0.0
        base = c.relevance if has_text else 1.0
        scored.append(
            (_Ranked(c, base * (1.0 + weight * freshness)), when.timestamp() if when else 0.0)
        )
    scored.sort(
        key=lambda s: (s[0].candidate.tier, s[0].score, s[1], s[0].candidate.article_id),
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
    cache: dict[str, bool] = {}
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
    ids = [c.article_id for c in cands if c.article_id in meta]
    languages = Counter(meta[i].language for i in ids if meta[i].language)
    sources = Counter(meta[i].source_id for i in ids if meta[i].source_id is not None)
    countries: Counter[str] = Counter()
    regions: Counter[str] = Counter()
    for chunk in _chunks(ids):
        per_article: dict[int, set[str]] = {}
        for article_id, country in conn.execute(
            sa.select(t.article_countries.c.article_id, t.article_countries.c.country).where(
                t.article_countries.c.article_id.in_(list(chunk)),
                t.article_countries.c.is_about.is_(True),
            )
        ).all():
            per_article.setdefault(article_id, set()).add(country)
        for codes in per_article.values():
            countries.update(codes)
            regions.update({r for r in map(country_region, codes) if r})
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
