"""Floors for the web benchmark, small enough for CI (a few seconds on 2 shared cores).

A 5,000-article synthetic store, 10 clients for 5 s. Latency floors are written as rates
(1000 / p99 ms) so that "measured >= floor" holds like every other gate. Pinned well below
what was measured on the busy 2-core development machine (home p99 ~ 60-250 ms depending on
the neighbours' load), so only a real regression (an uncached home page, a slow query) trips it.
"""

from __future__ import annotations

import asyncio

from bench.common import REPO
from bench.web.load import percentile, run_load, served


def checks() -> list[tuple[str, float, float]]:
    from bench.web.synth import build

    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    db = out / "web-5000.db"
    store = build(db, 5000)
    with store.reading() as r:
        hot = [s.id for s in r.list_stories(limit=50)]
    store.close()
    with served(db) as base:
        paths = {"home": ["/"], "story": [f"/stories/{i}" for i in hot]}
        asyncio.run(run_load(base, paths, 4, 1.0))
        latencies, errors, wall = asyncio.run(run_load(base, paths, 10, 5.0))
    home_p99 = percentile(latencies["home"], 0.99)
    story_p99 = percentile(latencies["story"], 0.99)
    total = sum(len(v) for v in latencies.values())
    return [
        ("requests_per_s_home_story_10_clients", total / wall, 40.0),
        ("home_p99_rate_per_s(1000/p99ms)", 1000.0 / home_p99, 2.0),
        ("story_p99_rate_per_s(1000/p99ms)", 1000.0 / story_p99, 2.0),
        ("error_free(1=no errors)", 1.0 if not any(errors.values()) else 0.0, 1.0),
    ]
