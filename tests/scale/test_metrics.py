"""Prometheus metrics: ``/metrics`` of ``marsad serve`` and of each worker."""

from __future__ import annotations

import signal
import socket

import httpx
from loopback import LoopbackServer
from scalekit import Scale, add_sources, progress, serve_feeds, wait_for
from starlette.testclient import TestClient

from marsad.config import load_settings
from marsad.store import open_store
from marsad.web.app import create_app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_metrics_show_queues_and_grouping_lag(scale: Scale) -> None:
    settings = load_settings(env=scale.env)
    store = open_store(scale.database_url)
    try:
        store.add_source("https://feeds.example/a.xml")
        with TestClient(create_app(store, settings)) as client:
            answer = client.get("/metrics")
    finally:
        store.close()
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    assert "marsad_grouping_lag_articles 0.0" in text
    assert "marsad_sources_due 1.0" in text
    assert f'marsad_queue_depth{{queue="{scale.prefix}.fetch",state="ready"}}' in text


def test_worker_metrics_count_fetches_and_stage_latency(
    scale: Scale, server: LoopbackServer
) -> None:
    feeds, expected = serve_feeds(server, 3, 2)
    add_sources(scale.database_url, feeds)
    port = _free_port()
    worker = scale.start("worker", MARSAD_METRICS_PORT=str(port))
    wait_for("worker ready", lambda: "worker ready" in scale.output(worker), timeout=60)
    scale.start("scheduler")
    wait_for(
        "articles stored and grouped",
        lambda: progress(scale.database_url) == (len(expected), 0),
        timeout=60,
    )
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=30).text
    worker.send_signal(signal.SIGTERM)
    assert 'marsad_fetch_outcomes_total{kind="fetched"} 3.0' in text
    assert f"marsad_articles_stored_total {float(len(expected))}" in text
    # The three sources were due together: one fetch_source message (up to SEND_BATCH each).
    assert 'marsad_stage_seconds_count{stage="fetch_source"} 1.0' in text
    assert 'marsad_stage_seconds_count{stage="group"}' in text
    assert "marsad_grouping_lag_articles 0.0" in text
