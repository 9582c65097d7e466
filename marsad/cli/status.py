"""`marsad status`: task queues, workers, due sources, grouping lag, dead letters."""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from typing import Any

from marsad.cli.context import CLIContext
from marsad.store import utcnow
from marsad.store.store import OUTBOX_GROUP, OUTBOX_TRANSLATE

# A due source not polled within this long after its time is overdue (the workers lag).
OVERDUE_AFTER = timedelta(minutes=5)


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "status",
        help="queue depths, workers, due and overdue sources, grouping lag, dead letters",
        description="How the work stands: messages in each task queue (ready, waiting for a "
        "retry, dead letters) and the workers consuming it (when broker_url is set), sources "
        "due and overdue, and the grouping lag (stored articles waiting for the grouping holder).",
    )
    p.add_argument("--json", action="store_true", help="one JSON object")
    p.set_defaults(handler=_status)


def collect_status(ctx: CLIContext) -> dict[str, Any]:
    settings, store = ctx.settings, ctx.store
    now = utcnow()
    sources = store.list_sources(include_paused=True)
    active = [s for s in sources if not s.paused]
    due = [s for s in active if s.next_poll_at is None or s.next_poll_at <= now]
    overdue = [
        s for s in due if s.next_poll_at is not None and s.next_poll_at < now - OVERDUE_AFTER
    ]
    waiting = store.outbox_counts()
    out: dict[str, Any] = {
        "sources": len(sources),
        "paused": len(sources) - len(active),
        "due": len(due),
        "overdue": len(overdue),
        "grouping_lag": waiting.get(OUTBOX_GROUP, 0),
        "translations_waiting": waiting.get(OUTBOX_TRANSLATE, 0),
        "queues": None,
    }
    if settings.broker_url:
        from marsad.scale.engine import Queues, require_packages

        require_packages()
        with Queues(settings) as queues:
            out["queues"] = queues.stats()
    return out


def _status(ctx: CLIContext, args: argparse.Namespace) -> int:
    status = collect_status(ctx)
    queues = status["queues"]
    if queues is not None:
        queues = [
            {k: getattr(q, k) for k in ("queue", "ready", "delayed", "dead", "consumers")}
            for q in queues
        ]
        status["queues"] = queues
    if args.json:
        print(json.dumps(status, ensure_ascii=False))
        return 0
    print(
        f"sources: {status['sources']} ({status['paused']} paused); due now: {status['due']}, "
        f"overdue (> {int(OVERDUE_AFTER.total_seconds() // 60)} min): {status['overdue']}"
    )
    print(
        f"grouping lag: {status['grouping_lag']} stored articles wait for the grouping holder; "
        f"translations waiting: {status['translations_waiting']}"
    )
    if queues is None:
        print("task queues: none (broker_url is not set: one process does everything)")
        return 0
    for q in queues:
        print(
            f"queue {q['queue']}: {q['ready']} ready, {q['delayed']} waiting to retry, "
            f"{q['dead']} dead letters; {q['consumers']} workers"
        )
    return 0
