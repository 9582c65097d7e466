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
    assert time.monotonic() - started < 5
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
