"""`marsad worker`: run the pipeline's actors on the task queues (scaling out)."""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import signal
import threading
import time
from typing import Any

from marsad.cli.context import CLIContext
from marsad.config import Settings
from marsad.errors import MarsadError, UserError

log = logging.getLogger(__name__)

# The queues, as ``marsad.scale.worker.KINDS`` names them (not imported: the CLI loads without
# the 'scale' extra; a test checks they agree).
KINDS = ("fetch", "article", "analyse", "group", "translate")
# A child process that dies is started again, at most this often.
RESTART_SECONDS = 5.0


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "worker",
        help="run pipeline steps from the task queues (needs broker_url)",
        description="Consume the task queues on RabbitMQ (setting `broker_url`) and run the "
        "pipeline's steps: fetch (poll a source, hand its new entries on), article (fetch an "
        "entry's page), analyse (extract, understand, store: CPU-bound), group (the holder of "
        "the grouping lock decides copies and stories; other group workers stand by) and "
        "translate (the outbox's translations, one model per process). Start as many as you "
        "like, on as many machines; see README 'Scaling out'.",
    )
    p.add_argument(
        "--queues",
        default=",".join(KINDS),
        help="comma-separated queues to consume: fetch, article, analyse, group, translate "
        "(default all)",
    )
    p.add_argument("--processes", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--threads", type=int, default=4, help="threads per process (default 4)")
    p.set_defaults(handler=_worker)


def parse_queues(value: str) -> list[str]:
    kinds = [k.strip() for k in value.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        raise UserError(f"--queues takes {', '.join(KINDS)}; got {value!r}")
    return list(dict.fromkeys(kinds))


def _stop_on_signals(stop: threading.Event) -> None:
    def handler(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def run_one(settings: Settings, kinds: list[str], threads: int, metrics_port: int) -> None:
    """One worker process in this process, until SIGINT or SIGTERM."""
    from marsad.scale.worker import WorkerRuntime

    stop = threading.Event()
    _stop_on_signals(stop)
    runtime = WorkerRuntime(settings, queues=kinds, threads=threads)
    print(f"worker ready: queues {', '.join(kinds)}, {threads} threads", flush=True)
    runtime.run(stop, metrics_port=metrics_port)


def _child(settings: Settings, kinds: list[str], threads: int, metrics_port: int) -> None:
    logging.basicConfig(
        level=getattr(logging, settings.log_level, logging.INFO),
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        run_one(settings, kinds, threads, metrics_port)
    except MarsadError as exc:
        print(f"marsad: error: {exc.message}", flush=True)
        raise SystemExit(2) from None


def _worker(ctx: CLIContext, args: argparse.Namespace) -> int:
    from marsad.scale.engine import open_broker, open_redis

    settings = ctx.settings
    kinds = parse_queues(args.queues)
    if args.processes < 1 or args.threads < 1:
        raise UserError("--processes and --threads must be at least 1")
    port = int(settings.metrics_port)
    if args.processes == 1:
        run_one(settings, kinds, args.threads, port)
        return 0
    # Check here, once, so an unreachable broker is one line, not one per child.
    open_broker(settings).close()
    redis = open_redis(settings)
    if redis is not None:
        redis.close()
    spawn = multiprocessing.get_context("spawn")

    def start(i: int) -> Any:
        child = spawn.Process(
            target=_child,
            args=(settings, kinds, args.threads, port + i if port else 0),
            name=f"marsad-worker-{i}",
        )
        child.start()
        return child

    stop = threading.Event()
    _stop_on_signals(stop)
    children = [start(i) for i in range(args.processes)]
    print(f"{args.processes} worker processes started", flush=True)
    started = [time.monotonic()] * len(children)
    while not stop.wait(1.0):
        for i, child in enumerate(children):
            if child.is_alive() or time.monotonic() - started[i] < RESTART_SECONDS:
                continue
            if child.exitcode == 2:  # a user error (broker gone at start): stop, say so
                stop.set()
                break
            log.warning("worker process %d exited (%s): starting it again", i, child.exitcode)
            children[i] = start(i)
            started[i] = time.monotonic()
    for child in children:
        if child.is_alive():
            child.terminate()
    for child in children:
        child.join(timeout=90)
    return 0
