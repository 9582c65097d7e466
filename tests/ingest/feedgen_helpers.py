"""Small builders for the feeds and pages the crawl tests serve."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

BASE_TIME = datetime(2024, 5, 14, 12, 0, tzinfo=UTC)


def rss(
    items: Sequence[tuple[str, str]],
    *,
    title: str = "Test feed",
    encoding: str = "utf-8",
    declare: bool = True,
    extra_channel: str = "",
) -> bytes:
    """An RSS 2.0 feed of (link, title) items, newest first, one hour apart."""
    body = []
    for i, (link, item_title) in enumerate(items):
        when = format_datetime(BASE_TIME - timedelta(hours=i))
        body.append(
            f"<item><title>{escape(item_title)}</title><link>{escape(link)}</link>"
            f'<guid isPermaLink="false">{escape(link)}#g</guid><pubDate>{when}</pubDate>'
            f"<description>{escape(item_title)} summary</description></item>"
        )
    decl = f'<?xml version="1.0" encoding="{encoding}"?>\n' if declare else ""
    text = (
        f'{decl}<rss version="2.0"><channel><title>{escape(title)}</title>'
        f"<link>https://site.example/</link>{extra_channel}{''.join(body)}</channel></rss>"
    )
    return text.encode(encoding)


def page(title: str, *, canonical: str | None = None) -> bytes:
    link = f'<link rel="canonical" href="{escape(canonical)}">' if canonical else ""
    return (
        f"<!doctype html><html><head><title>{escape(title)}</title>{link}</head>"
        f"<body><article><h1>{escape(title)}</h1><p>{escape(title)} body text.</p></article>"
        "</body></html>"
    ).encode()
