"""Web load while a crawl writes (issue 17's load figure), idle and during a crawl.

    python -m bench.ingest.load_during_crawl [--articles 100000] [--new 1000] [--seconds 30]

The store is ``bench.web.synth``'s synthetic SQLite store (built once, cached in bench/out/), served
by ``bench.web.load`` in its own uvicorn process. The load is ``wrk``'s closed-loop clients (50 by
default) shared out between home, story, search and API list, as in ``bench.web.load``. Two phases:

1. idle: nothing else writes;
2. crawl: a child process runs ``crawl_once`` (the whole pipeline: analysis, grouping, index)
   over ``--new`` new articles served by ``bench.ingest.feed_server`` (10 feeds, entries only:
   no article pages), written into the same SQLite file while wrk runs.

The crawl's articles stay in the cached store (its feeds are removed afterwards): each run
adds ``--new`` articles; delete bench/out/web-N.db for a fresh one.

Prints p50/p99/max and errors for each kind in each phase, and how long the crawl took and what it
stored, so we can see whether it covered the measured window. Target: p99 < 100 ms, 0 errors.
Needs ``wrk`` (Debian package).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.common import REPO

FEEDS = 10


def crawl_child(db: str, port: int, feeds: int) -> dict[str, Any]:
    from marsad.config import load_settings
    from marsad.pipeline.crawl import crawl_once
    from marsad.store import open_store, utcnow

    home = tempfile.mkdtemp(prefix="marsad-crawl-")
    settings = load_settings(
        env={},
        overrides={
            "home": home,
            "database_url": f"sqlite:///{db}",
            "allow_private_networks": True,
            "per_host_delay": 0.0,
            "per_host_concurrency": 8,
            "fetch_article_pages": False,
            "log_level": "WARNING",
        },
    )
    store = open_store(settings.effective_database_url)
    # Only our feeds are due: the synthetic store's sources have no server behind them.
    others = {s.id: s.next_poll_at for s in store.list_sources()}
    later = utcnow() + timedelta(days=365)
    for source_id in others:
        store.update_source(source_id, next_poll_at=later)
    ids = [store.add_source(f"http://127.0.0.1:{port}/feed/{i}.xml").id for i in range(feeds)]
    before = store.count_articles()
    started = time.monotonic()
    try:
        summary = asyncio.run(crawl_once(store, settings, all_sources=False))
    finally:
        seconds = time.monotonic() - started
        for source_id, when in others.items():  # the cached bench store as it was found
            store.update_source(source_id, next_poll_at=when)
    stored = store.count_articles() - before
    for source_id in ids:
        store.remove_source(store.get_source(source_id).url)
    store.close()
    return {
        "seconds": seconds,
        "stored": stored,
        "new": summary.new_articles,
        "failed": summary.failed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=1000, help="articles the crawl writes")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--crawl", nargs=3, metavar=("DB", "PORT", "FEEDS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.crawl:
        print(json.dumps(crawl_child(args.crawl[0], int(args.crawl[1]), int(args.crawl[2]))))
        return 0
    if not shutil.which("wrk"):
        raise SystemExit("needs wrk (apt-get install -y wrk)")

    from bench.web.load import SEARCH_QUERIES, report_wrk, run_wrk, served
    from bench.web.synth import build

    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    db = out / f"web-{args.articles}.db"
    store = build(db, args.articles)
    with store.reading() as r:
        hot = [s.id for s in r.list_stories(limit=100)]
    store.close()
    paths = {
        "home": ["/"],
        "story": [f"/stories/{i}" for i in hot],
        "search": [f"/search?q={quote(s)}" for s in SEARCH_QUERIES],
        "api_list": ["/api/v1/articles?limit=20", "/api/v1/stories?limit=20&region=europe"],
    }
    results: dict[str, dict[str, dict[str, float]]] = {}
    with served(db) as base:
        run_wrk(base, paths, 4, 3)  # warm-up: first renders and the SQLite page cache
        print(
            f"store: {args.articles} articles on SQLite; {args.clients} wrk clients for "
            f"{args.seconds:.0f}s per phase; server: one uvicorn process"
        )
        results["idle"] = run_wrk(base, paths, args.clients, args.seconds)
        report_wrk("idle", results["idle"])
        with tempfile.TemporaryDirectory() as tmp:
            port_file = Path(tmp) / "port"
            feeds = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bench.ingest.feed_server",
                    str(port_file),
                    "--feeds",
                    str(FEEDS),
                    "--items",
                    str(max(1, args.new // FEEDS)),
                ],
                cwd=REPO,
            )
            try:
                deadline = time.monotonic() + 30
                while not port_file.exists() or not port_file.read_text():
                    if time.monotonic() > deadline:
                        raise SystemExit("feed server did not start")
                    time.sleep(0.05)
                crawler = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "bench.ingest.load_during_crawl",
                        "--crawl",
                        str(db),
                        port_file.read_text(),
                        str(FEEDS),
                    ],
                    cwd=REPO,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                started = time.monotonic()
                results["crawl"] = run_wrk(base, paths, args.clients, args.seconds)
                load_end = time.monotonic() - started
                crawl_out, _ = crawler.communicate()
                crawl = json.loads(crawl_out.strip().splitlines()[-1])
            finally:
                feeds.terminate()
                feeds.wait()
        report_wrk(f"while a crawl writes {args.new} articles", results["crawl"])
    print(
        f"\ncrawl: {crawl['stored']} articles stored ({crawl['new']} new, {crawl['failed']} "
        f"failed sources) in {crawl['seconds']:.1f}s (process start included: "
        f"{time.monotonic() - started:.1f}s); the load ran {load_end:.1f}s from its start"
    )
    worst = {phase: max(r["p99"] for r in kinds.values()) for phase, kinds in results.items()}
    errors = {
        phase: sum(int(r["errors"]) for r in kinds.values()) for phase, kinds in results.items()
    }
    ok = all(v < 100 for v in worst.values()) and not any(errors.values())
    print(
        "target p99 < 100 ms and 0 errors: "
        + ", ".join(f"{p}: worst p99 {worst[p]:.1f} ms, {errors[p]} errors" for p in results)
        + f" -> {'met' if ok else 'NOT met'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
