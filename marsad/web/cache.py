"""A small thread-safe TTL cache that serves the stale value while one caller refreshes it.

Lives on the app's state (never at module level). Under load, when an entry expires, exactly one
request recomputes it and the others keep getting the previous value, so a costly page (home,
a big story) never stalls fifty clients at once. Three more guards, each from a measured stall
(``bench/web/load.py``, 50 clients, 100,000 articles: story p99 180 ms, max 530 ms, before them):
entries expire at a jittered time, so pages cached together do not all expire together;
background rebuilds run on their own small thread pool, so a burst of them never queues the
requests that have nothing cached to show; concurrent misses of one key wait for one computation.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from starlette.concurrency import run_in_threadpool

from marsad.errors import StorageError

log = logging.getLogger(__name__)

# An entry lives between (1 - TTL_JITTER) and 1 times the TTL: never longer than promised.
TTL_JITTER = 0.25
# Background rebuilds at once: they are CPU work under one GIL, so more only contend.
REBUILD_THREADS = 2


class TTLCache:
    def __init__(
        self,
        ttl_seconds: float,
        max_entries: int = 256,
        clock: Callable[[], float] = time.monotonic,
        jitter: float = TTL_JITTER,
    ) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self.jitter = jitter
        self._clock = clock
        self._lock = threading.Lock()
        # key -> (expires at, value)
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._refreshing: set[Hashable] = set()
        self._tasks: set[asyncio.Future[Any]] = set()  # background rebuilds, kept referenced
        self._pending: dict[Hashable, asyncio.Future[Any]] = {}  # misses being computed
        self._rebuilder: ThreadPoolExecutor | None = None

    def _expiry(self) -> float:
        return self._clock() + self.ttl * (1.0 - self.jitter * random.random())

    def _store(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = (self._expiry(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                if now < entry[0] or key in self._refreshing:
                    return entry[1]
            self._refreshing.add(key)
        try:
            value = compute()
        finally:
            with self._lock:
                self._refreshing.discard(key)
        self._store(key, value)
        return value

    def peek(self, key: Hashable) -> tuple[bool, Any]:
        """(True, value) when a call to ``get_or_compute`` would answer without computing."""
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and (now < entry[0] or key in self._refreshing):
                return True, entry[1]
        return False, None

    async def get_or_compute_async(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Answer hits on the event loop; compute misses in the thread pool (they block).

        An expired entry is served as it is while one background task rebuilds it (stale while
        revalidate): under load, no request waits for a rebuild, and only one rebuild runs.
        """
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                if now < entry[0] or key in self._refreshing:
                    return entry[1]
                self._refreshing.add(key)
        if entry is None:
            pending = self._pending.get(key)
            if pending is None:
                pending = asyncio.ensure_future(
                    run_in_threadpool(self.get_or_compute, key, compute)
                )
                self._pending[key] = pending
                pending.add_done_callback(lambda _f: self._pending.pop(key, None))
            return await asyncio.shield(pending)
        if self._rebuilder is None:
            self._rebuilder = ThreadPoolExecutor(REBUILD_THREADS, "marsad-page-cache")
        loop = asyncio.get_running_loop()
        task = loop.run_in_executor(self._rebuilder, self._rebuild, key, compute)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return entry[1]

    def _rebuild(self, key: Hashable, compute: Callable[[], Any]) -> None:
        try:
            value = compute()
        except Exception as exc:  # the stale copy stays; the next expiry tries again
            if isinstance(exc, StorageError):  # the database is away: one line, not a traceback
                log.warning("rebuilding cached page %r failed: %s", key, exc.message)
            else:
                log.exception("rebuilding cached page %r failed", key)
            with self._lock:
                self._refreshing.discard(key)
            return
        self._store(key, value)
        with self._lock:
            self._refreshing.discard(key)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


__all__ = ["TTLCache"]
