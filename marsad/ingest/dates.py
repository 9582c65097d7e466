"""Dates found in feeds and sitemaps, as aware UTC datetimes.

Like feedparser, a list of small parsers tried in order (ISO 8601 / W3C-DTF, RFC 822, then
feedparser's own collection for the odd formats); anything else is ``None``, never an error.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from feedparser.datetimes import _parse_date as _feedparser_parse_date

# Outside this window a date is a typo or a placeholder (e.g. 0001-01-01, 9999-12-31).
_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
_LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None


def _rfc822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _feedparser(text: str) -> datetime | None:
    try:
        parsed = _feedparser_parse_date(text)
    except Exception:  # a third-party date parser: a bad date is just no date
        return None
    return struct_to_datetime(parsed)


_PARSERS = (_iso, _rfc822, _feedparser)


def struct_to_datetime(value: time.struct_time | None) -> datetime | None:
    """feedparser's UTC ``struct_time`` as an aware datetime (None when absent or absurd)."""
    if value is None:
        return None
    try:
        result = datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None
    return result if _EARLIEST <= result < _LATEST else None


def parse_date(text: str | None) -> datetime | None:
    """Parse a date string from a feed or sitemap into aware UTC, or None."""
    if not text:
        return None
    text = text.strip()[:100]
    for parser in _PARSERS:
        try:
            value = parser(text)
        except (ValueError, OverflowError):
            value = None
        if value is not None:
            try:
                value = _aware(value)
            except (ValueError, OverflowError):
                continue
            if _EARLIEST <= value < _LATEST:
                return value
    return None
