"""One hardened lxml parser for the XML we read ourselves (sitemaps, OPML).

No DTD loading, no entity expansion, no network, recovery on: hostile XML (billion laughs,
external entities) yields text or nothing, never a blow-up.
"""

from __future__ import annotations

from lxml import etree

from marsad.ingest.plaintext import strip_bidi_controls

MAX_XML_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own cap on an uncompressed sitemap


def parse_xml(data: bytes) -> tuple[etree._Element | None, str | None]:
    """Parse ``data`` into a root element (or None) and an error message (or None)."""
    if not data or not data.strip():
        return None, "empty body"
    if len(data) > MAX_XML_BYTES:
        return None, f"document larger than {MAX_XML_BYTES} bytes"
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        return None, f"not XML: {str(exc)[:200]}"
    error = None
    if parser.error_log:
        first = parser.error_log[0]
        error = f"malformed XML (salvaged): line {first.line}: {first.message[:200]}"
    if root is None:
        return None, error or "not XML"
    return root, error


def local_name(element: etree._Element) -> str:
    """The tag without its namespace, lower-cased ('' for comments and the like)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def child_text(element: etree._Element, name: str) -> str | None:
    """Stripped text of the first direct child called ``name`` (any namespace)."""
    for child in element:
        if local_name(child) == name:
            text = strip_bidi_controls(child.text or "").strip()
            return text or None
    return None
