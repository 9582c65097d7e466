"""The one polite fetcher: every request Marsad sends to the web goes through ``Fetcher.fetch``.

What it guarantees, per request:
- limits: at most ``global_concurrency`` requests in flight, ``per_host_concurrency`` per host,
  and ``per_host_delay`` seconds between two request starts to one host;
- robots.txt fetched once per host per ``Fetcher`` (or once for many, through a shared
  ``RobotsShare``) and honoured for our User-Agent;
- time: ``connect_timeout``, ``read_timeout`` between bytes, a deadline per exchange, and
  ``request_deadline`` for the whole fetch (every hop, in-place retry wait and the robots.txt it
  needs), so a server that drips one byte at a time cannot hold it past that; waiting for our
  own politeness turn is not counted (a long queue for one host is not the server's doing);
- size: ``max_body_bytes`` enforced while streaming, on the decoded bytes too (we inflate
  gzip/deflate ourselves with a cap, so a decompression bomb stops at the cap);
- redirects followed by hand (``max_redirects``), each hop re-checked; loops detected; a chain of
  permanent redirects (301/308) is reported in ``permanent_url`` so the stored URL is updated;
- conditional GET (``If-None-Match`` / ``If-Modified-Since``) and a SHA-256 of the body;
- 429 and 503 honoured: ``Retry-After`` (or exponential back-off) delays that host, short waits
  are retried in place, long ones raise ``RetryLaterError`` carrying the delay;
- SSRF guard: every connection resolves the host itself, refuses loopback, private, link-local,
  multicast and reserved addresses (unless ``allow_private_networks``) and connects to the very
  address it checked, so DNS rebinding between check and connect is not possible; before that,
  every hop's host is checked by ``urls.check_host`` (octal, hex, integer and shortened IPv4
  forms, IPv4-mapped IPv6, ``localhost``), the very check ``sources add`` makes.

Errors are ``marsad.errors.FetchError`` subclasses with one clear message.

Hooks: the per-host limits are kept by a ``HostGate`` the fetcher asks before each request and
tells after it (``LocalHostGate``, in this process, unless another is given), and robots.txt
rules go through a ``RobotsShare`` (the default: fetched by this fetcher). Workers on many
machines give gates and shares that also keep their limits and rules in Redis
(``marsad.scale.politeness``); the fetcher itself does not change.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import ipaddress
import logging
import socket
import time
import urllib.robotparser
import zlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from marsad.config import Settings
from marsad.errors import (
    BlockedAddressError,
    BodyTooLargeError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
    RedirectError,
    RetryLaterError,
    RobotsDisallowedError,
)
from marsad.ingest.urls import (
    absolute_url,
    blocked_address_error,
    check_host,
    host_key,
    is_blocked_address,
)

log = logging.getLogger(__name__)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_REDIRECTS = {301, 302, 303, 307, 308}
_PERMANENT = {301, 308}
_RETRY_STATUSES = {429, 503}
# Waits up to this long are done in place (then the request is retried); longer ones are left to
# the scheduler through RetryLaterError. One minute keeps a pass from stalling on one host.
MAX_INLINE_WAIT = 60.0
MAX_RETRIES = 2
BACKOFF_BASE = 1.0  # seconds; doubled per retry when the server sends no Retry-After
ROBOTS_MAX_BYTES = 512 * 1024  # Google reads the first 500 KiB of a robots.txt


@dataclass(frozen=True)
class FetchResult:
    """A completed fetch (status 2xx, or 304 for a conditional request)."""

    url: str  # what was asked for
    final_url: str  # after redirects
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None  # SHA-256 hex of the decoded body (None for a 304)
    permanent_url: str | None = None  # where a chain of 301/308 redirects led
    elapsed: float = 0.0

    @property
    def not_modified(self) -> bool:
        return self.status == 304


async def resolve_host(host: str, port: int, timeout: float) -> list[str]:
    """The addresses ``host`` resolves to (an IP literal resolves to itself)."""
    host = host.strip("[]")
    try:
        ipaddress.ip_address(host)
        return [host]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout
        )
    except TimeoutError:
        raise FetchTimeoutError(f"DNS lookup of {host} timed out") from None
    except OSError as exc:
        raise FetchError(f"DNS lookup of {host} failed: {exc.strerror or exc}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves, checks, then connects to the checked address (TLS still verifies the name)."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend, allow_private: bool) -> None:
        self._inner = inner
        self._allow_private = allow_private

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await resolve_host(host, port, timeout or 10.0)
        if not self._allow_private:
            blocked = [a for a in addresses if is_blocked_address(a)]
            if blocked:
                raise blocked_address_error(host, blocked[0])
        last: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout, OSError) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise FetchError("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _BodyDecoder:
    """Content-Encoding decoding with a cap on the decoded size (the decompression-bomb guard)."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.total = 0
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self._z: Any = None
        elif encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z = zlib.decompressobj()
        else:
            raise FetchError(f"unsupported Content-Encoding {encoding!r}")
        self._raw_deflate_tried = encoding != "deflate"

    def feed(self, chunk: bytes) -> bytes:
        room = self.limit - self.total + 1
        if self._z is None:
            out = chunk
        else:
            try:
                out = self._z.decompress(chunk, room)
            except zlib.error as exc:
                if not self._raw_deflate_tried and self.total == 0:
                    # Some servers send raw deflate (no zlib header) as "deflate".
                    self._raw_deflate_tried = True
                    self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                    return self.feed(chunk)
                raise FetchError(f"corrupt compressed body: {exc}") from None
            if self._z.unconsumed_tail:
                out += b"x"  # more output is pending: the cap is passed
        self.total += len(out)
        if self.total > self.limit:
            raise BodyTooLargeError(
                f"body larger than {self.limit} bytes"
                + (" once decompressed (decompression bomb?)" if self._z is not None else "")
            )
        return out


@dataclass
class _Budget:
    """What is left of one fetch's ``request_deadline``: network time and retry waits count."""

    total: float
    spent: float = 0.0

    def left(self) -> float:
        return self.total - self.spent

    def expired(self) -> FetchTimeoutError:
        return FetchTimeoutError(
            f"timed out: the request took more than {self.total:g}s in all (request_deadline)"
        )


@dataclass
class _Host:
    key: str = ""  # scheme://host[:port], as ``host_key`` names it
    robots: urllib.robotparser.RobotFileParser | None = None
    robots_loaded: bool = False
    robots_lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class HostGate:
    """Per-host politeness: the fetcher calls ``acquire`` before every request to a host (the
    host is ``host_key``'s ``scheme://host[:port]``) and ``release`` with its token after it,
    whatever happened; ``delay`` when the server asked for a pause (429/503, ``Retry-After``).

    Waiting in ``acquire`` is not counted against the request's deadline. A gate is used from
    one event loop (the fetcher's). Subclass it to keep the limits elsewhere too."""

    async def acquire(self, host: str) -> object:
        """Wait until a request to ``host`` may start; returns a token for ``release``."""
        raise NotImplementedError

    async def release(self, host: str, token: object) -> None:
        """The request that ``acquire`` let start is over (done, failed or cancelled)."""
        raise NotImplementedError

    def delay(self, host: str, seconds: float) -> None:
        """No request to ``host`` starts for ``seconds`` (the server asked so)."""
        raise NotImplementedError


@dataclass
class _Limits:
    slots: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0


class LocalHostGate(HostGate):
    """The limits of one process: ``per_host_concurrency`` requests at once to a host and
    ``per_host_delay`` seconds between two starts (the fetcher's default gate)."""

    def __init__(self, settings: Settings) -> None:
        self.concurrency = max(1, int(settings.per_host_concurrency))
        self.spacing = float(settings.per_host_delay)
        self._hosts: dict[str, _Limits] = {}

    def _limits(self, host: str) -> _Limits:
        limits = self._hosts.get(host)
        if limits is None:
            limits = self._hosts[host] = _Limits(asyncio.Semaphore(self.concurrency))
        return limits

    async def acquire(self, host: str) -> object:
        limits = self._limits(host)
        await limits.slots.acquire()
        try:
            async with limits.lock:
                now = time.monotonic()
                if limits.next_start > now:
                    await asyncio.sleep(limits.next_start - now)
                    now = time.monotonic()
                limits.next_start = now + self.spacing
        except BaseException:
            limits.slots.release()
            raise
        return None

    async def release(self, host: str, token: object) -> None:
        self._limits(host).slots.release()

    def delay(self, host: str, seconds: float) -> None:
        limits = self._limits(host)
        limits.next_start = max(limits.next_start, time.monotonic() + seconds)


# What a host's robots.txt came to, as a ``RobotsShare`` keeps it: everything allowed (none, or
# a 4xx, or unreadable), everything disallowed (5xx, RFC 9309 2.3.1.3), or the file's text.
ROBOTS_ALLOW = "allow"
ROBOTS_DENY = "deny"
ROBOTS_RULES = "rules\n"


class RobotsShare:
    """Where the fetcher gets a host's robots.txt rules: ``rules(host, fetch)`` returns them
    (``ROBOTS_ALLOW``, ``ROBOTS_DENY`` or ``ROBOTS_RULES`` + the file's text), calling
    ``fetch`` (one polite request for ``host``/robots.txt) when it does not know them. The
    fetcher asks once per host and keeps the answer; this default asks ``fetch`` every time.
    A share kept for many fetchers (Redis) lets one of them fetch the file for all."""

    async def rules(self, host: str, fetch: Callable[[], Awaitable[str]]) -> str:
        return await fetch()


def _retry_after(value: str | None, now: float) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, when - now)


def guarded_transport(
    *, allow_private_networks: bool, limits: httpx.Limits | None = None
) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose every connection goes through the SSRF guard: the name is
    resolved once, each address checked, and the connection made to the checked address (so a
    name that changes its answer in between cannot slip past). For the fetcher and for any
    other client that must not reach internal addresses (alert webhooks)."""
    transport = (
        httpx.AsyncHTTPTransport(retries=0)  # httpx's default pool limits
        if limits is None
        else httpx.AsyncHTTPTransport(retries=0, limits=limits)
    )
    pool = transport._pool
    pool._network_backend = _GuardedBackend(  # type: ignore[attr-defined]
        pool._network_backend,  # type: ignore[attr-defined]
        allow_private_networks,
    )
    return transport


class Fetcher:
    """Polite async HTTP fetcher. Use as ``async with Fetcher(settings) as fetcher``."""

    def __init__(
        self,
        settings: Settings,
        *,
        gate: HostGate | None = None,
        robots: RobotsShare | None = None,
    ) -> None:
        """``gate``: the per-host limits (default ``LocalHostGate``, this process's); ``robots``:
        where robots.txt rules come from (default: fetched by this fetcher, once per host)."""
        self.settings = settings
        self.gate = gate if gate is not None else LocalHostGate(settings)
        self.robots = robots if robots is not None else RobotsShare()
        self._global = asyncio.Semaphore(max(1, int(settings.global_concurrency)))
        self._hosts: dict[str, _Host] = {}
        transport = guarded_transport(
            allow_private_networks=bool(settings.allow_private_networks),
            limits=httpx.Limits(
                max_connections=max(1, int(settings.global_concurrency)),
                max_keepalive_connections=max(1, int(settings.global_concurrency)),
            ),
        )
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=None,
            ),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            trust_env=False,
        )
        # read_timeout bounds each silence; this bounds the whole exchange of one hop.
        self._deadline = float(settings.connect_timeout) + 2 * float(settings.read_timeout)
        self.requests = 0  # count of HTTP requests sent (robots.txt included), for summaries

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    # -- politeness -------------------------------------------------------------------------
    def _host(self, url: str) -> _Host:
        key = host_key(url)
        host = self._hosts.get(key)
        if host is None:
            host = self._hosts[key] = _Host(key=key)
        return host

    async def _allowed_by_robots(self, url: str, budget: _Budget) -> bool:
        if not self.settings.respect_robots:
            return True
        host = self._host(url)
        async with host.robots_lock:
            if not host.robots_loaded:
                text = await self.robots.rules(
                    host.key, lambda: self._load_robots(host.key, budget)
                )
                host.robots = _robots_parser(host.key, text)
                host.robots_loaded = True
        if host.robots is None:
            return True
        return host.robots.can_fetch(self.settings.user_agent, url)

    async def _load_robots(self, key: str, budget: _Budget) -> str:
        """The host's robots.txt as a ``RobotsShare`` keeps it (one request)."""
        robots_url = key + "/robots.txt"
        try:
            result = await self._fetch_hops(
                robots_url, {}, limit=ROBOTS_MAX_BYTES, accept="text/plain", budget=budget
            )
        except HTTPStatusError as exc:
            if exc.http_status >= 500:
                # RFC 9309 2.3.1.3: an unreachable robots.txt (5xx) means "disallow everything".
                return ROBOTS_DENY
            return ROBOTS_ALLOW  # 4xx: no rules, everything allowed
        except BlockedAddressError:
            raise
        except FetchError as exc:
            log.info("robots.txt of %s unreadable (%s); treating as allow-all", robots_url, exc)
            return ROBOTS_ALLOW
        return ROBOTS_RULES + result.body.decode("utf-8", "replace")

    # -- the request ------------------------------------------------------------------------
    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> FetchResult:
        """GET ``url`` politely. Raises a ``FetchError`` subclass with one clear message."""
        conditional: dict[str, str] = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        return await self._fetch_hops(
            url,
            conditional,
            limit=int(self.settings.max_body_bytes),
            accept=accept,
            robots=True,
            budget=_Budget(float(self.settings.request_deadline)),
        )

    async def _fetch_hops(
        self,
        url: str,
        conditional: dict[str, str],
        *,
        limit: int,
        accept: str,
        budget: _Budget,
        robots: bool = False,
    ) -> FetchResult:
        started = time.monotonic()
        current = url
        seen = {url}
        permanent: str | None = None
        all_permanent = True
        for _hop in range(int(self.settings.max_redirects) + 1):
            self._check_host(current)
            if robots and not await self._allowed_by_robots(current, budget):
                raise RobotsDisallowedError(
                    f"robots.txt disallows {current} for our User-Agent",
                    message_ar=f"ملف robots.txt يمنع جلب {current}",
                )
            status, headers, body = await self._one_request(
                current, conditional, limit, accept, budget
            )
            if status in _REDIRECTS:
                location = absolute_url(headers.get("location"), current)
                if location is None:
                    raise RedirectError(
                        f"HTTP {status} redirect without a usable http(s) Location "
                        f"({str(headers.get('location'))[:200]!r})"
                    )
                all_permanent = all_permanent and status in _PERMANENT
                permanent = location if all_permanent else None
                if location in seen:
                    raise RedirectError(f"redirect loop at {location}")
                seen.add(location)
                current = location
                continue
            if status == 304:
                return FetchResult(
                    url=url,
                    final_url=current,
                    status=304,
                    headers=headers,
                    etag=headers.get("etag") or conditional.get("If-None-Match"),
                    last_modified=headers.get("last-modified")
                    or conditional.get("If-Modified-Since"),
                    permanent_url=permanent,
                    elapsed=time.monotonic() - started,
                )
            return FetchResult(
                url=url,
                final_url=current,
                status=status,
                headers=headers,
                body=body,
                etag=headers.get("etag"),
                last_modified=headers.get("last-modified"),
                content_hash=hashlib.sha256(body).hexdigest(),
                permanent_url=permanent,
                elapsed=time.monotonic() - started,
            )
        raise RedirectError(f"more than {self.settings.max_redirects} redirects from {url}")

    def _check_host(self, url: str) -> None:
        """The DNS-free part of the guard, on every hop (a redirect may lead to ``0177.0.0.1``,
        which HTTP clients refuse to parse and browsers read as loopback)."""
        try:
            check_host(
                urlsplit(url).hostname or "",
                allow_private_networks=bool(self.settings.allow_private_networks),
            )
        except InvalidURLError as exc:
            raise FetchError(exc.message, message_ar=exc.message_ar) from None

    async def _one_request(
        self, url: str, conditional: dict[str, str], limit: int, accept: str, budget: _Budget
    ) -> tuple[int, dict[str, str], bytes]:
        """One hop, with 429/503 retries. Returns (status, headers, body) for 2xx/3xx/304."""
        host = host_key(url)
        attempt = 0
        while True:
            token = await self.gate.acquire(host)
            try:
                async with self._global:
                    status, headers, body = await self._exchange(
                        url, conditional, limit, accept, budget
                    )
            finally:
                await asyncio.shield(self.gate.release(host, token))
            if status < 400:
                return status, headers, body
            if status not in _RETRY_STATUSES:
                raise HTTPStatusError(
                    f"HTTP {status} {_reason(status)}".rstrip(), http_status=status
                )
            wait = _retry_after(headers.get("retry-after"), time.time())
            if wait is None:
                wait = BACKOFF_BASE * (2**attempt)
            self.gate.delay(host, wait)
            if attempt >= MAX_RETRIES or wait > MAX_INLINE_WAIT or wait >= budget.left():
                raise RetryLaterError(
                    f"HTTP {status} {_reason(status)}: server asks to retry later"
                    + (f" (after {wait:.0f}s)" if wait else ""),
                    http_status=status,
                    retry_after=wait,
                )
            attempt += 1
            budget.spent += wait  # the server's doing: counts against the deadline
            log.info("HTTP %s from %s; retrying in %.1fs", status, url, wait)

    async def _exchange(
        self, url: str, conditional: dict[str, str], limit: int, accept: str, budget: _Budget
    ) -> tuple[int, dict[str, str], bytes]:
        left = budget.left()
        if left <= 0:
            raise budget.expired()
        overall = left < self._deadline  # which limit ends this exchange, for the message
        self.requests += 1
        began = time.monotonic()
        try:
            async with asyncio.timeout(min(left, self._deadline)):
                request = self._client.build_request(
                    "GET", url, headers={"Accept": accept, **conditional}
                )
                response = await self._client.send(request, stream=True)
                try:
                    headers = {k.lower(): v for k, v in response.headers.items()}
                    status = response.status_code
                    if status >= 300:
                        await _drain(response)
                        return status, headers, b""
                    declared = headers.get("content-length", "").strip()
                    if declared.isdigit() and int(declared) > limit:
                        raise BodyTooLargeError(
                            f"body of {int(declared)} bytes is larger than the {limit} byte limit"
                        )
                    decoder = _BodyDecoder(headers.get("content-encoding", ""), limit)
                    # BytesIO hands its buffer over without a copy: a list of chunks joined at
                    # the end held the body twice (90 MB at the peak for a 45 MB feed).
                    body = io.BytesIO()
                    async for chunk in response.aiter_raw():
                        if response.num_bytes_downloaded > limit:
                            raise BodyTooLargeError(f"body larger than {limit} bytes")
                        body.write(decoder.feed(chunk))
                    return status, headers, body.getvalue()
                finally:
                    await response.aclose()
        except TimeoutError:
            if overall:
                raise budget.expired() from None
            raise FetchTimeoutError(
                f"timed out: no complete response within {self._deadline:.0f}s"
            ) from None
        except httpx.ConnectTimeout:
            raise FetchTimeoutError(
                f"connect timeout after {self.settings.connect_timeout:g}s"
            ) from None
        except httpx.TimeoutException:
            raise FetchTimeoutError(
                f"read timeout: no data for {self.settings.read_timeout:g}s"
            ) from None
        except httpx.ConnectError as exc:
            text = str(exc)
            if "SSL" in text or "CERTIFICATE" in text.upper() or "TLS" in text:
                raise FetchError(f"TLS error: {text[:200]}") from None
            raise FetchError(f"connection failed: {text[:200] or type(exc).__name__}") from None
        except httpx.RemoteProtocolError as exc:
            raise FetchError(f"protocol error: {str(exc)[:200]}") from None
        except httpx.InvalidURL as exc:  # not an httpx.HTTPError: it escaped as "internal error"
            raise FetchError(f"invalid URL: {str(exc)[:200]}") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {str(exc)[:200]}") from None
        finally:
            budget.spent += time.monotonic() - began


def _robots_parser(key: str, rules: str) -> urllib.robotparser.RobotFileParser | None:
    """The parser for what ``RobotsShare.rules`` gave (None: everything allowed)."""
    if rules == ROBOTS_DENY:
        parser = urllib.robotparser.RobotFileParser(key + "/robots.txt")
        parser.disallow_all = True  # type: ignore[attr-defined]
        return parser
    if not rules.startswith(ROBOTS_RULES):
        return None
    parser = urllib.robotparser.RobotFileParser(key + "/robots.txt")
    parser.parse(rules[len(ROBOTS_RULES) :].splitlines())
    return parser


# Reading a short error or redirect body to its end lets the connection be reused (keep-alive);
# longer ones are not worth the bytes, and the connection is closed instead.
_DRAIN_LIMIT = 64 * 1024


async def _drain(response: httpx.Response) -> None:
    read = 0
    async for chunk in response.aiter_raw():
        read += len(chunk)
        if read > _DRAIN_LIMIT:
            return


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


__all__ = [
    "FEED_ACCEPT",
    "PAGE_ACCEPT",
    "FetchResult",
    "FetchTimeoutError",
    "Fetcher",
    "HostGate",
    "LocalHostGate",
    "RedirectError",
    "RetryLaterError",
    "RobotsShare",
    "guarded_transport",
    "is_blocked_address",
]
