"""Per-host politeness shared by every worker through Redis.

One process's ``Fetcher`` keeps ``per_host_concurrency`` requests in flight to a host and
``per_host_delay`` seconds between two starts. Ten worker processes on five machines would each
keep those limits, and together hit a site ten times as hard; ``SharedFetcher`` also takes, for
every request, a slot of the host's shared semaphore and the host's next start time, both in
Redis, so the limits hold for all the workers together:

- concurrency: a sorted set per host of the requests in flight, scored by when each slot runs
  out (renewed while its request runs, so a killed worker's slots are free within 15 s);
- rate: the host's next allowed start, reserved atomically (each request takes the next turn,
  ``per_host_delay`` after the one before, on Redis's clock, so machines' clocks do not matter);
- ``Retry-After``: a 429 or 503 pushes the host's next start for every worker, not only the
  one that was told.

robots.txt: ``SharedRobots`` keeps each host's rules in Redis for an hour; one worker fetches
the file (under a short lock) while the others wait for its answer.

Both are the fetcher's public hooks (``HostGate``, ``RobotsShare``); ``SharedFetcher`` is the
fetcher with them set.

Waiting for a turn is not counted against the request's deadline (the fetcher's rule).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, cast

from marsad.config import Settings
from marsad.ingest.fetcher import Fetcher, HostGate, LocalHostGate, RobotsShare

# Take a slot when fewer than ARGV[1] unexpired ones are taken (else -1), and with it the
# host's next start: max(now, stored next) is ours (the milliseconds to wait for it are
# returned) and the stored next moves ARGV[4] ms on. One round trip a request.
_SLOT_TURN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  return -1
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + 1000)
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
local start = math.max(now, nxt)
local delay = tonumber(ARGV[4])
if delay > 0 then
  redis.call('SET', KEYS[2], start + delay, 'PX', start - now + delay + 1000)
end
return start - now
"""
# A server's Retry-After (or a 429/503 back-off): nobody starts before now + ARGV[1] ms.
_PUSH = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local want = now + tonumber(ARGV[1])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
if want > nxt then
  redis.call('SET', KEYS[1], want, 'PX', tonumber(ARGV[1]) + 1000)
end
return want - now
"""
# Keep a slot taken: its expiry moves on while its request runs.
_RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + 1000)
return 0
"""
# A slot lasts this long unless its holder renews it (every third of it while its request runs):
# a killed worker's slots are free again within SLOT_SECONDS instead of the longest exchange.
SLOT_SECONDS = 15.0
# How often a request waiting for a free slot asks again.
SLOT_POLL_SECONDS = 0.02


class SharedLimits:
    """The per-host semaphore and rate of all workers, in Redis (a sync client, used from
    threads so the event loop keeps running)."""

    def __init__(
        self, client: Any, settings: Settings, *, slot_seconds: float = SLOT_SECONDS
    ) -> None:
        self.client = client
        self.prefix = f"{settings.queue_prefix}:host:"
        self.concurrency = max(1, int(settings.per_host_concurrency))
        self.delay_ms = max(0, round(float(settings.per_host_delay) * 1000))
        self.slot_ms = max(1000, round(slot_seconds * 1000))
        self._slot_turn = client.register_script(_SLOT_TURN)
        self._push = client.register_script(_PUSH)
        self._renew = client.register_script(_RENEW)

    def _take_slot(self, host: str, token: str) -> float | None:
        """A slot of ``host`` and the next turn after it (None: no slot free now); returns
        the seconds until that turn. The turn is the host's next start (max of now and the
        stored next one, a ``Retry-After`` included), and the stored next moves
        ``per_host_delay`` on, atomically, on Redis's clock."""
        keys = [self.prefix + host + ":slots", self.prefix + host + ":next"]
        wait_ms = self._slot_turn(
            keys=keys, args=[self.concurrency, self.slot_ms, token, self.delay_ms]
        )
        return None if int(wait_ms) < 0 else float(wait_ms) / 1000.0

    def _keep_slot(self, host: str, token: str) -> None:
        self._renew(keys=[self.prefix + host + ":slots"], args=[self.slot_ms, token])

    async def keep(self, host: str, token: str) -> None:
        """Renew the slot every third of its life until cancelled (the request is done)."""
        while True:
            await asyncio.sleep(self.slot_ms / 3000)
            await asyncio.to_thread(self._keep_slot, host, token)

    def delay(self, host: str, seconds: float) -> None:
        """No worker starts a request to ``host`` for ``seconds`` (the server asked so)."""
        self._push(keys=[self.prefix + host + ":next"], args=[max(0, round(seconds * 1000))])

    def _free_slot(self, host: str, token: str) -> None:
        self.client.zrem(self.prefix + host + ":slots", token)

    async def acquire(self, host: str) -> str:
        """Wait for a slot of ``host`` and then for its turn; returns the slot's token."""
        token = uuid.uuid4().hex
        while (wait := await asyncio.to_thread(self._take_slot, host, token)) is None:
            await asyncio.sleep(SLOT_POLL_SECONDS)
        if wait > 0:
            try:
                await asyncio.sleep(wait)
            except BaseException:
                await asyncio.shield(asyncio.to_thread(self._free_slot, host, token))
                raise
        return token

    async def release(self, host: str, token: str) -> None:
        await asyncio.shield(asyncio.to_thread(self._free_slot, host, token))


class SharedHostGate(HostGate):
    """The fetcher's gate for a worker: this process's limits first (``LocalHostGate``: its
    own requests wait here, not in Redis), then the host's shared slot and turn; the slot is
    renewed while the request runs and given back after it."""

    def __init__(self, settings: Settings, limits: SharedLimits) -> None:
        self.local = LocalHostGate(settings)
        self.limits = limits

    async def acquire(self, host: str) -> object:
        await self.local.acquire(host)
        try:
            token = await self.limits.acquire(host)
        except BaseException:
            await self.local.release(host, None)
            raise
        return token, asyncio.ensure_future(self.limits.keep(host, token))

    async def release(self, host: str, token: object) -> None:
        shared, keeper = cast("tuple[str, asyncio.Future[None]]", token)
        keeper.cancel()
        await asyncio.gather(keeper, return_exceptions=True)
        try:
            await self.limits.release(host, shared)
        finally:
            await self.local.release(host, None)

    def delay(self, host: str, seconds: float) -> None:
        """A 429/503's wait holds back every worker, not only this one."""
        self.local.delay(host, seconds)
        self.limits.delay(host, seconds)


# A host's robots.txt rules are kept in Redis this long (RFC 9309 allows a day; an hour lets a
# site's new rules reach every worker soon).
ROBOTS_SECONDS = 3600.0
# While one worker fetches a host's robots.txt the others wait for its answer this long (then
# fetch it themselves: that worker may have died), asking every POLL seconds.
ROBOTS_WAIT_SECONDS = 30.0
ROBOTS_POLL_SECONDS = 0.1


class SharedRobots(RobotsShare):
    """robots.txt rules kept in Redis for every worker: one worker fetches a host's file (it
    takes a short lock), the others wait for its answer; the rules expire after
    ``ROBOTS_SECONDS``, so the file is read again about once an hour for all of them."""

    def __init__(self, client: Any, settings: Settings, *, seconds: float = ROBOTS_SECONDS) -> None:
        self.client = client
        self.prefix = f"{settings.queue_prefix}:robots:"
        self.seconds = seconds
        # The lock outlives one robots.txt request (the fetcher's whole-request deadline).
        self.lock_seconds = max(5.0, float(settings.request_deadline) + 5.0)
        self.fetched = 0  # robots.txt files this share fetched (tests count them)

    def _get(self, host: str) -> str | None:
        value = self.client.get(self.prefix + host)
        return None if value is None else bytes(value).decode("utf-8", "replace")

    async def rules(self, host: str, fetch: Callable[[], Awaitable[str]]) -> str:
        key = self.prefix + host
        waited = 0.0
        while True:
            known = await asyncio.to_thread(self._get, host)
            if known is not None:
                return known
            lock = key + ":fetching"
            took = await asyncio.to_thread(
                self.client.set, lock, "1", nx=True, px=round(self.lock_seconds * 1000)
            )
            if took:
                break
            if waited >= ROBOTS_WAIT_SECONDS:
                return await fetch()  # the fetching worker is gone or stuck: read it here
            await asyncio.sleep(ROBOTS_POLL_SECONDS)
            waited += ROBOTS_POLL_SECONDS
        try:
            text = await fetch()
            self.fetched += 1
            await asyncio.to_thread(
                self.client.set, key, text.encode("utf-8"), px=round(self.seconds * 1000)
            )
            return text
        finally:
            await asyncio.shield(asyncio.to_thread(self.client.delete, lock))


class SharedFetcher(Fetcher):
    """The one fetcher with its hooks set for many workers: the per-host limits and
    ``Retry-After`` kept in Redis too (``SharedHostGate``), robots.txt read once for all of
    them (``SharedRobots``)."""

    def __init__(
        self, settings: Settings, limits: SharedLimits, robots: SharedRobots | None = None
    ) -> None:
        super().__init__(
            settings,
            gate=SharedHostGate(settings, limits),
            robots=robots if robots is not None else SharedRobots(limits.client, settings),
        )
        self.limits = limits
