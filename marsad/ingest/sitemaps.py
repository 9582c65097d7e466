"""Sitemaps, news sitemaps and sitemap indexes into ``ParsedSitemap``.

Pure and never raising. News sitemaps (https://www.google.com/schemas/sitemap-news/0.9) give
each URL a title, a publication date and a language, which become the entry's fields. A gzip
body (``sitemap.xml.gz``) is inflated with a cap, so a compressed bomb cannot exhaust memory.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from lxml import etree

from marsad.ingest.dates import parse_date
from marsad.ingest.model import FeedEntry
from marsad.ingest.urls import absolute_url
from marsad.ingest.xmlsafe import MAX_XML_BYTES, child_text, local_name, parse_xml

MAX_URLS = 50_000  # the sitemap protocol's own limit per file


@dataclass(frozen=True)
class ParsedSitemap:
    """A sitemap's URLs as entries, or (for an index) the child sitemaps to read."""

    entries: tuple[FeedEntry, ...] = ()
    sitemaps: tuple[str, ...] = ()  # child sitemap URLs of a sitemap index, newest first
    is_index: bool = False
    is_news: bool = False
    error: str | None = None


def _inflate(data: bytes) -> tuple[bytes, str | None]:
    if data[:2] != b"\x1f\x8b":
        return data, None
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, MAX_XML_BYTES + 1)
    except zlib.error as exc:
        return b"", f"bad gzip data: {exc}"
    if len(out) > MAX_XML_BYTES:
        return b"", f"gzip sitemap inflates past {MAX_XML_BYTES} bytes"
    return out, None


def _news(url_el: etree._Element) -> tuple[str | None, str | None, str | None]:
    for child in url_el:
        if local_name(child) != "news":
            continue
        title = child_text(child, "title")
        published = child_text(child, "publication_date")
        language = None
        for pub in child:
            if local_name(pub) == "publication":
                language = child_text(pub, "language")
        return title, published, language
    return None, None, None


def _image(url_el: etree._Element) -> str | None:
    for child in url_el:
        if local_name(child) == "image":
            return child_text(child, "loc")
    return None


def parse_sitemap(base_url: str, data: bytes) -> ParsedSitemap:
    """Parse a (news) sitemap or a sitemap index. Never raises."""
    data, error = _inflate(data)
    if error:
        return ParsedSitemap(error=error)
    root, error = parse_xml(data)
    if root is None:
        return ParsedSitemap(error=error)
    kind = local_name(root)
    if kind == "sitemapindex":
        found: list[tuple[str, str]] = []
        for el in root:
            if local_name(el) == "sitemap":
                loc = absolute_url(child_text(el, "loc"), base_url)
                if loc:
                    found.append((child_text(el, "lastmod") or "", loc))
        found.sort(key=lambda pair: pair[0], reverse=True)  # ISO dates sort as text
        return ParsedSitemap(
            sitemaps=tuple(dict.fromkeys(loc for _, loc in found[:MAX_URLS])),
            is_index=True,
            error=error,
        )
    if kind != "urlset":
        return ParsedSitemap(error=f"not a sitemap: root element <{kind or '?'}>")
    entries: list[FeedEntry] = []
    is_news = False
    for el in root:
        if local_name(el) != "url":
            continue
        loc = absolute_url(child_text(el, "loc"), base_url)
        if loc is None:
            continue
        title, published, language = _news(el)
        is_news = is_news or title is not None or published is not None
        entries.append(
            FeedEntry(
                link=loc,
                title=title,
                published=parse_date(published),
                updated=parse_date(child_text(el, "lastmod")),
                image=absolute_url(_image(el), base_url),
                language=language,
            )
        )
        if len(entries) >= MAX_URLS:
            error = error or f"sitemap has more than {MAX_URLS} URLs; kept the first {MAX_URLS}"
            break
    return ParsedSitemap(entries=tuple(entries), is_news=is_news, error=error)


__all__ = ["ParsedSitemap", "parse_sitemap"]
