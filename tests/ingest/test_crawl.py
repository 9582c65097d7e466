"""``crawl_once`` end to end: loopback servers, the real store on both backends."""

from __future__ import annotations

import asyncio
import gzip
from datetime import timedelta

import pytest
from feedgen_helpers import page, rss
from loopback import LoopbackServer, Reply, Seen

from marsad.config import Settings
from marsad.models import SourceKind
from marsad.pipeline.crawl import CrawlSummary, crawl_once, run_scheduler
from marsad.store import Store, utcnow

HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}


def crawl(store: Store, settings: Settings, *, all_sources: bool = True) -> CrawlSummary:
    return asyncio.run(crawl_once(store, settings, all_sources=all_sources))


def _etag_feed(body: bytes, etag: str = '"v1"'):  # type: ignore[no-untyped-def]
    def handler(seen: Seen) -> Reply:
        if seen.headers.get("if-none-match") == etag:
            return Reply(304, headers={"ETag": etag})
        return Reply(body=body, headers={**RSS, "ETag": etag})

    return handler


def _serve_articles(server: LoopbackServer, n: int, prefix: str = "/a") -> list[tuple[str, str]]:
    items = []
    for i in range(n):
        url = server.route(f"{prefix}/{i}", Reply(body=page(f"Story {prefix} {i}"), headers=HTML))
        items.append((url, f"Story {prefix} {i}"))
    return items


def test_first_pass_stores_second_pass_gets_304(
    store: Store, server: LoopbackServer, settings: Settings
) -> None:
    items = _serve_articles(server, 3)
    feed = server.route("/feed.xml", _etag_feed(rss(items)))
    source = store.add_source(feed, SourceKind.FEED)

    first = crawl(store, settings)
    assert (first.fetched, first.new_articles, first.pages_fetched, first.failed) == (1, 3, 3, 0)
    assert store.count_articles() == 3
    stored = store.get_source(source.id)
    assert stored.etag == '"v1"' and stored.last_status == 200 and stored.last_error is None
    assert stored.content_hash and stored.failure_count == 0 and stored.title == "Test feed"
    assert stored.next_poll_at is not None and stored.next_poll_at > utcnow()
    titles = sorted(a.title for a in store.list_articles())
    assert titles == ["Story /a 0", "Story /a 1", "Story /a 2"]
    assert all(a.source_id == source.id for a in store.list_articles())

    second = crawl(store, settings)
    assert (second.not_modified, second.new_articles, second.pages_fetched) == (1, 0, 0)
    assert store.count_articles() == 3
    assert store.get_source(source.id).last_status == 304
    assert server.hits["/feed.xml"] == 2 and all(server.hits[f"/a/{i}"] == 1 for i in range(3))


def test_unchanged_body_without_validators_is_not_reprocessed(
    store: Store, server: LoopbackServer, settings: Settings
) -> None:
    items = _serve_articles(server, 2)
    feed = server.route("/plain.xml", Reply(body=rss(items), headers=RSS))
    store.add_source(feed)
    assert crawl(store, settings).new_articles == 2
    again = crawl(store, settings)
    assert again.unchanged == 1 and again.entries == 0 and again.pages_fetched == 0


def test_only_due_sources_are_polled(
    store: Store, server: LoopbackServer, settings: Settings
) -> None:
    feed = server.route("/due.xml", Reply(body=rss([]), headers=RSS))
    store.add_source(feed)
    assert crawl(store, settings, all_sources=False).sources == 1
    assert crawl(store, settings, all_sources=False).sources == 0  # next poll is in the future


def test_variants_and_shared_pages_are_stored_once(
    store: Store, server: LoopbackServer, settings: Settings
) -> None:
    canonical = server.url("/story/1")
    server.route("/story/1", Reply(body=page("Shared", canonical=canonical), headers=HTML))
    server.route("/amp/1", Reply(body=page("Shared (AMP)", canonical=canonical), headers=HTML))
    a = server.route(
        "/a.xml", Reply(body=rss([(canonical + "?utm_source=a", "Shared")]), headers=RSS)
    )
    b = server.route(
        "/b.xml", Reply(body=rss([(canonical + "#comments", "Shared again")]), headers=RSS)
    )
    c = server.route("/c.xml", Reply(body=rss([(server.url("/amp/1"), "Shared amp")]), headers=RSS))
    ids = [store.add_source(u).id for u in (a, b)]

    summary = crawl(store, settings)
    assert summary.new_articles == 1 and store.count_articles() == 1
    assert server.hits["/story/1"] == 1  # one fetch for both feeds in one pass
    (article,) = store.list_articles()
    assert article.url == canonical
    assert sorted(store.article_source_ids(article.id)) == sorted(ids)

    store.add_source(c)  # an AMP variant whose page names the same canonical URL
    crawl(store, settings)
    assert store.count_articles() == 1
    assert store.find_article_id([server.url("/amp/1")]) == article.id


def test_bad_sources_never_stop_the_batch(
    store: Store, server: LoopbackServer, settings: Settings
) -> None:
    quick = settings.replace(read_timeout=0.5, connect_timeout=0.5, max_body_bytes=50_000)
    good = server.route("/good.xml", Reply(body=rss(_serve_articles(server, 2)), headers=RSS))
    server.route("/loop1", Reply(302, headers={"Location": "/loop2"}))
    server.route("/loop2", Reply(302, headers={"Location": "/loop1"}))
    server.route("/slow.xml", Reply(body=rss([]), delay=2.0))
    server.route("/html", Reply(body=b"<html><body>Welcome</body></html>", headers=HTML))
    server.route(
        "/huge.xml", Reply(chunks=(b"<rss>" + b" " * 10_000 for _ in range(1000)), headers=RSS)
    )
    server.route("/empty.xml", Reply(body=b"", headers=RSS))
    server.route("/broken.xml", Reply(body=b"\x00\xff\xfe garbage <<<", headers=RSS))
    expected = {
        server.url("/missing.xml"): "HTTP 404 Not Found",
        server.url("/loop1"): "redirect loop",
        server.url("/slow.xml"): "timeout",
        server.url("/html"): "HTML page",
        server.url("/huge.xml"): "larger than 50000 bytes",
        server.url("/empty.xml"): "empty body",
        server.url("/broken.xml"): "not a feed",
        f"https://127.0.0.1:{server.port}/tls.xml": "TLS error",
    }
    for url in expected:
        store.add_source(url)
    good_id = store.add_source(good).id

    summary = crawl(store, quick)
    assert summary.failed == len(expected) and summary.new_articles == 2
    for url, message in expected.items():
        source = store.get_source_by_url(url)
        assert source.last_error and message in source.last_error, (url, source.last_error)
        assert source.failure_count == 1 and source.next_poll_at > utcnow()
        assert not source.paused
    assert store.get_source(good_id).last_error is None
    assert store.get_source_by_url(server.url("/missing.xml")).last_status == 404


def test_malformed_feed_is_salvaged_and_error_recorded(
    store: Store, server: LoopbackServer, settings: Settings
) -> None:
    items = _serve_articles(server, 1)
    broken = rss(items)[:-20]  # cut inside the closing tags
    source = store.add_source(server.route("/cut.xml", Reply(body=broken, headers=RSS)))
    assert crawl(store, settings).new_articles == 1
    stored = store.get_source(source.id)
    assert stored.failure_count == 0 and "malformed feed" in (stored.last_error or "")


def test_permanent_redirect_updates_stored_url(
    store: Store, server: LoopbackServer, settings: Settings
) -> None:
    new = server.route("/new.xml", Reply(body=rss(_serve_articles(server, 1)), headers=RSS))
    server.route("/old.xml", Reply(301, headers={"Location": "/new.xml"}))
    server.route("/temp.xml", Reply(302, headers={"Location": "/new.xml"}))
    moved = store.add_source(server.url("/old.xml"))
    temp = store.add_source(server.url("/temp.xml"))
    crawl(store, settings)
    assert store.get_source(moved.id).url == new
    assert store.get_source(temp.id).url == server.url("/temp.xml")


def test_home_page_autodiscovery(store: Store, server: LoopbackServer, settings: Settings) -> None:
    feed = server.route("/rss.xml", Reply(body=rss(_serve_articles(server, 2)), headers=RSS))
    home = page("Home").replace(
        b"</head>", b'<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head>'
    )
    source = store.add_source(server.route("/", Reply(body=home, headers=HTML)))
    assert crawl(store, settings).new_articles == 2
    stored = store.get_source(source.id)
    assert stored.url == feed and stored.site_url == server.url("/")


@pytest.mark.parametrize("encoding", ["windows-1256", "iso-8859-6"])
@pytest.mark.parametrize("where", ["header", "prolog"])
def test_arabic_feed_encodings_over_http(
    store: Store, server: LoopbackServer, settings: Settings, encoding: str, where: str
) -> None:
    title = "مفاوضات السلام تستأنف في الدوحة"
    body = rss(
        [(server.url("/ar/1"), title)],
        title="الأخبار",
        encoding=encoding,
        declare=where == "prolog",
    )
    ctype = "text/xml" if where == "prolog" else f"application/rss+xml; charset={encoding}"
    store.add_source(server.route("/ar.xml", Reply(body=body, headers={"Content-Type": ctype})))
    crawl(store, settings.replace(fetch_article_pages=False))
    (article,) = store.list_articles()
    assert article.title == title
    assert store.list_sources()[0].title == "الأخبار"


def test_news_sitemap_index_source(
    store: Store, server: LoopbackServer, settings: Settings
) -> None:
    urls = [server.url(f"/n/{i}") for i in range(3)]
    for i, _url in enumerate(urls):
        server.route(f"/n/{i}", Reply(body=page(f"N{i}"), headers=HTML))
    news = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        + "".join(
            f"<url><loc>{u}</loc><news:news><news:publication><news:language>ar</news:language>"
            f"</news:publication><news:publication_date>2024-05-1{i}T10:00:00Z"
            f"</news:publication_date><news:title>خبر {i}</news:title></news:news></url>"
            for i, u in enumerate(urls)
        )
        + "</urlset>"
    ).encode()
    server.route(
        "/news.xml.gz",
        Reply(body=gzip.compress(news), headers={"Content-Type": "application/x-gzip"}),
    )
    index = (
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{server.url('/news.xml.gz')}</loc></sitemap></sitemapindex>"
    ).encode()
    source = store.add_source(server.route("/index.xml", Reply(body=index)), SourceKind.SITEMAP)
    assert crawl(store, settings).new_articles == 3
    assert sorted(a.title for a in store.list_articles()) == ["خبر 0", "خبر 1", "خبر 2"]
    assert {a.language for a in store.list_articles()} == {"ar"}
    assert store.get_source(source.id).last_error is None


def test_page_source(store: Store, server: LoopbackServer, settings: Settings) -> None:
    url = server.route("/single", Reply(body=page("Only one"), headers=HTML))
    store.add_source(url, SourceKind.PAGE)
    assert crawl(store, settings).new_articles == 1
    assert crawl(store, settings).new_articles == 0
    assert server.hits["/single"] == 1 and store.count_articles() == 1
    gone = store.add_source(server.url("/gone-page"), SourceKind.PAGE)
    assert crawl(store, settings.replace(fetch_article_pages=False)).failed == 1
    assert "fetch_failed: 404" in (store.get_source(gone.id).last_error or "")
    assert store.count_articles() == 1


def test_page_fetch_failure_keeps_feed_entry(
    store: Store, server: LoopbackServer, settings: Settings
) -> None:
    feed = server.route(
        "/f.xml", Reply(body=rss([(server.url("/gone"), "Gone page")]), headers=RSS)
    )
    store.add_source(feed)
    summary = crawl(store, settings)
    assert summary.new_articles == 1 and summary.page_failures == 1
    (article,) = store.list_articles()
    assert article.title == "Gone page" and article.summary == "Gone page summary"


def test_no_page_fetches_when_disabled(
    store: Store, server: LoopbackServer, settings: Settings
) -> None:
    store.add_source(
        server.route("/f.xml", Reply(body=rss(_serve_articles(server, 3)), headers=RSS))
    )
    summary = crawl(store, settings.replace(fetch_article_pages=False))
    assert summary.new_articles == 3 and summary.pages_fetched == 0
    assert not any(server.hits[f"/a/{i}"] for i in range(3))


def test_failing_source_is_paused_then_skipped(
    store: Store, server: LoopbackServer, settings: Settings
) -> None:
    source = store.add_source(server.url("/dead.xml"))
    impatient = settings.replace(pause_after_hours=0.0)
    assert crawl(store, impatient).paused == 1
    stored = store.get_source(source.id)
    assert stored.paused and "HTTP 404" in (stored.paused_reason or "")
    store.update_source(source.id, next_poll_at=utcnow() - timedelta(days=1))
    assert crawl(store, impatient, all_sources=False).sources == 0  # paused: not due
    server.route("/dead.xml", Reply(body=rss([]), headers=RSS))
    crawl(store, impatient, all_sources=True)  # --all polls paused sources; success unpauses
    assert not store.get_source(source.id).paused


def test_retry_later_sets_next_poll(
    store: Store, server: LoopbackServer, settings: Settings
) -> None:
    server.route("/busy.xml", Reply(503, b"", headers={"Retry-After": "20000"}))
    source = store.add_source(server.url("/busy.xml"))
    crawl(store, settings)
    stored = store.get_source(source.id)
    assert stored.last_status == 503 and stored.next_poll_at is not None
    assert stored.next_poll_at - utcnow() > timedelta(seconds=19000)


def test_ssrf_guard_in_a_crawl(store: Store, server: LoopbackServer, settings: Settings) -> None:
    store.add_source(server.route("/internal.xml", Reply(body=rss([]), headers=RSS)))
    crawl(store, settings.replace(allow_private_networks=False))
    assert "non-public address" in (store.list_sources()[0].last_error or "")
    assert server.hits["/internal.xml"] == 0


def test_robots_disallow_is_recorded(
    store: Store, server: LoopbackServer, settings: Settings
) -> None:
    server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /\n"))
    store.add_source(server.route("/feed.xml", Reply(body=rss([]), headers=RSS)))
    crawl(store, settings)
    assert "robots.txt disallows" in (store.list_sources()[0].last_error or "")


def test_hostile_entry_fields_are_bounded(
    store: Store, server: LoopbackServer, settings: Settings
) -> None:
    body = (
        '<rss version="2.0"><channel><title>T\x00itle</title><language>English (US)</language>'
        "<item><title>Nul\x00byte</title><link>https://site.example/x</link>"
        "<guid>g\x00</guid><description>" + "long " * 10_000 + "</description>"
        "<dc:language xmlns:dc='http://purl.org/dc/elements/1.1/'>Arabic-Saudi-Arabia</dc:language>"
        "</item><item><title>bad link</title><link>https://site.example/a\x01b</link></item>"
        "</channel></rss>"
    ).encode()
    source = store.add_source(server.route("/hostile.xml", Reply(body=body, headers=RSS)))
    summary = crawl(store, settings.replace(fetch_article_pages=False))
    assert summary.failed == 0 and summary.new_articles == 1
    (article,) = store.list_articles()
    assert article.title == "Nulbyte" and len(article.summary or "") <= 20_000
    assert store.get_source(source.id).language is None


def test_run_scheduler_polls_until_stopped(
    store: Store, server: LoopbackServer, settings: Settings
) -> None:
    store.add_source(
        server.route("/s.xml", Reply(body=rss(_serve_articles(server, 1)), headers=RSS))
    )
    passes: list[CrawlSummary] = []

    async def go() -> None:
        stop = asyncio.Event()

        def on_pass(summary: CrawlSummary) -> None:
            passes.append(summary)
            stop.set()

        await asyncio.wait_for(run_scheduler(store, settings, stop, on_pass=on_pass), timeout=60)

    asyncio.run(go())
    assert len(passes) == 1 and passes[0].new_articles == 1
    assert store.count_articles() == 1


def test_run_scheduler_stops_mid_pass(
    store: Store, server: LoopbackServer, settings: Settings
) -> None:
    store.add_source(server.route("/slow.xml", Reply(body=rss([]), headers=RSS, delay=1.5)))

    async def go() -> float:
        stop = asyncio.Event()
        task = asyncio.ensure_future(run_scheduler(store, settings, stop))
        await asyncio.sleep(0.5)
        started = asyncio.get_running_loop().time()
        stop.set()
        await asyncio.wait_for(task, timeout=30)
        return asyncio.get_running_loop().time() - started

    assert asyncio.run(go()) < 5


def test_json_feed_and_atom_sources(
    store: Store, server: LoopbackServer, settings: Settings
) -> None:
    json_body = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "JSON", "items": ['
        f'{{"id": "1", "url": "{server.url("/j/1")}", "title": "خبر جيسون"}}]}}'
    ).encode()
    atom_body = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title>'
        f'<entry><id>tag:x,2024:1</id><title>Atom entry</title><link href="{server.url("/t/1")}"/>'
        "<updated>2024-05-14T10:00:00Z</updated></entry></feed>"
    ).encode()
    store.add_source(
        server.route(
            "/f.json", Reply(body=json_body, headers={"Content-Type": "application/feed+json"})
        )
    )
    store.add_source(
        server.route(
            "/atom.xml", Reply(body=atom_body, headers={"Content-Type": "application/atom+xml"})
        )
    )
    assert crawl(store, settings.replace(fetch_article_pages=False)).new_articles == 2
    assert sorted(a.title or "" for a in store.list_articles()) == ["Atom entry", "خبر جيسون"]


def test_the_sources_country_is_the_prior_of_an_article_naming_no_place(
    store: Store, server: LoopbackServer, settings: Settings
) -> None:
    # issue 14: a local paper's story that names no place is filed under the paper's country
    home = store.add_source(
        server.route("/local", Reply(body=page("Yard waste pickup"), headers=HTML)),
        SourceKind.PAGE,
        country="CA",
    )
    plain = store.add_source(
        server.route("/plain", Reply(body=page("Library hours"), headers=HTML)), SourceKind.PAGE
    )
    assert crawl(store, settings).new_articles == 2
    about = {
        a.source_id: [c.country for c in store.get_article_countries(a.id) if c.is_about]
        for a in store.list_articles()
    }
    assert about == {home.id: ["CA"], plain.id: []}
