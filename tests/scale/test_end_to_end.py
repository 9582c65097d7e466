"""A scheduler and two worker processes (every queue) over loopback feeds, on PostgreSQL,
RabbitMQ and Redis: every article stored exactly once and grouped; a worker killed while it
fetches a page loses nothing."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator

import pytest
from actorkit import finish
from loopback import LoopbackServer
from scalekit import Scale, add_sources, check_record, progress, serve_feeds, wait_for

N_FEEDS = 30
N_ITEMS = 4


@pytest.fixture(autouse=True)
def _new_queues(scale: Scale) -> Iterator[None]:
    yield
    finish(scale)


def _problems(text: str) -> list[str]:
    return [line for line in text.splitlines() if "Traceback" in line or "IntegrityError" in line]


def test_scheduler_and_two_workers_store_every_article_once(
    scale: Scale, server: LoopbackServer
) -> None:
    feeds, expected = serve_feeds(server, N_FEEDS, N_ITEMS)
    add_sources(scale.database_url, feeds)
    workers = [scale.start("worker", "--threads", "2") for _ in range(2)]
    wait_for(
        "both workers ready",
        lambda: all("worker ready" in scale.output(w) for w in workers),
        timeout=60,
    )
    started = time.monotonic()
    scheduler = scale.start("scheduler")
    wait_for(
        f"{len(expected)} articles stored and grouped",
        lambda: progress(scale.database_url) == (len(expected), 0),
        timeout=120,
    )
    seconds = time.monotonic() - started
    print(
        f"\n{len(expected)} articles through 2 workers in {seconds:.1f}s "
        f"({len(expected) / seconds:.1f} articles/s)"
    )
    for proc in [scheduler, *workers]:
        proc.send_signal(signal.SIGTERM)
    for proc in [scheduler, *workers]:
        assert proc.wait(timeout=90) == 0, scale.output(proc)[-3000:]
        assert _problems(scale.output(proc)) == [], scale.output(proc)[-3000:]
    # Leases: each feed was fetched once, by one worker.
    hits = {f"/o{f}.xml": server.hits[f"/o{f}.xml"] for f in range(N_FEEDS)}
    assert set(hits.values()) == {1}, hits
    check_record(scale.database_url, expected)
    status = scale.run("status", "--json")
    assert status.returncode == 0, status.stderr
    assert '"grouping_lag": 0' in status.stdout


def test_worker_killed_mid_message_loses_nothing(scale: Scale, server: LoopbackServer) -> None:
    # Slow pages: the worker is surely inside its message when it is killed.
    feeds, expected = serve_feeds(server, 2, 3, page_delay=1.5)
    add_sources(scale.database_url, feeds)
    victim = scale.start("worker", "--threads", "1")
    wait_for("worker ready", lambda: "worker ready" in scale.output(victim), timeout=60)
    scale.start("scheduler")
    wait_for(
        "a page request", lambda: any("/a" in s.path for s in server.log), timeout=60, step=0.1
    )
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    assert progress(scale.database_url)[0] < len(expected), "the message ended before the kill"
    survivor = scale.start("worker", "--threads", "2")
    wait_for(
        f"{len(expected)} articles stored and grouped after the kill",
        lambda: progress(scale.database_url) == (len(expected), 0),
        timeout=120,
    )
    # The killed worker's fetch_article message came back: its page was fetched again.
    assert max(server.hits[f"/o{f}/a{i}"] for f in range(2) for i in range(3)) >= 2
    survivor.send_signal(signal.SIGTERM)
    assert survivor.wait(timeout=90) == 0, scale.output(survivor)[-3000:]
    check_record(scale.database_url, expected)
