"""Signed webhooks and retry timing.

A webhook is a POST of the alert's JSON with three headers a receiver checks:
``X-Marsad-Timestamp`` (Unix seconds), ``X-Marsad-Signature`` (``sha256=`` + HMAC-SHA256, with
the rule's secret, of ``"<timestamp>.<body>"``: a receiver refuses an old timestamp, so a
captured request cannot be replayed later) and ``X-Marsad-Delivery`` (the delivery's id, the
same on every try: the receiver's idempotency key, see docs/alerts.md "exactly once").

Connections go through the fetcher's SSRF guard (``marsad.ingest.fetcher``): the host is
resolved, loopback/private/link-local addresses are refused unless the setting
``alerts_allow_private_networks`` allows them, and the checked address is the one connected to.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from marsad.errors import InvalidURLError, MarsadError
from marsad.ingest.fetcher import guarded_transport
from marsad.ingest.urls import check_host, validate_http_url

SIGNATURE_HEADER = "X-Marsad-Signature"
TIMESTAMP_HEADER = "X-Marsad-Timestamp"
DELIVERY_HEADER = "X-Marsad-Delivery"
EVENT_HEADER = "X-Marsad-Event"
# The longest wait between two tries: past a day, a receiver is down, not busy.
MAX_BACKOFF = timedelta(days=1)
# A receiver has this long to answer (connect and read each): a webhook does little work.
TIMEOUT_SECONDS = 10.0


def body_bytes(payload: Mapping[str, Any]) -> bytes:
    """The JSON body: UTF-8, Arabic unescaped, keys sorted (the same bytes on every try)."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of ``"<timestamp>.<body>"`` with ``secret``."""
    mac = hmac.new(secret.encode("utf-8"), str(timestamp).encode("ascii") + b"." + body, "sha256")
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (timing-safe); the tests' receiver uses it too."""
    if not timestamp.isdigit():
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)


def backoff(attempt: int, base: float, rng: random.Random | None = None) -> timedelta:
    """Wait before try ``attempt + 1``: ``base`` doubled per try, at most a day, times a
    random factor in [0.5, 1.5) so receivers that failed together are not retried together."""
    factor = (rng or random.Random()).uniform(0.5, 1.5)
    seconds = min(MAX_BACKOFF.total_seconds(), base * (2 ** max(0, attempt - 1)))
    return timedelta(seconds=seconds * factor)


def validate_webhook_url(url: str, *, allow_private_networks: bool) -> str:
    """The URL cleaned, or ``InvalidURLError``: http(s) with a host, and no loopback or
    private address literal unless allowed (names are checked again when connecting)."""
    cleaned = validate_http_url(url)
    try:
        check_host(urlsplit(cleaned).hostname or "", allow_private_networks=allow_private_networks)
    except MarsadError as exc:
        raise InvalidURLError(exc.message, message_ar=exc.message_ar) from None
    return cleaned


@dataclass(frozen=True)
class WebhookResult:
    ok: bool
    status: int | None = None
    error: str | None = None


class WebhookSender:
    """One guarded HTTP client for every webhook of a sender pass."""

    def __init__(self, *, allow_private_networks: bool, user_agent: str) -> None:
        self.allow_private = allow_private_networks
        self._client = httpx.AsyncClient(
            transport=guarded_transport(allow_private_networks=allow_private_networks),
            follow_redirects=False,  # a redirect could lead past the guard's first answer
            timeout=httpx.Timeout(TIMEOUT_SECONDS),
            headers={"User-Agent": user_agent},
            trust_env=False,
        )

    async def send(
        self, url: str, *, secret: str, delivery_id: int, event: str, body: bytes, now: int
    ) -> WebhookResult:
        """POST once; ok on any 2xx. Never raises for the receiver's failures."""
        try:
            validate_webhook_url(url, allow_private_networks=self.allow_private)
            response = await self._client.post(
                url,
                content=body,
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    TIMESTAMP_HEADER: str(now),
                    SIGNATURE_HEADER: sign(secret, now, body),
                    DELIVERY_HEADER: str(delivery_id),
                    EVENT_HEADER: event,
                },
            )
        except MarsadError as exc:
            return WebhookResult(False, error=exc.message)
        except httpx.HTTPError as exc:
            return WebhookResult(False, error=f"{type(exc).__name__}: {exc}"[:300])
        if 200 <= response.status_code < 300:
            return WebhookResult(True, response.status_code)
        return WebhookResult(False, response.status_code, f"HTTP {response.status_code}")

    async def aclose(self) -> None:
        await self._client.aclose()


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


__all__ = [
    "DELIVERY_HEADER",
    "EVENT_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "WebhookResult",
    "WebhookSender",
    "backoff",
    "body_bytes",
    "sign",
    "validate_webhook_url",
    "verify",
]
