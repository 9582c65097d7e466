"""Fixtures for the scaling-out tests: the real PostgreSQL, RabbitMQ and Redis of this machine.

Each test gets its own PostgreSQL schema (``pg_url``), its own queue names and Redis keys (a
``queue_prefix`` of its own), and its queues and keys are deleted afterwards, so tests never
disturb each other. Services: ``MARSAD_TEST_BROKER_URL`` (default amqp://guest:guest@127.0.0.1:5672/)
and ``MARSAD_TEST_REDIS_URL`` (default redis://127.0.0.1:6379/0).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ingest"))

from loopback import LoopbackServer

pytest.importorskip("dramatiq", reason="needs the 'scale' extra")

BROKER_URL = os.environ.get("MARSAD_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672/")
REDIS_URL = os.environ.get("MARSAD_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# Words that make each story's reports alike and unlike the other stories'.
TOPICS = [
    "floods river valley rescue boats villagers",
    "election ballots turnout parliament candidates",
    "earthquake tremor buildings collapsed aftershock",
    "wheat harvest drought farmers prices",
    "football final stadium goal champions",
]


def marsad_command(*args: str) -> list[str]:
    return [
        sys.executable,
        "-c",
        "import sys; from marsad.cli.main import main; sys.exit(main())",
        *args,
    ]


@dataclass
class Scale:
    """One test's installation: store, queues, Redis keys, and the processes it started."""

    home: Path
    database_url: str
    prefix: str
    env: dict[str, str]
    procs: list[subprocess.Popen[str]] = field(default_factory=list)

    def start(self, *args: str, **env: str) -> subprocess.Popen[str]:
        log = self.home / f"{args[0]}-{len(self.procs)}.log"
        proc = subprocess.Popen(
            marsad_command(*args),
            env={**self.env, **env},
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            text=True,
        )
        proc.log_path = log  # type: ignore[attr-defined]
        self.procs.append(proc)
        return proc

    def output(self, proc: subprocess.Popen[str]) -> str:
        return proc.log_path.read_text()  # type: ignore[attr-defined, no-any-return]

    def run(self, *args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            marsad_command(*args),
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def settings(self, **overrides: object) -> object:
        from marsad.config import load_settings

        return load_settings(env=self.env, overrides=overrides)


def wait_for(what: str, check: Callable[[], bool], timeout: float, step: float = 0.5) -> None:
    """Wait until ``check()``; fail saying ``what`` did not happen in ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(step)
    raise AssertionError(f"{what}: not within {timeout:.0f}s")


@pytest.fixture
def scale(tmp_path: Path, pg_url: str) -> Iterator[Scale]:
    prefix = f"t{uuid.uuid4().hex[:10]}"
    home = tmp_path / "home"
    home.mkdir()
    env = {
        **os.environ,
        "MARSAD_HOME": str(home),
        "MARSAD_DATABASE_URL": pg_url,
        "MARSAD_BROKER_URL": BROKER_URL,
        "MARSAD_REDIS_URL": REDIS_URL,
        "MARSAD_QUEUE_PREFIX": prefix,
        "MARSAD_ALLOW_PRIVATE_NETWORKS": "true",
        "MARSAD_PER_HOST_CONCURRENCY": "8",
        "MARSAD_PER_HOST_DELAY": "0",
        "MARSAD_LOG_LEVEL": "WARNING",
    }
    env.pop("MARSAD_CONFIG", None)
    s = Scale(home=home, database_url=pg_url, prefix=prefix, env=env)
    try:
        yield s
    finally:
        for proc in s.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
        _clean_up(s)


def _clean_up(s: Scale) -> None:
    import redis

    from marsad.config import load_settings
    from marsad.scale.engine import Queues

    settings = load_settings(env=s.env)
    with Queues(settings) as queues:
        queues.delete_all()
    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"{s.prefix}:*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer().start()
    yield srv
    srv.stop()
