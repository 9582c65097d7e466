"""The records the ingestion parsers return: plain frozen dataclasses, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed (or one URL of a news sitemap), as the publisher described it."""

    link: str | None  # absolute URL of the article (as published, not canonicalised)
    guid: str | None = None
    title: str | None = None
    summary: str | None = None
    content: str | None = None  # full HTML content when the feed carries it
    author: str | None = None
    published: datetime | None = None  # aware UTC
    updated: datetime | None = None  # aware UTC
    image: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed. ``error`` says what was wrong; entries are kept where they could be salvaged."""

    format: str  # rss20, rss10, rss090, atom10, atom03, json10, json11, sitemap, ... or ""
    title: str | None = None
    link: str | None = None  # the site's home page
    language: str | None = None
    entries: tuple[FeedEntry, ...] = ()
    ttl_seconds: int | None = None  # RSS <ttl>
    update_period_seconds: int | None = None  # sy:updatePeriod / sy:updateFrequency
    encoding: str | None = None
    error: str | None = None  # "bozo": why the document is not clean (None when it is)
    looks_like_html: bool = False  # the body is a web page, not a feed (try autodiscovery)

    @property
    def ok(self) -> bool:
        """True when the feed parsed without any recorded problem."""
        return self.error is None


__all__ = ["FeedEntry", "ParsedFeed"]
