"""`marsad tasks list|retry|drop`: the dead letters (messages that failed every retry)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from marsad.cli.context import CLIContext

KINDS = ("fetch", "group")


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "tasks",
        help="list, retry or drop dead letters of the task queues",
        description="Messages that failed every retry wait in each queue's dead-letter queue "
        "(kept 7 days). List them, send them back to their queue with their retries reset, or "
        "drop them.",
    )
    p.add_argument("action", choices=("list", "retry", "drop"))
    p.add_argument(
        "--queue",
        choices=KINDS,
        action="append",
        help="only this queue (repeatable; default all)",
    )
    p.set_defaults(handler=_tasks)


def _tasks(ctx: CLIContext, args: argparse.Namespace) -> int:
    from marsad.scale.engine import Queues, open_redis, require_packages

    require_packages()
    kinds = args.queue or list(KINDS)
    redis = open_redis(ctx.settings) if args.action == "list" else None
    with Queues(ctx.settings) as queues:
        for kind in kinds:
            if args.action == "list":
                for letter in queues.dead_letters(kind, redis):
                    print(json.dumps(letter, ensure_ascii=False, default=str))
            elif args.action == "retry":
                print(f"{kind}: {queues.retry_dead(kind)} dead letters sent back to their queue")
            else:
                print(f"{kind}: {queues.drop_dead(kind)} dead letters dropped")
    return 0
