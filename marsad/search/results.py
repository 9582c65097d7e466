"""What a search returns: frozen records that turn into JSON as they are (``to_json``)."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Snippet:
    """A stretch of the ORIGINAL text with the matched words as (start, end) offsets into it."""

    text: str
    highlights: tuple[tuple[int, int], ...] = ()

    def to_html(self) -> str:
        """Escaped HTML with ``<mark>`` around the matches (safe to insert as is)."""
        out: list[str] = []
        pos = 0
        for start, end in self.highlights:
            out.append(html.escape(self.text[pos:start]))
            out.append("<mark>" + html.escape(self.text[start:end]) + "</mark>")
            pos = end
        out.append(html.escape(self.text[pos:]))
        return "".join(out)

    def marked(self, before: str = "[", after: str = "]") -> str:
        """Plain text with ``before`` / ``after`` around the matches (terminals, logs)."""
        out: list[str] = []
        pos = 0
        for start, end in self.highlights:
            out.append(self.text[pos:start] + before + self.text[start:end] + after)
            pos = end
        out.append(self.text[pos:])
        return "".join(out)

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "highlights": [list(h) for h in self.highlights]}


@dataclass(frozen=True)
class SearchHit:
    article_id: int
    url: str
    title: str | None
    score: float
    story_id: int | None
    snippet: Snippet
    language: str | None
    source_id: int | None
    source: str | None  # the source's title
    published_at: datetime | None
    story_matches: int = 1  # with group_by_story: how many matching articles the story has

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.article_id,
            "url": self.url,
            "title": self.title,
            "score": round(self.score, 6),
            "story": self.story_id,
            "snippet": self.snippet.text,
            "highlights": [list(h) for h in self.snippet.highlights],
            "language": self.language,
            "source_id": self.source_id,
            "source": self.source,
            "published": self.published_at.isoformat() if self.published_at else None,
            "story_matches": self.story_matches,
        }


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int
    label: str | None = None  # a source's title; None for codes

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "count": self.count, "label": self.label}


@dataclass(frozen=True)
class Facets:
    """Counts over the ranked candidates (see ``SearchResults.facets_exact``)."""

    region: tuple[FacetCount, ...] = ()
    country: tuple[FacetCount, ...] = ()
    source: tuple[FacetCount, ...] = ()
    language: tuple[FacetCount, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            name: [c.to_json() for c in getattr(self, name)]
            for name in ("region", "country", "source", "language")
        }


@dataclass(frozen=True)
class SearchResults:
    """One page of hits. ``total`` is exact unless ``total_is_lower_bound``.

    Only the ``candidates`` most recent matches are ranked and counted in the facets (the bound
    that keeps a common word fast on a large index); ``facets_exact`` is False when more matched.
    """

    query: str
    hits: tuple[SearchHit, ...]
    total: int
    total_is_lower_bound: bool = False
    facets: Facets | None = None
    facets_exact: bool = True
    candidates: int = 0
    notices: tuple[str, ...] = field(default=())
    elapsed_ms: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "total_is_lower_bound": self.total_is_lower_bound,
            "hits": [h.to_json() for h in self.hits],
            "facets": self.facets.to_json() if self.facets else None,
            "facets_exact": self.facets_exact,
            "notices": list(self.notices),
            "elapsed_ms": round(self.elapsed_ms, 2),
        }


__all__ = ["FacetCount", "Facets", "SearchHit", "SearchResults", "Snippet"]
