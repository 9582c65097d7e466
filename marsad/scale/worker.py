"""The actors and the process that runs them (``marsad worker``).

Actors call the single-process pipeline's steps; there is no second pipeline:

- ``fetch_source(source_id)``: one poll of the source (``marsad.pipeline.crawl.poll_source``:
  conditional GET, parse, article pages, ``Pipeline.ingest``), through a fetcher whose per-host
  limits are shared in Redis. Articles are stored with their outbox rows and never grouped here
  (``Pipeline(groups=False)``); when it stored new ones it sends ``group()``.
- ``group()``: the grouping holder decides what waits in the outbox now (``Pipeline.drain``).
  Every worker consuming the group queue runs a ``GroupingHolder``: one of them holds the
  grouping lock (the store's lock row, 30 s expiry, checked in each decision's transaction)
  and drains every second besides; the others stand by and take the lock when the holder
  stops renewing it (at once when it ran on the same machine and died). A ``group`` message is
  only a nudge: the outbox is the record, so a lost one delays grouping by a tick at most.

Translation requests (outbox ``translate`` rows) are consumed by the translation worker of the
pipelines here, as in one process, when translation is turned on.

Acknowledgement is late (after the actor returns), so the messages a killed worker held are
delivered again; every step is idempotent, so a repeated one stores nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from marsad.config import Settings
from marsad.errors import MarsadError
from marsad.extract.langid import default_detector
from marsad.ingest.fetcher import Fetcher
from marsad.pipeline.crawl import CrawlSummary, poll_source
from marsad.pipeline.process import Pipeline
from marsad.scale.engine import (
    dead_letter_notes,
    open_broker,
    open_redis,
    queue_name,
    require_packages,
)
from marsad.scale.metrics import Metrics
from marsad.scale.politeness import SharedFetcher, SharedLimits
from marsad.store import Store, open_store
from marsad.understand import Knowledge, load_knowledge

log = logging.getLogger(__name__)

# A fetch_source message may run this long (a sitemap of 1,000 pages at per-host pace) before
# Dramatiq stops it and retries it (the source's lease is renewed meanwhile).
FETCH_TIME_LIMIT_MS = 14 * 60 * 1000
GROUP_TIME_LIMIT_MS = 10 * 60 * 1000
# The grouping holder looks at the outbox this often besides the group messages.
GROUP_TICK_SECONDS = 1.0
# A worker thread's fetcher (and the robots.txt it read) is renewed after this long.
FETCHER_MAX_AGE_SECONDS = 600.0


@dataclass
class Actors:
    fetch_source: Any
    group: Any


def declare_actors(broker: Any, settings: Settings, runtime: WorkerRuntime | None) -> Actors:
    """The actors on ``broker``; ``runtime`` runs them (None: a sender only, the scheduler)."""
    import dramatiq

    def fetch_source(source_id: int, lease_owner: str | None = None) -> None:
        if runtime is None:
            raise RuntimeError("this process only sends messages")
        runtime.fetch(int(source_id), lease_owner)

    def group() -> None:
        if runtime is None:
            raise RuntimeError("this process only sends messages")
        runtime.group()

    return Actors(
        fetch_source=dramatiq.actor(
            broker=broker,
            actor_name="fetch_source",
            queue_name=queue_name(settings, "fetch"),
            time_limit=FETCH_TIME_LIMIT_MS,
        )(fetch_source),
        group=dramatiq.actor(
            broker=broker,
            actor_name="group",
            queue_name=queue_name(settings, "group"),
            time_limit=GROUP_TIME_LIMIT_MS,
        )(group),
    )


@dataclass
class _ThreadState:
    loop: asyncio.AbstractEventLoop
    pipeline: Pipeline
    fetcher: Fetcher | None = None
    fetcher_born: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


class GroupingHolder:
    """Holds (or stands by for) the grouping lock and drains the outbox."""

    def __init__(
        self, store: Store, settings: Settings, metrics: Metrics, knowledge: Knowledge
    ) -> None:
        self.store = store
        self.settings = settings
        self.metrics = metrics
        self.knowledge = knowledge
        self.pipeline: Pipeline | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="marsad-grouping", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set() and self.pipeline is None:
            try:
                pipeline = Pipeline(self.store, self.settings, knowledge=self.knowledge)
            except MarsadError as exc:
                log.warning("grouping holder cannot start yet: %s", exc.message)
                self._stop.wait(5.0)
                continue
            with self._lock:
                self.pipeline = pipeline
        while not self._stop.is_set():
            self.drain()
            self._wake.wait(GROUP_TICK_SECONDS)
            self._wake.clear()

    def drain(self) -> int:
        """Decide what waits for grouping (when this process holds, or can take, the lock)."""
        with self._lock:
            if self.pipeline is None:
                return 0
            started = time.monotonic()
            try:
                done = self.pipeline.drain()
                self.pipeline.flush()  # re-checks and window snapshots, on their schedule
            except MarsadError as exc:
                log.warning("grouping paused: %s", exc.message)
                return 0
            if done:
                self.metrics.stage_seconds.labels("group").observe(time.monotonic() - started)
            return len(done)

    @property
    def holding(self) -> bool:
        return self.pipeline is not None and self.pipeline.holds_grouping

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=60)
        with self._lock:
            if self.pipeline is not None:
                try:
                    self.pipeline.close()  # a last drain, the window snapshot, the lock given back
                except MarsadError as exc:
                    log.warning("grouping holder could not close cleanly: %s", exc.message)
                self.pipeline = None


class WorkerRuntime:
    """One worker process: the broker, the store, shared politeness, the actors' state."""

    def __init__(self, settings: Settings, *, queues: list[str], threads: int) -> None:
        require_packages()
        self.settings = settings
        self.kinds = queues
        self.threads = max(1, threads)
        self.redis = open_redis(settings)
        self.broker = open_broker(
            settings, extra_middleware=[dead_letter_notes(settings, self.redis)]
        )
        self.store = open_store(settings.effective_database_url)
        self.metrics = Metrics(self.store, settings)
        self.limits = SharedLimits(self.redis, settings) if self.redis is not None else None
        self.actors = declare_actors(self.broker, settings, self)
        self._knowledge: Knowledge | None = None
        self._detector: Any = None
        self._shared_lock = threading.Lock()
        self._local = threading.local()
        self._states: list[_ThreadState] = []
        self.holder: GroupingHolder | None = None
        if "group" in queues:
            self.holder = GroupingHolder(self.store, settings, self.metrics, self.knowledge())

    def knowledge(self) -> Knowledge:
        with self._shared_lock:
            if self._knowledge is None:
                self._knowledge = load_knowledge(self.settings.entities_file)
                self._detector = default_detector()
            return self._knowledge

    # -- fetch_source ---------------------------------------------------------------------
    def _state(self) -> _ThreadState:
        state: _ThreadState | None = getattr(self._local, "state", None)
        if state is None:
            knowledge = self.knowledge()
            pipeline = Pipeline(
                self.store,
                self.settings,
                knowledge=knowledge,
                detector=self._detector,
                groups=False,
            )
            state = _ThreadState(loop=asyncio.new_event_loop(), pipeline=pipeline)
            self._local.state = state
            with self._shared_lock:
                self._states.append(state)
        if state.fetcher is None or time.monotonic() - state.fetcher_born > FETCHER_MAX_AGE_SECONDS:
            if state.fetcher is not None:
                state.loop.run_until_complete(state.fetcher.aclose())
            state.fetcher = (
                SharedFetcher(self.settings, self.limits)
                if self.limits is not None
                else Fetcher(self.settings)
            )
            state.fetcher_born = time.monotonic()
        return state

    def _keep_lease(self, source_id: int, owner: str, done: threading.Event) -> None:
        """Renew the scheduler's lease on the source every third of a lease while it is
        polled here (a message may wait in the queue; a big sitemap takes long)."""
        lease = float(self.settings.source_lease_seconds)
        while not done.wait(lease / 3):
            try:
                self.store.renew_source_leases(owner, [source_id], lease_seconds=lease)
            except MarsadError as exc:
                log.info("could not renew the lease of source %d: %s", source_id, exc.message)

    @staticmethod
    def _renew_loop(state: _ThreadState) -> None:
        old = state.loop
        state.loop, state.fetcher = asyncio.new_event_loop(), None
        try:
            for task in asyncio.all_tasks(old):
                task.cancel()
            old.close()
        except Exception:  # a loop stopped mid-step may refuse; it is dropped either way
            log.debug("could not close a worker thread's event loop", exc_info=True)

    def fetch(self, source_id: int, lease_owner: str | None = None) -> CrawlSummary | None:
        """One poll of the source. With ``lease_owner`` (the scheduler that sent it), its
        lease is renewed first and while the poll runs; when another owner holds the source
        now (this message waited past the lease, and the source was sent again), nothing is
        done: the newer message polls it."""
        if lease_owner is not None:
            taken = self.store.renew_source_leases(
                lease_owner, [source_id], lease_seconds=float(self.settings.source_lease_seconds)
            )
            if taken:
                log.info("source %d was sent again meanwhile; this message is skipped", source_id)
                self.metrics.fetch_outcomes.labels("skipped").inc()
                return None
        done = threading.Event()
        if lease_owner is not None:
            threading.Thread(
                target=self._keep_lease, args=(source_id, lease_owner, done), daemon=True
            ).start()
        try:
            return self._fetch(source_id)
        finally:
            done.set()

    def _fetch(self, source_id: int) -> CrawlSummary | None:
        state = self._state()
        assert state.fetcher is not None
        started = time.monotonic()
        with state.lock:
            try:
                summary = state.loop.run_until_complete(
                    poll_source(
                        self.store,
                        self.settings,
                        source_id,
                        pipeline=state.pipeline,
                        fetcher=state.fetcher,
                    )
                )
            except BaseException:
                # Stopped mid-poll (a storage error, Dramatiq's time limit): the loop may hold
                # the poll's leftovers; the next message starts on a fresh loop and fetcher.
                self._renew_loop(state)
                raise
            state.pipeline.flush()  # learned boilerplate into the store
        self.metrics.stage_seconds.labels("fetch_source").observe(time.monotonic() - started)
        self.metrics.fetch_outcomes.labels(_outcome(summary)).inc()
        if summary is not None and summary.new_articles:
            self.metrics.articles_stored.inc(summary.new_articles)
            try:
                self.actors.group.send()
            except Exception as exc:  # only a nudge: the holder drains every tick anyway
                log.info("could not nudge the grouping holder: %s", exc)
        return summary

    # -- group ----------------------------------------------------------------------------
    def group(self) -> None:
        if self.holder is None:
            return
        if self.holder.pipeline is None:
            self.holder.wake()  # still starting: its loop drains once it is up
            return
        self.holder.drain()

    # -- running ----------------------------------------------------------------------------
    def run(self, stop: threading.Event, *, metrics_port: int = 0) -> None:
        """Consume the queues until ``stop`` is set; in-flight messages finish first."""
        from dramatiq import Worker

        names = {queue_name(self.settings, kind) for kind in self.kinds}
        worker = Worker(self.broker, queues=names, worker_threads=self.threads)
        server = None
        if metrics_port:
            server = self.metrics.serve(str(self.settings.host), metrics_port)
        if self.holder is not None:
            self.holder.start()
        worker.start()
        log.info("worker consuming %s with %d threads", ", ".join(sorted(names)), self.threads)
        try:
            stop.wait()
        finally:
            worker.stop(timeout=60_000)
            if self.holder is not None:
                self.holder.stop()
            if server is not None:
                server.shutdown()
            self.close()

    def close(self) -> None:
        for state in self._states:
            try:
                if state.fetcher is not None:
                    state.loop.run_until_complete(state.fetcher.aclose())
                state.pipeline.close()
            except Exception:  # closing: keep going with the others
                log.exception("closing a worker thread's state failed")
            finally:
                state.loop.close()
        self._states.clear()
        self.broker.close()
        if self.redis is not None:
            self.redis.close()
        self.store.close()


def _outcome(summary: CrawlSummary | None) -> str:
    if summary is None:
        return "gone"
    if summary.failed:
        return "failed"
    if summary.not_modified:
        return "not_modified"
    if summary.unchanged:
        return "unchanged"
    return "fetched"
