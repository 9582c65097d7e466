"""The CLI surface: `marsad crawl --once`, `sources import/export`, and SIGKILL-and-resume."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from feedgen_helpers import page, rss
from loopback import LoopbackServer, Reply

from marsad.cli.main import main
from marsad.ingest.opml import parse_opml
from marsad.store import open_store

RSS = {"Content-Type": "application/rss+xml"}
HTML = {"Content-Type": "text/html"}


def _db(home: Path) -> str:
    return f"sqlite:///{home / 'marsad.db'}"


def test_crawl_once_prints_summary(
    marsad_home: Path, server: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    items = []
    for i in range(2):
        items.append((server.route(f"/p/{i}", Reply(body=page(f"P{i}"), headers=HTML)), f"P{i}"))
    feed = server.route("/feed.xml", Reply(body=rss(items), headers=RSS))
    assert main(["sources", "add", feed]) == 0
    assert main(["sources", "add", server.url("/nothing.xml")]) == 0
    capsys.readouterr()
    assert main(["crawl", "--once"]) == 0
    out = capsys.readouterr().out
    assert "crawled 2 sources" in out and "1 failed" in out and "2 new articles" in out
    assert "HTTP 404 Not Found" in out
    assert main(["crawl", "--once"]) == 0  # nothing due now
    assert "crawled 0 sources" in capsys.readouterr().out
    assert main(["crawl", "--once", "--all"]) == 0
    assert "crawled 2 sources" in capsys.readouterr().out


def test_sources_import_and_export(
    marsad_home: Path, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    opml = tmp_path / "list.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>'
        '<outline text="عربي"><outline type="rss" text="الجزيرة" xmlUrl="https://aljazeera.example/rss"'
        ' language="ar"/></outline>'
        '<outline type="rss" text="BBC" xmlUrl="https://bbc.example/rss.xml" htmlUrl="https://bbc.example/"/>'
        '<outline type="rss" text="bad" xmlUrl="gopher://x"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    assert main(["sources", "import", str(opml)]) == 0
    out = capsysbinary.readouterr().out.decode()
    assert "2 sources added, 0 already followed" in out
    assert main(["sources", "import", str(opml)]) == 0
    assert "0 sources added, 2 already followed" in capsysbinary.readouterr().out.decode()
    store = open_store(_db(marsad_home))
    try:
        sources = {s.url: s for s in store.list_sources()}
    finally:
        store.close()
    assert sources["https://aljazeera.example/rss"].title == "الجزيرة"
    assert sources["https://aljazeera.example/rss"].language == "ar"
    assert sources["https://bbc.example/rss.xml"].site_url == "https://bbc.example/"

    assert main(["sources", "export"]) == 0
    exported = parse_opml(capsysbinary.readouterr().out)
    assert exported.error is None
    assert sorted(o.url for o in exported.outlines) == sorted(sources)
    assert "الجزيرة" in [o.title for o in exported.outlines]

    missing = tmp_path / "missing.opml"
    assert main(["sources", "import", str(missing)]) == 2


N_FEEDS = 12
N_ITEMS = 10
PAGES_AHEAD = 8


def _count(home: Path) -> int:
    path = home / "marsad.db"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def test_sigkill_mid_pass_then_rerun_stores_every_article_once(
    marsad_home: Path, server: LoopbackServer
) -> None:
    expected: set[str] = set()
    for f in range(N_FEEDS):
        items = []
        for i in range(N_ITEMS):
            path = f"/f{f}/a{i}"
            # Slow pages keep the pass busy long enough to be killed in the middle.
            url = server.route(path, Reply(body=page(f"F{f} A{i}"), headers=HTML, delay=0.05))
            items.append((url + "?utm_source=feed", f"F{f} A{i}"))
            expected.add(url)
        server.route(f"/f{f}.xml", Reply(body=rss(items), headers=RSS, delay=0.1))
        assert main(["sources", "add", server.url(f"/f{f}.xml")]) == 0
    env = {
        **os.environ,
        "MARSAD_PER_HOST_CONCURRENCY": "2",
        "MARSAD_PER_HOST_DELAY": "0",
        "MARSAD_GLOBAL_CONCURRENCY": str(PAGES_AHEAD),
        "MARSAD_LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable,
        "-c",
        "import sys; from marsad.cli.main import main; sys.exit(main())",
        "crawl",
        "--once",
    ]
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while _count(marsad_home) < 15:
        assert child.poll() is None, "the crawl finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    killed_at = _count(marsad_home)
    assert 15 <= killed_at < len(expected)

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert "0 failed" in rerun.stdout

    store = open_store(_db(marsad_home))
    try:
        articles = store.list_articles(limit=10_000)
        sources = store.list_sources()
    finally:
        store.close()
    urls = [a.url for a in articles]
    assert len(urls) == len(set(urls)) == len(expected)
    assert set(urls) == expected
    assert all(s.last_error is None and s.last_status == 200 for s in sources)
    # Pages stored before the kill were not fetched again by the rerun: at most the pages
    # fetched and not yet stored when it was killed, which the crawl bounds by
    # global_concurrency. (This was flaky, "26 <= 24", in a full run: pages fetched ahead of a
    # slow database thread had no bound, so a loaded machine lost more of them to the kill.)
    refetched = sum(1 for url in expected if server.hits[url.split(str(server.port), 1)[1]] > 1)
    assert refetched <= PAGES_AHEAD
