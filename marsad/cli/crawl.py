"""`marsad crawl`: poll the sources on their schedule and store new articles."""

from __future__ import annotations

import argparse
import asyncio
import signal
from typing import Any

from marsad.cli.context import CLIContext
from marsad.pipeline.crawl import AlertLoop, CrawlSummary, crawl_once, run_scheduler


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "crawl",
        help="poll the sources on their schedule and store new articles",
        description="Poll the sources on their schedule and store new articles. Without --once, "
        "keeps running (until interrupted) and polls each source when it is due.",
    )
    p.add_argument("--once", action="store_true", help="run one pass over the due sources and exit")
    p.add_argument(
        "--all",
        dest="all_sources",
        action="store_true",
        help="with --once: poll every source now, due or not (paused ones included)",
    )
    p.set_defaults(handler=_crawl)


def _print_summary(summary: CrawlSummary) -> None:
    print(summary.format(), flush=True)


def _crawl(ctx: CLIContext, args: argparse.Namespace) -> int:
    store, settings = ctx.store, ctx.settings
    if args.once or args.all_sources:
        summary = asyncio.run(crawl_once(store, settings, all_sources=args.all_sources))
        _print_summary(summary)
        asyncio.run(AlertLoop(store, settings).run())  # what the pass's stories changed
        # Some failing sources are normal (each has its last_error); all of them failing is not.
        return 1 if summary.sources and summary.failed == summary.sources else 0

    async def forever() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        print("crawling on schedule; press Ctrl-C to stop", flush=True)
        await run_scheduler(store, settings, stop, on_pass=_print_summary)
        print("stopped", flush=True)

    asyncio.run(forever())
    return 0
