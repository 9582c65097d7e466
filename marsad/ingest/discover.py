"""Links found in an HTML page: feed autodiscovery and the publisher's canonical URL. Pure."""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

from marsad.ingest.plaintext import strip_bidi_controls
from marsad.ingest.urls import absolute_url

_FEED_TYPES = {
    "application/rss+xml": 0,
    "application/atom+xml": 1,
    "application/feed+json": 2,
    "application/json": 3,
    "application/rdf+xml": 4,
    "application/xml": 5,
    "text/xml": 6,
}
# Only the head matters for <link> tags; bounding what we parse keeps a huge page cheap.
_MAX_HTML = 2 * 1024 * 1024


def _links(data: bytes | str) -> list[etree._Element]:
    if not data:
        return []
    if isinstance(data, str):
        data = data.encode("utf-8", "replace")
    try:
        doc = lxml_html.fromstring(data[:_MAX_HTML])
    except (etree.ParserError, ValueError, TypeError):
        return []
    return list(doc.iter("link"))


def discover_feeds(base_url: str, page: bytes | str) -> tuple[str, ...]:
    """Feed URLs announced by ``<link rel="alternate" type=...>``, RSS before Atom before JSON."""
    found: list[tuple[int, int, str]] = []
    for index, link in enumerate(_links(page)):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";", 1)[0].strip().lower()
        if "alternate" not in rel or kind not in _FEED_TYPES:
            continue
        url = absolute_url(link.get("href"), base_url)
        if url:
            found.append((_FEED_TYPES[kind], index, url))
    found.sort()
    return tuple(dict.fromkeys(url for _, _, url in found))


def find_canonical(base_url: str, page: bytes | str) -> str | None:
    """The publisher's ``<link rel="canonical">`` URL, absolute, or None."""
    for link in _links(page):
        if "canonical" in (link.get("rel") or "").lower().split():
            return absolute_url(link.get("href"), base_url)
    return None


_MAX_TEXT_HTML = 1024 * 1024


def html_to_text(fragment: str | None) -> str | None:
    """Plain text of an HTML fragment from a feed (summary, content); None when empty."""
    if not fragment:
        return None
    fragment = strip_bidi_controls(fragment)  # and again below: entities can spell them
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip() or None
    try:
        doc = lxml_html.fromstring(f"<div>{fragment[:_MAX_TEXT_HTML]}</div>")
        for bad in doc.xpath("//script|//style"):
            bad.drop_tree()
        text = doc.text_content()
    except (etree.ParserError, ValueError, TypeError):
        return fragment.strip() or None
    text = " ".join(strip_bidi_controls(text).split())
    return text or None


__all__ = ["discover_feeds", "find_canonical", "html_to_text"]
