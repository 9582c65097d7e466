"""Storage of reader accounts (issue 20): users, API tokens, sessions, login failures, follows,
private feed tokens and read state, on both backends (tables in ``account_tables``).

Every lookup of a user's object is scoped by the user's id (``get_follow(user_id, follow_id)``),
so a request can never reach another user's row by guessing an id. Tokens are looked up by their
SHA-256 (``marsad.accounts.credentials.token_digest``); the plain token never reaches the
database.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from marsad.accounts.credentials import (
    check_language,
    check_name,
    check_role,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)
from marsad.accounts.model import FOLLOW_KINDS, READER_APP_TOKEN, Follow, User
from marsad.errors import NotFoundError, UserError
from marsad.store import account_tables as at
from marsad.store.schema import articles
from marsad.store.store import Store

# A token's "last used" time is rewritten at most this often, so API reads do not each take
# the write lock.
_LAST_USED_EVERY = timedelta(minutes=1)
MAX_FOLLOWS = 500  # per user: a bound on /me and on matching work
# The PostgreSQL advisory lock key that serialises login attempts ("marsadLI" in ASCII).
_LOGIN_LOCK = 0x6D61727361644C49


@dataclass(frozen=True)
class UserToken:
    id: int
    user_id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True)
class Session:
    user: User
    csrf_secret: str
    expires_at: datetime


def _user(row: Any) -> User:
    return User(id=row.id, name=row.name, role=row.role, email=row.email, language=row.language)


def _follow(row: Any) -> Follow:
    return Follow(
        id=row.id,
        user_id=row.user_id,
        kind=row.kind,
        target=row.target,
        label=row.label,
        created_at=row.created_at,
    )


_USER_COLUMNS = (
    at.users.c.id,
    at.users.c.name,
    at.users.c.role,
    at.users.c.email,
    at.users.c.language,
)


class Accounts:
    """Account storage over a :class:`~marsad.store.Store` (its engine and write lock)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with self.store.engine.connect() as conn:
            yield conn

    # -- users ----------------------------------------------------------------------------
    def add_user(
        self,
        name: str,
        password: str,
        *,
        role: str = "reader",
        email: str | None = None,
        language: str = "ar",
        now: datetime,
    ) -> User:
        check_name(name)
        check_role(role)
        check_language(language)
        hashed = hash_password(password)
        with self.store.transaction() as conn:
            if conn.execute(sa.select(at.users.c.id).where(at.users.c.name == name)).first():
                raise UserError(f"user {name!r} exists", message_ar=f"المستخدم {name} موجود")
            new_id = conn.execute(
                at.users.insert().values(
                    name=name,
                    role=role,
                    password_hash=hashed,
                    email=email or None,
                    language=language,
                    created_at=now,
                )
            ).inserted_primary_key
            assert new_id is not None
        return User(id=int(new_id[0]), name=name, role=role, email=email or None, language=language)

    def get_user(self, user_id: int) -> User | None:
        with self._read() as conn:
            row = conn.execute(sa.select(*_USER_COLUMNS).where(at.users.c.id == user_id)).first()
        return _user(row) if row else None

    def find_user(self, name: str) -> User | None:
        with self._read() as conn:
            row = conn.execute(sa.select(*_USER_COLUMNS).where(at.users.c.name == name)).first()
        return _user(row) if row else None

    def list_users(self) -> list[User]:
        with self._read() as conn:
            rows = conn.execute(sa.select(*_USER_COLUMNS).order_by(at.users.c.id))
            return [_user(r) for r in rows]

    def remove_user(self, name: str) -> User:
        """Delete a user and, by cascade, every session, token, follow and feed of theirs."""
        with self.store.transaction() as conn:
            row = conn.execute(sa.select(*_USER_COLUMNS).where(at.users.c.name == name)).first()
            if row is None:
                raise NotFoundError(f"no user {name!r}", message_ar=f"لا مستخدم باسم {name}")
            conn.execute(at.users.delete().where(at.users.c.id == row.id))
        return _user(row)

    def set_password(self, name: str, password: str, *, keep_api_tokens: bool = False) -> User:
        """Change a password; the user's sessions and tokens end, so whoever held a stolen
        session or token loses it with the old password. Reader-app tokens (made by signing
        in with the password) always end; other API tokens stay with ``keep_api_tokens``
        (automation the owner set up on purpose)."""
        hashed = hash_password(password)
        ut = at.user_tokens
        with self.store.transaction() as conn:
            row = conn.execute(sa.select(*_USER_COLUMNS).where(at.users.c.name == name)).first()
            if row is None:
                raise NotFoundError(f"no user {name!r}", message_ar=f"لا مستخدم باسم {name}")
            conn.execute(
                at.users.update().where(at.users.c.id == row.id).values(password_hash=hashed)
            )
            conn.execute(at.user_sessions.delete().where(at.user_sessions.c.user_id == row.id))
            tokens = ut.delete().where(ut.c.user_id == row.id)
            if keep_api_tokens:
                tokens = tokens.where(ut.c.name == READER_APP_TOKEN)
            conn.execute(tokens)
        return _user(row)

    def check_login(self, name: str, password: str) -> User | None:
        """The user when ``password`` is theirs; an unknown name costs the same argon2 work."""
        with self._read() as conn:
            row = conn.execute(
                sa.select(*_USER_COLUMNS, at.users.c.password_hash).where(at.users.c.name == name)
            ).first()
        ok = verify_password(row.password_hash if row else None, password)
        return _user(row) if ok and row is not None else None

    # -- login failures (rate limits) -----------------------------------------------------
    def record_login_failure(self, name: str, address: str, now: datetime) -> None:
        with self.store.transaction() as conn:
            conn.execute(at.login_failures.insert().values(name=name[:64], address=address, at=now))

    def reserve_login_attempt(
        self,
        name: str,
        address: str,
        *,
        since: datetime,
        now: datetime,
        max_by_name: int,
        max_by_address: int,
    ) -> int | None:
        """Count the failures since ``since`` and, under both limits, record this attempt as a
        failure before its password is checked, all in one write transaction; the row's id, or
        None when a limit is reached. A success deletes the row (:meth:`login_succeeded`).

        Counting, checking the password and then recording would let guesses sent at once all
        pass the count before any is recorded; with the row written first, the N+1th guess sees
        N rows whatever the timing. The write transaction serialises this: ``BEGIN IMMEDIATE``
        on SQLite, and on PostgreSQL (where two read-committed transactions could count at
        once) a transaction-scoped advisory lock taken first.
        """
        lf = at.login_failures
        with self.store.transaction() as conn:
            if self.store.dialect == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOGIN_LOCK)))
            by_name = conn.execute(
                sa.select(sa.func.count()).where(lf.c.name == name[:64], lf.c.at >= since)
            ).scalar_one()
            by_address = conn.execute(
                sa.select(sa.func.count()).where(lf.c.address == address, lf.c.at >= since)
            ).scalar_one()
            if by_name >= max_by_name or by_address >= max_by_address:
                return None
            new_id = conn.execute(
                lf.insert().values(name=name[:64], address=address, at=now)
            ).inserted_primary_key
            assert new_id is not None
        return int(new_id[0])

    def login_succeeded(self, attempt_id: int) -> None:
        """The attempt reserved by :meth:`reserve_login_attempt` was right: it is no failure."""
        with self.store.transaction() as conn:
            conn.execute(at.login_failures.delete().where(at.login_failures.c.id == attempt_id))

    def login_failures(self, name: str, address: str, since: datetime) -> tuple[int, int]:
        """(failures for this account name, failures from this address) since ``since``."""
        lf = at.login_failures
        with self._read() as conn:
            by_name = conn.execute(
                sa.select(sa.func.count()).where(lf.c.name == name[:64], lf.c.at >= since)
            ).scalar_one()
            by_address = conn.execute(
                sa.select(sa.func.count()).where(lf.c.address == address, lf.c.at >= since)
            ).scalar_one()
        return int(by_name), int(by_address)

    def forget_login_failures(self, before: datetime) -> None:
        with self.store.transaction() as conn:
            conn.execute(at.login_failures.delete().where(at.login_failures.c.at < before))

    # -- API tokens -----------------------------------------------------------------------
    def add_token(self, user_id: int, name: str, *, now: datetime) -> tuple[UserToken, str]:
        """A new API token: (its record, the token itself, to be shown once)."""
        token = new_token()
        with self.store.transaction() as conn:
            new_id = conn.execute(
                at.user_tokens.insert().values(
                    user_id=user_id,
                    name=name[:200] or "token",
                    token_hash=token_digest(token),
                    created_at=now,
                )
            ).inserted_primary_key
            assert new_id is not None
        record = UserToken(int(new_id[0]), user_id, name[:200] or "token", now, None)
        return record, token

    def prune_tokens(self, user_id: int, name: str, *, keep: int) -> int:
        """Drop all but the newest ``keep`` tokens of this user named ``name`` (reader apps
        sign in again now and then, each time with a new token)."""
        ut = at.user_tokens
        with self.store.transaction() as conn:
            ids = [
                r.id
                for r in conn.execute(
                    sa.select(ut.c.id)
                    .where(ut.c.user_id == user_id, ut.c.name == name)
                    .order_by(ut.c.id.desc())
                    .offset(keep)
                )
            ]
            if ids:
                conn.execute(ut.delete().where(ut.c.id.in_(ids)))
        return len(ids)

    def list_tokens(self, user_id: int) -> list[UserToken]:
        ut = at.user_tokens
        with self._read() as conn:
            rows = conn.execute(
                sa.select(ut.c.id, ut.c.user_id, ut.c.name, ut.c.created_at, ut.c.last_used_at)
                .where(ut.c.user_id == user_id)
                .order_by(ut.c.id)
            )
            return [UserToken(*r) for r in rows]

    def revoke_token(self, user_id: int, token_id: int) -> bool:
        ut = at.user_tokens
        with self.store.transaction() as conn:
            done = conn.execute(ut.delete().where(ut.c.id == token_id, ut.c.user_id == user_id))
        return bool(done.rowcount)

    def user_for_token(self, token: str, *, now: datetime) -> User | None:
        """The user whose API token this is, checked against the store on every request."""
        ut = at.user_tokens
        digest = token_digest(token)
        with self._read() as conn:
            row = conn.execute(
                sa.select(*_USER_COLUMNS, ut.c.id.label("token_id"), ut.c.last_used_at)
                .join(ut, ut.c.user_id == at.users.c.id)
                .where(ut.c.token_hash == digest)
            ).first()
        if row is None:
            return None
        if row.last_used_at is None or now - row.last_used_at >= _LAST_USED_EVERY:
            with self.store.transaction() as conn:
                conn.execute(ut.update().where(ut.c.id == row.token_id).values(last_used_at=now))
        return _user(row)

    # -- sessions -------------------------------------------------------------------------
    def new_session(
        self, user_id: int, *, address: str | None, now: datetime, lifetime: timedelta
    ) -> tuple[str, str]:
        """A new session: (the id for the cookie, its CSRF secret). Always a fresh id, so an id
        planted before login is never the one that is signed in (no fixation)."""
        session_id = new_token()
        csrf = new_token()
        us = at.user_sessions
        with self.store.transaction() as conn:
            conn.execute(us.delete().where(us.c.expires_at < now))
            conn.execute(
                us.insert().values(
                    id_hash=token_digest(session_id),
                    user_id=user_id,
                    csrf_secret=csrf,
                    created_at=now,
                    expires_at=now + lifetime,
                    address=address,
                )
            )
        return session_id, csrf

    def session(self, session_id: str, *, now: datetime) -> Session | None:
        us = at.user_sessions
        with self._read() as conn:
            row = conn.execute(
                sa.select(*_USER_COLUMNS, us.c.csrf_secret, us.c.expires_at)
                .join(us, us.c.user_id == at.users.c.id)
                .where(us.c.id_hash == token_digest(session_id), us.c.expires_at > now)
            ).first()
        if row is None:
            return None
        return Session(_user(row), row.csrf_secret, row.expires_at)

    def end_session(self, session_id: str) -> None:
        us = at.user_sessions
        with self.store.transaction() as conn:
            conn.execute(us.delete().where(us.c.id_hash == token_digest(session_id)))

    # -- follows --------------------------------------------------------------------------
    def add_follow(
        self, user_id: int, kind: str, target: str, label: str, *, now: datetime
    ) -> Follow:
        """Follow something (or save a search); following it again returns the same follow."""
        if kind not in FOLLOW_KINDS:
            raise UserError(f"unknown follow kind: {kind[:20]}", message_ar="نوع متابعة غير معروف")
        target = target.strip()
        if not target or len(target) > 1000:
            raise UserError("nothing to follow", message_ar="لا شيء للمتابعة")
        f = at.follows
        with self.store.transaction() as conn:
            row = conn.execute(
                sa.select(f).where(f.c.user_id == user_id, f.c.kind == kind, f.c.target == target)
            ).first()
            if row is not None:
                return _follow(row)
            count = conn.execute(
                sa.select(sa.func.count()).where(f.c.user_id == user_id)
            ).scalar_one()
            if count >= MAX_FOLLOWS:
                raise UserError(
                    f"at most {MAX_FOLLOWS} follows", message_ar=f"الحد {MAX_FOLLOWS} متابعة"
                )
            new_id = conn.execute(
                f.insert().values(
                    user_id=user_id,
                    kind=kind,
                    target=target,
                    label=(label.strip() or target)[:300],
                    created_at=now,
                    last_visit_at=now,
                )
            ).inserted_primary_key
            assert new_id is not None
        return Follow(int(new_id[0]), user_id, kind, target, (label.strip() or target)[:300], now)

    def list_follows(self, user_id: int) -> list[Follow]:
        f = at.follows
        with self._read() as conn:
            rows = conn.execute(sa.select(f).where(f.c.user_id == user_id).order_by(f.c.id))
            return [_follow(r) for r in rows]

    def list_follows_all(self) -> list[Follow]:
        """Every follow of every user (the alert matcher's index is built from them)."""
        f = at.follows
        with self._read() as conn:
            return [_follow(r) for r in conn.execute(sa.select(f).order_by(f.c.id))]

    def get_follow(self, user_id: int, follow_id: int) -> Follow | None:
        """A follow of this user (another user's id finds nothing)."""
        f = at.follows
        with self._read() as conn:
            row = conn.execute(
                sa.select(f).where(f.c.id == follow_id, f.c.user_id == user_id)
            ).first()
        return _follow(row) if row else None

    def find_follow(self, user_id: int, kind: str, target: str) -> Follow | None:
        f = at.follows
        with self._read() as conn:
            row = conn.execute(
                sa.select(f).where(
                    f.c.user_id == user_id, f.c.kind == kind, f.c.target == target.strip()
                )
            ).first()
        return _follow(row) if row else None

    def remove_follow(self, user_id: int, follow_id: int) -> bool:
        f = at.follows
        with self.store.transaction() as conn:
            done = conn.execute(f.delete().where(f.c.id == follow_id, f.c.user_id == user_id))
        return bool(done.rowcount)

    def last_visits(self, user_id: int) -> dict[int, datetime]:
        f = at.follows
        with self._read() as conn:
            rows = conn.execute(sa.select(f.c.id, f.c.last_visit_at).where(f.c.user_id == user_id))
            return {r.id: r.last_visit_at for r in rows}

    def mark_visited(self, user_id: int, follow_ids: Iterable[int], *, now: datetime) -> None:
        ids = list(follow_ids)
        if not ids:
            return
        f = at.follows
        with self.store.transaction() as conn:
            conn.execute(
                f.update().where(f.c.user_id == user_id, f.c.id.in_(ids)).values(last_visit_at=now)
            )

    # -- private feed tokens --------------------------------------------------------------
    def new_feed_token(self, user_id: int, follow_id: int, *, now: datetime) -> str:
        """A new private feed token for a follow of this user; older ones stop working."""
        token = new_token()
        ft = at.feed_tokens
        with self.store.transaction() as conn:
            owned = conn.execute(
                sa.select(at.follows.c.id).where(
                    at.follows.c.id == follow_id, at.follows.c.user_id == user_id
                )
            ).first()
            if owned is None:
                raise NotFoundError("no such follow", message_ar="متابعة غير موجودة")
            conn.execute(ft.delete().where(ft.c.follow_id == follow_id))
            conn.execute(
                ft.insert().values(
                    follow_id=follow_id, token_hash=token_digest(token), created_at=now
                )
            )
        return token

    def revoke_feed_tokens(self, user_id: int, follow_id: int) -> bool:
        ft = at.feed_tokens
        owned = sa.select(at.follows.c.id).where(
            at.follows.c.id == follow_id, at.follows.c.user_id == user_id
        )
        with self.store.transaction() as conn:
            done = conn.execute(ft.delete().where(ft.c.follow_id.in_(owned)))
        return bool(done.rowcount)

    def follows_with_feeds(self, user_id: int) -> set[int]:
        ft, f = at.feed_tokens, at.follows
        with self._read() as conn:
            rows = conn.execute(
                sa.select(ft.c.follow_id)
                .join(f, f.c.id == ft.c.follow_id)
                .where(f.c.user_id == user_id)
            )
            return {r.follow_id for r in rows}

    def follow_for_feed_token(self, token: str) -> Follow | None:
        ft, f = at.feed_tokens, at.follows
        with self._read() as conn:
            row = conn.execute(
                sa.select(f)
                .join(ft, ft.c.follow_id == f.c.id)
                .where(ft.c.token_hash == token_digest(token))
            ).first()
        return _follow(row) if row else None

    # -- read state -----------------------------------------------------------------------
    def mark_read(self, user_id: int, article_ids: Sequence[int], *, now: datetime) -> None:
        ids = sorted(set(article_ids))
        if not ids:
            return
        ri = at.read_items
        with self.store.transaction() as conn:
            existing = {
                r.id for r in conn.execute(sa.select(articles.c.id).where(articles.c.id.in_(ids)))
            }
            stmt = self.store.insert(ri).on_conflict_do_nothing()
            rows = [
                {"user_id": user_id, "article_id": i, "read_at": now} for i in ids if i in existing
            ]
            if rows:
                conn.execute(stmt, rows)

    def mark_unread(self, user_id: int, article_ids: Sequence[int]) -> None:
        ids = sorted(set(article_ids))
        if not ids:
            return
        ri = at.read_items
        with self.store.transaction() as conn:
            conn.execute(ri.delete().where(ri.c.user_id == user_id, ri.c.article_id.in_(ids)))

    def read_ids(self, user_id: int, article_ids: Sequence[int]) -> set[int]:
        ids = sorted(set(article_ids))
        if not ids:
            return set()
        ri = at.read_items
        with self._read() as conn:
            rows = conn.execute(
                sa.select(ri.c.article_id).where(ri.c.user_id == user_id, ri.c.article_id.in_(ids))
            )
            return {r.article_id for r in rows}


__all__ = ["MAX_FOLLOWS", "Accounts", "Session", "UserToken"]
