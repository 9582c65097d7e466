"""OPML subscription lists: read (``parse_opml``) and write (``build_opml``). Pure, never raising."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from lxml import etree

from marsad.ingest.plaintext import strip_bidi_controls
from marsad.ingest.urls import absolute_url
from marsad.ingest.xmlsafe import local_name, parse_xml


@dataclass(frozen=True)
class OpmlOutline:
    """One feed of an OPML list."""

    url: str
    title: str | None = None
    site_url: str | None = None
    kind: str = "feed"  # feed | sitemap | page (our own ``marsad:kind`` attribute)
    language: str | None = None
    country: str | None = None
    category: str | None = None  # the enclosing folder's title


@dataclass(frozen=True)
class ParsedOpml:
    title: str | None = None
    outlines: tuple[OpmlOutline, ...] = ()
    error: str | None = None


_KINDS = ("feed", "sitemap", "page")


def _attr(el: etree._Element, *names: str) -> str | None:
    for name in names:
        for key, value in el.attrib.items():
            value = strip_bidi_controls(str(value)).strip()
            if str(key).rsplit("}", 1)[-1].lower() == name.lower() and value:
                return value
    return None


def _code(value: str | None, case: Callable[[str], str]) -> str | None:
    """A two-letter ISO code ("ar", "EG") from "ar-EG"-like values, or None."""
    code = (value or "").strip().split("-", 1)[0]
    return case(code) if len(code) == 2 and code.isalpha() else None


def parse_opml(data: bytes) -> ParsedOpml:
    """Every outline with an ``xmlUrl`` (nested folders included), in document order."""
    root, error = parse_xml(data)
    if root is None:
        return ParsedOpml(error=error)
    if local_name(root) != "opml":
        return ParsedOpml(error=f"not OPML: root element <{local_name(root) or '?'}>")
    title = None
    outlines: list[OpmlOutline] = []
    skipped = 0
    for el in root.iter():
        name = local_name(el)
        if name == "title" and title is None:
            title = strip_bidi_controls(el.text or "").strip() or None
        if name != "outline":
            continue
        xml_url = _attr(el, "xmlUrl")
        if xml_url is None:
            continue
        url = absolute_url(xml_url)
        if url is None:
            skipped += 1
            continue
        parent = el.getparent()
        category = (
            _attr(parent, "title", "text")
            if parent is not None and local_name(parent) == "outline"
            else None
        )
        kind = (_attr(el, "kind") or "feed").lower()
        outlines.append(
            OpmlOutline(
                url=url,
                title=title_attr if (title_attr := _attr(el, "title", "text")) != xml_url else None,
                site_url=absolute_url(_attr(el, "htmlUrl")),
                kind=kind if kind in _KINDS else "feed",
                language=_code(_attr(el, "language"), str.lower),
                country=_code(_attr(el, "country"), str.upper),
                category=category,
            )
        )
    if skipped:
        note = f"{skipped} outline(s) without a usable http(s) xmlUrl skipped"
        error = f"{error}; {note}" if error else note
    return ParsedOpml(title=title, outlines=tuple(outlines), error=error)


MARSAD_NS = "https://github.com/marsad-news/marsad/opml"


def build_opml(
    outlines: Iterable[OpmlOutline], *, title: str = "Marsad sources", now: datetime | None = None
) -> bytes:
    """An OPML 2.0 document listing ``outlines`` (UTF-8 bytes)."""
    root = etree.Element("opml", nsmap={"marsad": MARSAD_NS})
    root.set("version", "2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(now or datetime.now(UTC))
    body = etree.SubElement(root, "body")
    for item in outlines:
        el = etree.SubElement(body, "outline")
        el.set("type", "rss")
        el.set("text", item.title or item.url)
        if item.title:
            el.set("title", item.title)
        el.set("xmlUrl", item.url)
        if item.site_url:
            el.set("htmlUrl", item.site_url)
        if item.language:
            el.set("language", item.language)
        if item.kind != "feed":
            el.set(f"{{{MARSAD_NS}}}kind", item.kind)
        if item.country:
            el.set(f"{{{MARSAD_NS}}}country", item.country)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


__all__ = ["OpmlOutline", "ParsedOpml", "build_opml", "parse_opml"]
