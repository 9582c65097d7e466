"""URL checks and canonical forms."""

from __future__ import annotations

from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

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


# Query parameters that only track the reader (campaigns, click ids, share widgets). They never
# change which article a URL names, so they are dropped before URLs are compared or stored.
_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "__hs", "_hs")
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ocid",
        "ref_src",
        "ref_url",
        "cmpid",
        "at_medium",
        "at_campaign",
        "ito",
        "s_cid",
        "xtor",
        "spm",
        "share",
        "rss",
        "__twitter_impression",
    }
)


def is_tracking_param(name: str) -> bool:
    """True for query parameters that only track the reader (utm_*, fbclid, gclid, ...)."""
    key = name.lower()
    return key in _TRACKING_PARAMS or key.startswith(_TRACKING_PREFIXES)


def canonicalize_url(url: str, base: str | None = None) -> str | None:
    """The canonical form of an article URL, or None when it is not a usable http(s) URL.

    Resolves against ``base``, lower-cases scheme and host, drops the default port, the fragment,
    credentials and tracking parameters; the order of the remaining parameters is kept (some
    sites route on it).
    """
    candidate = (url or "").strip()
    if not candidate:
        return None
    if base:
        try:
            candidate = urljoin(base, candidate)
        except ValueError:
            return None
    try:
        parts = urlsplit(candidate)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    if any(ch.isspace() for ch in candidate):
        candidate = "".join(
            "%20" if ch == " " else ch for ch in candidate if ch == " " or not ch.isspace()
        )
        parts = urlsplit(candidate)
    if not parts.hostname or any(ord(ch) < 32 or ord(ch) == 127 for ch in candidate):
        return None
    host = parts.hostname.lower().rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return None
    if ":" in host:
        host = f"[{host}]"
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        host = f"{host}:{port}"
    # Filter the raw ``k=v`` pieces so the publisher's own percent-encoding is kept as it was.
    query = "&".join(
        piece
        for piece in parts.query.split("&")
        if piece and not is_tracking_param(unquote_plus(piece.split("=", 1)[0]))
    )
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


_DEFAULT_PORTS = {"http": 80, "https": 443}


def host_key(url: str) -> str:
    """``scheme://host[:port]`` of ``url``: the unit of politeness (limits, delay, robots.txt)."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{(parts.netloc.rsplit('@', 1)[-1]).lower()}"


def absolute_url(url: str | None, base: str | None = None) -> str | None:
    """``url`` resolved against ``base`` when it is a usable http(s) URL, else None."""
    candidate = (url or "").strip()
    if not candidate:
        return None
    try:
        if base:
            candidate = urljoin(base, candidate)
        parts = urlsplit(candidate)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit(parts._replace(fragment=""))


def _bare_host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def publisher_canonical(candidate: str | None, page_url: str) -> str | None:
    """The page's own canonical URL when it can be trusted to name this article, else None.

    Many sites point ``rel=canonical`` / ``og:url`` at their home page, and a hostile page can
    claim another site's article: a site root, or a URL on another host, never replaces the URL
    the page was fetched from (it would swallow every later article of the site).
    """
    canonical = canonicalize_url(candidate or "")
    if canonical is None or urlsplit(canonical).path in ("", "/"):
        return None
    if page_url.startswith(("http://", "https://")) and _bare_host(canonical) != _bare_host(
        page_url
    ):
        return None
    return canonical
