"""A small thread-safe TTL cache that serves the stale value while one caller refreshes it.

Lives on the app's state (never at module level). Under load, when an entry expires, exactly one
request recomputes it and the others keep getting the previous value, so a costly page (home,
a big story) never stalls fifty clients at once.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from starlette.concurrency import run_in_threadpool


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
        """Answer hits on the event loop; compute misses in the thread pool (they block)."""
        hit, value = self.peek(key)
        if hit:
            return value
        return await run_in_threadpool(self.get_or_compute, key, compute)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


__all__ = ["TTLCache"]
