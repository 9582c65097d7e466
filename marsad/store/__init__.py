"""Storage: one interface (:class:`Store`), SQLite and PostgreSQL backends, one migration history."""

from marsad.store.engine import create_engine, current_revision, head_revision, migrate
from marsad.store.store import Store, open_store, utcnow

__all__ = [
    "Store",
    "create_engine",
    "current_revision",
    "head_revision",
    "migrate",
    "open_store",
    "utcnow",
]
