"""`marsad alerts`: match changed stories against alert rules and deliver the alerts."""

from __future__ import annotations

import argparse
import asyncio
import signal
import threading
from typing import Any

from marsad.alerts.service import AlertConsumer, AlertSender, alerts_pass, new_owner
from marsad.cli.context import CLIContext, iso, print_json_line
from marsad.store.alerts import Alerts


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "alerts",
        help="match changed stories against alert rules and deliver the alerts",
        description="Alerts (docs/alerts.md): `run` takes the stories grouping changed (the "
        "outbox's alert rows), writes the alerts they give and sends what is due (webhooks, "
        "Apprise, e-mail digests); `list` prints the deliveries.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    run = actions.add_parser("run", help="consume the outbox and send alerts (until stopped)")
    run.add_argument("--once", action="store_true", help="one pass, then exit")
    run.add_argument(
        "--interval", type=float, default=5.0, help="seconds between passes (default 5)"
    )
    run.add_argument(
        "--lease",
        type=float,
        default=120.0,
        help="seconds a claimed outbox row or delivery stays this process's (default 120)",
    )
    run.add_argument(
        "--batch", type=int, default=100, help="outbox rows per transaction (default 100)"
    )
    run.set_defaults(handler=_run)
    listing = actions.add_parser("list", help="print the deliveries as JSON Lines")
    listing.set_defaults(handler=_list)


def _run(ctx: CLIContext, args: argparse.Namespace) -> int:
    alerts = Alerts(ctx.store)
    owner = new_owner()
    consumer = AlertConsumer(alerts, owner=owner)
    sender = AlertSender(alerts, ctx.settings, owner=owner)
    stop = threading.Event()
    if not args.once:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
    while True:
        consumed, sent = asyncio.run(
            alerts_pass(consumer, sender, lease_seconds=args.lease, batch=args.batch)
        )
        if consumed.rows or sent.sent or sent.failed or sent.dead or args.once:
            print(
                f"alerts: {consumed.rows} story changes, {consumed.deliveries} new alerts; "
                f"sent {sent.sent} ({sent.digests} digests), {sent.failed} to retry, "
                f"{sent.dead} dead letters",
                flush=True,
            )
        if args.once or stop.wait(args.interval):
            return 0


def _list(ctx: CLIContext, args: argparse.Namespace) -> int:
    for d in Alerts(ctx.store).all_deliveries():
        print_json_line(
            {
                "id": d.id,
                "rule_id": d.rule_id,
                "user_id": d.user_id,
                "story_id": d.story_id,
                "event": d.event,
                "channel": d.channel,
                "status": d.status,
                "attempts": d.attempts,
                "created_at": iso(d.created_at),
                "sent_at": iso(d.sent_at),
                "last_error": d.last_error,
            }
        )
    return 0
