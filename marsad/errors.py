"""The one exception tree of Marsad.

    MarsadError                      root; every error we raise on purpose
    ├── UserError                    the person asked for something we cannot do (CLI exit 2, HTTP 400)
    │   ├── ConfigError              a bad setting, config file or flag value
    │   ├── InvalidURLError          a URL that is not http(s) or is malformed
    │   ├── NotFoundError            an unknown source, article, story... (HTTP 404)
    │   ├── QueryError               a search query we cannot repair
    │   ├── NotBuiltError            a command or feature not built yet (says so plainly)
    │   ├── UnauthorizedError        a write endpoint without the admin token (HTTP 401)
    │   ├── WritesDisabledError      write endpoints with no admin token configured (HTTP 403)
    │   ├── LoginRequired            a page or read that needs a signed-in reader (pages go to
    │   │                            /login, the API answers 401)
    │   └── ForbiddenError           a form without the right CSRF token (HTTP 403)
    ├── StorageError                 the database is read-only, full or corrupt
    │   ├── StorageUnavailable       the database is down or refuses connections (HTTP 503,
    │   │                            ``Retry-After``; the CLI prints one line, exit 2)
    │   └── MigrationError           the schema could not be brought up to date
    ├── FetchError                   a network fetch failed (recorded on the source, batch goes on)
    │   ├── BlockedAddressError      the URL resolves to a private / loopback address (SSRF guard)
    │   ├── RobotsDisallowedError    robots.txt forbids the URL for our User-Agent
    │   ├── BodyTooLargeError        the body passed the size cap (or a decompression bomb)
    │   ├── FetchTimeoutError        connect, read or whole-request deadline passed
    │   ├── RedirectError            a redirect loop, too many redirects, or a non-http(s) target
    │   └── HTTPStatusError          a non-success HTTP status
    │       └── RetryLaterError      429 / 503 after the retries (carries ``retry_after``)
    ├── MediaError                   a picture the media proxy will not show (logged; a 404)
    ├── BrokerUnavailable            RabbitMQ or Redis (``marsad worker``, ``scheduler``,
    │                                ``status``, ``tasks``) cannot be reached (CLI exit 2)
    └── TranslationError             the translation engine or model failed or is missing

Errors that reach HTTP carry ``status``; errors shown to people carry an English message and,
where we have one, an Arabic one (``message_ar``). Bad input from the web (a feed that does not
parse, a page with no article) is recorded on the result, never raised, so it has no class here.
"""

from __future__ import annotations


class MarsadError(Exception):
    """Root of every error Marsad raises on purpose."""

    status: int = 500
    code: str = "internal_error"

    def __init__(self, message: str, *, message_ar: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_ar = message_ar or message


class UserError(MarsadError):
    status = 400
    code = "bad_request"


class ConfigError(UserError):
    code = "bad_config"


class InvalidURLError(UserError):
    code = "invalid_url"


class NotFoundError(UserError):
    status = 404
    code = "not_found"


class QueryError(UserError):
    code = "bad_query"


class NotBuiltError(UserError):
    status = 501
    code = "not_built"


class UnauthorizedError(UserError):
    status = 401
    code = "unauthorized"


class WritesDisabledError(UserError):
    status = 403
    code = "writes_disabled"


class LoginRequired(UserError):
    """A page or API read that needs a signed-in user: pages redirect to /login, the API 401s."""

    status = 401
    code = "unauthorized"


class ForbiddenError(UserError):
    """A form without the right CSRF token, or an object that is not the caller's (HTTP 403)."""

    status = 403
    code = "forbidden"


class StorageError(MarsadError):
    status = 503
    code = "storage_error"


class StorageUnavailable(StorageError):
    """The database cannot be reached or refuses: a state that passes, so callers may retry."""

    code = "storage_unavailable"
    # What the site tells clients in ``Retry-After``: the PostgreSQL pool checks a connection
    # before use, so the first request after the database is back succeeds.
    retry_after: int = 10

    def __init__(
        self,
        message: str = "the database is unavailable, try again shortly",
        *,
        message_ar: str | None = "قاعدة البيانات غير متاحة الآن، حاول بعد قليل",
    ) -> None:
        super().__init__(message, message_ar=message_ar)


class MigrationError(StorageError):
    code = "migration_error"


class FetchError(MarsadError):
    status = 502
    code = "fetch_error"


class BlockedAddressError(FetchError):
    code = "blocked_address"


class RobotsDisallowedError(FetchError):
    code = "robots_disallowed"


class BodyTooLargeError(FetchError):
    code = "body_too_large"


class HTTPStatusError(FetchError):
    code = "http_status"

    def __init__(self, message: str, *, http_status: int, message_ar: str | None = None) -> None:
        super().__init__(message, message_ar=message_ar)
        self.http_status = http_status


class RetryLaterError(HTTPStatusError):
    """429 / 503 still answered after the retries: come back after ``retry_after`` seconds."""

    code = "retry_later"

    def __init__(self, message: str, *, http_status: int, retry_after: float | None) -> None:
        super().__init__(message, http_status=http_status)
        self.retry_after = retry_after


class FetchTimeoutError(FetchError):
    code = "timeout"


class RedirectError(FetchError):
    """A redirect loop, too many redirects, or a redirect to something that is not http(s)."""

    code = "redirect"


class MediaError(MarsadError):
    """An image that will not be shown (the reason is logged, the reader gets a 404)."""

    status = 404
    code = "media_refused"


class BrokerUnavailable(MarsadError):
    """The task broker (RabbitMQ) or Redis cannot be reached, or refuses us."""

    status = 503
    code = "broker_unavailable"


class TranslationError(MarsadError):
    status = 503
    code = "translation_error"


__all__ = [
    "BlockedAddressError",
    "BodyTooLargeError",
    "BrokerUnavailable",
    "ConfigError",
    "FetchError",
    "FetchTimeoutError",
    "ForbiddenError",
    "HTTPStatusError",
    "InvalidURLError",
    "LoginRequired",
    "MarsadError",
    "MediaError",
    "MigrationError",
    "NotBuiltError",
    "NotFoundError",
    "QueryError",
    "RedirectError",
    "RetryLaterError",
    "RobotsDisallowedError",
    "StorageError",
    "StorageUnavailable",
    "TranslationError",
    "UnauthorizedError",
    "UserError",
    "WritesDisabledError",
]
