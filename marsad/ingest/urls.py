"""URL checks and canonical forms."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from marsad.errors import InvalidURLError


def validate_http_url(url: str) -> str:
    """Return ``url`` cleaned (scheme and host lower-cased, no fragment) or raise InvalidURLError."""
    candidate = (url or "").strip()
    try:
        parts = urlsplit(candidate)
        port = parts.port  # raises ValueError on a bad port
    except ValueError:
        raise InvalidURLError(
            f"invalid URL: {url!r}", message_ar=f"رابط غير صالح: {url!r}"
        ) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidURLError(
            f"invalid URL: {url!r} (expected http:// or https:// with a host)",
            message_ar=f"رابط غير صالح: {url!r} (يُتوقع http:// أو https:// مع اسم مضيف)",
        )
    if any(ch.isspace() for ch in candidate):
        raise InvalidURLError(f"invalid URL: {url!r} (contains spaces)")
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    if parts.username:
        raise InvalidURLError(f"invalid URL: {url!r} (credentials in URLs are not accepted)")
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))
