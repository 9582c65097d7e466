"""The hostile-server suite (issue 17): real servers on loopback that lie, drip, bomb and redirect.

Each case goes through a public surface (`marsad analyze`, `marsad sources add`, a crawl, the
parsers) and ends in one clear error or a clean result; none raises, none hangs. Cases that held
before issue 17 stay here so they keep holding.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import time
from pathlib import Path

import pytest
from feedgen_helpers import page, rss
from loopback import LoopbackServer, Reply

from marsad.cli.main import main
from marsad.config import Settings
from marsad.errors import FetchTimeoutError
from marsad.ingest.fetcher import Fetcher
from marsad.pipeline.crawl import crawl_once
from marsad.store import Store

HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
ARTICLE = (
    "<!doctype html><html><head><title>خبر</title></head><body><article><h1>قمة المياه</h1>"
    + "<p>اتفق وزراء المياه في القاهرة على خطة مشتركة لنهر النيل تبدأ العام المقبل.</p>" * 5
    + "</article></body></html>"
).encode()


def _analyze(capsys: pytest.CaptureFixture[str], *inputs: str) -> list[dict[str, object]]:
    main(["analyze", "--json", *inputs])
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


# -- `marsad analyze` goes through the one fetcher, with every guard ---------------------------


def test_analyze_slowloris_stops_at_the_request_deadline(
    marsad_home: Path,
    server: LoopbackServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # One byte every 0.25 s: never silent long enough for the read timeout.
    server.route("/drip", Reply(chunks=(b"x" for _ in range(400)), chunk_delay=0.25))
    monkeypatch.setenv("MARSAD_READ_TIMEOUT", "5")
    monkeypatch.setenv("MARSAD_REQUEST_DEADLINE", "1.5")
    started = time.monotonic()
    [record] = _analyze(capsys, server.url("/drip"))
    # The drip lasts 100 s; the bound leaves room for analyze's own start-up on a busy machine.
    assert time.monotonic() - started < 20
    assert record["status"] == "fetch_failed"
    assert "request_deadline" in str(record["reason"])


def test_analyze_honours_robots_txt(
    marsad_home: Path, server: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /private/\n"))
    server.route("/private/news", Reply(body=ARTICLE, headers=HTML))
    [record] = _analyze(capsys, server.url("/private/news"))
    assert record["status"] == "fetch_failed"
    assert "robots.txt disallows" in str(record["reason"])
    assert server.hits["/private/news"] == 0


def test_analyze_refuses_private_addresses(
    marsad_home: Path,
    server: LoopbackServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("MARSAD_ALLOW_PRIVATE_NETWORKS")
    server.route("/news", Reply(body=ARTICLE, headers=HTML))
    records = _analyze(
        capsys, server.url("/news"), f"http://2130706433:{server.port}/news", server.url("/news")
    )
    assert [r["status"] for r in records] == ["fetch_failed"] * 3
    assert "non-public address (127.0.0.1)" in str(records[0]["reason"])
    assert server.hits["/news"] == 0


def test_analyze_follows_at_most_max_redirects(
    marsad_home: Path,
    server: LoopbackServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for i in range(3):
        server.route(f"/r{i}", Reply(302, headers={"Location": f"/r{i + 1}"}))
    server.route("/r3", Reply(body=ARTICLE, headers=HTML))
    monkeypatch.setenv("MARSAD_MAX_REDIRECTS", "2")
    [record] = _analyze(capsys, server.url("/r0"))
    assert record["status"] == "fetch_failed" and "more than 2 redirects" in str(record["reason"])
    assert server.hits["/r3"] == 0
    monkeypatch.setenv("MARSAD_MAX_REDIRECTS", "3")
    [record] = _analyze(capsys, server.url("/r0"))
    assert record["status"] == "ok" and record["url"] == server.url("/r3")


def test_analyze_ignores_proxy_variables(
    marsad_home: Path,
    server: LoopbackServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    proxy = LoopbackServer().start()
    try:
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.setenv(name, proxy.url(""))
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        server.route("/news", Reply(body=ARTICLE, headers=HTML))
        [record] = _analyze(capsys, server.url("/news"))
        assert record["status"] == "ok"
        assert not proxy.log  # nothing went through the proxy
        assert server.hits["/news"] == 1
    finally:
        proxy.stop()


def test_analyze_size_cap_gzip_bomb_and_redirect_loop(
    marsad_home: Path,
    server: LoopbackServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MARSAD_MAX_BODY_BYTES", "100000")
    server.route("/big", Reply(body=b"<p>x</p>" * 50_000, headers=HTML))
    server.route("/drip-big", Reply(chunks=(b"<p>y</p>" * 1000 for _ in range(100)), headers=HTML))
    bomb = gzip.compress(b"\0" * 50_000_000)
    server.route("/bomb", Reply(body=bomb, headers={**HTML, "Content-Encoding": "gzip"}))
    server.route("/loop-a", Reply(302, headers={"Location": "/loop-b"}))
    server.route("/loop-b", Reply(302, headers={"Location": "/loop-a"}))
    big, drip, boom, loop = _analyze(
        capsys,
        server.url("/big"),
        server.url("/drip-big"),
        server.url("/bomb"),
        server.url("/loop-a"),
    )
    assert all(r["status"] == "fetch_failed" for r in (big, drip, boom, loop))
    assert "larger than the 100000 byte limit" in str(big["reason"])
    assert "larger than 100000 bytes" in str(drip["reason"])
    assert "decompression bomb" in str(boom["reason"])
    assert "redirect loop" in str(loop["reason"])


def test_whole_request_deadline_covers_every_hop(
    server: LoopbackServer, settings: Settings
) -> None:
    # Each hop answers within the per-exchange deadline; together they pass request_deadline.
    for i in range(4):
        server.route(f"/hop{i}", Reply(302, headers={"Location": f"/hop{i + 1}"}, delay=0.6))
    server.route("/hop4", Reply(body=b"<rss/>"))
    quick = settings.replace(request_deadline=1.5, read_timeout=2.0)

    async def go() -> None:
        async with Fetcher(quick) as fetcher:
            await fetcher.fetch(server.url("/hop0"))

    started = time.monotonic()
    with pytest.raises(FetchTimeoutError, match="request_deadline"):
        asyncio.run(go())
    assert time.monotonic() - started < 2.5
    assert server.hits["/hop4"] == 0


# -- octal, integer, hex and other address forms ------------------------------------------------

ADDRESS_FORMS = [
    ("http://0177.0.0.1/feed", "0177.0.0.1", "127.0.0.1"),
    ("http://2130706433/feed", "2130706433", "127.0.0.1"),
    ("http://0x7f000001/feed", "0x7f000001", "127.0.0.1"),
    ("http://127.1/feed", "127.1", "127.0.0.1"),
    ("http://[::ffff:127.0.0.1]/feed", "::ffff:127.0.0.1", "::ffff:127.0.0.1"),
    ("http://169.254.169.254/latest", "169.254.169.254", "169.254.169.254"),
    ("http://10.1.2.3/feed", "10.1.2.3", "10.1.2.3"),
    ("http://localhost:8080/feed", "localhost", "127.0.0.1"),
]


@pytest.mark.parametrize(("url", "host", "address"), ADDRESS_FORMS)
def test_sources_add_refuses_what_the_guard_refuses(
    marsad_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    url: str,
    host: str,
    address: str,
) -> None:
    monkeypatch.delenv("MARSAD_ALLOW_PRIVATE_NETWORKS")
    assert main(["sources", "add", url]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"marsad: error: refused: {host} resolves to a non-public address ({address}); "
        "set allow_private_networks to allow it"
    ]
    assert main(["sources", "list", "--json"]) == 0
    assert capsys.readouterr().out == ""  # nothing was added


def test_sources_add_with_private_networks_allowed(
    marsad_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sources", "add", "http://127.0.0.1:8080/feed"]) == 0
    # Ambiguous forms are refused even then: clients read them differently from browsers.
    assert main(["sources", "add", "http://0177.0.0.1/feed"]) == 2
    err = capsys.readouterr().err
    assert "non-standard form" in err and "write it as 127.0.0.1" in err
    assert main(["sources", "add", "http://134744072/feed"]) == 2  # 8.8.8.8 as one integer
    assert "write it as 8.8.8.8" in capsys.readouterr().err
    assert main(["sources", "add", "https://news.example.org/rss"]) == 0


def test_guard_message_is_the_same_at_add_and_at_crawl(
    store: Store,
    server: LoopbackServer,
    settings: Settings,
    marsad_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("MARSAD_ALLOW_PRIVATE_NETWORKS")
    url = f"http://0x7f000001:{server.port}/feed.xml"
    assert main(["sources", "add", url]) == 2
    at_add = capsys.readouterr().err.strip().removeprefix("marsad: error: ")
    store.add_source(url)  # as an older Marsad (or a hand-edited database) would have it
    asyncio.run(crawl_once(store, settings.replace(allow_private_networks=False), all_sources=True))
    assert store.list_sources()[0].last_error == at_add


@pytest.mark.parametrize("allow_private", [False, True])
def test_crawl_meeting_odd_address_forms_records_and_goes_on(
    store: Store,
    server: LoopbackServer,
    settings: Settings,
    allow_private: bool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    good = server.route(
        "/feed.xml",
        Reply(body=rss([(server.route("/a", Reply(body=page("Story A"), headers=HTML)), "A")])),
    )
    odd = [f"http://0177.0.0.1:{server.port}/feed.xml", f"http://0x7f.1:{server.port}/feed.xml"]
    for url in odd:
        store.add_source(url)
    store.add_source(good)
    summary = asyncio.run(
        crawl_once(store, settings.replace(allow_private_networks=allow_private), all_sources=True)
    )
    errors = {s.url: s.last_error or "" for s in store.list_sources()}
    for url in odd:
        assert "internal error" not in errors[url] and "InvalidURL" not in errors[url]
        expected = "non-standard form" if allow_private else "non-public address (127.0.0.1)"
        assert expected in errors[url]
    assert "Traceback" not in caplog.text
    if allow_private:
        assert errors[good] == "" and summary.new_articles == 1
    assert summary.failed == (2 if allow_private else 3)


# -- U+202E (and the other bidi controls) in every field ----------------------------------------

RLO, LRE, PDF, RLI, PDI = "\u202e", "\u202a", "\u202c", "\u2067", "\u2069"
BIDI_SCOPES = "".join(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
# Spelled raw and as character references, which parsers turn back into the character.
EVIL = f"{RLO}gnp.exe{PDF} {LRE}x{PDF} {RLI}y{PDI} &#x202e;z&#8238;"


def _no_bidi(text: str, where: str) -> None:
    found = [hex(ord(ch)) for ch in text if ch in BIDI_SCOPES]
    assert not found, f"{where}: {found}"
    lowered = text.lower()
    for spelled in ("\\u202e", "&#x202e;", "&#8238;", "\\u202a", "\\u2067", "&#x2067;"):
        assert spelled not in lowered, f"{where}: {spelled}"


def _evil_page(n: int) -> bytes:
    body = "".join(
        f"<p>{EVIL} اتفق وزراء المياه في القاهرة على الخطة رقم {n} للفقرة {k} من نهر النيل.</p>"
        for k in range(8)
    )
    return (
        f"<!doctype html><html lang='ar'><head><title>{EVIL} عنوان {n}</title>"
        f"<meta property='og:title' content='{EVIL} عنوان {n}'>"
        f"<meta property='og:site_name' content='{EVIL} الموقع'>"
        f"<meta name='author' content='{EVIL} كاتب'>"
        f"<meta name='description' content='{EVIL} وصف الخبر الطويل بما يكفي ليكون ملخصا {n}'>"
        f"</head><body><article><h1>{EVIL} عنوان {n}</h1>{body}</article></body></html>"
    ).encode()


def _evil_feed(items: list[str]) -> bytes:
    entries = "".join(
        f"<item><title>{EVIL} خبر {i}</title><link>{link}</link>"
        f"<guid>{link}</guid><dc:creator>{EVIL} مراسل</dc:creator>"
        f"<description>&lt;p&gt;{EVIL} ملخص {i}&lt;/p&gt;</description>"
        f"<pubDate>Tue, 14 May 2024 1{i}:00:00 GMT</pubDate></item>"
        for i, link in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{EVIL} صحيفة</title><link>https://site.example/</link>{entries}</channel></rss>"
    ).encode()


def test_bidi_controls_are_stripped_by_the_parsers() -> None:
    from marsad.extract import extract_page
    from marsad.ingest.discover import html_to_text
    from marsad.ingest.feeds import parse_feed

    feed = parse_feed("https://site.example/rss", _evil_feed(["https://site.example/a"]))
    assert feed.entries
    for name in ("title",):
        _no_bidi(getattr(feed, name) or "", f"feed.{name}")
    entry = feed.entries[0]
    for name in ("title", "author", "summary"):
        _no_bidi(getattr(entry, name) or "", f"entry.{name}")
    _no_bidi(html_to_text(entry.summary) or "", "summary text")
    json_feed = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "\\u202e t", "items": '
        b'[{"id": "1", "url": "https://site.example/j", "title": "\\u202e j", '
        b'"authors": [{"name": "\\u2067a\\u2069"}], "content_text": "\\u202e c"}]}'
    )
    parsed = parse_feed("https://site.example/feed.json", json_feed)
    _no_bidi(f"{parsed.title}{parsed.entries[0].title}{parsed.entries[0].author}", "json feed")
    page = extract_page(_evil_page(1), "https://site.example/a", timeout=None)
    assert page.ok, page.reason
    for name in ("title", "text", "summary", "author", "site_name"):
        value = getattr(page, name)
        assert value, name
        _no_bidi(value, f"page.{name}")
    # The marks that carry no scope are kept: Arabic text needs them around Latin and numbers.
    # (Page text loses them in trafilatura, which drops every non-printable character.)
    marked = _evil_feed([]).replace("صحيفة".encode(), "هاتف iPhone 15\u200f.".encode())
    assert "iPhone 15\u200f." in (parse_feed("https://site.example/rss", marked).title or "")


def test_bidi_controls_never_reach_pages_feeds_or_api(
    store: Store, server: LoopbackServer, settings: Settings, tmp_path: Path
) -> None:
    from starlette.testclient import TestClient

    from marsad.web import create_app

    with_pages = [server.route(f"/p/{i}", Reply(body=_evil_page(i), headers=HTML)) for i in (1, 2)]
    feed_only = [server.url("/gone/1")]  # 404: the feed entry's own fields are stored
    store.add_source(server.route("/a.xml", Reply(body=_evil_feed(with_pages), headers=RSS)))
    store.add_source(server.route("/b.xml", Reply(body=_evil_feed(feed_only), headers=RSS)))
    summary = asyncio.run(crawl_once(store, settings, all_sources=True))
    assert summary.new_articles == 3 and summary.failed == 0
    articles = store.list_articles(limit=10)
    assert len(articles) == 3
    sources = store.list_sources()
    assert all(s.title for s in sources)
    for source in sources:
        _no_bidi(source.title or "", "source.title")
    app = create_app(store, settings.replace(home=str(tmp_path / "web")), search_function=None)
    paths = ["/", "/sources", "/search?q=%D8%AE%D8%A8%D8%B1"]
    paths += [f"/sources/{s.id}" for s in sources]
    paths += [f"/feeds/{fmt}" for fmt in ("rss.xml", "atom.xml", "feed.json")]
    paths += [f"/sources/{s.id}/feeds/rss.xml" for s in sources]
    paths += ["/api/v1/articles", "/api/v1/sources", "/api/v1/stories"]
    with TestClient(app, raise_server_exceptions=False) as client:
        ids = [a.id for a in articles]
        paths += [f"/articles/{i}" for i in ids] + [f"/api/v1/articles/{i}" for i in ids]
        stories = client.get("/api/v1/stories").json()
        story_ids = [s["id"] for s in stories.get("stories", stories.get("items", []))]
        assert story_ids
        paths += [f"/stories/{i}" for i in story_ids] + [f"/api/v1/stories/{i}" for i in story_ids]
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            _no_bidi(response.text, path)
    titles = " ".join(a.title or "" for a in articles)
    assert "عنوان 1" in titles and "خبر 0" in titles  # page title and feed-only title
    for article in articles:
        for name in ("title", "text", "summary", "author", "site_name"):
            _no_bidi(getattr(article, name) or "", f"stored {name}")


# -- a lying charset ----------------------------------------------------------------------------

ARABIC_TITLES = ["اتفق وزراء المياه في القاهرة على خطة مشتركة", "أمينة حداد تعلن موعد الخطة"]


def _lying_feed(links: list[str]) -> bytes:
    """Header and prolog both say UTF-8; the bytes are windows-1256."""
    return (
        rss(list(zip(links, ARABIC_TITLES, strict=False)), title="صحيفة الأفق")
        .replace(b'encoding="utf-8"', b'encoding="UTF-8"')
        .decode("utf-8")
        .encode("cp1256")
    )


def test_lying_charset_feed_is_decoded_by_detection_and_recorded(
    store: Store, server: LoopbackServer, settings: Settings
) -> None:
    links = [server.url(f"/a/{i}") for i in range(2)]
    store.add_source(server.route("/feed.xml", Reply(body=_lying_feed(links), headers=RSS)))
    summary = asyncio.run(
        crawl_once(store, settings.replace(fetch_article_pages=False), all_sources=True)
    )
    assert summary.new_articles == 2
    [source] = store.list_sources()
    assert source.title == "صحيفة الأفق"
    assert "declared encoding utf-8 does not fit the bytes; decoded as cp1256" in (
        source.last_error or ""
    )
    titles = sorted(a.title or "" for a in store.list_articles(limit=10))
    assert titles == sorted(ARABIC_TITLES)


def test_lying_charset_the_other_way_round() -> None:
    from marsad.ingest.feeds import parse_feed

    # Declared windows-1256, bytes UTF-8: cp1256 decodes any byte, so nothing failed before.
    body = rss([("https://s.example/a", ARABIC_TITLES[0])], encoding="utf-8").replace(
        b'encoding="utf-8"', b'encoding="windows-1256"'
    )
    parsed = parse_feed("https://s.example/rss", body, {"Content-Type": "text/xml"})
    assert parsed.entries[0].title == ARABIC_TITLES[0]
    assert "declared encoding windows-1256 but the bytes are UTF-8" in (parsed.error or "")
    # An honest declaration records nothing.
    honest = rss([("https://s.example/a", ARABIC_TITLES[0])], encoding="cp1256").replace(
        b'encoding="cp1256"', b'encoding="windows-1256"'
    )
    parsed = parse_feed("https://s.example/rss", honest, {"Content-Type": "text/xml"})
    assert parsed.entries[0].title == ARABIC_TITLES[0] and parsed.error is None


def test_lying_charset_page_on_analyze(
    marsad_home: Path, server: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    lying = ARTICLE.replace(b"<head>", b'<head><meta charset="utf-8">').decode().encode("cp1256")
    server.route("/news", Reply(body=lying, headers=HTML))
    [record] = _analyze(capsys, server.url("/news"))
    assert record["status"] == "ok" and "قمة المياه" in str(record["title"])
    assert "declared utf-8 does not fit the bytes; read as cp1256" in str(record["warning"])


def test_lying_charset_page_on_crawl_is_decoded_and_logged(
    store: Store, server: LoopbackServer, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    # The page's HTTP header says UTF-8, its bytes are windows-1256 and it has no meta tag:
    # the crawl hands the header to extraction, which decodes by detection and says so.
    lying = ARTICLE.decode().encode("cp1256")
    link = server.route("/a/lying", Reply(body=lying, headers=HTML))
    feed = rss([(link, "قمة المياه")], encoding="utf-8")
    store.add_source(server.route("/feed.xml", Reply(body=feed, headers=RSS)))
    with caplog.at_level("WARNING", logger="marsad.pipeline.process"):
        summary = asyncio.run(crawl_once(store, settings, all_sources=True))
    assert summary.new_articles == 1
    [article] = store.list_articles(limit=10)
    assert "قمة المياه" in (article.title or "") and "\ufffd" not in (article.text or "")
    assert any(
        "declared utf-8 does not fit the bytes; read as cp1256" in r.getMessage()
        and link in r.getMessage()
        for r in caplog.records
    ), [r.getMessage() for r in caplog.records]


# -- a huge feed --------------------------------------------------------------------------------

_HUGE_FEED_CHILD = r"""
import resource, sys, time
from marsad.ingest.feeds import parse_feed
item = (
    "<item><title>خبر رقم {0} عن المياه في القاهرة</title><link>https://s.example/a/{0}</link>"
    "<guid>https://s.example/a/{0}</guid><description>&lt;p&gt;ملخص الخبر رقم {0} وفيه نص"
    "&lt;/p&gt;</description><pubDate>Tue, 14 May 2024 12:00:00 GMT</pubDate></item>"
)
data = b"".join(
    [b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>']
    + [item.format(i).encode() for i in range(100_000)]
    + [b"</channel></rss>"]
)

def peak_kib():  # VmHWM: the peak resident set since the last reset, in KiB
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))

open("/proc/self/clear_refs", "w").write("5")  # reset the peak: building data is not parsing
before = peak_kib()
started = time.monotonic()
parsed = parse_feed("https://s.example/rss", data, {"Content-Type": "application/rss+xml"})
peak = peak_kib()
print(len(data), len(parsed.entries), parsed.entries[-1].link, before, peak, time.monotonic() - started)
print(parsed.error)
"""


def test_huge_feed_is_capped_before_it_is_built() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _HUGE_FEED_CHILD],
        capture_output=True,
        text=True,
        timeout=120,  # it took 170 s (and 384 MB) when feedparser built all 100,000 entries
        check=True,
    )
    numbers, error = done.stdout.strip().splitlines()
    size, kept, last, before, peak, seconds = numbers.split()
    assert int(size) > 25_000_000 and int(kept) == 2000
    assert last == "https://s.example/a/1999"
    assert error == "feed has 100000 entries; kept the first 2000"
    # The whole process (interpreter, feedparser, the 30 MB body) stays under 200 MB at its
    # peak while parsing; parsing itself adds little on top of the body.
    assert int(peak) < 200 * 1024, f"peak {int(peak) // 1024} MB"
    assert int(peak) - int(before) < 60 * 1024, (
        f"parse added {(int(peak) - int(before)) // 1024} MB"
    )
    assert float(seconds) < 60


# -- redirects to loopback, at the second hop ---------------------------------------------------


@pytest.mark.parametrize(
    "target_host", ["127.0.0.1", "localhost", "2130706433", "0x7f000001", "0177.0.0.1", "127.1"]
)
def test_redirect_to_loopback_is_refused_at_the_hop(
    server: LoopbackServer, settings: Settings, target_host: str
) -> None:
    """The first hop is let through (offline there is no public host to start from): the
    refusal must come from the redirect's own hop, before any byte reaches the target."""
    from urllib.parse import urlsplit

    from marsad.errors import BlockedAddressError, FetchError

    internal = LoopbackServer().start()
    try:
        internal.route("/secret", Reply(body=b"metadata"))
        target = f"http://{target_host}:{internal.port}/secret"
        front = server.route("/go", Reply(302, headers={"Location": target}))
        server.route("/ok", Reply(body=b"hop ok"))

        class FrontIsPublic(Fetcher):
            def _check_host(self, url: str) -> None:
                if urlsplit(url).port != server.port:
                    super()._check_host(url)

        async def go() -> None:
            async with FrontIsPublic(settings.replace(allow_private_networks=False)) as fetcher:
                backend = fetcher._client._transport._pool._network_backend  # type: ignore[attr-defined]
                backend._allow_private = True  # open a keep-alive connection to the front
                assert (await fetcher.fetch(server.url("/ok"))).body == b"hop ok"
                backend._allow_private = False
                await fetcher.fetch(front)

        if target_host == "0177.0.0.1":  # httpx refuses to parse such a Location at all
            with pytest.raises(FetchError, match="Invalid IPv4 address"):
                asyncio.run(go())
        else:
            with pytest.raises(BlockedAddressError, match="non-public address"):
                asyncio.run(go())
        assert server.hits["/go"] == 1  # the redirect was read...
        assert internal.hits["/secret"] == 0  # ...and not followed
    finally:
        internal.stop()


def test_hostile_xml_stays_inert(store: Store, server: LoopbackServer, settings: Settings) -> None:
    """Billion laughs and an external entity in a feed: parsed without expansion, batch goes on."""
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">'
        b'<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]>'
        b'<rss version="2.0"><channel><title>&g;</title><item><title>t</title>'
        b"<link>https://s.example/a</link></item></channel></rss>"
    )
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><title>&x;</title><item><title>&x;</title>'
        b"<link>https://s.example/b</link></item></channel></rss>"
    )
    store.add_source(server.route("/laughs.xml", Reply(body=laughs, headers=RSS)))
    store.add_source(server.route("/xxe.xml", Reply(body=xxe, headers=RSS)))
    started = time.monotonic()
    asyncio.run(crawl_once(store, settings.replace(fetch_article_pages=False), all_sources=True))
    assert time.monotonic() - started < 30
    for source in store.list_sources():
        assert "root:" not in (source.title or "") and len(source.title or "") < 1000
    for article in store.list_articles(limit=10):
        assert "root:" not in (article.title or "")


_HUGE_JSON_CHILD = r"""
import resource, time
from marsad.ingest.feeds import parse_feed
item = (
    '{{"id": "https://s.example/a/{0}", "url": "https://s.example/a/{0}", "title": "خبر رقم {0}'
    ' عن المياه في القاهرة", "content_html": "<p>ملخص الخبر رقم {0} وفيه نص عربي</p>",'
    ' "date_published": "2024-05-14T12:00:00Z"}}'
)
data = (
    b'{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": ['
    + b",".join(item.format(i).encode() for i in range(100_000))
    + b'], "home_page_url": "https://s.example/"}'
)

def peak_kib():  # VmHWM: the peak resident set since the last reset, in KiB
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))

open("/proc/self/clear_refs", "w").write("5")
before = peak_kib()
parsed = parse_feed("https://s.example/feed.json", data, {"Content-Type": "application/feed+json"})
peak = peak_kib()
print(len(data), len(parsed.entries), parsed.entries[-1].link, parsed.link, before, peak)
print(parsed.error)
"""


def test_huge_json_feed_keeps_only_what_it_keeps() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _HUGE_JSON_CHILD],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    numbers, error = done.stdout.strip().splitlines()
    size, kept, last, home, before, peak = numbers.split()
    assert int(size) > 25_000_000 and int(kept) == 2000 and last == "https://s.example/a/1999"
    assert home == "https://s.example/"  # keys after the items are still read
    assert error == "JSON Feed has 100000 items; kept the first 2000"
    # json.loads built every item: +116 MB over a 26 MB body. Now the decoded text (UCS-2 for
    # Arabic, about 40 MB) and 2,000 items.
    assert int(peak) - int(before) < 80 * 1024, (
        f"parse added {(int(peak) - int(before)) // 1024} MB"
    )
