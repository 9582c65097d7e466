"""The task engine's plumbing: the Dramatiq broker on RabbitMQ, queue names, queue depths, dead
letters, and the Redis client. Every failure to reach RabbitMQ or Redis becomes one
``BrokerUnavailable`` (the CLI prints one ``marsad: error:`` line and exits 2).

Queues (``<queue_prefix>.<kind>``): ``fetch`` (``fetch_source``), ``group`` (``group``). Dramatiq
declares beside each its delay queue (``.DQ``, retries waiting for their back-off) and its
dead-letter queue (``.XQ``, messages that failed every retry; kept 7 days).
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from marsad.config import Settings
from marsad.errors import BrokerUnavailable, ConfigError

log = logging.getLogger(__name__)

QUEUE_KINDS = ("fetch", "article", "analyse", "group", "translate")
# Retries of a failed message, with exponential back-off from MIN, doubled each time, to MAX
# (then a dead letter): 15 s, 30 s, 1, 2 and 4 min, about 8 minutes in all, long enough for
# a database or broker restart.
MAX_RETRIES = 5
MIN_BACKOFF_MS = 15_000
MAX_BACKOFF_MS = 300_000
# How long a connection attempt to RabbitMQ or Redis may take before it counts as unreachable.
CONNECT_TIMEOUT = 5.0
_PREFIX = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def require_packages() -> None:
    """The ``scale`` extra is installed, or one clear error."""
    try:
        import dramatiq  # noqa: F401
        import pika  # noqa: F401
        import prometheus_client  # noqa: F401
        import redis  # noqa: F401
    except ImportError as exc:
        raise ConfigError(
            f"scaling out needs the 'scale' extra ({exc.name} is missing): "
            "pip install 'marsad[scale]'"
        ) from None


def queue_name(settings: Settings, kind: str) -> str:
    """The RabbitMQ queue of ``kind`` (fetch, group) for this installation."""
    prefix = str(settings.queue_prefix)
    if not _PREFIX.match(prefix):
        raise ConfigError(f"queue_prefix must be letters, digits, '_' or '-': got {prefix!r}")
    return f"{prefix}.{kind}"


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def broker_url(settings: Settings) -> str:
    url = str(settings.broker_url or "").strip()
    if not url:
        raise ConfigError(
            "no task broker: set broker_url (MARSAD_BROKER_URL=amqp://user:password@host:5672/)"
        )
    if urlsplit(url).scheme not in ("amqp", "amqps"):
        raise ConfigError(f"broker_url must be an amqp:// or amqps:// URL, got {redact(url)!r}")
    return url


def _parameters(url: str) -> Any:
    import pika

    try:
        params = pika.URLParameters(url)
    except Exception as exc:  # pika raises plain ValueError / TypeError on bad URLs
        raise ConfigError(f"broker_url {redact(url)!r} is not usable: {exc}") from None
    params.connection_attempts = 1
    params.socket_timeout = CONNECT_TIMEOUT
    params.blocked_connection_timeout = 30
    return params


def _unreachable(url: str, exc: object) -> BrokerUnavailable:
    reason = str(exc) or type(exc).__name__
    return BrokerUnavailable(
        f"cannot reach the task broker at {redact(url)}: {reason[:200]}",
        message_ar=f"تعذّر الوصول إلى وسيط المهام في {redact(url)}",
    )


def connect(settings: Settings) -> Any:
    """A plain pika connection (status, dead letters, the scheduler's depth checks)."""
    import pika

    url = broker_url(settings)
    params = _parameters(url)
    # pika logs every failed attempt at ERROR with a traceback; the caller gets one clear error.
    logging.getLogger("pika").setLevel(logging.CRITICAL)
    try:  # a plain TCP probe first: its error names the cause (refused, no route, timeout)
        socket.create_connection((params.host, params.port), timeout=CONNECT_TIMEOUT).close()
    except OSError as exc:
        raise _unreachable(url, exc.strerror or exc) from None
    try:
        return pika.BlockingConnection(params)
    except (pika.exceptions.AMQPError, OSError) as exc:
        raise _unreachable(url, exc) from None


def open_broker(settings: Settings, *, extra_middleware: list[Any] | None = None) -> Any:
    """The Dramatiq broker on RabbitMQ (checked reachable first): late acknowledgement (the
    message is acknowledged after its actor returns, on the channel that delivered it),
    retries with back-off, dead letters."""
    require_packages()
    from dramatiq.middleware import (
        AgeLimit,
        Callbacks,
        CurrentMessage,
        Pipelines,
        Retries,
        ShutdownNotifications,
        TimeLimit,
    )

    connect(settings).close()  # unreachable: one clear error now, not a retry loop later
    broker_class = _channel_bound_broker()
    middleware = [
        AgeLimit(),
        TimeLimit(),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        Retries(max_retries=MAX_RETRIES, min_backoff=MIN_BACKOFF_MS, max_backoff=MAX_BACKOFF_MS),
        CurrentMessage(),
        *(extra_middleware or []),
    ]
    return broker_class(url=broker_url(settings), confirm_delivery=True, middleware=middleware)


_BROKER_CLASS: Any = None


def _channel_bound_broker() -> Any:
    """Dramatiq's RabbitMQ broker whose consumers acknowledge only what they delivered.

    Delivery tags count per channel, and after a broken connection a worker's new consumer is
    handed the requeued messages under tags 1, 2, ... again. Dramatiq's worker acknowledges a
    finished message through whatever consumer is current, so a message that was running
    during the break acknowledged, on finishing, the new channel's message of the same tag:
    one not done yet, lost for good when that worker then died (the chaos test's vanished
    source). Here a message of an earlier consumer is neither acknowledged nor rejected:
    RabbitMQ requeued it when that connection broke, and running it again is idempotent."""
    global _BROKER_CLASS
    if _BROKER_CLASS is not None:
        return _BROKER_CLASS
    from dramatiq.brokers.rabbitmq import RabbitmqBroker, _RabbitmqConsumer

    class ChannelBoundConsumer(_RabbitmqConsumer):  # type: ignore[misc]
        def __next__(self) -> Any:
            message = super().__next__()
            if message is not None:
                message._marsad_consumer = self
            return message

        def _delivered_here(self, message: Any, what: str) -> bool:
            if getattr(message, "_marsad_consumer", None) is self:
                return True
            log.info(
                "not %s %s%r: it came on a broken connection, and RabbitMQ has requeued it",
                what,
                message.actor_name,
                tuple(message.args),
            )
            return False

        def ack(self, message: Any) -> None:
            if self._delivered_here(message, "acknowledging"):
                super().ack(message)

        def nack(self, message: Any) -> None:
            if self._delivered_here(message, "rejecting"):
                super().nack(message)

    class ChannelBoundBroker(RabbitmqBroker):  # type: ignore[misc]
        @property
        def consumer_class(self) -> Any:
            return ChannelBoundConsumer

    _BROKER_CLASS = ChannelBoundBroker
    return _BROKER_CLASS


def open_redis(settings: Settings) -> Any:
    """The Redis client for shared politeness (checked reachable), or None when no redis_url."""
    url = str(settings.redis_url or "").strip()
    if not url:
        return None
    require_packages()
    import redis

    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise ConfigError(f"redis_url must be a redis:// URL, got {redact(url)!r}")
    client = redis.Redis.from_url(
        url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=10, health_check_interval=30
    )
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        client.close()
        raise BrokerUnavailable(
            f"cannot reach Redis at {redact(url)}: {str(exc)[:200]}",
            message_ar=f"تعذّر الوصول إلى Redis في {redact(url)}",
        ) from None
    return client


# RabbitMQ dead-letters the message as it was sent, without the error that failed it; workers
# note the error in Redis (when there is one) for ``marsad tasks list``, kept as long.
DEAD_NOTE_SECONDS = 7 * 86400


def _dead_key(settings: Settings, message_id: str) -> str:
    return f"{settings.queue_prefix}:dead:{message_id}"


def dead_letter_notes(settings: Settings, client: Any) -> Any:
    """Middleware that logs why a message goes to the dead letters, and notes it in Redis."""
    from dramatiq import Middleware

    class DeadLetterNotes(Middleware):  # type: ignore[misc]
        def before_nack(self, broker: Any, message: Any) -> None:
            trace = str(message.options.get("traceback") or "").strip().splitlines()
            error = trace[-1] if trace else "failed"
            log.warning(
                "%s%r failed every retry, now a dead letter: %s",
                message.actor_name,
                tuple(message.args),
                error,
            )
            if client is not None:
                client.set(_dead_key(settings, message.message_id), error, ex=DEAD_NOTE_SECONDS)

    return DeadLetterNotes()


# -- queues: depths, dead letters ------------------------------------------------------------
@dataclass(frozen=True)
class QueueStats:
    queue: str
    ready: int  # waiting to be taken
    delayed: int  # retries waiting for their back-off
    dead: int  # failed every retry (``marsad tasks``)
    consumers: int  # worker connections consuming it now


class Queues:
    """RabbitMQ queues of one installation, over one plain connection (one thread)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._url = broker_url(settings)
        self._conn = connect(settings)
        self._channel = self._conn.channel()

    def close(self) -> None:
        with contextlib.suppress(Exception):  # already gone
            self._conn.close()

    def __enter__(self) -> Queues:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        import pika

        try:
            yield
        except pika.exceptions.AMQPConnectionError as exc:
            raise _unreachable(self._url, exc) from None

    def _count(self, name: str) -> tuple[int, int]:
        """(messages, consumers) of a queue; (0, 0) when it was never declared."""
        import pika

        with self._errors():
            try:
                ok = self._channel.queue_declare(queue=name, passive=True)
            except pika.exceptions.ChannelClosedByBroker:  # 404: not declared yet
                self._channel = self._conn.channel()
                return 0, 0
            return int(ok.method.message_count), int(ok.method.consumer_count)

    def depth(self, kind: str) -> int:
        """Messages ready in the queue of ``kind``."""
        return self._count(queue_name(self.settings, kind))[0]

    def stats(self) -> list[QueueStats]:
        out = []
        for kind in QUEUE_KINDS:
            name = queue_name(self.settings, kind)
            ready, consumers = self._count(name)
            delayed, _ = self._count(f"{name}.DQ")
            dead, _ = self._count(f"{name}.XQ")
            out.append(QueueStats(name, ready, delayed, dead, consumers))
        return out

    def _dead(self, kind: str) -> Iterator[tuple[Any, Any]]:
        """(delivery tag, decoded message) of each dead letter of ``kind``, unacknowledged."""
        from dramatiq import Message

        name = f"{queue_name(self.settings, kind)}.XQ"
        # Only those there now: a retried one that fails again comes back while we read.
        there = self._count(name)[0]
        with self._errors():
            for _ in range(there):
                method, _, body = self._channel.basic_get(queue=name, auto_ack=False)
                if method is None:
                    return
                yield method.delivery_tag, Message.decode(body)

    def dead_letters(self, kind: str, redis: Any = None) -> list[dict[str, Any]]:
        """The dead letters of ``kind`` (left in their queue), with the error a worker noted
        in ``redis``, when given."""
        out = []
        for _, message in self._dead(kind):
            note = redis.get(_dead_key(self.settings, message.message_id)) if redis else None
            out.append(
                {
                    "id": message.message_id,
                    "queue": message.queue_name,
                    "actor": message.actor_name,
                    "args": list(message.args),
                    "retries": message.options.get("retries", 0),
                    "error": note.decode("utf-8", "replace") if note else None,
                }
            )
        self._requeue_unacked()
        return out

    def _requeue_unacked(self) -> None:
        with self._errors():
            self._channel.basic_recover(requeue=True)
            # basic_recover hands the messages back; a fresh channel forgets our deliveries.
            self._channel.close()
            self._channel = self._conn.channel()

    def retry_dead(self, kind: str) -> int:
        """Send the dead letters of ``kind`` back to their queue with their retries reset."""
        import pika

        sent = 0
        with self._errors():
            for tag, message in self._dead(kind):
                options = {
                    k: v for k, v in message.options.items() if k not in ("retries", "traceback")
                }
                again = message.copy(options=options)
                self._channel.basic_publish(
                    exchange="",
                    routing_key=again.queue_name,
                    body=again.encode(),
                    properties=pika.BasicProperties(delivery_mode=2),
                )
                self._channel.basic_ack(tag)
                sent += 1
        return sent

    def drop_dead(self, kind: str) -> int:
        """Delete the dead letters of ``kind``; returns how many."""
        name = f"{queue_name(self.settings, kind)}.XQ"
        if not self._count(name)[0]:
            return 0
        with self._errors():
            ok = self._channel.queue_purge(name)
        return int(ok.method.message_count)

    def delete_all(self) -> None:
        """Delete this installation's queues (tests clean up with it)."""
        for kind in QUEUE_KINDS:
            name = queue_name(self.settings, kind)
            for q in (name, f"{name}.DQ", f"{name}.XQ"):
                with self._errors():
                    self._channel.queue_delete(queue=q)
