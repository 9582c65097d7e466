"""Engines for the two backends and the migration runner.

SQLite: one file under ``MARSAD_HOME``, WAL journal, foreign keys on, and writes serialised
(``BEGIN IMMEDIATE`` plus a process-wide lock), so there is one writer at a time and readers
never block it. PostgreSQL: a pooled psycopg 3 engine. Both get the same Alembic history.

A database that cannot be reached, or drops the connection, raises
:class:`~marsad.errors.StorageUnavailable` from every statement on the engine (its
``handle_error`` hook), so the store, the search index and the pipeline report it the same way.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from marsad.errors import ConfigError, MigrationError, StorageError, StorageUnavailable

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# An arbitrary constant that names our advisory lock on PostgreSQL.
_PG_MIGRATION_LOCK = 0x6D617273


def normalize_database_url(url: str) -> sa.URL:
    """Accept ``postgresql://`` and ``sqlite:///`` URLs; use psycopg 3 for PostgreSQL."""
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError:
        raise ConfigError(f"not a database URL: {url!r}") from None
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+pysqlite")
    raise ConfigError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")


def _prepare_sqlite(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event decide how transactions start (see below).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout = 30000")
    cur.execute("PRAGMA foreign_keys = ON")
    mode = cur.execute("PRAGMA journal_mode = WAL").fetchone()
    if mode and str(mode[0]).lower() != "wal":
        log.warning("SQLite did not switch to WAL (got %s)", mode[0])
    # NORMAL is durable against process crashes in WAL mode; FULL only adds power-loss safety.
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.close()


def _begin_sqlite(conn: sa.Connection) -> None:
    # Writers take the write lock up front, so two writers queue instead of deadlocking.
    if conn.get_execution_options().get("marsad_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def _unavailable(ctx: sa.engine.ExceptionContext) -> BaseException | None:
    """Replace a lost or refused connection's error with StorageUnavailable.

    Connecting failed (no connection yet) or the driver says the connection is gone; a deadlock,
    a constraint or a bad statement keeps its own error. The pool's pre-ping is left alone: it
    reconnects by itself.
    """
    if ctx.is_pre_ping:
        return None
    original = ctx.original_exception
    dbapi = ctx.dialect.loaded_dbapi
    refused = ctx.connection is None and isinstance(original, dbapi.OperationalError)
    if not (ctx.is_disconnect or refused):
        return None
    return StorageUnavailable(f"the database is unavailable: {first_line(original)}")


def create_engine(url: str) -> sa.Engine:
    """Create the engine for ``url`` and check that the database can be reached."""
    parsed = normalize_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            path = Path(database)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(
                    f"cannot create data directory {path.parent}: {exc.strerror}"
                ) from None
            if not os.access(path.parent, os.W_OK):
                raise StorageError(
                    f"data directory {path.parent} is not writable",
                    message_ar=f"مجلد البيانات {path.parent} غير قابل للكتابة",
                )
        engine = sa.create_engine(
            parsed, connect_args={"check_same_thread": False, "timeout": 30}, pool_pre_ping=False
        )
        sa.event.listen(engine, "connect", _prepare_sqlite)
        sa.event.listen(engine, "begin", _begin_sqlite)
    else:
        engine = sa.create_engine(
            parsed,
            pool_size=5,
            max_overflow=10,
            pool_pre_ping=True,
            connect_args={"connect_timeout": 5},
        )
    sa.event.listen(engine, "handle_error", _unavailable)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except (sa.exc.OperationalError, StorageUnavailable) as exc:
        engine.dispose()
        reason = (
            first_line(exc.__cause__ or exc)
            if isinstance(exc, StorageUnavailable)
            else first_line(exc)
        )
        raise StorageUnavailable(
            f"database unreachable ({describe_db(parsed)}): {reason}"
        ) from None
    return engine


def describe_db(url: sa.URL) -> str:
    return url.render_as_string(hide_password=True)


def first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _alembic_config(conn: sa.Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str | None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: sa.Engine) -> tuple[str | None, str | None]:
    """Bring the schema to the newest revision; returns (before, after)."""
    try:
        with engine.connect().execution_options(marsad_write=True) as conn:
            if conn.dialect.name == "postgresql":
                # Two processes starting at once must not both run the same migration.
                conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
                conn.commit()
            try:
                before = MigrationContext.configure(conn).get_current_revision()
                conn.commit()
                if before != head_revision():
                    with conn.begin():
                        command.upgrade(_alembic_config(conn), "head")
                after = MigrationContext.configure(conn).get_current_revision()
                conn.commit()
            finally:
                if conn.dialect.name == "postgresql":
                    conn.rollback()
                    conn.execute(
                        sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_MIGRATION_LOCK}
                    )
                    conn.commit()
    except StorageUnavailable:
        raise
    except sa.exc.OperationalError as exc:
        raise StorageError(f"cannot migrate the database: {first_line(exc)}") from None
    except sa.exc.SQLAlchemyError as exc:
        raise MigrationError(f"migration failed: {first_line(exc)}") from exc
    if before != after:
        log.info("database migrated from %s to %s", before or "empty", after)
    return before, after
