"""Who is asking: sessions, user API tokens, the admin token, CSRF, and the read gate.

A request is signed in by a session cookie (``marsad_session``: a random id whose SHA-256 the
store keeps, with the session's CSRF secret) or by ``Authorization: Bearer <user token>``. Both
are looked up in the store on every request, so a removed account or a revoked token loses
access at once. The admin token (setting ``admin_token``) is not a user: it keeps working for
automation (writes, and reads when ``anonymous_reading`` is off).

Forms carry the session's CSRF secret (synchroniser token) in a hidden ``csrf`` field, checked
with ``hmac.compare_digest``; the login form, shown before any session exists, carries a random
value that must match its own HttpOnly cookie (``marsad_login``). Each page shows the secret
masked anew (XOR with a random pad, the pad sent with it), so a compressed page over TLS gives
nothing to a BREACH-style guesser. Over HTTPS the cookies are named ``__Host-marsad_session``
and ``__Host-marsad_login``: a browser takes such a cookie only from this host itself, Secure
and for path /, so a sibling subdomain cannot plant one (cookie tossing). A sign-in the browser
marks as sent from another site (``Sec-Fetch-Site``) is refused (login CSRF). Nothing here logs
a password, a token or a session id.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import ipaddress
import logging
import os
import secrets
import weakref
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from marsad.accounts.model import User
from marsad.errors import ForbiddenError, LoginRequired
from marsad.store.accounts import Accounts
from marsad.web.state import WebState, web_state

log = logging.getLogger(__name__)

SESSION_COOKIE = "marsad_session"
LOGIN_COOKIE = "marsad_login"
HOST_PREFIX = "__Host-"  # the name a Secure cookie of this host alone carries
CSRF_FIELD = "csrf"
_USER_KEY = "marsad_user"
_NO_USER = object()


def accounts_of(st: WebState) -> Accounts:
    """The account storage over the site's store (a thin wrapper: nothing cached in it)."""
    return Accounts(st.store)


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return None
    return given.strip()


def is_admin_token(request: Request) -> bool:
    """Whether the request carries the configured admin token (timing-safe)."""
    token = web_state(request).settings.admin_token or ""
    given = _bearer(request)
    if not token or given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))


def _resolve(request: Request) -> tuple[User | None, str | None]:
    """(user, CSRF secret of the session) from the store; cached on the request."""
    state = request.scope.setdefault("state", {})
    cached = state.get(_USER_KEY)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    st = web_state(request)
    now = st.clock()
    found: tuple[User | None, str | None] = (None, None)
    bearer = _bearer(request)
    if bearer is not None and not is_admin_token(request):
        user = accounts_of(st).user_for_token(bearer, now=now)
        if user is not None:
            found = (user, None)
    elif session_id := session_cookie(request):
        session = accounts_of(st).session(session_id, now=now) if len(session_id) < 200 else None
        if session is not None:
            found = (session.user, session.csrf_secret)
    state[_USER_KEY] = found
    return found


def current_user(request: Request) -> User | None:
    """The signed-in user (session or user API token), or None."""
    return _resolve(request)[0]


def require_user(request: Request) -> User:
    """The signed-in user; else LoginRequired (pages: a redirect to /login; API: 401 JSON)."""
    user = current_user(request)
    if user is None:
        raise LoginRequired(
            "sign in, or send 'Authorization: Bearer <user token>'",
            message_ar="سجّل الدخول أو أرسل 'Authorization: Bearer <user token>'",
        )
    return user


def signed_in_by_token(request: Request) -> bool:
    """Whether the request's user came from ``Authorization: Bearer <user token>`` (no session:
    a browser never sends such a header on its own, so a write that carries it needs no CSRF)."""
    user, secret = _resolve(request)
    return user is not None and secret is None


def cookie_name(request: Request, name: str) -> str:
    """``name`` as this request's cookies carry it: ``__Host-`` when they are Secure."""
    return HOST_PREFIX + name if secure_cookie(request) else name


def cookie_path(request: Request, path: str) -> str:
    """A ``__Host-`` cookie must be for path /."""
    return "/" if secure_cookie(request) else path


def session_cookie(request: Request) -> str | None:
    """The session id this request sent, if any (not yet checked against the store)."""
    return request.cookies.get(cookie_name(request, SESSION_COOKIE)) or None


def login_cookie(request: Request) -> str | None:
    return request.cookies.get(cookie_name(request, LOGIN_COOKIE)) or None


def mask(secret: str) -> str:
    """``secret`` as a page shows it: a random pad and the secret XOR the pad (base64url), new
    for each response, so the bytes of a page never repeat the secret (BREACH)."""
    raw = secret.encode()
    pad = secrets.token_bytes(len(raw))
    masked = bytes(a ^ b for a, b in zip(pad, raw, strict=True))
    return base64.urlsafe_b64encode(pad + masked).decode().rstrip("=")


def _unmask(given: str) -> bytes:
    try:
        data = base64.urlsafe_b64decode(given + "=" * (-len(given) % 4))
    except (binascii.Error, ValueError):
        return b""
    half = len(data) // 2
    if not half or len(data) % 2:
        return b""
    return bytes(a ^ b for a, b in zip(data[:half], data[half:], strict=True))


def _matches(given: object, secret: str) -> bool:
    """A form's token against the secret: masked (as pages show it) or plain (timing-safe)."""
    if not secret or not isinstance(given, str) or not given or len(given) > 400:
        return False
    expected = secret.encode("utf-8")
    plain = hmac.compare_digest(given.encode("utf-8", "replace"), expected)
    return hmac.compare_digest(_unmask(given), expected) or plain


def csrf_token(request: Request) -> str:
    """The token a form of this session must carry, masked anew ("" without a session)."""
    secret = _resolve(request)[1]
    return mask(secret) if secret else ""


def check_csrf(request: Request, form: Mapping[str, Any]) -> None:
    """Refuse (403) a form whose CSRF token is missing or is not this session's."""
    if not _matches(form.get(CSRF_FIELD), _resolve(request)[1] or ""):
        raise _csrf_refused()


def check_login_csrf(request: Request, form: Mapping[str, Any]) -> None:
    """The login form's checks: not sent from another site (``Sec-Fetch-Site``, which browsers
    set and pages cannot), its cookie is a token this site made (signed with the site's login
    key: a value planted by another host, over plain HTTP, is none), and its field matches the
    cookie (double submit)."""
    if request.headers.get("sec-fetch-site", "").lower() in ("cross-site", "same-site"):
        raise _csrf_refused()
    cookie = login_cookie(request) or ""
    if not login_token_valid(request, cookie) or not _matches(form.get(CSRF_FIELD), cookie):
        raise _csrf_refused()


# The key that signs login tokens: 32 random bytes in $MARSAD_HOME/login_key (mode 0600),
# shared by the processes of one home, made at first use.
_LOGIN_KEYS: dict[Path, bytes] = {}


def _login_key(request: Request) -> bytes:
    path = Path(web_state(request).settings.home) / "login_key"
    key = _LOGIN_KEYS.get(path)
    if key is not None:
        return key
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_bytes()
    except OSError as exc:  # a read-only home: a key for this process alone
        log.warning("cannot keep the login key in %s (%s); using one for this process", path, exc)
        key = secrets.token_bytes(32)
    else:
        key = secrets.token_bytes(32)
        with os.fdopen(fd, "wb") as f:
            f.write(key)
    if len(key) < 32:  # another process is writing it this moment: read it again
        key = path.read_bytes()
    _LOGIN_KEYS[path] = key
    return key


def _login_signature(request: Request, nonce: str) -> str:
    digest = hmac.new(_login_key(request), b"marsad-login:" + nonce.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def new_login_token(request: Request) -> str:
    """A login form's token: a random nonce and its signature by the site's login key."""
    nonce = secrets.token_urlsafe(24)
    return f"{nonce}.{_login_signature(request, nonce)}"


def login_token_valid(request: Request, token: str) -> bool:
    nonce, _, signature = token.partition(".")
    if not nonce or not signature or len(token) > 200:
        return False
    expected = _login_signature(request, nonce)
    return hmac.compare_digest(signature.encode("utf-8", "replace"), expected.encode())


def _csrf_refused() -> ForbiddenError:
    return ForbiddenError(
        "the form is stale or came from another site: reload the page and try again",
        message_ar="النموذج قديم أو جاء من موقع آخر: أعد تحميل الصفحة وحاول ثانية",
    )


def secure_cookie(request: Request) -> bool:
    mode = web_state(request).settings.secure_cookies
    if mode == "always":
        return True
    if mode == "never":
        return False
    return request.url.scheme == "https"


def safe_next(value: str | None, default: str = "/me") -> str:
    """A same-site path to go back to after a form (no open redirect to another host)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value[:2000]


def login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


# -- signing in (the site's form and reader apps' ClientLogin) --------------------------------
# One lock per account name in this process: guesses at one name are checked one at a time, so
# a burst of them cannot keep many argon2 checks (and the thread pool) busy at once. Weak
# values: a name nobody is signing in with costs nothing.
_NAME_LOCKS: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


def address_bucket(request: Request) -> str:
    """The client address that login failures are counted by: an IPv6 address by its /64
    (one host is usually given a whole /64, so counting single addresses counts nothing)."""
    host = request.client.host if request.client else "unknown"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host[:100]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


async def attempt_login(
    request: Request, name: str, password: str
) -> User | Literal["limited"] | None:
    """Check a name and password under the login rate limits: the user, None when wrong, or
    "limited" when the account or the address has had too many failures in the window.

    The attempt is recorded as a failure *before* argon2 runs (``reserve_login_attempt``) and
    the record is removed when it succeeds, so guesses sent all at once are cut at the limit
    like guesses sent one by one. Store calls and argon2 run in the thread pool."""
    st = web_state(request)
    acc = accounts_of(st)
    now = st.clock()
    since = now - timedelta(seconds=st.settings.login_window_seconds)
    limit = st.settings.login_max_failures
    address = address_bucket(request)
    lock = _NAME_LOCKS.get(name)
    if lock is None:
        lock = _NAME_LOCKS[name] = asyncio.Lock()
    async with lock:
        attempt = await run_in_threadpool(
            acc.reserve_login_attempt,
            name,
            address,
            since=since,
            now=now,
            max_by_name=limit,
            max_by_address=4 * limit,
        )
        if attempt is None:
            return "limited"
        user = await run_in_threadpool(acc.check_login, name, password)
        if user is None:
            return None
        await run_in_threadpool(acc.login_succeeded, attempt)
    # What is out of the window counts no more.
    await run_in_threadpool(acc.forget_login_failures, since)
    return user


# Paths open to everyone even when anonymous reading is off: signing in, the static files, the
# reader-app protocol and private feeds (each authenticates on its own).
_OPEN_PREFIXES = ("/login", "/static/", "/p/", "/api/greader.php", "/reader/api/", "/accounts/")
_OPEN_PATHS = {"/robots.txt", "/logout"}


class ReadGate:
    """ASGI middleware: with ``anonymous_reading`` off, every page, feed and API read needs a
    user (or the admin token); the lookup runs in the thread pool and is kept on the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        st = web_state(request)
        path = scope["path"]
        if (
            st.settings.anonymous_reading
            or path in _OPEN_PATHS
            or path.startswith(_OPEN_PREFIXES)
            or is_admin_token(request)
        ):
            await self.app(scope, receive, send)
            return
        user = await run_in_threadpool(current_user, request)
        if user is not None:
            await self.app(scope, receive, send)
            return
        response: Response
        if path.startswith("/api/") or "/feeds/" in path or path == "/openapi.json":
            response = JSONResponse(
                {
                    "error": {
                        "code": "unauthorized",
                        "message": "sign in, or send 'Authorization: Bearer <user token>'",
                        "message_ar": "سجّل الدخول أو أرسل 'Authorization: Bearer <user token>'",
                    }
                },
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="marsad"'},
            )
        else:
            response = login_redirect(request)
        await response(scope, receive, send)


__all__ = [
    "CSRF_FIELD",
    "HOST_PREFIX",
    "LOGIN_COOKIE",
    "SESSION_COOKIE",
    "ForbiddenError",
    "LoginRequired",
    "ReadGate",
    "accounts_of",
    "address_bucket",
    "attempt_login",
    "check_csrf",
    "check_login_csrf",
    "cookie_name",
    "cookie_path",
    "csrf_token",
    "current_user",
    "is_admin_token",
    "login_cookie",
    "login_redirect",
    "login_token_valid",
    "mask",
    "new_login_token",
    "require_user",
    "safe_next",
    "secure_cookie",
    "session_cookie",
    "signed_in_by_token",
]
