"""Plain records shared by the stages and the store.

Stages take and return frozen dataclasses; the store reads and writes these. Times are
timezone-aware UTC ``datetime`` objects (or ``None``). Country codes are ISO 3166-1 alpha-2,
upper case; languages are ISO 639-1, lower case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class SourceKind(StrEnum):
    FEED = "feed"  # RSS, Atom, JSON Feed
    SITEMAP = "sitemap"  # news sitemap or sitemap index
    PAGE = "page"  # a single article URL


class ExtractionStatus(StrEnum):
    PENDING = "pending"  # known from a feed entry; page not fetched yet
    OK = "ok"
    FEED_ONLY = "feed_only"  # page not fetched or not usable; text comes from the feed entry
    NO_ARTICLE = "no_article"  # the page held no article
    FETCH_FAILED = "fetch_failed"
    TIMEOUT = "timeout"
    BAD_INPUT = "bad_input"  # binary, empty, undecodable


class EntityType(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"
    PLACE = "place"


REGIONS: tuple[str, ...] = (
    "europe",
    "americas",
    "middle_east",
    "north_africa",
    "africa",
    "south_asia",
    "southeast_asia",
    "east_asia",
    "central_asia",
    "oceania",
)


@dataclass(frozen=True)
class Source:
    id: int
    url: str
    kind: SourceKind
    title: str | None = None
    site_url: str | None = None
    language: str | None = None
    country: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    poll_interval: int | None = None
    next_poll_at: datetime | None = None
    failure_count: int = 0
    last_status: int | None = None
    last_error: str | None = None
    last_polled_at: datetime | None = None
    last_success_at: datetime | None = None
    paused: bool = False
    paused_reason: str | None = None
    translate_policy: str | None = None
    created_at: datetime | None = None
    article_count: int = 0
    lease_owner: str | None = None  # the process fetching it now, until lease_until
    lease_until: datetime | None = None


@dataclass(frozen=True)
class Article:
    id: int
    url: str
    source_id: int | None = None
    guid: str | None = None
    title: str | None = None
    text: str | None = None
    summary: str | None = None
    author: str | None = None
    image: str | None = None
    language: str | None = None
    site_name: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    fetched_at: datetime | None = None
    content_hash: str | None = None
    extraction_status: ExtractionStatus = ExtractionStatus.PENDING
    duplicate_of: int | None = None
    duplicate_kind: str | None = None  # url | text | near | version (same outlet) | translation
    story_id: int | None = None
    created_at: datetime | None = None
    duplicate_evidence: dict[str, Any] | None = None  # why it is a copy (see migration 0005)
    source_title: str | None = None


@dataclass(frozen=True)
class NewArticle:
    """What the pipeline hands the store to insert (no id yet)."""

    url: str
    source_id: int | None = None
    guid: str | None = None
    title: str | None = None
    text: str | None = None
    summary: str | None = None
    author: str | None = None
    image: str | None = None
    language: str | None = None
    site_name: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    fetched_at: datetime | None = None
    content_hash: str | None = None
    extraction_status: ExtractionStatus = ExtractionStatus.PENDING
    aliases: tuple[str, ...] = ()  # other URLs / guids under which this article was seen


@dataclass(frozen=True)
class Story:
    id: int
    title_ar: str | None = None
    title: str | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    article_count: int = 0
    source_count: int = 0
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    merged_into: int | None = None


@dataclass(frozen=True)
class EntityName:
    name: str
    language: str


@dataclass(frozen=True)
class Entity:
    id: str  # canonical id shared by all names, e.g. "person:vladimir-putin" or a Wikidata Q-id
    type: EntityType
    name_ar: str | None = None
    name_en: str | None = None
    names: tuple[EntityName, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ArticleCountry:
    country: str
    score: float
    is_about: bool
    mentions: int = 0


@dataclass(frozen=True)
class ArticleEntity:
    entity_id: str
    mentions: int = 1
    salience: float = 0.0


@dataclass(frozen=True)
class Translation:
    article_id: int
    field: str  # title | summary | text
    target_language: str
    engine: str
    model: str
    text: str
    created_at: datetime | None = None


__all__ = [
    "REGIONS",
    "AnalysedArticle",
    "Article",
    "ArticleCountry",
    "ArticleEntity",
    "Entity",
    "EntityName",
    "EntityType",
    "ExtractionStatus",
    "NewArticle",
    "Regrouping",
    "Source",
    "SourceKind",
    "Story",
    "StoryChange",
    "Translation",
]


@dataclass(frozen=True)
class StoryChange:
    """What the clusterer decided about an article's story, for the store to apply."""

    story_id: int | None  # None: a new story
    title_ar: str | None = None
    title: str | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    absorbed: tuple[int, ...] = ()  # stories found to be this one: their articles move here


@dataclass(frozen=True)
class Regrouping:
    """What a re-check of the story window changed (``Store.apply_regrouping``): stories by a
    reference (``db:<id>`` for a stored story, anything else for a new one), each moved or
    re-linked article with its story reference and copy link, and the stored stories that
    no story continues, each with the reference of the story that took most of its articles."""

    stories: dict[str, StoryChange]
    articles: tuple[tuple[int, str, int | None, str | None, dict[str, Any] | None], ...]
    absorbed: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class AnalysedArticle:
    """An article with everything the stages found, stored in one transaction."""

    article: NewArticle
    countries: tuple[ArticleCountry, ...] = ()
    entity_links: tuple[ArticleEntity, ...] = ()
    entities: tuple[Entity, ...] = ()  # entity records to make sure exist
    minhash: bytes | None = None
    features: dict[str, object] | None = None
    duplicate_of: int | None = None
    duplicate_kind: str | None = None  # url | text | near | version | translation
    duplicate_evidence: dict[str, Any] | None = None  # why (alignment, similarity)
    story: StoryChange | None = None
