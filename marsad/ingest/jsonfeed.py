"""JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1).

Our own parser: feedparser reads RSS, Atom and RDF but not JSON Feed. Like feedparser it never
raises: a broken document gives a ``ParsedFeed`` with ``error`` set and whatever was salvaged.
Items past ``MAX_ITEMS`` are counted but never kept (``load_capped``): a huge feed costs its text,
not a dict per item.
"""

from __future__ import annotations

import json
import re
from typing import Any

from marsad.ingest.dates import parse_date
from marsad.ingest.model import FeedEntry, ParsedFeed
from marsad.ingest.plaintext import strip_bidi_controls
from marsad.ingest.urls import absolute_url

_VERSIONS = {
    "https://jsonfeed.org/version/1": "json10",
    "http://jsonfeed.org/version/1": "json10",
    "https://jsonfeed.org/version/1.1": "json11",
    "http://jsonfeed.org/version/1.1": "json11",
}
MAX_ITEMS = 2000  # far above any real feed (they carry tens to a few hundred); bounds abuse


def looks_like_json(data: bytes) -> bool:
    """True when the body starts (after a BOM and blanks) with ``{``."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _skip(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()  # type: ignore[union-attr]  # matches the empty string


def load_capped(text: str, limit: int = MAX_ITEMS) -> tuple[Any, int]:
    """``json.loads(text)``, except that a top-level ``items`` array keeps only its first
    ``limit`` elements; the others are decoded one at a time and dropped, so a 100,000-item
    feed never exists as 100,000 dicts at once. Returns (document, number of items).
    Raises ``ValueError`` (``json.JSONDecodeError``) on bad JSON, like ``json.loads``."""
    pos = _skip(text, 0)
    if not text.startswith("{", pos):
        return json.loads(text), 0
    doc: dict[str, Any] = {}
    count = 0
    pos = _skip(text, pos + 1)
    if text.startswith("}", pos):
        return _finish(text, pos + 1, doc), 0
    while True:
        key, pos = _DECODER.raw_decode(text, pos)
        if not isinstance(key, str):
            raise json.JSONDecodeError("object keys must be strings", text, pos)
        pos = _skip(text, pos)
        if not text.startswith(":", pos):
            raise json.JSONDecodeError("expected ':'", text, pos)
        pos = _skip(text, pos + 1)
        if key == "items" and text.startswith("[", pos):
            items: list[Any] = []
            pos = _skip(text, pos + 1)
            if text.startswith("]", pos):
                pos += 1
            else:
                while True:
                    item, pos = _DECODER.raw_decode(text, pos)
                    count += 1
                    if count <= limit:
                        items.append(item)
                    pos = _skip(text, pos)
                    if text.startswith("]", pos):
                        pos += 1
                        break
                    if not text.startswith(",", pos):
                        raise json.JSONDecodeError("expected ',' or ']'", text, pos)
                    pos = _skip(text, pos + 1)
            doc[key] = items
        else:
            doc[key], pos = _DECODER.raw_decode(text, pos)
        pos = _skip(text, pos)
        if text.startswith("}", pos):
            return _finish(text, pos + 1, doc), count
        if not text.startswith(",", pos):
            raise json.JSONDecodeError("expected ',' or '}'", text, pos)
        pos = _skip(text, pos + 1)


def _finish(text: str, pos: int, doc: dict[str, Any]) -> dict[str, Any]:
    if _skip(text, pos) != len(text):
        raise json.JSONDecodeError("Extra data", text, pos)
    return doc


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        value = strip_bidi_controls(value).strip()
        return value or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _author(obj: dict[str, Any]) -> str | None:
    authors = obj.get("authors")
    if isinstance(authors, list):
        names = [_text(a.get("name")) for a in authors if isinstance(a, dict)]
        joined = ", ".join(n for n in names if n)
        if joined:
            return joined
    author = obj.get("author")  # JSON Feed 1.0
    if isinstance(author, dict):
        return _text(author.get("name"))
    return None


def _item(raw: Any, base_url: str, feed_language: str | None) -> FeedEntry | None:
    if not isinstance(raw, dict):
        return None
    link = _text(raw.get("url")) or _text(raw.get("external_url"))
    absolute = absolute_url(link, base_url) if link else None
    html = _text(raw.get("content_html"))
    plain = _text(raw.get("content_text"))
    published = parse_date(_text(raw.get("date_published")))
    updated = parse_date(_text(raw.get("date_modified")))
    guid = _text(raw.get("id"))
    if absolute is None and guid is None:
        return None
    return FeedEntry(
        link=absolute,
        guid=guid,
        title=_text(raw.get("title")),
        summary=_text(raw.get("summary")) or plain,
        content=html or plain,
        author=_author(raw),
        published=published,
        updated=updated,
        image=_text(raw.get("image")) or _text(raw.get("banner_image")),
        language=_text(raw.get("language")) or feed_language,
    )


def parse_json_feed(base_url: str, data: bytes) -> ParsedFeed:
    """Parse a JSON Feed document. Never raises."""
    try:
        doc, total = load_capped(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return ParsedFeed(format="", error=f"not valid JSON: {str(exc)[:200]}")
    if not isinstance(doc, dict):
        return ParsedFeed(format="", error="not a JSON Feed: the document is not an object")
    version = _VERSIONS.get(str(doc.get("version", "")).strip())
    errors: list[str] = []
    if version is None:
        errors.append(f"unknown JSON Feed version {str(doc.get('version'))[:80]!r}")
    items = doc.get("items")
    if not isinstance(items, list):
        errors.append("JSON Feed without an items list")
        items = []
    if max(total, len(items)) > MAX_ITEMS:
        errors.append(f"JSON Feed has {max(total, len(items))} items; kept the first {MAX_ITEMS}")
        items = items[:MAX_ITEMS]
    language = _text(doc.get("language"))
    entries = tuple(e for e in (_item(i, base_url, language) for i in items) if e is not None)
    home = _text(doc.get("home_page_url"))
    return ParsedFeed(
        format=version or "json",
        title=_text(doc.get("title")),
        link=absolute_url(home, base_url) if home else None,
        language=language,
        entries=entries,
        encoding="utf-8",
        error="; ".join(errors) or None,
    )
