"""Feeds of the demo outlets: RSS 2.0, Atom 1.0, JSON Feed 1.1, a Google News sitemap, and OPML.

Written by hand rather than with a generator so each format shows the parts real feeds carry
(``dc:creator``, ``media:content``, ``news:news``) and the bytes stay stable. Text is XML-escaped.
"""

from __future__ import annotations

import json
from email.utils import format_datetime
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from marsad.demo.render_pages import article_path, image_path, summary

if TYPE_CHECKING:
    from datetime import datetime

    from marsad.demo.corpus import DemoArticle, DemoCorpus, Outlet

# A news sitemap lists the last two days of articles (Google's rule); the demo lists them all
# because its times are spread over a few days and the crawler should see the whole corpus.


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _newest(articles: list[DemoArticle]) -> datetime | None:
    return max((a.published for a in articles), default=None)


def rss(outlet: Outlet, articles: list[DemoArticle], base: str) -> bytes:
    newest = _newest(articles)
    items = []
    for a in articles:
        url = base + article_path(outlet, a)
        items.append(
            "<item>"
            f"<title>{escape(a.title)}</title>"
            f"<link>{escape(url)}</link>"
            f'<guid isPermaLink="true">{escape(url)}</guid>'
            f"<pubDate>{format_datetime(a.published, usegmt=True)}</pubDate>"
            f"<dc:creator>{escape(a.author)}</dc:creator>"
            f"<description>{escape(summary(a))}</description>"
            f'<media:content url={quoteattr(base + image_path(outlet, a))} medium="image" '
            'type="image/jpeg"/>'
            "</item>"
        )
    last = (
        f"<lastBuildDate>{format_datetime(newest, usegmt=True)}</lastBuildDate>" if newest else ""
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom">'
        "<channel>"
        f"<title>{escape(outlet.name)}</title>"
        f"<link>{escape(base + outlet.path)}/</link>"
        f"<description>{escape(outlet.tagline)}</description>"
        f"<language>{outlet.language}</language>"
        f'<atom:link href={quoteattr(base + outlet.feed_path())} rel="self" '
        'type="application/rss+xml"/>'
        f"{last}<ttl>15</ttl>{''.join(items)}</channel></rss>\n"
    )
    return xml.encode("utf-8")


def atom(outlet: Outlet, articles: list[DemoArticle], base: str) -> bytes:
    newest = _newest(articles)
    entries = []
    for a in articles:
        url = base + article_path(outlet, a)
        entries.append(
            "<entry>"
            f"<title>{escape(a.title)}</title>"
            f'<link rel="alternate" type="text/html" href={quoteattr(url)}/>'
            f"<id>{escape(url)}</id>"
            f"<published>{_iso(a.published)}</published>"
            f"<updated>{_iso(a.published)}</updated>"
            f"<author><name>{escape(a.author)}</name></author>"
            f"<summary>{escape(summary(a))}</summary>"
            f'<link rel="enclosure" type="image/jpeg" href={quoteattr(base + image_path(outlet, a))}/>'
            "</entry>"
        )
    updated = _iso(newest) if newest else "2026-01-01T00:00:00Z"
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{outlet.language}">'
        f"<title>{escape(outlet.name)}</title>"
        f"<subtitle>{escape(outlet.tagline)}</subtitle>"
        f'<link rel="alternate" type="text/html" href={quoteattr(base + outlet.path + "/")}/>'
        f'<link rel="self" type="application/atom+xml" href={quoteattr(base + outlet.feed_path())}/>'
        f"<id>{escape(base + outlet.path)}/</id>"
        f"<updated>{updated}</updated>"
        f"{''.join(entries)}</feed>\n"
    )
    return xml.encode("utf-8")


def json_feed(outlet: Outlet, articles: list[DemoArticle], base: str) -> bytes:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": outlet.name,
        "description": outlet.tagline,
        "home_page_url": base + outlet.path + "/",
        "feed_url": base + outlet.feed_path(),
        "language": outlet.language,
        "items": [
            {
                "id": base + article_path(outlet, a),
                "url": base + article_path(outlet, a),
                "title": a.title,
                "summary": summary(a),
                "content_text": summary(a),
                "image": base + image_path(outlet, a),
                "date_published": _iso(a.published),
                "authors": [{"name": a.author}],
                "language": a.language,
            }
            for a in articles
        ],
    }
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def news_sitemap(outlet: Outlet, articles: list[DemoArticle], base: str) -> bytes:
    urls = "".join(
        "<url>"
        f"<loc>{escape(base + article_path(outlet, a))}</loc>"
        f"<lastmod>{_iso(a.published)}</lastmod>"
        "<news:news><news:publication>"
        f"<news:name>{escape(outlet.name)}</news:name>"
        f"<news:language>{outlet.language}</news:language>"
        "</news:publication>"
        f"<news:publication_date>{_iso(a.published)}</news:publication_date>"
        f"<news:title>{escape(a.title)}</news:title>"
        "</news:news>"
        f"<image:image><image:loc>{escape(base + image_path(outlet, a))}</image:loc></image:image>"
        "</url>"
        for a in articles
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" '
        'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">'
        f"{urls}</urlset>\n"
    )
    return xml.encode("utf-8")


_RENDERERS = {
    "rss": ("application/rss+xml; charset=utf-8", rss),
    "atom": ("application/atom+xml; charset=utf-8", atom),
    "json": ("application/feed+json; charset=utf-8", json_feed),
    "sitemap": ("application/xml; charset=utf-8", news_sitemap),
}


def feed(outlet: Outlet, articles: list[DemoArticle], base: str) -> tuple[str, bytes]:
    """(content type, body) of the outlet's feed in its own format."""
    content_type, render = _RENDERERS[outlet.feed_kind]
    return content_type, render(outlet, articles, base)


def opml(corpus: DemoCorpus, base: str) -> bytes:
    """An OPML subscription list of every outlet's feed or sitemap, for ``marsad import``."""
    outlines = "".join(
        f'<outline type="{"sitemap" if o.feed_kind == "sitemap" else "rss"}" '
        f"text={quoteattr(o.name)} title={quoteattr(o.name)} "
        f"xmlUrl={quoteattr(base + o.feed_path())} htmlUrl={quoteattr(base + o.path + '/')} "
        f'language="{o.language}" category="{o.country}"/>'
        for o in corpus.outlets
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head>'
        "<title>Marsad demo outlets</title></head>"
        f"<body>{outlines}</body></opml>\n"
    )
    return xml.encode("utf-8")


__all__ = ["atom", "feed", "json_feed", "news_sitemap", "opml", "rss"]
