"""URL checks and canonical forms."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

from marsad.errors import BlockedAddressError, InvalidURLError


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


_NUMBER_PART = re.compile(r"^(?:0[xX][0-9a-fA-F]*|[0-9]+)$")


def numeric_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a host made of numbers stands for, in every form the WHATWG URL
    standard and ``inet_aton`` accept: dotted quad, octal (``0177.0.0.1``), hex
    (``0x7f000001``), one integer (``2130706433``) or shortened (``127.1``); None otherwise.

    Browsers and the C resolver read these forms as addresses, so the SSRF guard must too.
    """
    parts = host.rstrip(".").split(".") if host else []
    if not parts or len(parts) > 4 or not all(_NUMBER_PART.match(p) for p in parts):
        return None
    numbers: list[int] = []
    for part in parts:
        if part[:2].lower() == "0x":
            numbers.append(int(part[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            if any(ch in "89" for ch in part):
                return None  # not octal, not an address: left to the resolver (it fails)
            numbers.append(int(part, 8))
        else:
            numbers.append(int(part))
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for index, number in enumerate(head):
        value |= number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def is_standard_ipv4(host: str) -> bool:
    """True for the one unambiguous IPv4 form: four decimal parts without leading zeros."""
    try:
        return str(ipaddress.IPv4Address(host)) == host
    except ValueError:
        return False


def is_blocked_address(address: str) -> bool:
    """True for addresses a public fetcher must not reach (loopback, private, link-local...)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        not ip.is_global
        or ip.is_multicast
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_private
        or ip.is_reserved
        or ip.is_unspecified
    )


def blocked_address_error(host: str, address: str) -> BlockedAddressError:
    """The guard's one message, raised by the fetcher and by ``sources add`` alike."""
    return BlockedAddressError(
        f"refused: {host} resolves to a non-public address ({address}); "
        "set allow_private_networks to allow it",
        message_ar=f"مرفوض: {host} يشير إلى عنوان غير عام ({address})",
    )


def literal_address(host: str) -> str | None:
    """The address an IP-literal host names without any DNS lookup (IPv6, every IPv4 form,
    and ``localhost`` names, which RFC 6761 reserves for loopback); None for other names."""
    bare = host.strip("[]").lower().rstrip(".")
    try:
        ipaddress.IPv6Address(bare.split("%", 1)[0])
        return bare  # as written: the guard's message names what the resolver returned
    except ValueError:
        pass
    ipv4 = numeric_ipv4(bare)
    if ipv4 is not None:
        return str(ipv4)
    if bare == "localhost" or bare.endswith(".localhost"):
        return "127.0.0.1"
    return None


def check_host(host: str, *, allow_private_networks: bool) -> None:
    """Refuse, before any connection, a host the guard would refuse later, and an IPv4
    address in a non-standard form (octal, hex, integer, shortened), which HTTP clients
    read differently from browsers. Raises ``BlockedAddressError`` / ``InvalidURLError``."""
    bare = host.strip("[]").lower().rstrip(".")
    address = literal_address(bare)
    if address is None:
        return
    if not allow_private_networks and is_blocked_address(address):
        raise blocked_address_error(bare, address)
    if numeric_ipv4(bare) is not None and not is_standard_ipv4(bare):
        raise InvalidURLError(
            f"invalid URL: host {bare!r} is an IPv4 address in a non-standard form "
            f"(octal, hex, integer or shortened); write it as {address}",
            message_ar=f"رابط غير صالح: المضيف {bare!r} عنوان IPv4 بصيغة غير معيارية؛ "
            f"اكتبه {address}",
        )


def validate_source_url(url: str, *, allow_private_networks: bool) -> str:
    """``validate_http_url`` plus the SSRF guard's refusals that need no DNS lookup: what
    ``sources add`` accepts is what a crawl may fetch. Same messages as the guard."""
    cleaned = validate_http_url(url)
    host = urlsplit(cleaned).hostname or ""
    try:
        check_host(host, allow_private_networks=allow_private_networks)
    except BlockedAddressError as exc:
        # A user error here (exit 2, HTTP 400), with the guard's very words.
        raise InvalidURLError(exc.message, message_ar=exc.message_ar) from None
    return cleaned


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
