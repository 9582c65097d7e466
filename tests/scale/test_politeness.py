"""Two worker processes on one host's feeds keep, together, the per-host limits one polite
process keeps (shared through Redis): requests at most ``per_host_concurrency`` at once and
starts at least ``per_host_delay`` apart, as the test server measures them."""

from __future__ import annotations

import itertools
import signal

from conftest import Scale, wait_for
from helpers import add_sources, progress, serve_feeds
from loopback import LoopbackServer

DELAY = 0.25
CONCURRENCY = 2
# Between a start reserved on Redis's clock and its arrival at the server lie the connection
# and a loaded machine's scheduling (up to 50 ms seen on a busy 2-core machine); without the
# shared limits two workers start requests at once (gaps near 0).
SLACK = DELAY / 2


def _run(scale: Scale, server: LoopbackServer, redis_url: str | None) -> list[float]:
    """Two workers over 12 feeds of one host; returns the request starts the server saw."""
    feeds, expected = serve_feeds(server, 12, 1, page_delay=0.5, feed_delay=0.5)
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
    return sorted(seen.at for seen in server.log)


def test_two_workers_share_one_hosts_limits(scale: Scale, server: LoopbackServer) -> None:
    starts = _run(scale, server, None)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    rate = (len(starts) - 1) / (starts[-1] - starts[0])
    print(
        f"\n{len(starts)} requests to one host from 2 workers: {rate:.2f} requests/s "
        f"(limit {1 / DELAY:.1f}), smallest gap {min(gaps):.3f}s, "
        f"at most {server.max_in_flight} in flight (limit {CONCURRENCY})"
    )
    assert len(starts) >= 24  # 12 feeds, 12 pages (and robots.txt)
    assert server.max_in_flight <= CONCURRENCY
    assert min(gaps) >= DELAY - SLACK, gaps
    assert rate <= 1.05 / DELAY  # n starts DELAY apart: exactly 1 / DELAY, plus jitter


def test_without_redis_two_workers_would_not_be_polite(
    scale: Scale, server: LoopbackServer
) -> None:
    """The control: the same run with each worker keeping its own limits breaks them (so the
    test above measures the sharing, not a slow machine)."""
    starts = _run(scale, server, "")
    rate = (len(starts) - 1) / (starts[-1] - starts[0])
    print(f"\nwithout Redis: {rate:.2f} requests/s, {server.max_in_flight} in flight")
    assert server.max_in_flight > CONCURRENCY
