"""The plain data of reader accounts, shared by accounts and alerts (issue 20)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

ROLES = ("admin", "reader")
LANGUAGES = ("ar", "en")

# What a follow can point at. ``target`` is an ISO 3166 alpha-2 code, a region slug, an entity
# id, a source id, a story id (as text), or a saved search's query (the full query language).
FOLLOW_KINDS = ("country", "region", "entity", "source", "story", "search")
# The name of the API tokens a reader app gets by signing in with the password (ClientLogin).
READER_APP_TOKEN = "reader app"


@dataclass(frozen=True)
class User:
    """A person who signs in: ``role`` is "admin" or "reader", ``language`` "ar" or "en"."""

    id: int
    name: str
    role: str
    email: str | None
    language: str


@dataclass(frozen=True)
class Follow:
    """One thing a user follows, or one saved search (``kind == "search"``)."""

    id: int
    user_id: int
    kind: str
    target: str
    label: str
    created_at: datetime
