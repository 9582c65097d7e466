"""`marsad alerts run` killed (SIGKILL) again and again in the middle of its batches and started
again: every alert arrives, and each exactly once by its delivery id (X-Marsad-Delivery: a
send killed before it was marked sent is sent again, and the receiver drops the repeat)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from alertkit import AI, NOW, PAKISTAN, Receiver, ingest, settings_for, webhook_server

from marsad.alerts.model import SENT
from marsad.store import Store
from marsad.store.accounts import Accounts
from marsad.store.alerts import Alerts

RULES = 20  # per follow: 2 stories x 20 rules = 40 alerts


def _start(database_url: str, home: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MARSAD_HOME": str(home),
        "MARSAD_DATABASE_URL": database_url,
        "MARSAD_ALERTS_ALLOW_PRIVATE_NETWORKS": "1",
        "MARSAD_ALERT_RETRY_SECONDS": "0.1",
    }
    command = [sys.executable, "-m", "marsad.cli.main", "alerts", "run"]
    return subprocess.Popen(
        [*command, "--lease", "1", "--interval", "0.1", "--batch", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_killed_consumer_restarted_delivers_each_alert_once(
    store: Store, database_url: str, tmp_path: Path
) -> None:
    accounts, alerts = Accounts(store), Alerts(store)
    reader = accounts.add_user("leila", "a long enough password", now=NOW)
    pk = accounts.add_follow(reader.id, "country", "PK", "باكستان", now=NOW)
    ai = accounts.add_follow(reader.id, "search", "الذكاء الاصطناعي", "AI", now=NOW)
    receiver = Receiver(delay=0.05)
    rng = random.Random(7)
    kills = 0
    with webhook_server(receiver) as url:
        for follow in (pk, ai):
            for _ in range(RULES):
                rule = alerts.add_rule(
                    reader.id, follow.id, mode="new", channel="webhook", target=url
                )
                receiver.secret[rule.id] = rule.secret
        ingest(store, settings_for(tmp_path), [*PAKISTAN, *AI])
        deadline = time.monotonic() + 400
        while time.monotonic() < deadline:
            before = (len(receiver.requests), len(alerts.all_deliveries()))
            process = _start(database_url, tmp_path)
            # Kill it soon after it starts working (it takes seconds to start on a loaded box).
            while process.poll() is None and time.monotonic() < deadline:
                if (len(receiver.requests), len(alerts.all_deliveries())) != before:
                    break
                time.sleep(0.05)
            assert process.poll() is None, process.stderr.read()  # type: ignore[union-attr]
            time.sleep(rng.uniform(0.0, 0.6))
            done = alerts.all_deliveries()
            finished = len(done) == 2 * RULES and all(d.status == SENT for d in done)
            process.send_signal(signal.SIGKILL)
            process.wait()
            process.stderr.close()  # type: ignore[union-attr]
            if finished:
                break
            kills += 1
    deliveries = alerts.all_deliveries()
    assert kills >= 3  # it was killed mid-work several times
    assert len(deliveries) == 2 * RULES  # one per rule and story: none dropped, none repeated
    assert {d.status for d in deliveries} == {SENT}
    assert receiver.bad_signatures == 0
    arrived = Counter(receiver.delivered)
    assert set(arrived) == {d.id for d in deliveries}  # every alert arrived ...
    # ... once after the receiver drops repeats by delivery id; a repeat is a send killed
    # between the POST and its "sent" mark: at most one per kill.
    assert sum(n - 1 for n in arrived.values()) <= kills
