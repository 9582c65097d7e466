"""A Dramatiq worker on Marsad's broker (``marsad.scale.engine.open_broker``) with one actor,
``hold(key)``, that waits for the test to let it finish; run as a script by
test_ack_after_reconnect.py, which kills it with SIGKILL.

    python holdworker.py DIR

Each run of ``hold`` appends its key to DIR/starts and then waits until DIR/go-N exists, N being
how many runs of that key started before it; so the test decides when each run ends.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from marsad.config import load_settings
from marsad.scale.engine import open_broker, queue_name


def declare_hold(broker: Any, settings: Any, folder: Path) -> Any:
    import dramatiq

    def hold(key: str) -> None:
        starts = folder / "starts"
        before = starts.read_text().split().count(key) if starts.exists() else 0
        with starts.open("a") as f:
            f.write(f"{key}\n")
        gate = folder / f"go-{before}"
        while not gate.exists():
            time.sleep(0.05)

    return dramatiq.actor(
        broker=broker, actor_name="hold", queue_name=queue_name(settings, "fetch")
    )(hold)


def main() -> None:
    from dramatiq import Worker

    folder = Path(sys.argv[1])
    settings = load_settings()
    broker = open_broker(settings)
    declare_hold(broker, settings, folder)
    worker = Worker(broker, queues={queue_name(settings, "fetch")}, worker_threads=1)
    worker.start()
    print("hold worker ready", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
