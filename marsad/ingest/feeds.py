"""RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed documents into ``ParsedFeed``.

``parse_feed`` is pure: bytes and the response headers in, a frozen record out; it never raises.
RSS, RDF and Atom go through feedparser (well kept, handles encodings, entities and broken XML);
JSON Feed through our own ``jsonfeed`` module because feedparser does not read it.

Encodings: feedparser applies RFC 3023 (HTTP charset, then BOM, then the XML prolog). One change:
a ``text/*`` Content-Type without a charset is handed over as ``application/xml`` so the XML
prolog decides, as browsers and Miniflux do; RFC 3023's us-ascii default would otherwise turn
every Arabic feed served as plain ``text/xml`` into a recorded error.

When a declaration lies (header or prolog says UTF-8, the bytes are windows-1256; or the reverse),
feedparser would fall back to windows-1252 and store mojibake. ``_settle_encoding`` decides first:
a declared charset that cannot decode the bytes loses to what charset-normalizer detects (and
valid non-ASCII UTF-8 beats a declared single-byte code page); the body is handed over as UTF-8
and the disagreement goes to ``error``, which the crawl records on the source.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Mapping
from typing import Any

import feedparser

try:
    import charset_normalizer
except ImportError:  # pragma: no cover - optional: without it undeclared legacy bytes are cp1252
    charset_normalizer = None  # type: ignore[assignment]

from marsad.ingest.dates import struct_to_datetime
from marsad.ingest.jsonfeed import MAX_ITEMS, looks_like_json, parse_json_feed
from marsad.ingest.model import FeedEntry, ParsedFeed
from marsad.ingest.plaintext import strip_bidi_controls
from marsad.ingest.urls import absolute_url

log = logging.getLogger(__name__)

# sy:updatePeriod values (RSS 1.0 syndication module) in seconds.
_PERIODS = {
    "hourly": 3600,
    "daily": 86400,
    "weekly": 7 * 86400,
    "monthly": 30 * 86400,
    "yearly": 365 * 86400,
}
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")
_JSON_TYPES = ("application/feed+json", "application/json")


def _lower_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (headers or {}).items()}


def _feedparser_headers(base_url: str, headers: dict[str, str]) -> dict[str, str]:
    out = {"content-location": base_url}
    ctype = headers.get("content-type", "")
    media = ctype.split(";", 1)[0].strip().lower()
    if "charset=" in ctype.lower():
        out["content-type"] = (
            ctype if media.endswith("xml") else f"application/xml; {ctype.split(';', 1)[1]}"
        )
    else:
        out["content-type"] = "application/xml"
    return out


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_UTF16_WITHOUT_BOM = ((b"<\0?\0", "utf-16-le"), (b"\0<\0?", "utf-16-be"))
_PROLOG_ENCODING = re.compile(rb"^(<\?xml[^>]*?encoding\s*=\s*)([\"'])[^\"']*\2", re.IGNORECASE)


def _recode_unicode(data: bytes) -> tuple[bytes, str | None]:
    """UTF-16/32 (BOM or none) and UTF-8 BOM bodies as plain UTF-8, and the original codec.

    A byte-order mark outranks every declaration (as in browsers). feedparser misreads a UTF-16
    body whose prolog declares no encoding, so such bodies are re-encoded before it sees them.
    """
    codec = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    skip = 0
    if codec is not None:
        skip = next(len(bom) for bom, name in _BOMS if name == codec)
    else:
        codec = next((name for head, name in _UTF16_WITHOUT_BOM if data.startswith(head)), None)
    if codec is None:
        return data, None
    try:
        text = data[skip:].decode(codec)
    except UnicodeDecodeError:
        text = data[skip:].decode(codec, "replace")
    recoded = text.encode("utf-8")
    return _PROLOG_ENCODING.sub(rb"\1\2utf-8\2", recoded, count=1), codec.replace(
        "-le", "le"
    ).replace("-be", "be")


_PROLOG_DECLARES = re.compile(rb"^\s*<\?xml[^>]*\bencoding\s*=", re.IGNORECASE)
_PROLOG_LABEL = re.compile(
    rb"^\s*<\?xml[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9_.:\-]{1,40})[\"']", re.IGNORECASE
)
_HEADER_LABEL = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:\-]{1,40})", re.IGNORECASE)
# Broken bytes tolerated in a declared UTF-8 body before it is called mislabelled (a truncated
# multi-byte sequence here and there is a sloppy server, not another code page).
_FEW_REPLACEMENTS = 3
_DETECT_BYTES = 64 * 1024  # enough text for a confident guess; bounds the detector's time


def _guess_charset(data: bytes, content_type: str) -> str | None:
    """A charset for a body that declares none (header, prolog) and is not valid UTF-8.

    feedparser would fall back to windows-1252 and turn an undeclared windows-1256 Arabic feed
    into mojibake; charset-normalizer (installed with trafilatura) tells the legacy code pages
    apart from the bytes themselves.
    """
    if "charset=" in content_type.lower() or _PROLOG_DECLARES.match(data[:512]):
        return None
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    if charset_normalizer is None:
        return None
    best = charset_normalizer.from_bytes(data[:_DETECT_BYTES]).best()
    return best.encoding if best is not None else None


# Browsers read these labels as windows-1252 (WHATWG Encoding); so do we.
_AS_CP1252 = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii"})


def codec_name(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None when Python does not know it."""
    if not label:
        return None
    label = label.strip().lower()
    try:
        name = codecs.lookup("cp1252" if label in _AS_CP1252 else label).name
    except LookupError:
        return None
    return "utf-8" if name == "utf-8-sig" else name


def _declared(data: bytes, content_type: str) -> str | None:
    """The charset label the header (first, as RFC 3023 orders them) or the prolog declares."""
    match = _HEADER_LABEL.search(content_type)
    if match:
        return match.group(1)
    prolog = _PROLOG_LABEL.match(data[:512])
    return prolog.group(1).decode("ascii") if prolog else None


def _detect(data: bytes) -> str | None:
    if charset_normalizer is None:
        return None
    best = charset_normalizer.from_bytes(data[:_DETECT_BYTES]).best()
    return best.encoding if best is not None else None


def _settle_encoding(data: bytes, content_type: str) -> tuple[bytes, str | None, str | None]:
    """(body, codec, note): the body re-encoded as UTF-8 when its declared charset lied.

    ``codec`` is what was used (None: nothing changed, feedparser decides as before) and
    ``note`` says why, for the record.
    """
    label = _declared(data, content_type)
    codec = codec_name(label)
    if label is None or codec is None or data.isascii():
        return data, None, None
    if codec == "utf-8":
        try:
            data.decode("utf-8")
            return data, None, None
        except UnicodeDecodeError:
            pass
        if data.decode("utf-8", "replace").count("\ufffd") <= _FEW_REPLACEMENTS:
            return data, None, None
        detected = _detect(data)
        if detected is None or codec_name(detected) in (None, "utf-8"):
            return data, None, None
        text = data.decode(detected, "replace")
        note = f"declared encoding {label} does not fit the bytes; decoded as {detected} (detected)"
    elif codec.startswith(("utf-16", "utf-32")):
        return data, None, None  # BOM-less UTF-16 is _recode_unicode's; a lie here is rare
    else:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:  # non-ASCII valid UTF-8 is UTF-8: a legacy code page never forms it by chance
            text, detected = data.decode("utf-8"), "utf-8"
            note = f"declared encoding {label} but the bytes are UTF-8; decoded as UTF-8"
            return _as_utf8(text), detected, note
        try:
            data.decode(codec)
            return data, None, None
        except UnicodeDecodeError:
            pass
        detected = _detect(data)
        if detected is None or codec_name(detected) == codec:
            return data, None, None
        text = data.decode(detected, "replace")
        note = f"declared encoding {label} does not fit the bytes; decoded as {detected} (detected)"
    return _as_utf8(text), detected, note


def _as_utf8(text: str) -> bytes:
    return _PROLOG_ENCODING.sub(rb"\1\2utf-8\2", text.encode("utf-8"), count=1)


# The end of an item (RSS 0.9x/1.0/2.0, with or without a namespace prefix) or an Atom entry.
_ITEM_END = re.compile(rb"</(?:[A-Za-z_][\w.\-]*:)?(?:item|entry)\s*>", re.IGNORECASE)
_TAG_NAME = re.compile(rb"(/?)([A-Za-z_][\w:.\-]*)")
# What ends each kind of markup that is not a tag (comment, CDATA, instruction, declaration).
_MARKUP_ENDS = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>"), (b"<!", b">"))


def _open_elements(head: bytes) -> list[bytes]:
    """Names of the elements still open at the end of ``head``, outermost first.

    A linear scan with ``find`` (no regex that could backtrack on hostile markup): markup that
    never ends stops the scan, as it would swallow the rest of the document anyway.
    """
    stack: list[bytes] = []
    pos = head.find(b"<")
    while pos != -1:
        for start, stop in _MARKUP_ENDS:
            if head.startswith(start, pos):
                end = head.find(stop, pos + len(start))
                if end == -1:
                    return stack
                pos = head.find(b"<", end + len(stop))
                break
        else:
            end = head.find(b">", pos)
            if end == -1:
                return stack
            tag = _TAG_NAME.match(head, pos + 1, end)
            if tag is not None and head[end - 1 : end] != b"/":
                name = tag.group(2)
                if not tag.group(1):
                    stack.append(name)
                elif name in stack:  # close it and any child left open inside it
                    del stack[len(stack) - 1 - stack[::-1].index(name) :]
            pos = head.find(b"<", end + 1)
    return stack


def _cap_items(data: bytes, limit: int) -> tuple[bytes, int]:
    """The document cut after its ``limit``-th item, closed properly, and how many items it had.

    feedparser builds every entry of a document before we can drop any: a 100,000-item feed took
    minutes and hundreds of MB to keep 2,000. Counting item ends is a C-speed scan; only the
    kept part is walked tag by tag to know which elements to close (an item end inside CDATA or
    a comment is counted too: the cut may come early, never late).
    """
    ends = _ITEM_END.finditer(data)
    cut = None
    count = 0
    for count, match in enumerate(ends, 1):
        if count == limit:
            cut = match.end()
        elif count > limit:
            count += sum(1 for _ in ends)
            break
    if cut is None or count <= limit:
        return data, count
    head = data[:cut]
    closing = b"".join(b"</" + name + b">" for name in reversed(_open_elements(head)))
    return head + closing, count


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = strip_bidi_controls(value).strip()
    return value or None


def _image(entry: Any) -> str | None:
    for key in ("media_thumbnail", "media_content"):
        for media in entry.get(key) or ():
            url = media.get("url")
            medium = str(media.get("medium") or media.get("type") or "image")
            if url and ("image" in medium or key == "media_thumbnail"):
                return str(url)
    for link in entry.get("links") or ():
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/"):
            return str(link.get("href")) if link.get("href") else None
    image = entry.get("image")
    if isinstance(image, dict) and image.get("href"):
        return str(image["href"])
    return None


def _content(entry: Any) -> str | None:
    contents = entry.get("content") or ()
    # Prefer the HTML body (Atom may carry both a text and an HTML content).
    for item in sorted(contents, key=lambda c: "html" not in str(c.get("type", ""))):
        value = _text(item.get("value"))
        if value:
            return value
    return None


def _entry(raw: Any, base_url: str, language: str | None) -> FeedEntry | None:
    link = absolute_url(_text(raw.get("link")), base_url)
    guid = _text(raw.get("id"))
    if link is None and guid is not None and raw.get("guidislink", False):
        link = absolute_url(guid, base_url)
    detail = raw.get("title_detail") or {}
    author = _text(raw.get("author"))
    updated = struct_to_datetime(dict.get(raw, "updated_parsed"))  # no feedparser aliasing
    return FeedEntry(
        link=link,
        guid=guid,
        title=_text(raw.get("title")),
        summary=_text(raw.get("summary")),
        content=_content(raw),
        author=author,
        # RSS 1.0's dc:date and many Atom feeds only give an update time: use it as published.
        published=struct_to_datetime(raw.get("published_parsed")) or updated,
        updated=updated,
        image=absolute_url(_image(raw), base_url),
        language=_text(detail.get("language")) or language,
    )


def _int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _update_period(feed: Any) -> int | None:
    period = _PERIODS.get(str(feed.get("sy_updateperiod", "")).strip().lower())
    if period is None:
        return None
    frequency = _int(feed.get("sy_updatefrequency")) or 1
    return max(1, period // frequency)


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(_HTML_STARTS)


def parse_feed(base_url: str, data: bytes, headers: Mapping[str, str] | None = None) -> ParsedFeed:
    """Parse an RSS, Atom, RDF or JSON Feed document. Never raises; problems go to ``error``."""
    if not data or not data.strip():
        return ParsedFeed(format="", error="empty body")
    lowered = _lower_headers(headers)
    media = lowered.get("content-type", "").split(";", 1)[0].strip().lower()
    if media in _JSON_TYPES or looks_like_json(data):
        return parse_json_feed(base_url, data)
    data, recoded = _recode_unicode(data)
    data, items = _cap_items(data, MAX_ITEMS)
    encoding_note: str | None = None
    if not recoded:
        data, recoded, encoding_note = _settle_encoding(data, lowered.get("content-type", ""))
    if recoded:
        lowered["content-type"] = "application/xml; charset=utf-8"
    else:
        guessed = _guess_charset(data, lowered.get("content-type", ""))
        if guessed:
            lowered["content-type"] = f"application/xml; charset={guessed}"
    try:
        result = feedparser.parse(
            data,
            response_headers=_feedparser_headers(base_url, lowered),
            # Sanitised, with absolute links: entry HTML may be shown. Costs ~25% of parse time.
            resolve_relative_uris=True,
            sanitize_html=True,
        )
    except Exception as exc:  # feedparser is not ours: its crash is a bad document
        log.debug("feedparser failed on %s", base_url, exc_info=True)
        return ParsedFeed(format="", error=f"unparseable feed: {type(exc).__name__}: {exc}"[:300])
    feed = result.get("feed") or {}
    version = str(result.get("version") or "")
    raw_entries = list(result.get("entries") or ())
    if not version and not raw_entries:
        html = _looks_like_html(data) or media in ("text/html", "application/xhtml+xml")
        reason = "not a feed: the URL returned an HTML page" if html else "not a feed"
        problem = result.get("bozo_exception")
        if problem is not None and not html:
            reason += f" ({str(problem)[:200]})"
        return ParsedFeed(format="", error=reason, looks_like_html=html)
    errors: list[str] = [encoding_note] if encoding_note else []
    if result.get("bozo"):
        problem = result.get("bozo_exception")
        # A declared-charset mismatch that feedparser resolved is not worth a recorded error.
        if problem is not None and not isinstance(problem, feedparser.CharacterEncodingOverride):
            errors.append(f"malformed feed (salvaged): {str(problem)[:200]}")
    if max(items, len(raw_entries)) > MAX_ITEMS:
        total = max(items, len(raw_entries))
        errors.append(f"feed has {total} entries; kept the first {MAX_ITEMS}")
        raw_entries = raw_entries[:MAX_ITEMS]
    language = _text(feed.get("language"))
    entries = tuple(
        e for e in (_entry(r, base_url, language) for r in raw_entries) if e is not None
    )
    ttl = _int(feed.get("ttl"))
    return ParsedFeed(
        format=version or "unknown",
        title=_text(feed.get("title")),
        link=absolute_url(_text(feed.get("link")), base_url),
        language=language,
        entries=entries,
        ttl_seconds=ttl * 60 if ttl else None,
        update_period_seconds=_update_period(feed),
        encoding=recoded or _text(result.get("encoding")),
        error="; ".join(errors) or None,
    )


__all__ = ["parse_feed"]
