"""Dead letters (``marsad tasks``) and the grouping holder's standby taking over."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator

import pytest
from actorkit import finish
from loopback import LoopbackServer
from scalekit import Scale, add_sources, check_record, progress, serve_feeds, wait_for

from marsad.config import load_settings
from marsad.scale.engine import Queues, open_broker
from marsad.scale.worker import declare_actors
from marsad.store import open_store
from marsad.store.store import GROUPING_LOCK


@pytest.fixture(autouse=True)
def _new_queues(scale: Scale) -> Iterator[None]:
    yield
    finish(scale)


def _dead(scale: Scale) -> int:
    with Queues(load_settings(env=scale.env)) as queues:
        return next(q.dead for q in queues.stats() if q.queue.endswith(".fetch"))


def test_a_failing_message_becomes_a_dead_letter_to_list_retry_and_drop(scale: Scale) -> None:
    worker = scale.start("worker", "--queues", "fetch", "--threads", "1")
    wait_for("worker ready", lambda: "worker ready" in scale.output(worker), timeout=60)
    broker = open_broker(load_settings(env=scale.env))
    try:
        actors = declare_actors(broker, load_settings(env=scale.env), None)
        actors.fetch_source.send_with_options(args=("not-a-source-id",), max_retries=0)
    finally:
        broker.close()
    wait_for("the message in the dead-letter queue", lambda: _dead(scale) == 1, timeout=30)
    listed = scale.run("tasks", "list")
    assert listed.returncode == 0, listed.stderr
    letter = json.loads(listed.stdout.strip())
    assert letter["actor"] == "fetch_source" and letter["args"] == ["not-a-source-id"]
    assert "ValueError" in letter["error"]
    assert _dead(scale) == 1  # listing leaves it there
    retried = scale.run("tasks", "retry", "--queue", "fetch")
    assert retried.returncode == 0 and "fetch: 1 dead letters sent back" in retried.stdout
    # The worker takes it again; it fails again, and is a dead letter again.
    wait_for("the retried message failing again", lambda: _dead(scale) == 1, timeout=30)
    dropped = scale.run("tasks", "drop")
    assert dropped.returncode == 0 and "fetch: 1 dead letters dropped" in dropped.stdout
    assert _dead(scale) == 0
    status = scale.run("status")
    assert "0 dead letters" in status.stdout and "1 workers" in status.stdout, status.stdout
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 0


def test_a_standby_takes_grouping_over_from_a_killed_holder(
    scale: Scale, server: LoopbackServer
) -> None:
    feeds, expected = serve_feeds(server, 4, 3)
    add_sources(scale.database_url, feeds)
    store = open_store(scale.database_url)
    try:
        holder = scale.start("worker", "--queues", "group", "--threads", "1")
        wait_for(
            "the grouping lock taken", lambda: store.lock_holder(GROUPING_LOCK) is not None, 60
        )
        first = store.lock_holder(GROUPING_LOCK)
        standby = scale.start("worker", "--queues", "group", "--threads", "1")
        wait_for("standby ready", lambda: "worker ready" in scale.output(standby), timeout=60)
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        fetcher = scale.start("worker", "--queues", "fetch,article,analyse", "--threads", "2")
        scale.start("scheduler")
        wait_for(
            "every article stored and grouped by the standby",
            lambda: progress(scale.database_url) == (len(expected), 0),
            timeout=120,
        )
        now = store.lock_holder(GROUPING_LOCK)
        assert now is not None and first is not None and now[0] != first[0]
        for proc in (standby, fetcher):
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=90) == 0, scale.output(proc)[-3000:]
    finally:
        store.close()
    check_record(scale.database_url, expected)
