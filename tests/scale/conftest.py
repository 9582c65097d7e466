"""Fixtures for the scaling-out tests (``scalekit`` holds what they share): each test gets its own
PostgreSQL schema (``pg_url``), its own queue names and Redis keys (a ``queue_prefix`` of its
own), deleted afterwards, so tests never disturb each other."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ingest"))
pytest.importorskip("dramatiq", reason="needs the 'scale' extra")

from loopback import LoopbackServer
from scalekit import BROKER_URL, REDIS_URL, Scale


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
