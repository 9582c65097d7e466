"""The web's one door to search: ``marsad.search.search`` when it is there, else a fallback.

The search stage returns its own ``SearchResults``; this module reads the few things the pages,
feeds and API need from it (article ids, snippets, scores, facets, total) and loads the articles
so every caller gets the same records.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import nh3
from markupsafe import Markup

from marsad.errors import QueryError
from marsad.models import Article
from marsad.store import Store
from marsad.web.render import strip_control

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 500
FACET_NAMES = ("region", "country", "source", "lang")


@dataclass(frozen=True)
class SearchHit:
    article: Article
    snippet: Markup | None = None
    score: float | None = None


@dataclass(frozen=True)
class SearchPage:
    query: str
    hits: list[SearchHit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    total: int | None = None
    engine: str = "search"
    facet_labels: dict[tuple[str, str], str] = field(default_factory=dict)
    total_is_lower_bound: bool = False
    notices: tuple[str, ...] = ()


def _clean_snippet(value: Any) -> Markup | None:
    """The search stage's snippet as HTML: only ``<mark>`` and ``<b>`` survive."""
    if not value:
        return None
    raw = value.to_html() if hasattr(value, "to_html") else str(value)
    cleaned = nh3.clean(strip_control(raw), tags={"mark", "b"}, attributes={})
    return Markup(cleaned) if cleaned.strip() else None


def _facets(raw: Any) -> dict[str, list[tuple[str, int]]]:
    """``Facets`` (region, country, source, language of ``FacetCount``) as plain pairs."""
    out: dict[str, list[tuple[str, int]]] = {}
    if raw is None:
        return out
    for name in ("region", "country", "source", "language"):
        counts = getattr(raw, name, ()) or ()
        out[name] = [(str(c.value), int(c.count)) for c in counts][:30]
    return out


def _facet_labels(raw: Any) -> dict[tuple[str, str], str]:
    labels: dict[tuple[str, str], str] = {}
    if raw is None:
        return labels
    for name in ("region", "country", "source", "language"):
        for c in getattr(raw, name, ()) or ():
            if getattr(c, "label", None):
                labels[(name, str(c.value))] = str(c.label)
    return labels


def run_search(
    store: Store,
    search_function: Callable[..., Any] | None,
    query: str,
    *,
    limit: int,
    offset: int = 0,
    now: datetime | None = None,
    recency_weight: float | None = None,
) -> SearchPage:
    """Search ``query``; raise QueryError with a clear message on a query that cannot run."""
    query = strip_control(query).strip()
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(
            f"query too long (at most {MAX_QUERY_CHARS} characters)",
            message_ar=f"الاستعلام طويل جدًا (الحد الأقصى {MAX_QUERY_CHARS} حرف)",
        )
    if not query:
        return SearchPage(query="", hits=[], engine="none")
    if search_function is None:
        return _fallback_search(store, query, limit=limit, offset=offset)
    options: dict[str, Any] = {"limit": limit, "offset": offset, "facets": True}
    if now is not None:
        options["now"] = now
    if recency_weight is not None:
        options["recency_weight"] = recency_weight
    results = search_function(store, query, **options)
    ids = [int(h.article_id) for h in results.hits]
    extra = {int(h.article_id): (_clean_snippet(h.snippet), float(h.score)) for h in results.hits}
    with store.reading() as r:
        by_id = {a.id: a for a in r.get_articles(ids)}
    articles = [by_id[i] for i in dict.fromkeys(ids) if i in by_id]
    total = getattr(results, "total", None)
    return SearchPage(
        query=query,
        hits=[SearchHit(a, *extra[a.id]) for a in articles],
        facets=_facets(getattr(results, "facets", None)),
        facet_labels=_facet_labels(getattr(results, "facets", None)),
        total=int(total) if isinstance(total, int) else None,
        total_is_lower_bound=bool(getattr(results, "total_is_lower_bound", False)),
        notices=tuple(str(n) for n in getattr(results, "notices", ()) or ()),
    )


def _fallback_search(store: Store, query: str, *, limit: int, offset: int) -> SearchPage:
    """FALLBACK ONLY (no ``marsad.search``): titles containing every plain word of the query."""
    words = [w for w in query.replace('"', " ").split() if ":" not in w and not w.startswith("-")]
    words = [w for w in words if w.upper() != "OR"]
    if not words:
        return SearchPage(query=query, hits=[], engine="fallback")
    with store.reading() as r:
        articles = r.simple_title_search(words, limit=limit, offset=offset)
    return SearchPage(query=query, hits=[SearchHit(a) for a in articles], engine="fallback")


__all__ = ["FACET_NAMES", "SearchHit", "SearchPage", "run_search"]
