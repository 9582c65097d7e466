"""A pass slower than its source leases keeps its sources: the leases are renewed as it goes."""

from __future__ import annotations

import asyncio
import threading

from feedgen_helpers import page, rss
from loopback import LoopbackServer, Reply

from marsad.config import Settings
from marsad.pipeline.crawl import crawl_once
from marsad.store import Store

HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
# Seconds. The pass below takes PAGES * PAGE_DELAY, four leases; a renewal every third of a
# lease leaves room for a loaded test machine's hiccups.
LEASE = 1.5
PAGE_DELAY = 1.0
PAGES = 6


def test_a_pass_longer_than_its_lease_keeps_its_source(
    store: Store, server: LoopbackServer, settings: Settings
) -> None:
    items = []
    for i in range(PAGES):
        url = server.route(
            f"/a/{i}", Reply(body=page(f"Slow story {i}"), headers=HTML, delay=PAGE_DELAY)
        )
        items.append((url, f"Slow story {i}"))
    source = store.add_source(server.route("/f.xml", Reply(body=rss(items), headers=RSS)))
    rival_claims: list[int] = []
    done = threading.Event()

    def rival() -> None:
        """Another process asking for work all along the pass: from the feed's fetch (the
        source is leased) until the last page is asked for (which answers ``PAGE_DELAY``
        later; the source's lease ends only after that, with its poll state saved)."""
        while not server.hits["/f.xml"] and not done.is_set():
            done.wait(0.01)
        while not done.is_set() and sum(server.hits[f"/a/{i}"] for i in range(PAGES)) < PAGES:
            got = store.claim_sources("rival-host:1:x", limit=5, lease_seconds=60)
            rival_claims.extend(s.id for s in got)
            done.wait(0.1)

    thread = threading.Thread(target=rival)
    thread.start()
    try:
        summary = asyncio.run(
            crawl_once(
                store,
                settings.replace(per_host_concurrency=1),
                all_sources=True,
                lease_seconds=LEASE,
            )
        )
    finally:
        done.set()
        thread.join()
    assert summary.seconds > 3 * LEASE  # the pass did outlive several leases
    assert summary.new_articles == PAGES
    assert rival_claims == []  # never claimable while the pass worked on it
    assert server.hits["/f.xml"] == 1
    # Its poll state saved, the lease ended with the pass: the source is free again.
    assert [s.id for s in store.claim_sources("rival-host:1:x", limit=5, lease_seconds=60)] == [
        source.id
    ]
