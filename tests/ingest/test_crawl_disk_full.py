"""A full disk in the middle of ``marsad crawl`` on SQLite: one clear line, exit 2, a sound file,
and a rerun (with room again) that stores the rest.

The disk fills for real, at the filesystem layer: the child's file-size limit (RLIMIT_FSIZE, with
SIGXFSZ ignored) makes the write that crosses it fail with EFBIG, which SQLite reports as it
reports a full disk. Before, such a pass printed hundreds of tracebacks (422 on a full disk).
"""

from __future__ import annotations

import resource
import signal
import sqlite3
import subprocess
from pathlib import Path

from loopback import LoopbackServer
from test_crawl_processes import (
    check_store,
    marsad_command,
    marsad_env,
    serve_feeds,
    user_visible_problems,
)

from marsad.store import open_store

N_FEEDS = 40
ROOM = 600_000  # bytes the database files may grow by before the "disk" is full


def test_disk_full_mid_pass_stops_cleanly_then_rerun_completes(
    tmp_path: Path, server: LoopbackServer
) -> None:
    feeds, expected = serve_feeds(server, N_FEEDS)
    home = tmp_path / "home"
    url = f"sqlite:///{home / 'marsad.db'}"
    store = open_store(url)
    for feed in feeds:
        store.add_source(feed)
    store.close()
    limit = (home / "marsad.db").stat().st_size + ROOM

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = marsad_env(home, url)
    full = subprocess.run(
        marsad_command("crawl", "--once"),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=small_disk,
    )
    assert full.returncode == 2, (full.stdout, full.stderr[-3000:])
    errors = [line for line in full.stderr.splitlines() if line.startswith("marsad: error:")]
    assert len(errors) == 1, full.stderr[-3000:]
    assert user_visible_problems(full.stdout + full.stderr) == [], full.stderr[-3000:]
    assert len(full.stderr.splitlines()) <= 3, full.stderr
    with sqlite3.connect(home / "marsad.db") as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = raw.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert 0 < stored < len(expected)
    rerun = subprocess.run(
        marsad_command("crawl", "--once"), env=env, capture_output=True, text=True, timeout=300
    )
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    check_store(url, expected)
