"""A message that was running when the broker connection broke must not acknowledge another.

Delivery tags count per channel: after a reconnect, RabbitMQ hands the consumer's new channel
the requeued messages under tags 1, 2, ... again. Dramatiq's worker acknowledges a finished
message through its *current* consumer, so a message that started before the cut, finishing
after it, acknowledged the new channel's message of the same tag: a message not yet done. When
that worker was then killed, nothing brought the message back (the chaos test's lost source,
masked by its 30 s lease). Marsad's broker acknowledges a message only on the channel that
delivered it; a message from a broken channel is left to RabbitMQ, which already requeued it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from scalekit import BROKER_URL, Scale, wait_for

from marsad.config import load_settings
from marsad.scale.engine import Queues, open_broker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from holdworker import declare_hold
from pgproxy import TCPProxy, target_of


def _starts(folder: Path) -> list[str]:
    path = folder / "starts"
    return path.read_text().split() if path.exists() else []


def _fetch_queue(queues: Queues) -> tuple[int, int]:
    """(messages ready, consumers) of the fetch queue."""
    fetch = queues.stats()[0]
    return fetch.ready, fetch.consumers


def test_a_message_running_through_a_broker_cut_does_not_ack_its_redelivery(
    scale: Scale, tmp_path: Path
) -> None:
    folder = tmp_path / "hold"
    folder.mkdir()
    settings = load_settings(env=scale.env)
    sender = open_broker(settings)
    hold = declare_hold(sender, settings, folder)
    with TCPProxy(target_of(BROKER_URL)) as proxy, Queues(settings) as queues:
        worker = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("holdworker.py")), str(folder)],
            env={**scale.env, "MARSAD_BROKER_URL": proxy.rewrite_url(BROKER_URL)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        scale.procs.append(worker)  # type: ignore[arg-type]
        assert worker.stdout is not None
        assert "ready" in worker.stdout.readline()
        hold.send("a")
        wait_for("the first run started", lambda: _starts(folder) == ["a"], 30, 0.05)

        proxy.cut()  # RabbitMQ requeues "a"; the run goes on in the worker
        time.sleep(2)
        proxy.restore()
        # The worker's new consumer holds the redelivered "a" (delivery tag 1 of its channel).
        wait_for(
            "the redelivery taken by the new consumer",
            lambda: _fetch_queue(queues) == (0, 1),
            30,
            0.1,
        )
        (folder / "go-0").touch()  # the first run ends and is acknowledged
        wait_for("the redelivery started", lambda: _starts(folder) == ["a", "a"], 30, 0.05)
        time.sleep(1.0)  # any acknowledgement sent by now has reached RabbitMQ
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)

        # The redelivered run was cut short by the kill: RabbitMQ must hold "a" again.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and _fetch_queue(queues)[0] == 0:
            time.sleep(0.2)
        ready, _ = _fetch_queue(queues)
    sender.close()
    assert ready == 1, "the unfinished message was acknowledged by an earlier one and is lost"
