"""A small thread-safe TTL cache that serves the stale value while one caller refreshes it.

Lives on the app's state (never at module level). Under load, when an entry expires, exactly one
request recomputes it and the others keep getting the previous value, so a costly page (home,
a big story) never stalls fifty clients at once.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from starlette.concurrency import run_in_threadpool

log = logging.getLogger(__name__)


class TTLCache:
    def __init__(
        self,
        ttl_seconds: float,
        max_entries: int = 256,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._refreshing: set[Hashable] = set()
        self._tasks: set[asyncio.Future[Any]] = set()  # background rebuilds, kept referenced

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                fresh = now - entry[0] < self.ttl
                if fresh or key in self._refreshing:
                    return entry[1]
            self._refreshing.add(key)
        try:
            value = compute()
        finally:
            with self._lock:
                self._refreshing.discard(key)
        with self._lock:
            self._entries[key] = (self._clock(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def peek(self, key: Hashable) -> tuple[bool, Any]:
        """(True, value) when a call to ``get_or_compute`` would answer without computing."""
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and (now - entry[0] < self.ttl or key in self._refreshing):
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
                if now - entry[0] < self.ttl or key in self._refreshing:
                    return entry[1]
                self._refreshing.add(key)
                stale = entry[1]
            else:
                stale = None
        if entry is None:
            return await run_in_threadpool(self.get_or_compute, key, compute)
        task = asyncio.ensure_future(run_in_threadpool(self._rebuild, key, compute))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return stale

    def _rebuild(self, key: Hashable, compute: Callable[[], Any]) -> None:
        try:
            value = compute()
        except Exception:  # the stale copy stays; the next expiry tries again
            log.exception("rebuilding cached page %r failed", key)
            with self._lock:
                self._refreshing.discard(key)
            return
        with self._lock:
            self._refreshing.discard(key)
            self._entries[key] = (self._clock(), value)
            self._entries.move_to_end(key)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


__all__ = ["TTLCache"]
