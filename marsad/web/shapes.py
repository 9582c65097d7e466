"""One data shape for articles, stories, sources and entities.

Each record is declared once as a table of fields (name, JSON Schema, how to read it, what it
means). The API, the CLI's ``--json`` and the JSON Feed ``_marsad`` extension serialise with
:func:`record`, and the OpenAPI document's component schemas are :func:`schema_of` the same
tables, so a field cannot be named one way in one place and another way elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marsad.models import Article, Source
from marsad.store.reads import EntityRow, StoryCard


@dataclass(frozen=True)
class Field:
    name: str
    schema: dict[str, Any]
    get: Callable[[Any], Any]
    description: str


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


_STR = {"type": "string"}
_INT = {"type": "integer"}
_BOOL = {"type": "boolean"}
_STR_OR_NULL = {"type": ["string", "null"]}
_INT_OR_NULL = {"type": ["integer", "null"]}
_TIME = {"type": ["string", "null"], "format": "date-time"}
_CODES = {"type": "array", "items": {"type": "string"}}


def _field(name: str, schema: dict[str, Any], description: str) -> Field:
    return Field(name, schema, lambda obj: getattr(obj, name), description)


def _time(name: str, description: str) -> Field:
    return Field(name, _TIME, lambda obj: _iso(getattr(obj, name)), description)


ARTICLE_FIELDS: tuple[Field, ...] = (
    _field("id", _INT, "Article id."),
    _field("url", _STR, "Canonical URL of the article."),
    _field("title", _STR_OR_NULL, "Title as the source wrote it."),
    _field("summary", _STR_OR_NULL, "Summary or lead, as the source wrote it."),
    _field("author", _STR_OR_NULL, "Author named by the page or feed."),
    _field("language", _STR_OR_NULL, "ISO 639-1 code of the article's language."),
    _field("image", _STR_OR_NULL, "Lead image URL given by the page (og:image) or feed."),
    _field("source_id", _INT_OR_NULL, "The source it was first found through."),
    _field("source_title", _STR_OR_NULL, "That source's name."),
    _time("published_at", "When it was published (UTC, ISO 8601)."),
    _time("fetched_at", "When Marsad fetched it."),
    _field("story_id", _INT_OR_NULL, "The story it belongs to."),
    _field("duplicate_of", _INT_OR_NULL, "The article it republishes or translates."),
    _field(
        "duplicate_kind",
        _STR_OR_NULL,
        "How it relates to duplicate_of: url or text (the same page or text), near (a "
        "republished copy, perhaps under another site's header or cut short), version (an "
        "update by the same outlet) or translation.",
    ),
    Field(
        "extraction_status",
        _STR,
        lambda a: a.extraction_status.value,
        "How extracting its text went (ok, or why not).",
    ),
)

STORY_FIELDS: tuple[Field, ...] = (
    _field("id", _INT, "Story id."),
    _field("title", _STR, "The story's stored title (Arabic when it has one)."),
    Field("title_language", _STR_OR_NULL, lambda c: c.title_lang, "Language of that title."),
    _time("first_seen", "Its first article's time."),
    _time("last_seen", "Its newest article's time."),
    _field("article_count", _INT, "Articles in the story, copies included."),
    _field("source_count", _INT, "Distinct sources that reported it."),
    Field("countries", _CODES, lambda c: list(c.countries), "Countries it is about, most first."),
    Field("regions", _CODES, lambda c: list(c.regions), "Regions it is about, most first."),
    _field("merged_into", _INT_OR_NULL, "The story this one was merged into, if any."),
)

SOURCE_FIELDS: tuple[Field, ...] = (
    _field("id", _INT, "Source id."),
    _field("url", _STR, "URL of the feed, news sitemap or page."),
    Field(
        "kind",
        {"type": "string", "enum": ["feed", "sitemap", "page"]},
        lambda s: s.kind.value,
        "What the URL is.",
    ),
    _field("title", _STR_OR_NULL, "The source's name."),
    _field("site_url", _STR_OR_NULL, "The outlet's home page."),
    _field("country", _STR_OR_NULL, "ISO 3166-1 code of the country the outlet is based in."),
    _field("language", _STR_OR_NULL, "ISO 639-1 code of the outlet's main language."),
    _field("last_status", _INT_OR_NULL, "HTTP status of the last poll."),
    _field("last_error", _STR_OR_NULL, "What went wrong on the last failed poll."),
    _field("failure_count", _INT, "Failed polls in a row."),
    _field("paused", _BOOL, "Paused after failing too long (kept, not polled)."),
    _field("paused_reason", _STR_OR_NULL, "Why it was paused."),
    _time("last_polled_at", "Last poll."),
    _time("last_success_at", "Last successful poll."),
    _time("next_poll_at", "Next poll due."),
    _field("article_count", _INT, "Articles it carried."),
)

ENTITY_FIELDS: tuple[Field, ...] = (
    _field("id", _STR, "Canonical entity id (person:..., org:..., country:..., ...)."),
    Field(
        "type",
        {"type": "string", "enum": ["person", "organization", "place"]},
        lambda e: e.type,
        "What it is.",
    ),
    _field("name_ar", _STR_OR_NULL, "Arabic name."),
    _field("name_en", _STR_OR_NULL, "English name."),
)


def record(fields: tuple[Field, ...], obj: Any) -> dict[str, Any]:
    """``obj`` as the JSON object the table ``fields`` declares."""
    return {f.name: f.get(obj) for f in fields}


def article_record(article: Article) -> dict[str, Any]:
    return record(ARTICLE_FIELDS, article)


def story_record(card: StoryCard) -> dict[str, Any]:
    return record(STORY_FIELDS, card)


def source_record(source: Source) -> dict[str, Any]:
    return record(SOURCE_FIELDS, source)


def entity_record(entity: EntityRow) -> dict[str, Any]:
    return record(ENTITY_FIELDS, entity)


def schema_of(fields: tuple[Field, ...], **extra: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of a record: every declared field present (nullable where it may be
    missing), plus ``extra`` properties an endpoint adds."""
    properties = {f.name: {**f.schema, "description": f.description} for f in fields}
    properties.update(extra)
    return {"type": "object", "properties": properties, "required": [f.name for f in fields]}


__all__ = [
    "ARTICLE_FIELDS",
    "ENTITY_FIELDS",
    "SOURCE_FIELDS",
    "STORY_FIELDS",
    "Field",
    "article_record",
    "entity_record",
    "record",
    "schema_of",
    "source_record",
    "story_record",
]
