"""Validators and conditional GET for pages and feeds: ETag, Last-Modified, 304.

The ETag is a digest of the exact bytes sent, so it changes when anything on the page does
(a new story, a new translation) and never otherwise. Last-Modified is when this process first
served those bytes: pages are built from many rows and have no single modification time, and
a reader's cache only needs a time that moves forward when the body changes.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response

# Pages choose their language from ?lang=, then the lang cookie, then Accept-Language: a shared
# cache must key on both headers. Feeds take the language from the URL alone and send no Vary.
VARY_NEGOTIATED = "Accept-Language, Cookie"
# Enough for every page of a busy site between restarts; the oldest are forgotten first.
MAX_REMEMBERED = 8192


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


class Validators:
    """When each representation (by ETag) was first served; shared by the app's threads."""

    def __init__(self, max_entries: int = MAX_REMEMBERED) -> None:
        self._first: OrderedDict[str, datetime] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()

    def last_modified(self, etag: str, now: datetime) -> datetime:
        with self._lock:
            seen = self._first.get(etag)
            if seen is None:
                seen = self._first[etag] = now.replace(microsecond=0)
                while len(self._first) > self._max:
                    self._first.popitem(last=False)
            else:
                self._first.move_to_end(etag)
            return seen


def _matches(header: str, etag: str) -> bool:
    tags = {tag.strip() for tag in header.split(",")}
    return "*" in tags or etag in tags or f"W/{etag}" in tags


def not_modified(request: Request, etag: str, last_modified: datetime) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    if request.method not in ("GET", "HEAD"):
        return False
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return _matches(if_none_match, etag)
    since = request.headers.get("if-modified-since")
    if not since:
        return False
    try:
        when = parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError):
        return False
    if when.tzinfo is None:
        return False
    return last_modified <= when


def conditional_response(
    request: Request,
    body: bytes,
    media_type: str,
    *,
    validators: Validators,
    now: datetime,
    vary: str | None = None,
) -> Response:
    """``body`` with ETag and Last-Modified (and ``Vary``), or a 304 when the client has it."""
    etag = etag_of(body)
    last = validators.last_modified(etag, now)
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(last.astimezone(UTC), usegmt=True),
        # Stored, but checked each time: news pages change every few seconds.
        "Cache-Control": "no-cache",
    }
    if vary:
        headers["Vary"] = vary
    if not_modified(request, etag, last):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


__all__ = [
    "VARY_NEGOTIATED",
    "Validators",
    "conditional_response",
    "etag_of",
    "not_modified",
]
