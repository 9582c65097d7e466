"""The broker cut for 10 seconds mid-run (a TCP proxy between Marsad and RabbitMQ that the test
cuts and restores): the workers and the scheduler reconnect, and every article is stored
once and grouped."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

from conftest import BROKER_URL, Scale, wait_for
from helpers import add_sources, check_record, progress, serve_feeds
from loopback import LoopbackServer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pgproxy import TCPProxy, target_of  # tests/pgproxy.py: works for any TCP service


def test_broker_cut_for_ten_seconds_loses_nothing(scale: Scale, server: LoopbackServer) -> None:
    feeds, expected = serve_feeds(server, 20, 3, page_delay=0.3)
    add_sources(scale.database_url, feeds)
    with TCPProxy(target_of(BROKER_URL)) as proxy:
        via = {"MARSAD_BROKER_URL": proxy.rewrite_url(BROKER_URL)}
        workers = [scale.start("worker", "--threads", "2", **via) for _ in range(2)]
        wait_for(
            "both workers ready",
            lambda: all("worker ready" in scale.output(w) for w in workers),
            timeout=60,
        )
        scheduler = scale.start("scheduler", **via)
        wait_for("some articles stored", lambda: progress(scale.database_url)[0] >= 6, 60, 0.1)
        assert progress(scale.database_url)[0] < len(expected), "the run ended before the cut"
        proxy.cut()
        time.sleep(10)
        proxy.restore()
        wait_for(
            f"{len(expected)} articles stored and grouped after the cut",
            lambda: progress(scale.database_url) == (len(expected), 0),
            timeout=150,
        )
        for proc in [scheduler, *workers]:
            assert proc.poll() is None, f"a process died: {scale.output(proc)[-3000:]}"
            proc.send_signal(signal.SIGTERM)
        for proc in [scheduler, *workers]:
            proc.wait(timeout=90)
    check_record(scale.database_url, expected)
