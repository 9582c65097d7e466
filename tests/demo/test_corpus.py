"""The demo corpus: its data meets issue 8's brief and every route renders a valid feed or page."""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import feedparser
import httpx
import lxml.etree
import lxml.html
import pycountry
import pytest

from marsad.demo import ANCHOR, DemoCorpus, load_corpus
from marsad.models import REGIONS
from marsad.text import extract_numbers, shingles

BASE = "http://127.0.0.1:8765"


@pytest.fixture(scope="module")
def corpus() -> DemoCorpus:
    return load_corpus()


@pytest.fixture(scope="module")
def routes(corpus: DemoCorpus) -> dict[str, tuple[str, bytes]]:
    return corpus.routes(BASE)


def test_counts_languages_and_outlets(corpus: DemoCorpus) -> None:
    assert len(corpus.articles) >= 90
    assert len(corpus.outlets) >= 8
    languages = {a.language for a in corpus.articles}
    assert languages == {"ar", "en"}
    for language in languages:
        assert sum(a.language == language for a in corpus.articles) >= 30
    assert {o.feed_kind for o in corpus.outlets} == {"rss", "atom", "json", "sitemap"}
    assert len({o.id for o in corpus.outlets}) == len(corpus.outlets)
    for outlet in corpus.outlets:
        assert corpus.articles_of(outlet.id), outlet.id
        assert pycountry.countries.get(alpha_2=outlet.country) is not None


def test_every_region_and_valid_countries(corpus: DemoCorpus) -> None:
    assert {a.region for a in corpus.articles} == set(REGIONS)
    for article in corpus.articles:
        assert article.countries, article.key
        for code in article.countries:
            assert pycountry.countries.get(alpha_2=code) is not None, (article.key, code)


def test_articles_are_well_formed(corpus: DemoCorpus) -> None:
    outlets = {o.id: o for o in corpus.outlets}
    keys = [a.key for a in corpus.articles]
    assert len(keys) == len(set(keys))
    for article in corpus.articles:
        assert article.outlet in outlets
        assert 150 <= article.word_count() <= 400, (article.key, article.word_count())
        assert len(article.paragraphs) >= 4
        assert ANCHOR - timedelta(days=7) <= article.published < ANCHOR
        assert article.title and article.author and article.image


def test_stories_reported_by_many_outlets_in_both_languages(corpus: DemoCorpus) -> None:
    outlets_by_story: dict[str, set[str]] = defaultdict(set)
    languages_by_story: dict[str, set[str]] = defaultdict(set)
    for article in corpus.articles:
        outlets_by_story[article.story].add(article.outlet)
        languages_by_story[article.story].add(article.language)
    big = [
        s for s, o in outlets_by_story.items() if len(o) >= 4 and len(languages_by_story[s]) == 2
    ]
    assert len(big) >= 5, big


def _jaccard(a: str, b: str) -> float:
    sa, sb = set(shingles(a)), set(shingles(b))
    return len(sa & sb) / len(sa | sb)


def test_republished_copies_are_near_verbatim(corpus: DemoCorpus) -> None:
    by_key = {a.key: a for a in corpus.articles}
    copies = [a for a in corpus.articles if a.copy_kind == "republished"]
    assert copies
    for copy in copies:
        original = by_key[copy.copy_of]
        assert original.outlet != copy.outlet and original.language == copy.language
        assert original.story == copy.story
        assert _jaccard(" ".join(original.paragraphs), " ".join(copy.paragraphs)) >= 0.8


def test_translated_copy_shares_the_facts(corpus: DemoCorpus) -> None:
    by_key = {a.key: a for a in corpus.articles}
    translations = [a for a in corpus.articles if a.copy_kind == "translated"]
    assert any(t.language == "ar" and by_key[t.copy_of].language == "en" for t in translations)
    for translation in translations:
        original = by_key[translation.copy_of]
        assert original.story == translation.story
        numbers = set(extract_numbers(" ".join(original.paragraphs)))
        shared = numbers & set(extract_numbers(" ".join(translation.paragraphs)))
        assert len(shared) >= 0.6 * len(numbers)


def test_feeds_parse_back(corpus: DemoCorpus, routes: dict[str, tuple[str, bytes]]) -> None:
    for outlet in corpus.outlets:
        content_type, body = routes[outlet.feed_path()]
        articles = corpus.articles_of(outlet.id)
        if outlet.feed_kind == "sitemap":
            assert content_type.startswith("application/xml")
            tree = lxml.etree.fromstring(body)
            ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
            locs = tree.xpath("//s:url/s:loc/text()", namespaces=ns)
            assert len(locs) == len(articles)
            assert all(urlsplit(u).path in routes for u in locs)
            continue
        if outlet.feed_kind == "json":
            # feedparser reads XML only: check JSON Feed 1.1's required members directly.
            assert content_type.startswith("application/feed+json")
            feed = json.loads(body)
            assert feed["version"] == "https://jsonfeed.org/version/1.1"
            assert feed["title"] == outlet.name and feed["language"] == outlet.language
            assert [i["title"] for i in feed["items"]] == [a.title for a in articles]
            for item, article in zip(feed["items"], articles, strict=True):
                assert item["id"] and urlsplit(item["url"]).path in routes
                assert datetime.fromisoformat(item["date_published"]) == article.published
                assert item["authors"] == [{"name": article.author}]
            continue
        parsed = feedparser.parse(body)
        assert not parsed.bozo, (outlet.id, parsed.get("bozo_exception"))
        assert parsed.feed.title == outlet.name
        assert len(parsed.entries) == len(articles)
        for entry, article in zip(parsed.entries, articles, strict=True):
            assert entry.title == article.title
            assert urlsplit(entry.link).path in routes
            assert entry.published_parsed is not None
            assert entry.get("author") == article.author


def test_article_pages_are_news_pages(
    corpus: DemoCorpus, routes: dict[str, tuple[str, bytes]]
) -> None:
    for outlet in corpus.outlets:
        for article in corpus.articles_of(outlet.id):
            content_type, body = routes[f"{outlet.path}/news/{article.slug}.html"]
            assert content_type.startswith("text/html")
            doc = lxml.html.fromstring(body)
            html = doc.getroottree().getroot()
            assert html.get("lang") == article.language
            assert html.get("dir") == ("rtl" if article.language == "ar" else "ltr")
            assert [h.text_content() for h in doc.xpath("//h1")] == [article.title]
            paragraphs = doc.xpath("//div[@class='article-body']/p")
            assert [p.text_content() for p in paragraphs] == list(article.paragraphs)
            ld = json.loads(doc.xpath("//script[@type='application/ld+json']")[0].text)
            assert ld["@type"] == "NewsArticle" and ld["headline"] == article.title
            assert ld["author"]["name"] == article.author
            assert datetime.fromisoformat(ld["datePublished"]) == article.published
            og = {m.get("property"): m.get("content") for m in doc.xpath("//meta[@property]")}
            assert og["og:title"] == article.title and og["og:type"] == "article"
            assert urlsplit(og["og:image"]).path in routes
            related = doc.xpath("//aside[@class='related']//a/@href")
            assert related and all(urlsplit(u).path in routes for u in related)
            assert "\u00a9" in doc.xpath("//footer")[0].text_content()
            assert doc.xpath("//header//nav//a")


def test_home_pages_robots_and_opml(
    corpus: DemoCorpus, routes: dict[str, tuple[str, bytes]]
) -> None:
    for outlet in corpus.outlets:
        doc = lxml.html.fromstring(routes[f"{outlet.path}/"][1])
        links = doc.xpath("//ul[@class='latest']//a/@href")
        assert len(links) == len(corpus.articles_of(outlet.id))
    assert b"User-agent: *" in routes["/robots.txt"][1]
    opml = lxml.etree.fromstring(routes["/demo.opml"][1])
    urls = set(opml.xpath("//outline/@xmlUrl"))
    assert urls == set(corpus.feed_urls(BASE).values())


def test_now_shifts_every_time(corpus: DemoCorpus) -> None:
    now = datetime(2031, 5, 6, 7, 8, tzinfo=UTC)
    shifted = corpus.shifted(now)
    newest = max(a.published for a in corpus.articles)
    assert max(a.published for a in shifted.articles) == newest + (now - ANCHOR)
    outlet = corpus.outlet("harbour-herald")
    parsed = feedparser.parse(corpus.routes(BASE, now=now)[outlet.feed_path()][1])
    first = datetime(*parsed.entries[0].published_parsed[:6], tzinfo=UTC)
    assert now - timedelta(days=7) < first <= now
    with pytest.raises(ValueError):
        corpus.shifted(datetime(2031, 1, 1))


def test_rendering_is_deterministic(corpus: DemoCorpus) -> None:
    assert corpus.routes(BASE) == load_corpus().routes(BASE)


def test_escapes_hostile_text(corpus: DemoCorpus) -> None:
    from dataclasses import replace

    article = replace(corpus.articles[0], title='<script>alert(1)</script> & "x"')
    hostile = replace(corpus, articles=(article, *corpus.articles[1:]))
    routes = hostile.routes(BASE)
    outlet = corpus.outlet(article.outlet)
    page = routes[f"{outlet.path}/news/{article.slug}.html"][1]
    assert b"<script>alert" not in page
    assert lxml.html.fromstring(page).xpath("//h1")[0].text_content() == article.title
    feed = routes[outlet.feed_path()][1]
    if outlet.feed_kind in ("rss", "atom"):
        assert feedparser.parse(feed).entries[0].title == article.title


@pytest.fixture
def served(corpus: DemoCorpus) -> Iterator[str]:
    """The corpus behind a real HTTP server on loopback (as ``marsad demo`` serves it)."""
    holder: dict[str, dict[str, tuple[str, bytes]]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            route = holder["routes"].get(urlsplit(self.path).path)
            if route is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", route[0])
            self.send_header("Content-Length", str(len(route[1])))
            self.end_headers()
            self.wfile.write(route[1])

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    holder["routes"] = corpus.routes(base, now=datetime.now(UTC))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


def test_served_over_loopback(corpus: DemoCorpus, served: str) -> None:
    with httpx.Client(timeout=5) as client:
        for outlet_id, url in corpus.feed_urls(served).items():
            response = client.get(url)
            assert response.status_code == 200, outlet_id
            kind = corpus.outlet(outlet_id).feed_kind
            if kind in ("rss", "atom"):
                parsed = feedparser.parse(response.content)
                assert not parsed.bozo
                page = client.get(parsed.entries[0].link)
                assert page.status_code == 200
                assert "NewsArticle" in page.text
        assert client.get(served + "/nothing-here").status_code == 404
