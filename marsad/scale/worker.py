"""The actors and the process that runs them (``marsad worker``).

Actors call the single-process pipeline's steps; there is no second pipeline. Queues (kinds, as
``marsad worker --queues`` names them):

- ``fetch``: ``fetch_source(source_ids)`` (up to the scheduler's ``SEND_BATCH`` sources, or
  one id), one poll of each source, all at once, through crawl's own code
  (``marsad.pipeline.crawl.poll_sources``: conditional GET, parse, new entries), with a
  fetcher whose per-host limits and robots.txt are shared in Redis. Each new entry is handed
  on (``marsad.scale.handoff.HandOff``) instead of stored: to ``fetch_article`` for its page,
  or to ``analyse`` when pages are not fetched. Each source's poll state is saved after that
  (the unchanged ones' in one transaction).
- ``article``: ``fetch_article(packed)``, the entry's page fetched (crawl's page fetch: final
  URL, ``<link rel=canonical>``, charset), then the entry with its page sent to ``analyse``.
- ``analyse``: ``analyse(packed)``, ``Pipeline.ingest``: extract, understand, signatures and
  the store (the article with its index entry and its outbox rows in one transaction), never
  grouping (``Pipeline(groups=False)``). CPU-bound; start as many as there are cores.
- ``group``: ``group()``, the grouping holder decides what waits in the outbox now
  (``Pipeline.drain``). Every worker consuming the group queue runs a ``GroupingHolder``: one of
  them holds the grouping lock (the store's lock row, 30 s expiry, checked in each decision's
  transaction) and drains every second besides; the others stand by and take the lock when the
  holder stops renewing it (at once when it ran on the same machine and died).
- ``translate``: ``translate()``, the translation consumer of this process (one
  ``TranslationWorker``, one model, loaded once per process) looks at the outbox's
  ``translate`` rows now; it also looks every second. With translation off nothing is sent
  and a translate worker loads no model.

Hand-offs: between fetch_source, fetch_article and analyse the article travels in the message
(plain data, compressed; ``marsad.scale.handoff``), sent with publisher confirms before the
sender's own message is acknowledged. From analyse on the store is the record: the outbox rows
written with the article, so ``group`` and ``translate`` messages are only nudges (a lost one
delays the work by a tick at most). Search index entries are written in the article's (or its
grouping decision's) own transaction, so there is no index work to hand off.

Acknowledgement is late (after the actor returns), so the messages a killed worker held are
delivered again; every step is idempotent (an article stored under any of its URLs is not
stored again), so a repeated one stores nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from marsad.config import Settings
from marsad.errors import MarsadError
from marsad.extract.langid import default_detector
from marsad.ingest.fetcher import Fetcher
from marsad.pipeline.crawl import CrawlSummary, fetch_article_page, poll_sources
from marsad.pipeline.process import IncomingArticle, Pipeline
from marsad.scale.engine import (
    dead_letter_notes,
    open_broker,
    open_redis,
    queue_name,
    require_packages,
)
from marsad.scale.handoff import MAX_PACKED_BYTES, HandOff, pack, unpack, with_page
from marsad.scale.metrics import Metrics
from marsad.scale.politeness import SharedFetcher, SharedLimits, SharedRobots
from marsad.store import Store, open_store
from marsad.translate import (
    NoneTranslator,
    TranslateOnIngest,
    TranslationWorker,
    names_from_knowledge,
)
from marsad.understand import Knowledge, load_knowledge

log = logging.getLogger(__name__)

# The queues a worker may consume, in pipeline order.
KINDS = ("fetch", "article", "analyse", "group", "translate")
# A fetch_source message may run this long (a sitemap of 1,000 pages at per-host pace) before
# Dramatiq stops it and retries it (the source's lease is renewed meanwhile).
FETCH_TIME_LIMIT_MS = 14 * 60 * 1000
# One page (its request_deadline, a wait for the host's turn) or one article's analysis.
ARTICLE_TIME_LIMIT_MS = 5 * 60 * 1000
ANALYSE_TIME_LIMIT_MS = 5 * 60 * 1000
GROUP_TIME_LIMIT_MS = 10 * 60 * 1000
TRANSLATE_TIME_LIMIT_MS = 60 * 1000
# The grouping holder looks at the outbox this often besides the group messages.
GROUP_TICK_SECONDS = 1.0
# A worker thread's fetcher (and the robots.txt it read) is renewed after this long.
FETCHER_MAX_AGE_SECONDS = 600.0
# An analysing thread merges what it learned of the sources' boilerplate into the store at
# least this often (besides every BOILERPLATE_SAVE_EVERY articles of a source).
LEARNED_SAVE_SECONDS = 30.0
# A process nudges the group and translate consumers at most this often.
NUDGE_SECONDS = 0.25


@dataclass
class Actors:
    fetch_source: Any
    fetch_article: Any
    analyse: Any
    group: Any
    translate: Any


def declare_actors(broker: Any, settings: Settings, runtime: WorkerRuntime | None) -> Actors:
    """The actors on ``broker``; ``runtime`` runs them (None: a sender only, the scheduler)."""
    import dramatiq

    def running() -> WorkerRuntime:
        if runtime is None:
            raise RuntimeError("this process only sends messages")
        return runtime

    def fetch_source(source_ids: int | list[int], lease_owner: str | None = None) -> None:
        running().fetch(source_ids, lease_owner)

    def fetch_article(packed: str) -> None:
        running().fetch_article(packed)

    def analyse(packed: str) -> None:
        running().analyse(packed)

    def group() -> None:
        running().group()

    def translate() -> None:
        running().translate()

    def actor(fn: Any, kind: str, limit_ms: int) -> Any:
        return dramatiq.actor(
            broker=broker,
            actor_name=fn.__name__,
            queue_name=queue_name(settings, kind),
            time_limit=limit_ms,
        )(fn)

    return Actors(
        fetch_source=actor(fetch_source, "fetch", FETCH_TIME_LIMIT_MS),
        fetch_article=actor(fetch_article, "article", ARTICLE_TIME_LIMIT_MS),
        analyse=actor(analyse, "analyse", ANALYSE_TIME_LIMIT_MS),
        group=actor(group, "group", GROUP_TIME_LIMIT_MS),
        translate=actor(translate, "translate", TRANSLATE_TIME_LIMIT_MS),
    )


@dataclass
class _ThreadState:
    """One worker thread's own: its event loop and fetcher, its pipeline (built when the
    thread first analyses)."""

    loop: asyncio.AbstractEventLoop
    pipeline: Pipeline | None = None
    fetcher: Fetcher | None = None
    fetcher_born: float = 0.0
    learned_saved: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)


class LeaseKeeper:
    """Renews the scheduler's leases on the sources this process is polling, every third of a
    lease, in one statement per lease owner: one thread for the process, not one per message
    (an unchanged feed's whole poll costs about as much as starting a thread)."""

    def __init__(self, store: Store, lease_seconds: float) -> None:
        self.store = store
        self.lease_seconds = lease_seconds
        self._held: dict[str, Counter[int]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def hold(self, owner: str, source_ids: list[int]) -> None:
        with self._lock:
            self._held.setdefault(owner, Counter()).update(source_ids)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="marsad-leases", daemon=True)
                self._thread.start()

    def drop(self, owner: str, source_ids: list[int]) -> None:
        with self._lock:
            held = self._held.get(owner)
            if held is None:
                return
            held.subtract(source_ids)
            for source_id in source_ids:
                if held[source_id] <= 0:
                    del held[source_id]
            if not held:
                del self._held[owner]

    def _run(self) -> None:
        while not self._stop.wait(self.lease_seconds / 3):
            with self._lock:
                held = {owner: list(ids) for owner, ids in self._held.items()}
            for owner, ids in held.items():
                try:
                    self.store.renew_source_leases(owner, ids, lease_seconds=self.lease_seconds)
                except MarsadError as exc:
                    log.info("could not renew the leases of %d sources: %s", len(ids), exc.message)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)


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
        # One robots.txt cache for the process's fetchers, kept in Redis for every worker.
        self.robots = SharedRobots(self.redis, settings) if self.redis is not None else None
        self.actors = declare_actors(self.broker, settings, self)
        self.leases = LeaseKeeper(self.store, float(settings.source_lease_seconds))
        # Pages are fetched by fetch_article; a page source's page is fetched by the poll itself
        # (it is the source) and goes to analyse with it.
        self._poll_settings = settings.replace(fetch_article_pages=False)
        self.translating = settings.translate_engine != "none"
        self._knowledge: Knowledge | None = None
        self._detector: Any = None
        self._shared_lock = threading.Lock()
        self._local = threading.local()
        self._states: list[_ThreadState] = []
        self._nudged: dict[str, float] = {}  # actor name -> when this process last nudged it
        self._sender = ThreadPoolExecutor(
            max_workers=self.threads, thread_name_prefix="marsad-send"
        )
        self.holder: GroupingHolder | None = None
        if "group" in queues:
            self.holder = GroupingHolder(self.store, settings, self.metrics, self.knowledge())
        # The process's one translation consumer (one model), on the translate queue only.
        self.translation: TranslateOnIngest | None = None
        if "translate" in queues and self.translating:
            self.translation = TranslateOnIngest(
                self.store,
                settings,
                names=names_from_knowledge(self.knowledge(), source_lang="en"),
            )

    def knowledge(self) -> Knowledge:
        with self._shared_lock:
            if self._knowledge is None:
                self._knowledge = load_knowledge(self.settings.entities_file)
                self._detector = default_detector()
            return self._knowledge

    # -- a worker thread's state ------------------------------------------------------------
    def _thread_state(self) -> _ThreadState:
        state: _ThreadState | None = getattr(self._local, "state", None)
        if state is None:
            state = _ThreadState(loop=asyncio.new_event_loop())
            self._local.state = state
            with self._shared_lock:
                self._states.append(state)
        return state

    def _state(self) -> _ThreadState:
        """The thread's state with a fetcher (renewed after FETCHER_MAX_AGE_SECONDS)."""
        state = self._thread_state()
        if state.fetcher is None or time.monotonic() - state.fetcher_born > FETCHER_MAX_AGE_SECONDS:
            if state.fetcher is not None:
                state.loop.run_until_complete(state.fetcher.aclose())
            state.fetcher = (
                SharedFetcher(self.settings, self.limits, self.robots)
                if self.limits is not None
                else Fetcher(self.settings)
            )
            state.fetcher_born = time.monotonic()
        return state

    def _pipeline(self, state: _ThreadState) -> Pipeline:
        """The thread's pipeline: stores, never groups, writes ``translate`` outbox rows when
        translation is on but never translates (the translate queue's consumer does)."""
        if state.pipeline is None:
            knowledge = self.knowledge()
            quiet = self.settings.replace(translate_engine="none")  # no model, no consumer here
            pipeline = Pipeline(
                self.store, quiet, knowledge=knowledge, detector=self._detector, groups=False
            )
            if self.translating:
                # A consumer that is never started: the pipeline sees translation on and writes
                # the rows with the article; the translate queue's worker translates them.
                pipeline.translation.worker = TranslationWorker(self.store, NoneTranslator())
            state.pipeline = pipeline
        return state.pipeline

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

    def fetch(
        self, source_ids: int | list[int], lease_owner: str | None = None
    ) -> CrawlSummary | None:
        """One poll of each source of the message (the scheduler sends up to SEND_BATCH
        sources in one), all at once. With ``lease_owner`` (the scheduler that sent them),
        their leases are renewed first, in one statement, and while the polls run (the
        process's one ``LeaseKeeper``); a source another owner holds now (this message waited
        past the lease, and the source was sent again) is skipped: the newer message polls it.
        None when nothing was polled (every source gone or skipped)."""
        ids = [int(x) for x in source_ids] if isinstance(source_ids, list) else [int(source_ids)]
        if lease_owner is not None:
            taken = self.store.renew_source_leases(
                lease_owner, ids, lease_seconds=float(self.settings.source_lease_seconds)
            )
            if taken:
                log.info("sources %s were sent again meanwhile; skipped here", taken)
                self.metrics.fetch_outcomes.labels("skipped").inc(len(taken))
                ids = [i for i in ids if i not in set(taken)]
            if not ids:
                return None
            self.leases.hold(lease_owner, ids)
        try:
            return self._fetch(ids)
        finally:
            if lease_owner is not None:
                self.leases.drop(lease_owner, ids)

    def _fetch(self, source_ids: list[int]) -> CrawlSummary | None:
        state = self._state()
        assert state.fetcher is not None
        started = time.monotonic()
        handoff = HandOff(
            self.store,
            send=lambda item, packed: self._hand_on(state, item, packed),
            redis=self.redis,
            prefix=str(self.settings.queue_prefix),
        )
        with state.lock:
            try:
                summary = state.loop.run_until_complete(
                    poll_sources(
                        self.store,
                        self._poll_settings,
                        source_ids,
                        pipeline=handoff,
                        fetcher=state.fetcher,
                    )
                )
            except BaseException:
                # Stopped mid-poll (a storage error, Dramatiq's time limit): the loop may hold
                # the poll's leftovers; the next message starts on a fresh loop and fetcher.
                self._renew_loop(state)
                raise
        self.metrics.stage_seconds.labels("fetch_source").observe(time.monotonic() - started)
        for kind, count in _outcomes(summary, len(source_ids)).items():
            self.metrics.fetch_outcomes.labels(kind).inc(count)
        return summary if summary.sources else None

    def _hand_on(self, state: _ThreadState, item: IncomingArticle, packed: str) -> bool:
        """Send the entry to the next step: its page to fetch, or its analysis. False when it
        is too large to send: the steps ran here (the article is stored)."""
        if len(packed) > MAX_PACKED_BYTES:
            self._ingest(state, item)
            return False
        if item.html is None and self.settings.fetch_article_pages:
            self._send(self.actors.fetch_article, packed)
        else:
            self._send(self.actors.analyse, packed)
        return True

    # -- fetch_article ----------------------------------------------------------------------
    def fetch_article(self, packed: str) -> IncomingArticle | None:
        """Fetch the entry's page and send the entry with it to ``analyse``. None when the
        article is stored already (a repeated message)."""
        item = unpack(packed)
        if self.store.find_article_id([item.url, *item.aliases]) is not None:
            self.metrics.fetch_outcomes.labels("page_known").inc()
            return None
        state = self._state()
        assert state.fetcher is not None
        started = time.monotonic()
        with state.lock:
            try:
                # crawl's own page fetch: final URL, the publisher's canonical, the charset.
                page = state.loop.run_until_complete(fetch_article_page(state.fetcher, item.url))
            except BaseException:
                self._renew_loop(state)
                raise
        self.metrics.stage_seconds.labels("fetch_article").observe(time.monotonic() - started)
        self.metrics.fetch_outcomes.labels("page" if page.html is not None else "page_failed").inc()
        item = with_page(
            item,
            url=page.url,
            aliases=page.aliases,
            html=page.html,
            status=page.status,
            charset=page.charset,
        )
        again = pack(item)
        if len(again) > MAX_PACKED_BYTES:
            self._ingest(state, item)
        else:
            self._send(self.actors.analyse, again)
        return item

    # -- analyse ----------------------------------------------------------------------------
    def analyse(self, packed: str) -> bool:
        """Extract, understand, store (``Pipeline.ingest``). True when the article was new."""
        state = self._thread_state()
        with state.lock:
            return self._ingest(state, unpack(packed))

    def _ingest(self, state: _ThreadState, item: IncomingArticle) -> bool:
        started = time.monotonic()
        pipeline = self._pipeline(state)
        result = pipeline.ingest_full(item)
        if time.monotonic() - state.learned_saved >= LEARNED_SAVE_SECONDS:
            state.learned_saved = time.monotonic()
            pipeline.flush()  # learned boilerplate into the store
        self.metrics.stage_seconds.labels("analyse").observe(time.monotonic() - started)
        if not result.created:
            return False
        self.metrics.articles_stored.inc()
        self._nudge(self.actors.group)
        language = result.article.language
        if self.translating and language and language != "ar":
            self._nudge(self.actors.translate)
        return True

    def _send(self, actor: Any, *args: Any) -> None:
        """Send a message and wait for RabbitMQ's confirm, from one of the process's sender
        threads: the broker keeps a connection per sending thread until it closes, and a
        poll's database thread lives for one poll only (a connection per poll, never
        closed)."""
        self._sender.submit(actor.send, *args).result()

    def _nudge(self, actor: Any) -> None:
        """Tell the consumer of ``actor``'s queue to look at the outbox now: at most every
        NUDGE_SECONDS per process (it looks every second anyway; one message per article
        would cost the broker and the holder more than the article's grouping)."""
        now = time.monotonic()
        if now - self._nudged.get(actor.actor_name, -NUDGE_SECONDS) < NUDGE_SECONDS:
            return
        self._nudged[actor.actor_name] = now
        try:
            self._send(actor)
        except Exception as exc:  # only a nudge: the consumer looks at the outbox every tick
            log.info("could not nudge %s: %s", actor.actor_name, exc)

    # -- group, translate -------------------------------------------------------------------
    def group(self) -> None:
        if self.holder is None:
            return
        if self.holder.pipeline is None:
            self.holder.wake()  # still starting: its loop drains once it is up
            return
        self.holder.drain()

    def translate(self) -> None:
        if self.translation is not None:
            self.translation.wake()

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
                if state.pipeline is not None:
                    state.pipeline.close()
            except Exception:  # closing: keep going with the others
                log.exception("closing a worker thread's state failed")
            finally:
                state.loop.close()
        self._states.clear()
        self.leases.close()
        if self.translation is not None:
            self.translation.close()
        self._sender.shutdown(wait=True)
        self.broker.close()
        if self.redis is not None:
            self.redis.close()
        self.store.close()


def _outcomes(summary: CrawlSummary, sent: int) -> dict[str, int]:
    """How the polls of one message ended, by kind: gone (removed since it was sent),
    failed, not_modified (304), unchanged (same body), fetched."""
    counts = {
        "gone": sent - summary.sources,
        "failed": summary.failed,
        "not_modified": summary.not_modified,
        "unchanged": summary.unchanged,
        "fetched": summary.fetched,
    }
    return {kind: n for kind, n in counts.items() if n > 0}
