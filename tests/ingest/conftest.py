"""Fixtures for the ingestion tests: loopback HTTP servers and fast, permissive settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback import LoopbackServer

from marsad.config import Settings, load_settings


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Loopback allowed (the test servers), no politeness delay, short timeouts."""
    return load_settings(
        env={},
        overrides={
            "home": str(tmp_path / "home"),
            "allow_private_networks": True,
            "per_host_delay": 0.0,
            "connect_timeout": 2.0,
            "read_timeout": 2.0,
            "per_host_concurrency": 4,
        },
    )
