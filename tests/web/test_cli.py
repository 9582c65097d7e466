"""`marsad demo --no-serve` and `marsad serve`, run for real (loopback servers, subprocess)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from marsad.cli.main import main
from marsad.store import open_store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo") / "home"
    assert main(["demo", "--no-serve", "--home", str(home)]) == 0
    return home


def test_demo_ingests_the_corpus_through_the_pipeline(
    demo_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from marsad.demo.corpus import load_corpus

    corpus = load_corpus()
    store = open_store(f"sqlite:///{demo_home / 'marsad.db'}")
    try:
        sources = store.list_sources()
        assert len(sources) == len(corpus.outlets)
        assert all(s.last_status == 200 for s in sources), [(s.url, s.last_error) for s in sources]
        assert store.count_articles() >= 80
    finally:
        store.close()
    assert "allow_private_networks = true" in (demo_home / "marsad.toml").read_text()


def test_demo_rerun_in_the_same_home_adds_nothing_twice(
    demo_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(f"sqlite:///{demo_home / 'marsad.db'}")
    before = store.count_articles()
    store.close()
    assert main(["demo", "--no-serve", "--home", str(demo_home)]) == 0
    out = capsys.readouterr().out
    assert "0 sources added" in out
    store = open_store(f"sqlite:///{demo_home / 'marsad.db'}")
    try:
        assert store.count_articles() == before
        assert all(s.last_status in (200, 304) for s in store.list_sources())
    finally:
        store.close()


def test_serve_runs_site_and_scheduler(demo_home: Path) -> None:
    port = free_port()
    env = {**os.environ, "MARSAD_HOME": str(demo_home), "MARSAD_ADMIN_TOKEN": "t0k"}
    env.pop("MARSAD_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "marsad.cli.main", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if "serving at" in line or not line:
                break
        assert f"http://127.0.0.1:{port}/" in line, line
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            home = http.get("/")
            assert home.status_code == 200 and 'dir="rtl"' in home.text
            articles = http.get("/api/v1/articles?limit=100&duplicates=true").json()["items"]
            assert len(articles) >= 80
            source_id = http.get("/api/v1/sources").json()["items"][0]["id"]
            queued = http.post(
                f"/api/v1/sources/{source_id}/refresh", headers={"Authorization": "Bearer t0k"}
            )
            assert queued.status_code == 202
            # The scheduler in the same process polls the source that was just made due.
            deadline = time.monotonic() + 30
            polled = None
            while time.monotonic() < deadline:
                source = http.get(f"/api/v1/sources/{source_id}").json()
                if (
                    source["last_polled_at"]
                    and source["next_poll_at"] > queued.json()["source"]["next_poll_at"]
                ):
                    polled = source
                    break
                time.sleep(0.5)
            assert polled is not None, "the scheduler did not poll the refreshed source"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode == 0


def test_serve_rejects_a_bad_port(marsad_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err
