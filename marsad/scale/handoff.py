"""Hand-offs between the actors: an article as a message, and the fetch worker's stand-in for
the pipeline.

``fetch_source`` polls a source with crawl's own code (``poll_source``). Where the
single-process crawl stores each new entry through ``Pipeline.ingest``, the fetch worker gives
``poll_source`` a ``HandOff``: its ``store_item`` sends the entry on (``fetch_article`` for its
page, or ``analyse`` when there is no page to fetch) and its ``known`` says whether the entry
is stored, or already on its way. The source's validators are saved by ``poll_source`` only
after every new entry was handed off, and a send returns only once RabbitMQ confirmed the
message as stored (publisher confirms, durable queues), so a kill at any point leaves the
entries either in a queue or to the redelivered ``fetch_source``, which polls again. A send
that fails (the broker away) stops the poll before the poll state is saved (a
``StorageError``, as when the database is away), so the entry is not passed over.

A message carries the article as plain data: ``pack`` turns an ``IncomingArticle`` into one
compressed string (JSON, zlib, base64; a page's HTML included), ``unpack`` back. A packed
article larger than ``MAX_PACKED_BYTES`` (a huge page) is not sent: the worker that holds it
runs the rest of the steps itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import zlib
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from marsad.errors import StorageError
from marsad.pipeline.steps import IncomingArticle
from marsad.store import Store

log = logging.getLogger(__name__)

# Larger packed articles are not sent through the broker (RabbitMQ takes up to 128 MB, but
# big messages slow every consumer of the queue): the worker holding one analyses it itself.
# A news page's HTML (100-500 kB) packs to a tenth of that.
MAX_PACKED_BYTES = 2 * 1024 * 1024
# An entry handed off is remembered in Redis this long as on its way, so a feed polled again
# before its articles are stored does not send them twice (a repeat would store nothing twice,
# but would fetch the page again).
PENDING_SECONDS = 3600

_DATES = ("published_at", "updated_at")


def pack(item: IncomingArticle) -> str:
    """The article as one message-safe string."""
    data: dict[str, Any] = asdict(item)
    html = data.pop("html")
    if isinstance(html, bytes):
        data["html_b64"] = base64.b64encode(html).decode("ascii")
    elif html is not None:
        data["html_text"] = html
    for name in _DATES:
        if data[name] is not None:
            data[name] = data[name].isoformat()
    data["aliases"] = list(item.aliases)
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(zlib.compress(raw, 6)).decode("ascii")


def unpack(packed: str) -> IncomingArticle:
    data: dict[str, Any] = json.loads(zlib.decompress(base64.b64decode(packed)).decode("utf-8"))
    html: str | bytes | None = None
    if "html_b64" in data:
        html = base64.b64decode(data.pop("html_b64"))
    elif "html_text" in data:
        html = data.pop("html_text")
    for name in _DATES:
        if data.get(name) is not None:
            data[name] = datetime.fromisoformat(data[name])
    data["aliases"] = tuple(data.get("aliases") or ())
    return IncomingArticle(**data, html=html)


def with_page(
    item: IncomingArticle,
    *,
    url: str,
    aliases: tuple[str, ...],
    html: bytes | None,
    status: str | None,
    charset: str | None,
) -> IncomingArticle:
    """The entry with its fetched page, URLs merged as the crawler merges them: the page's
    final (canonical) URL becomes the article's, the entry's URL one of its aliases."""
    names = list(item.aliases)
    current = item.url
    if url != current:
        names = [current, *names]
        current = url
    names += [a for a in aliases if a != current]
    return replace(
        item,
        url=current,
        aliases=tuple(a for a in dict.fromkeys(names) if a != current),
        html=html,
        page_status=status,
        page_charset=charset,
    )


def _pending_key(prefix: str, url: str) -> str:
    return f"{prefix}:pending:{hashlib.sha1(url.encode('utf-8')).hexdigest()}"


class HandOff:
    """What ``poll_source`` stores through in a fetch worker (it calls ``known`` and
    ``store_item``, as on a ``Pipeline``): new entries are sent on, not stored here."""

    def __init__(
        self,
        store: Store,
        *,
        send: Callable[[IncomingArticle, str], bool],
        redis: Any = None,
        prefix: str = "marsad",
    ) -> None:
        """``send(item, packed)`` sends the entry on and returns True, or returns False when
        it did not (too large): it was then stored by the caller's own steps."""
        self.store = store
        self.send = send
        self.redis = redis
        self.prefix = prefix
        self.sent = 0

    def known(self, url: str, *aliases: str) -> bool:
        """Stored already, or handed off a short while ago (and maybe still in a queue)."""
        if self.store.find_article_id([url, *aliases]) is not None:
            return True
        if self.redis is None:
            return False
        keys = [_pending_key(self.prefix, u) for u in (url, *aliases)]
        try:
            return any(v is not None for v in self.redis.mget(keys))
        except Exception as exc:  # Redis away: sent again at worst, which stores nothing twice
            log.info("could not ask Redis whether %s is on its way: %s", url, exc)
            return False

    def store_item(self, item: IncomingArticle) -> bool:
        """Send the entry on; True (the crawler counts it as new: the article row is made by
        the ``analyse`` actor, or here when it was too large to send)."""
        try:
            sent = self.send(item, pack(item))
        except StorageError:
            raise
        except Exception as exc:
            # The crawler logs a failed entry and still saves the source's poll state, so
            # the entry would not be seen again: a send that failed (broker away) stops the
            # poll instead, as a database error does; the message is delivered again.
            raise StorageError(
                f"could not hand {item.url} on to the task broker: {str(exc)[:200] or exc!r}"
            ) from None
        if sent:
            self.sent += 1
            if self.redis is not None:
                try:
                    self.redis.set(_pending_key(self.prefix, item.url), b"1", ex=PENDING_SECONDS)
                except Exception as exc:  # only saves a repeat
                    log.info("could not note %s as on its way: %s", item.url, exc)
        return True


__all__ = ["MAX_PACKED_BYTES", "HandOff", "pack", "unpack", "with_page"]
