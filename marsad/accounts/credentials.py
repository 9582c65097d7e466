"""Passwords, tokens and the checks on names: pure functions (no storage, no clock).

Tokens (API tokens, session ids, private feed tokens, CSRF secrets) are 32 random bytes from
``secrets``; the database keeps only their SHA-256, so a token is looked up by its digest (an
index lookup, nothing compared byte by byte in Python) and a leaked table opens nothing.
Passwords are argon2id hashes with OWASP's minimum parameters (19 MiB, two passes, one lane):
argon2-cffi's defaults (64 MiB, three passes) took ~0.8 s a login on the loaded two-core box.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from marsad.accounts.model import LANGUAGES, ROLES
from marsad.errors import UserError

TOKEN_BYTES = 32
MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # argon2 takes any length; a cap keeps a login from costing more than it should
_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")

_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified when the account does not exist, so a login costs the same either way (no user
# enumeration by timing).
_DUMMY_HASH = _HASHER.hash("marsad-no-such-user")


def new_token() -> str:
    """A fresh random token, URL-safe (43 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """What the database stores for ``token``: its SHA-256 in hex."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def same_secret(a: str, b: str) -> bool:
    """Timing-safe equality of two secrets."""
    return hmac.compare_digest(
        a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass")
    )


def hash_password(password: str) -> str:
    check_password(password)
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; a missing account (``None``) costs one verification too."""
    if len(password) > MAX_PASSWORD:
        return False
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"a password has at most {MAX_PASSWORD} characters")


def check_name(name: str) -> str:
    """A user name: letters, digits and ``_ . @ -``, 1-64 characters (kept as typed)."""
    if not _NAME.match(name):
        raise UserError("a user name is 1-64 letters, digits or _ . @ -")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    return role


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise UserError(f"language must be one of {', '.join(LANGUAGES)}")
    return language


__all__ = [
    "check_language",
    "check_name",
    "check_password",
    "check_role",
    "hash_password",
    "new_token",
    "same_secret",
    "token_digest",
    "verify_password",
]
