"""Two worker processes on one host's feeds, and six workers on one slow host, keep together the
per-host limits one polite process keeps (shared through Redis): requests at most
``per_host_concurrency`` at once and starts at least ``per_host_delay`` apart, as the test
server measures them; robots.txt is read once for all of them."""

from __future__ import annotations

import asyncio
import itertools
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from actorkit import finish
from loopback import Handler, LoopbackServer, Reply, Seen
from scalekit import Scale, add_sources, progress, serve_feeds, wait_for

from marsad.errors import RobotsDisallowedError
from marsad.ingest.fetcher import Fetcher
from marsad.scale.engine import open_redis
from marsad.scale.politeness import SharedFetcher, SharedLimits

DELAY = 0.25
CONCURRENCY = 2
# A start is reserved on Redis's clock before the connection is made: a cold or busy worker
# that connects late shortens one gap seen at the server (to 0.07 s once on a loaded 2-core
# machine) without making the host busier. So the rate is checked per second: never more than
# 1 / DELAY starts in any second, plus the one such late start.
MOST_PER_SECOND = round(1 / DELAY) + 1


@pytest.fixture(autouse=True)
def _new_queues(scale: Scale) -> Iterator[None]:
    yield
    finish(scale)


# Each answer takes this long at the server, so requests overlap unless something limits them.
ANSWER_SECONDS = 0.5


def _timed(reply: Reply, spans: list[tuple[float, float]]) -> Handler:
    """The route's reply after ANSWER_SECONDS, its span at the server recorded. (The server's
    own in-flight count falls only after the body is written, in a thread of this busy test
    process: a next request could arrive first and count as a third one in flight.)"""

    def handler(seen: Seen) -> Reply:
        time.sleep(ANSWER_SECONDS)
        spans.append((seen.at, time.time()))
        return reply

    return handler


def most_at_once(spans: list[tuple[float, float]]) -> int:
    events = sorted([(a, 1) for a, _ in spans] + [(b, -1) for _, b in spans])
    most = now = 0
    for _, step in events:
        now += step
        most = max(most, now)
    return most


def _run(scale: Scale, server: LoopbackServer, redis_url: str | None) -> tuple[list[float], int]:
    """Two workers over 8 feeds of one host; returns the request starts the server saw and
    the most requests it answered at once."""
    feeds, expected = serve_feeds(server, 8, 1)
    spans: list[tuple[float, float]] = []
    for path, reply in list(server.routes.items()):
        assert isinstance(reply, Reply)
        server.routes[path] = _timed(reply, spans)
    add_sources(scale.database_url, feeds)
    limits = {
        "MARSAD_PER_HOST_DELAY": str(DELAY),
        "MARSAD_PER_HOST_CONCURRENCY": str(CONCURRENCY),
        **({"MARSAD_REDIS_URL": redis_url} if redis_url is not None else {}),
    }
    workers = [scale.start("worker", "--threads", "4", **limits) for _ in range(2)]
    wait_for(
        "both workers ready",
        lambda: all("worker ready" in scale.output(w) for w in workers),
        timeout=60,
    )
    scale.start("scheduler")
    wait_for(
        "every article stored",
        lambda: progress(scale.database_url)[0] == len(expected),
        timeout=120,
    )
    for w in workers:
        w.send_signal(signal.SIGTERM)
    return sorted(seen.at for seen in server.log), most_at_once(spans)


def test_two_workers_share_one_hosts_limits(scale: Scale, server: LoopbackServer) -> None:
    starts, at_once = _run(scale, server, None)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    rate = (len(starts) - 1) / (starts[-1] - starts[0])
    print(
        f"\n{len(starts)} requests to one host from 2 workers: {rate:.2f} requests/s "
        f"(limit {1 / DELAY:.1f}), smallest gap {min(gaps):.3f}s, "
        f"at most {at_once} in flight (limit {CONCURRENCY})"
    )
    assert len(starts) >= 16  # 8 feeds, 8 pages (and robots.txt)
    assert at_once <= CONCURRENCY
    busiest = max(sum(1 for u in starts if t <= u < t + 1.0) for t in starts)
    assert busiest <= MOST_PER_SECOND, (busiest, gaps)
    assert rate <= 1.05 / DELAY  # n starts DELAY apart: exactly 1 / DELAY, plus jitter


def test_without_redis_two_workers_would_not_be_polite(
    scale: Scale, server: LoopbackServer
) -> None:
    """The control: the same run with each worker keeping its own limits breaks them (so the
    test above measures the sharing, not a slow machine)."""
    starts, at_once = _run(scale, server, "")
    rate = (len(starts) - 1) / (starts[-1] - starts[0])
    print(f"\nwithout Redis: {rate:.2f} requests/s, {at_once} in flight")
    assert at_once > CONCURRENCY


def test_retry_after_holds_back_every_worker(scale: Scale, server: LoopbackServer) -> None:
    """A 503 with Retry-After told to one worker's fetcher delays another's requests to that
    host too (two fetchers with separate local state, sharing only Redis)."""
    settings = scale.settings(per_host_delay=0.0, respect_robots=False)
    answers = iter([Reply(503, headers={"Retry-After": "2"})])
    server.route("/busy", lambda seen: next(answers, Reply(body=b"ok")))
    server.route("/other", Reply(body=b"ok"))
    client = open_redis(settings)
    limits = SharedLimits(client, settings)

    async def both() -> None:
        async with SharedFetcher(settings, limits) as a, SharedFetcher(settings, limits) as b:

            async def later() -> None:
                await asyncio.sleep(0.3)  # after the 503
                await b.fetch(server.url("/other"))

            await asyncio.gather(a.fetch(server.url("/busy")), later())

    try:
        asyncio.run(both())
    finally:
        client.close()
    told = next(s.at for s in server.log if s.path == "/busy")
    other = next(s.at for s in server.log if s.path == "/other")
    assert other - told >= 1.9, f"the other worker waited only {other - told:.2f}s"
    assert server.hits["/busy"] == 2  # retried in place after the wait


def test_a_dead_workers_slot_frees_itself_and_a_live_one_is_kept(scale: Scale) -> None:
    settings = scale.settings(per_host_concurrency=1, per_host_delay=0.0)
    client = open_redis(settings)
    limits = SharedLimits(client, settings, slot_seconds=1.5)

    async def run() -> tuple[float, float]:
        # A live holder keeps its slot past its life: another waits until it is released.
        token = await limits.acquire("http://a.example")
        keeper = asyncio.ensure_future(limits.keep("http://a.example", token))
        started = time.monotonic()
        waiter = asyncio.ensure_future(limits.acquire("http://a.example"))
        await asyncio.sleep(2.5)
        assert not waiter.done(), "a kept slot was taken"
        keeper.cancel()
        await limits.release("http://a.example", token)
        await waiter
        kept = time.monotonic() - started
        # A holder that dies (never renews, never releases): its slot frees itself.
        await limits.acquire("http://b.example")
        started = time.monotonic()
        await limits.acquire("http://b.example")
        return kept, time.monotonic() - started

    try:
        kept, freed = asyncio.run(run())
    finally:
        client.close()
    assert kept >= 2.5
    assert 0.5 < freed < 3.0, freed


SLOW_SECONDS = 0.2
WORKERS = 6
PAGES_EACH = 5


def _six_workers(
    scale: Scale, server: LoopbackServer, *, shared: bool
) -> tuple[int, int, list[tuple[float, float]]]:
    """Six workers (threads, each with its own event loop, fetcher and Redis connection, as
    six processes would have) fetch five pages each of one slow host, all at once. Returns the
    most requests the server answered at once, by its handlers' spans and by its own count,
    and the robots.txt requests' spans."""
    settings = scale.settings(per_host_concurrency=CONCURRENCY, per_host_delay=0.0)
    spans: list[tuple[float, float]] = []
    robots: list[tuple[float, float]] = []
    server.route("/robots.txt", _slow(Reply(body=b"User-agent: *\nDisallow: /private/\n"), robots))
    urls = [
        [server.route(f"/w{w}/p{p}", _slow(Reply(body=b"ok"), spans)) for p in range(PAGES_EACH)]
        for w in range(WORKERS)
    ]
    blocked = server.url("/private/x")

    def worker(mine: list[str]) -> None:
        async def fetch_all() -> None:
            if not shared:
                async with Fetcher(settings) as fetcher:
                    await asyncio.gather(*(fetcher.fetch(u) for u in mine))
                return
            client = open_redis(settings)
            try:
                async with SharedFetcher(settings, SharedLimits(client, settings)) as fetcher:
                    await asyncio.gather(*(fetcher.fetch(u) for u in mine))
                    with pytest.raises(RobotsDisallowedError):
                        await fetcher.fetch(blocked)  # the shared rules are the file's
            finally:
                client.close()

        asyncio.run(fetch_all())

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(worker, urls))
    assert len(spans) == WORKERS * PAGES_EACH
    return most_at_once(spans), server.max_in_flight, robots


def _slow(reply: Reply, spans: list[tuple[float, float]]) -> Handler:
    def handler(seen: Seen) -> Reply:
        time.sleep(SLOW_SECONDS)
        spans.append((seen.at, time.time()))
        return reply

    return handler


def test_six_workers_on_one_slow_host_keep_its_limit_and_read_robots_once(
    scale: Scale, server: LoopbackServer
) -> None:
    at_once, counted, robots = _six_workers(scale, server, shared=True)
    print(
        f"\n{WORKERS} workers x {PAGES_EACH} pages of one slow host: at most {at_once} in flight"
        f" (server's own count {counted}; limit {CONCURRENCY}), robots.txt fetched {len(robots)}x"
    )
    assert at_once <= CONCURRENCY
    assert len(robots) == 1


def test_six_workers_with_their_own_limits_would_not_be_polite(
    scale: Scale, server: LoopbackServer
) -> None:
    """The control: each worker keeping its limits alone breaks them, and reads robots.txt."""
    at_once, _, robots = _six_workers(scale, server, shared=False)
    print(f"\nwithout Redis: {at_once} in flight, robots.txt fetched {len(robots)}x")
    assert at_once > CONCURRENCY
    assert len(robots) == WORKERS
