"""The demo corpus: invented outlets and articles, rendered as the web sites and feeds they serve.

The corpus was written for Marsad (no copied articles): ``data/outlets.json`` and
``data/articles.jsonl``, described in ``data/README.md``. ``load_corpus`` reads it into frozen
records; ``DemoCorpus.routes`` renders every page and feed for a base URL, so ``marsad demo`` can
serve it from a loopback HTTP server and run the real fetch and pipeline path over it. Rendering is
pure: the same corpus, base URL and ``now`` give the same bytes.

Times in the data lie in the days before ``ANCHOR``; ``routes(now=...)`` shifts them all by
``now - ANCHOR`` so the demo always looks fresh.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from importlib import resources

from marsad.demo import render_feeds, render_pages

# The moment the corpus was written against: every article is published before it.
ANCHOR = datetime(2026, 9, 4, 20, 0, tzinfo=UTC)
FEED_KINDS = ("rss", "atom", "json", "sitemap")


@dataclass(frozen=True)
class Outlet:
    """An invented news site: ``path`` is its folder under the demo server's root (``/sahil``)."""

    id: str
    name: str
    language: str
    country: str
    path: str
    feed_kind: str
    tagline: str

    def feed_path(self) -> str:
        """Where the outlet's feed (or news sitemap) is served."""
        name = {
            "rss": "rss.xml",
            "atom": "atom.xml",
            "json": "feed.json",
            "sitemap": "news-sitemap.xml",
        }[self.feed_kind]
        return f"{self.path}/{name}"


@dataclass(frozen=True)
class DemoArticle:
    """One article. ``story`` names the event it reports (shared across outlets and languages);
    ``copy_of`` is ``outlet/slug`` of the original for a republished or translated copy."""

    outlet: str
    slug: str
    language: str
    title: str
    author: str
    published: datetime
    region: str
    countries: tuple[str, ...]
    story: str
    image: str
    paragraphs: tuple[str, ...]
    copy_of: str | None = None
    copy_kind: str | None = None  # "republished" or "translated"

    @property
    def key(self) -> str:
        return f"{self.outlet}/{self.slug}"

    def word_count(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


@dataclass(frozen=True)
class DemoCorpus:
    outlets: tuple[Outlet, ...]
    articles: tuple[DemoArticle, ...]

    def outlet(self, outlet_id: str) -> Outlet:
        for outlet in self.outlets:
            if outlet.id == outlet_id:
                return outlet
        raise KeyError(outlet_id)

    def articles_of(self, outlet_id: str) -> list[DemoArticle]:
        """The outlet's articles, newest first."""
        own = [a for a in self.articles if a.outlet == outlet_id]
        return sorted(own, key=lambda a: (a.published, a.slug), reverse=True)

    def shifted(self, now: datetime | None) -> DemoCorpus:
        """The corpus with every time moved by ``now - ANCHOR`` (unchanged when ``now`` is None)."""
        if now is None:
            return self
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        delta: timedelta = now - ANCHOR
        return replace(
            self, articles=tuple(replace(a, published=a.published + delta) for a in self.articles)
        )

    def feed_urls(self, base_url: str) -> dict[str, str]:
        """Outlet id -> absolute URL of its feed or news sitemap."""
        base = base_url.rstrip("/")
        return {o.id: base + o.feed_path() for o in self.outlets}

    def routes(self, base_url: str, now: datetime | None = None) -> dict[str, tuple[str, bytes]]:
        """URL path -> (content type, body) for every page, feed, image and index of the demo.

        Paths: ``/robots.txt``, ``/demo.opml`` (every feed), and per outlet ``{path}/`` (home),
        ``{path}/news/{slug}.html`` (article), ``{path}/images/{slug}.jpg``, and its feed.
        """
        corpus = self.shifted(now)
        base = base_url.rstrip("/")
        out: dict[str, tuple[str, bytes]] = {
            "/robots.txt": ("text/plain; charset=utf-8", render_pages.robots(corpus, base)),
            "/demo.opml": ("text/x-opml; charset=utf-8", render_feeds.opml(corpus, base)),
        }
        for outlet in corpus.outlets:
            articles = corpus.articles_of(outlet.id)
            out[f"{outlet.path}/"] = (
                "text/html; charset=utf-8",
                render_pages.home_page(outlet, articles, base),
            )
            for article in articles:
                out[render_pages.article_path(outlet, article)] = (
                    "text/html; charset=utf-8",
                    render_pages.article_page(outlet, article, articles, base),
                )
                out[render_pages.image_path(outlet, article)] = (
                    "image/jpeg",
                    render_pages.image_jpeg(article),
                )
            out[outlet.feed_path()] = render_feeds.feed(outlet, articles, base)
        return out


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"demo time without zone: {value}")
    return parsed.astimezone(UTC)


def load_corpus() -> DemoCorpus:
    """Read the shipped corpus from ``marsad/demo/data``."""
    data = resources.files("marsad.demo").joinpath("data")
    outlets = tuple(
        Outlet(**row) for row in json.loads(data.joinpath("outlets.json").read_text("utf-8"))
    )
    articles = []
    for line in data.joinpath("articles.jsonl").read_text("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        row["published"] = _parse_time(row["published"])
        row["paragraphs"] = tuple(row["paragraphs"])
        row["countries"] = tuple(row["countries"])
        articles.append(DemoArticle(**row))
    return DemoCorpus(outlets, tuple(articles))


__all__ = ["ANCHOR", "FEED_KINDS", "DemoArticle", "DemoCorpus", "Outlet", "load_corpus"]
