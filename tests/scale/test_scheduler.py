"""``marsad scheduler``: one leader (others stand by and take over), leases, back-pressure."""

from __future__ import annotations

import json
import signal
import threading
import time

from scalekit import Scale, wait_for

from marsad.config import load_settings
from marsad.scale.engine import Queues
from marsad.scale.scheduler import run_scheduler
from marsad.store import open_store


def test_back_pressure_stops_sending_at_the_set_depth(scale: Scale) -> None:
    settings = load_settings(env=scale.env, overrides={"fetch_queue_depth": 5})
    store = open_store(scale.database_url)
    for i in range(20):
        store.add_source(f"https://feeds{i}.example/rss.xml")
    stop = threading.Event()
    result: list[object] = []
    thread = threading.Thread(
        target=lambda: result.append(run_scheduler(store, settings, stop)), daemon=True
    )
    thread.start()
    try:
        with Queues(settings) as queues:
            # One message carries the 5 sources there was room for (a message holds up to
            # SEND_BATCH); it counts as SEND_BATCH queued sources, so nothing more is sent.
            wait_for("a message in the fetch queue", lambda: queues.depth("fetch") == 1, 30)
            time.sleep(3)  # several rounds: none may send more while no worker takes any
            assert queues.depth("fetch") == 1
    finally:
        stop.set()
        thread.join(timeout=30)
    try:
        # The 5 sent are leased to the scheduler: another claimant gets only the other 15.
        others = store.claim_sources("someone:1:x", limit=100, lease_seconds=60)
        assert len(others) == 15
    finally:
        store.close()
    stats = result[0]
    assert stats.sent == 5 and stats.held_back >= 1  # type: ignore[attr-defined]


def test_one_scheduler_leads_and_a_standby_takes_over(scale: Scale) -> None:
    first = scale.start("scheduler")
    wait_for("the first scheduler leads", lambda: "leading" in scale.output(first), 30)
    second = scale.start("scheduler")
    wait_for("the second stands by", lambda: "standing by" in scale.output(second), 30)
    assert "leading" not in scale.output(second)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    wait_for("the standby takes over", lambda: "leading" in scale.output(second), 30)
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=60) == 0, scale.output(second)


def test_worker_processes_start_consume_and_stop_together(scale: Scale) -> None:
    parent = scale.start("worker", "--queues", "fetch", "--processes", "2", "--threads", "1")

    def consumers() -> int:
        answer = scale.run("status", "--json")
        queues = json.loads(answer.stdout)["queues"]
        return int(next(q["consumers"] for q in queues if q["queue"].endswith(".fetch")))

    wait_for("two worker processes consuming", lambda: consumers() == 2, timeout=60, step=1)
    parent.send_signal(signal.SIGTERM)
    assert parent.wait(timeout=90) == 0, scale.output(parent)[-3000:]
    wait_for("no worker left consuming", lambda: consumers() == 0, timeout=30, step=1)
