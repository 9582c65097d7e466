"""A writer killed with SIGKILL mid-batch leaves a sound database with exactly the committed rows."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from marsad.store import open_store

CHILD = Path(__file__).with_name("writer_child.py")
BATCH = 50


@pytest.mark.parametrize("kill_after_batches", [3, 17])
def test_sigkill_mid_batch_keeps_exactly_committed_rows(
    database_url: str, kill_after_batches: int
) -> None:
    open_store(database_url).close()  # migrate first, so the child only inserts
    env = {**os.environ, "PYTHONPATH": str(CHILD.parent.parent.parent)}
    child = subprocess.Popen(
        [sys.executable, str(CHILD), database_url], stdout=subprocess.PIPE, text=True, env=env
    )
    assert child.stdout is not None
    reported = -1
    deadline = time.monotonic() + 60
    while reported < kill_after_batches and time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        reported = int(line)
    # Let it get into the next batch's transaction, then kill it without warning.
    time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert reported >= kill_after_batches, "child did not get far enough"
    # Batches the child may have committed after its last report are read from its pipe.
    for line in child.stdout:
        reported = max(reported, int(line))

    if database_url.startswith("sqlite"):
        path = database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    store = open_store(database_url)
    try:
        urls = {a.url for a in store.list_articles(limit=100_000)}
    finally:
        store.close()
    committed_batches = len(urls) // BATCH
    assert len(urls) % BATCH == 0, "a batch was partly committed"
    # Every reported batch is there; at most one more (committed, killed before it printed).
    assert committed_batches in (reported + 1, reported + 2)
    expected = {
        f"https://crash.example/{b}/{i}" for b in range(committed_batches) for i in range(BATCH)
    }
    assert urls == expected
