"""``marsad scheduler``: one active instance sends ``fetch_source`` for the due sources.

Leadership: a PostgreSQL advisory lock held on a connection of its own (the server frees it
the moment the process or its connection dies, and a standby takes it within
``STANDBY_SECONDS``); on SQLite the store's lock row with an expiry plays that part.

Each round the leader claims due sources with leases (``Store.claim_sources``: ``FOR UPDATE
SKIP LOCKED``, ``source_lease_seconds``; the worker renews them while it polls and each saved
poll state ends its lease, and a lost message's sources come back when their leases run out)
and sends them now, ``SEND_BATCH`` sources a message: there are no long-ETA messages in the
broker. Back-pressure: while the busiest of the fetch, article and analyse queues holds more
than ``fetch_queue_depth`` ready sources or articles (a fetch message counted as
``SEND_BATCH``) it sends nothing, and it never sends more than the room left, so a slow stage
never piles up messages (a ``fetch_source`` fans out into one message per new entry, so a slow
analyse stage must hold the scheduler back too).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from marsad.config import Settings
from marsad.errors import BrokerUnavailable, MarsadError
from marsad.pipeline.crawl import seconds_until_due
from marsad.scale.engine import Queues, open_broker, require_packages
from marsad.scale.worker import declare_actors
from marsad.store import Store, utcnow

log = logging.getLogger(__name__)

# A standby asks for leadership this often; the leader looks for due sources at least this often.
STANDBY_SECONDS = 2.0
IDLE_SECONDS = 2.0
# A full queue is looked at again after this long. Every look is three queue depths over AMQP
# and a query for the next due time: at 0.5 s a held-back scheduler spent 63 CPU-s in 26
# minutes (17 ms an article of the 10k bench's 1-worker run); a queue of fetch_queue_depth
# takes longer than this to drain.
HELD_BACK_SECONDS = 2.0
# Sources claimed per round (one claim transaction), at most.
CLAIM_BATCH = 500
# Sources per fetch_source message: the worker polls them at once and saves the unchanged
# ones' state in one transaction, so a message's cost (delivery, acknowledgement, lease
# renewal, the poll's set-up) is shared. Small enough that a batch spreads over the workers
# and a redelivered one (its worker killed) polls few sources again.
SEND_BATCH = 20
# On SQLite (no advisory locks) leadership is the lock row's, renewed every round.
SCHEDULER_LOCK_SECONDS = 30.0


@dataclass
class SchedulerStats:
    rounds: int = 0
    sent: int = 0
    held_back: int = 0  # rounds without sending because the fetch queue was full


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class _Leadership:
    """One active scheduler per installation (queue_prefix) and store."""

    def __init__(self, store: Store, settings: Settings, owner: str) -> None:
        self.store = store
        self.name = f"marsad-scheduler:{settings.queue_prefix}"
        self.owner = owner
        self._held: tuple[Callable[[], bool], Callable[[], None]] | None = None
        self._row = False

    def take(self) -> bool:
        if self.store.dialect == "postgresql":
            if self._held is not None and self._held[0]():
                return True
            if self._held is not None:  # its connection died, and the lock with it
                self._held[1]()
                self._held = None
            self._held = self.store.try_session_lock(self.name)
            return self._held is not None
        self._row = self.store.acquire_lock(self.name, self.owner, ttl=SCHEDULER_LOCK_SECONDS)
        return self._row

    def release(self) -> None:
        if self._held is not None:
            self._held[1]()
            self._held = None
        if self._row:
            self.store.release_lock(self.name, self.owner)
            self._row = False


def run_scheduler(
    store: Store,
    settings: Settings,
    stop: threading.Event,
    *,
    on_leader: Callable[[bool], None] | None = None,
) -> SchedulerStats:
    """Schedule until ``stop`` is set: stand by while another instance leads."""
    require_packages()
    from dramatiq.errors import BrokerConnectionError

    broker = open_broker(settings)
    actors = declare_actors(broker, settings, None)
    owner = _owner()
    leadership = _Leadership(store, settings, owner)
    stats = SchedulerStats()
    leading: bool | None = None  # unknown until the first try
    queues: Queues | None = None
    try:
        while not stop.is_set():
            now_leading = leadership.take()
            if now_leading != leading:
                leading = now_leading
                log.info("scheduler %s: %s", owner, "leading" if leading else "standing by")
                if on_leader is not None:
                    on_leader(leading)
            if not leading:
                stop.wait(STANDBY_SECONDS)
                continue
            try:
                if queues is None:
                    queues = Queues(settings)
                stats.rounds += 1
                held_back = stats.held_back
                sent = _round(store, settings, queues, actors.fetch_source, owner, stats)
            except (BrokerUnavailable, BrokerConnectionError) as exc:
                # The broker is cut: sources claimed but not sent come back when their lease
                # ends; try again shortly.
                log.warning("scheduler: the broker is not answering (%s); retrying", exc)
                if queues is not None:
                    queues.close()
                    queues = None
                stop.wait(IDLE_SECONDS)
                continue
            if stats.held_back > held_back:
                stop.wait(HELD_BACK_SECONDS)
            elif not sent:
                stop.wait(min(IDLE_SECONDS, max(0.5, seconds_until_due(store))))
    finally:
        if queues is not None:
            queues.close()
        leadership.release()
        broker.close()
    return stats


# The scheduler holds back while any of the queues a fetch_source message feeds (fetch,
# article, analyse) is full.


def _round(
    store: Store,
    settings: Settings,
    queues: Queues,
    fetch_source: Any,
    owner: str,
    stats: SchedulerStats,
) -> int:
    """Claim what is due, as much as the busiest fetching queue has room for, and send it in
    messages of up to SEND_BATCH sources."""
    # Room in sources: a fetch message carries up to SEND_BATCH of them (counted as full).
    busiest = max(
        queues.depth("fetch") * SEND_BATCH, queues.depth("article"), queues.depth("analyse")
    )
    room = int(settings.fetch_queue_depth) - busiest
    if room <= 0:
        stats.held_back += 1
        return 0
    sources = store.claim_sources(
        owner,
        limit=min(room, CLAIM_BATCH),
        lease_seconds=float(settings.source_lease_seconds),
        due_before=utcnow(),
        include_paused=False,
    )
    ids = [s.id for s in sources]
    for start in range(0, len(ids), SEND_BATCH):
        batch = ids[start : start + SEND_BATCH]
        try:
            fetch_source.send(batch, owner)
        except BaseException:
            # Not sent: give these sources back now rather than when their leases run out.
            with contextlib.suppress(MarsadError):
                store.release_sources(owner, ids[start:])
            raise
        stats.sent += len(batch)
    return len(ids)
