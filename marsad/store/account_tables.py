"""Tables of reader accounts (issue 20): users, their tokens and sessions, follows and saved
searches, private feed tokens, reading state. Defined on ``schema.metadata``; migration 0008.

Secrets are never stored: API tokens, session ids and private feed tokens are kept as the
SHA-256 of a random value (a lookup key that a stolen database cannot turn back into the
secret), passwords as argon2 hashes.

Tables
    users           one row per person who signs in (name unique, role admin|reader)
    user_tokens     named API tokens of a user (SHA-256), with when each was last used
    user_sessions   server-side sessions of the web site (SHA-256 of the cookie), with the
                    session's CSRF secret, expiry and the address that logged in
    login_failures  failed logins, by account name and by address (rate limits)
    follows         what a user follows (country, region, entity, source, story) or a saved
                    search, with the time of the user's last visit to it
    feed_tokens     private feed URLs of a follow (SHA-256 of the token in the URL)
    read_items      articles a user marked read (reader-app sync)

Every row of a user goes with the user (``ondelete CASCADE``): an account removed leaves
nothing that still opens a session, a token or a feed.
"""

from __future__ import annotations

import sqlalchemy as sa

from marsad.store.schema import UTCDateTime, metadata

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("email", sa.Text),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

user_tokens = sa.Table(
    "user_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_used_at", UTCDateTime),
    sa.Index("ix_user_tokens_user_id", "user_id"),
)

user_sessions = sa.Table(
    "user_sessions",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("csrf_secret", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("address", sa.Text),
    sa.Index("ix_user_sessions_user_id", "user_id"),
    sa.Index("ix_user_sessions_expires_at", "expires_at"),
)

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Index("ix_login_failures_name_at", "name", "at"),
    sa.Index("ix_login_failures_address_at", "address", "at"),
)

follows = sa.Table(
    "follows",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_visit_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("user_id", "kind", "target"),
)

feed_tokens = sa.Table(
    "feed_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "follow_id", sa.Integer, sa.ForeignKey("follows.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_feed_tokens_follow_id", "follow_id"),
)

read_items = sa.Table(
    "read_items",
    metadata,
    sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "article_id",
        sa.Integer,
        sa.ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("read_at", UTCDateTime, nullable=False),
)

__all__ = [
    "feed_tokens",
    "follows",
    "login_failures",
    "read_items",
    "user_sessions",
    "user_tokens",
    "users",
]
