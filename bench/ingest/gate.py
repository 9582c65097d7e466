"""Ingestion quality floors, pinned a little below what ``bench.ingest.conformance`` measures.

Measured 2026-11-29 (feedparser-tests: 695/729 in-scope expectations; the misses are
feedparser-specific ``bozo``/``encoding`` labels we chose differently, e.g. RFC 3023's us-ascii
default for text/xml, never wrong text; miniflux real feeds: 8/8).
"""

from __future__ import annotations

from bench.ingest.conformance import summary

FLOORS = {
    "feedparser_tests_pass_rate": 0.94,  # measured 0.953
    "miniflux_feeds_ok": 1.0,  # every real feed: right item count, no mojibake
    "pass_rate[entities]": 0.99,  # measured 1.000
    "pass_rate[wellformed/rss]": 0.98,  # measured 1.000
    "pass_rate[wellformed/atom10]": 0.90,  # measured 0.926
    "pass_rate[wellformed/sanitize]": 0.98,  # measured 1.000
    "pass_rate[encoding]": 0.75,  # measured 0.778
}


def checks() -> list[tuple[str, float, float]]:
    measured = summary()
    return [(name, measured.get(name, 0.0), floor) for name, floor in FLOORS.items()]
