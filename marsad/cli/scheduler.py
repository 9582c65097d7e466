"""`marsad scheduler`: send fetch_source for the due sources (one active instance)."""

from __future__ import annotations

import argparse
import signal
import threading
from typing import Any

from marsad.cli.context import CLIContext


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "scheduler",
        help="send the due sources to the fetch workers (needs broker_url)",
        description="Claim the due sources (with leases) and send them to RabbitMQ (setting "
        "`broker_url`), up to 20 in a fetch_source message, holding back while the fetch, "
        "article or analyse queue holds more than `fetch_queue_depth` sources or articles. One "
        "instance leads (a PostgreSQL advisory lock); others started beside it stand by and take "
        "over when it stops.",
    )
    p.set_defaults(handler=_scheduler)


def _scheduler(ctx: CLIContext, args: argparse.Namespace) -> int:
    from marsad.scale.scheduler import run_scheduler

    settings, store = ctx.settings, ctx.store
    stop = threading.Event()

    def handler(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)

    def on_leader(leading: bool) -> None:
        print("scheduler: leading" if leading else "scheduler: standing by", flush=True)

    stats = run_scheduler(store, settings, stop, on_leader=on_leader)
    print(f"scheduler stopped: {stats.sent} sources sent in {stats.rounds} rounds", flush=True)
    return 0
