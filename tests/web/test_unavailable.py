"""PostgreSQL cut while ``marsad serve`` runs, and under CLI commands: 503s and one-line errors,
then recovery with nothing lost. A real TCP proxy (tests/pgproxy.py) stands between Marsad and
the database; the test cuts and restores it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pgproxy import TCPProxy, target_of

from marsad.cli.main import main
from marsad.store import Store, open_store

from .helpers import Filled, fill_store
from .test_cli import free_port

RETRY_AFTER = "10"
# Pages nothing has visited yet, so no page cache can answer for the database.
HTML_PATHS = ["/sources", "/articles/{ar}", "/stories/{main}"]
API_PATHS = ["/api/v1/sources", "/api/v1/articles/{ar}", "/api/v1/stories/{main}"]


@pytest.fixture
def proxy(pg_url: str) -> Iterator[TCPProxy]:
    with TCPProxy(target_of(pg_url)) as running:
        yield running


@pytest.fixture
def filled_pg(pg_url: str) -> Iterator[Filled]:
    store = open_store(pg_url)
    try:
        yield fill_store(store)
    finally:
        store.close()


def _paths(templates: list[str], filled: Filled) -> list[str]:
    ids = {"ar": filled.articles["ar"], "main": filled.stories["main"]}
    return [p.format(**ids) for p in templates]


def _serve(url: str, home: Path) -> tuple[subprocess.Popen[str], str, list[str]]:
    port = free_port()
    env = {**os.environ, "MARSAD_HOME": str(home), "MARSAD_DATABASE_URL": url}
    process = subprocess.Popen(
        [sys.executable, "-m", "marsad.cli.main", "serve", "--no-crawl", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        output.append(line)
        if "serving at" in line or not line:
            break
    if "serving at" not in output[-1]:
        process.kill()
        raise AssertionError("marsad serve did not start:\n" + "".join(output))
    # Keep reading so the server never blocks on a full pipe; the test reads the log at the end.
    threading.Thread(target=lambda: output.extend(process.stdout or ()), daemon=True).start()
    return process, f"http://127.0.0.1:{port}", output


def test_serve_answers_503_while_the_database_is_cut_then_recovers(
    proxy: TCPProxy, pg_url: str, filled_pg: Filled, tmp_path: Path
) -> None:
    process, base, output = _serve(proxy.rewrite_url(pg_url), tmp_path / "home")
    html_paths, api_paths = _paths(HTML_PATHS, filled_pg), _paths(API_PATHS, filled_pg)
    try:
        with httpx.Client(base_url=base, timeout=20) as http:
            assert http.get("/").status_code == 200  # up and reading before the cut
            proxy.cut()
            for path in html_paths:
                page = http.get(path)
                assert page.status_code == 503, (path, page.text[:200])
                assert page.headers["retry-after"] == RETRY_AFTER
                assert page.headers["content-type"].startswith("text/html")
                assert "قاعدة البيانات غير متاحة" in page.text  # the short page, in Arabic
                assert "127.0.0.1" not in page.text  # the server's address stays in the log
            english = http.get(html_paths[2], params={"lang": "en"})
            assert english.status_code == 503
            assert "the database is unavailable" in english.text
            for path in api_paths:
                answer = http.get(path)
                assert answer.status_code == 503, (path, answer.text[:200])
                assert answer.headers["retry-after"] == RETRY_AFTER
                error = answer.json()["error"]
                assert error["code"] == "storage_unavailable"
                assert error["message"] and error["message_ar"]
            # Refused or accepted-and-dropped: the same answer.
            proxy.restore()
            proxy.cut(refuse=False)
            assert http.get(api_paths[0]).status_code == 503
            proxy.restore()
            # Back: every page answers again, with everything that was stored before the cut.
            for path in html_paths:
                assert http.get(path).status_code == 200, path
            listed = http.get("/api/v1/articles", params={"duplicates": "true", "limit": 100})
            assert listed.status_code == 200
            assert {a["id"] for a in listed.json()["items"]} == set(filled_pg.articles.values())
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    log = "".join(output)
    assert process.returncode == 0, log
    assert "Traceback" not in log, log
    assert "storage_unavailable" in log  # the reason is logged, once per failed request


@pytest.mark.parametrize(
    "argv",
    [["articles", "list"], ["sources", "list"], ["search", "قمة"], ["sources", "export"]],
    ids=["articles", "sources", "search", "export"],
)
def test_cli_says_one_line_and_exits_2_when_the_database_is_cut(
    proxy: TCPProxy,
    pg_url: str,
    filled_pg: Filled,
    marsad_home: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    url = proxy.rewrite_url(pg_url)
    assert main(["--database-url", url, *argv]) == 0  # works through the proxy
    capsys.readouterr()
    proxy.cut()
    assert main(["--database-url", url, *argv]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("marsad: error: database unreachable"), lines
    proxy.restore()
    assert main(["--database-url", url, *argv]) == 0


def test_cli_cut_after_the_store_is_open_is_one_line_too(
    proxy: TCPProxy,
    pg_url: str,
    filled_pg: Filled,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The store opens, then the database goes away before the command reads."""
    from marsad.cli import context

    url = proxy.rewrite_url(pg_url)
    real_open = context.open_store

    def open_then_cut(database_url: str) -> Store:
        store = real_open(database_url)
        proxy.cut(refuse=False)
        return store

    monkeypatch.setattr(context, "open_store", open_then_cut)
    assert main(["--database-url", url, "articles", "list"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("marsad: error: the database is unavailable")
    monkeypatch.setattr(context, "open_store", real_open)
    proxy.restore()
    assert main(["--database-url", url, "articles", "list"]) == 0


def test_api_writes_and_search_answer_503_while_cut(
    proxy: TCPProxy, pg_url: str, filled_pg: Filled, tmp_path: Path
) -> None:
    """The write endpoints (the store's writes) and real search (its own connection) too."""
    from starlette.testclient import TestClient

    from marsad.search import reindex_all
    from marsad.web import create_app

    from .helpers import ADMIN_TOKEN, web_settings

    store = open_store(proxy.rewrite_url(pg_url))
    reindex_all(store)
    app = create_app(store, web_settings(tmp_path, admin_token=ADMIN_TOKEN))
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    try:
        with TestClient(app, raise_server_exceptions=False) as http:
            assert http.get("/api/v1/search", params={"q": "قمة"}).json()["items"]
            proxy.cut()
            answers = [
                http.post(
                    "/api/v1/sources", json={"url": "http://new.example.org/feed"}, headers=auth
                ),
                http.post(f"/api/v1/sources/{filled_pg.sources['ar']}/refresh", headers=auth),
                http.get("/api/v1/search", params={"q": "النيل"}),
                http.get("/search", params={"q": "النيل"}),
            ]
            for answer in answers:
                assert answer.status_code == 503, answer.text[:300]
                assert answer.headers["retry-after"] == RETRY_AFTER
            assert answers[0].json()["error"]["code"] == "storage_unavailable"
            proxy.restore()
            added = http.post(
                "/api/v1/sources", json={"url": "http://new.example.org/feed"}, headers=auth
            )
            assert added.status_code == 201
            assert http.get("/api/v1/search", params={"q": "النيل"}).json()["items"]
    finally:
        store.close()
