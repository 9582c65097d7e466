"""Prometheus metrics of workers and of ``marsad serve`` (``/metrics``).

Counted by the worker that did the work: source polls by outcome (fetched, not_modified,
unchanged, failed, gone), articles stored, and per-stage latency histograms (fetch_source,
group). Read when scraped, from the record and the broker: queue depths (ready, delayed, dead),
grouping lag (stored articles waiting in the outbox for the grouping holder), translations
waiting, due sources. Each ``Metrics`` has a registry of its own (no global state).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from marsad.config import Settings
from marsad.errors import MarsadError
from marsad.store import Store, utcnow
from marsad.store.store import OUTBOX_GROUP, OUTBOX_TRANSLATE

log = logging.getLogger(__name__)

# Seconds: a 304 takes a few milliseconds, a feed with new pages seconds, a big sitemap minutes.
STAGE_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180, 600)


class _Live:
    """Gauges read at scrape time."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def describe(self) -> list[Any]:
        return []  # read lazily: registering must not touch the database or the broker

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        try:
            waiting = self.store.outbox_counts()
            sources = self.store.list_sources(include_paused=False)
        except MarsadError as exc:
            log.info("metrics: the store is not answering: %s", exc.message)
        else:
            yield GaugeMetricFamily(
                "marsad_grouping_lag_articles",
                "Stored articles waiting in the outbox for the grouping holder.",
                value=waiting.get(OUTBOX_GROUP, 0),
            )
            yield GaugeMetricFamily(
                "marsad_translations_waiting",
                "Articles waiting in the outbox for translation.",
                value=waiting.get(OUTBOX_TRANSLATE, 0),
            )
            now = utcnow()
            due = sum(1 for s in sources if s.next_poll_at is None or s.next_poll_at <= now)
            yield GaugeMetricFamily(
                "marsad_sources_due", "Unpaused sources due for a poll now.", value=due
            )
        if not self.settings.broker_url:
            return
        from marsad.scale.engine import Queues

        try:
            with Queues(self.settings) as queues:
                stats = queues.stats()
        except MarsadError as exc:
            log.info("metrics: the broker is not answering: %s", exc.message)
            return
        depth = GaugeMetricFamily(
            "marsad_queue_depth", "Messages in a task queue.", labels=["queue", "state"]
        )
        consumers = GaugeMetricFamily(
            "marsad_queue_consumers", "Worker connections consuming a queue.", labels=["queue"]
        )
        for q in stats:
            depth.add_metric([q.queue, "ready"], q.ready)
            depth.add_metric([q.queue, "delayed"], q.delayed)
            depth.add_metric([q.queue, "dead"], q.dead)
            consumers.add_metric([q.queue], q.consumers)
        yield depth
        yield consumers


class Metrics:
    """One process's metrics: counters it keeps, gauges read from the store and broker."""

    def __init__(self, store: Store, settings: Settings) -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        self.registry = CollectorRegistry()
        self.fetch_outcomes = Counter(
            "marsad_fetch_outcomes",
            "Source polls by outcome.",
            ["kind"],
            registry=self.registry,
        )
        self.articles_stored = Counter(
            "marsad_articles_stored", "New articles stored.", registry=self.registry
        )
        self.stage_seconds = Histogram(
            "marsad_stage_seconds",
            "Seconds one step of the pipeline took, per stage.",
            ["stage"],
            buckets=STAGE_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_Live(store, settings))  # type: ignore[arg-type]

    def render(self) -> tuple[bytes, str]:
        """The metrics in Prometheus' text format, and its content type."""
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.registry), CONTENT_TYPE_LATEST

    def serve(self, host: str, port: int) -> Any:
        """Answer /metrics on ``host:port`` from a background thread; returns the server."""
        from prometheus_client import start_http_server

        server, _thread = start_http_server(port, addr=host, registry=self.registry)
        return server


def render_metrics(store: Store, settings: Settings) -> tuple[bytes, str]:
    """``marsad serve``'s /metrics: the gauges read from the store and the broker."""
    return Metrics(store, settings).render()
