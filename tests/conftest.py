"""Shared fixtures: a real SQLite file and a real PostgreSQL schema per test.

PostgreSQL is the server on this machine (``MARSAD_TEST_PG_URL``, default
postgresql://postgres@127.0.0.1:5432/test). Each test gets its own schema, named per run, dropped
afterwards, so runs never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from marsad.store import Store, open_store

PG_URL = os.environ.get("MARSAD_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
RUN_ID = uuid.uuid4().hex[:8]


def _pg_admin_engine() -> sa.Engine:
    return sa.create_engine(
        PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[sa.Engine]:
    engine = _pg_admin_engine()
    yield engine
    engine.dispose()


@pytest.fixture
def pg_url(pg_admin: sa.Engine) -> Iterator[str]:
    """A database URL whose search_path is a fresh schema of its own (dropped afterwards)."""
    schema = f"marsad_t_{RUN_ID}_{uuid.uuid4().hex[:8]}"
    with pg_admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    with pg_admin.connect() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'marsad.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Parametrises a test over both backends."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """An opened, migrated store on each backend."""
    s = open_store(database_url)
    yield s
    s.close()


@pytest.fixture
def marsad_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh MARSAD_HOME for CLI tests, with private networks allowed (loopback test servers)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("MARSAD_HOME", str(home))
    monkeypatch.delenv("MARSAD_DATABASE_URL", raising=False)
    monkeypatch.delenv("MARSAD_CONFIG", raising=False)
    monkeypatch.setenv("MARSAD_ALLOW_PRIVATE_NETWORKS", "true")
    return home
