"""The crawl orchestrator: due sources -> fetch -> parse -> new entries -> pages -> ``Pipeline``.

``crawl_once`` runs one pass; ``run_scheduler`` repeats passes on the sources' schedule until an
event is set (``marsad crawl`` and ``marsad serve`` both use it). All network I/O goes through
one ``Fetcher`` per pass; all database work runs on one worker thread (the store and the
pipeline are synchronous), so the event loop keeps fetching while articles are stored.

Idempotent by construction: an entry is skipped when the store already knows any of its keys,
an article is stored in one transaction under a unique URL, and a source's validators (ETag,
Last-Modified, content hash) are saved only after all its entries are stored. A pass killed at
any point therefore redoes at most the unfinished sources, and stores nothing twice.

Claimed work: a pass leases the sources it fetches (``Store.claim_sources``, a few at a time
as slots free up), so two crawls, or a crawl beside ``marsad serve``, never fetch one source
at once; saving a source's poll state ends its lease, and the leases of a killed process end by
themselves (at once when it ran on this machine and is gone). While a pass runs it renews the
leases of the sources it still works on every third of a lease (``_renew_leases``), so a slow
pass keeps its sources to the end.

A fatal storage error (database gone, disk full) stops the pass cleanly: the other sources are
cancelled and awaited before the fetcher and the database thread close, the poll state of the
sources already finished is saved when the database still takes it, and one ``StorageError``
reaches the caller (``marsad crawl`` prints one line and exits 2).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import socket
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa

from marsad.alerts.service import AlertConsumer, AlertSender, alerts_pass
from marsad.config import Settings
from marsad.errors import FetchError, HTTPStatusError, StorageError
from marsad.extract.decode import charset_from_content_type
from marsad.ingest.discover import discover_feeds, find_canonical, html_to_text
from marsad.ingest.feeds import parse_feed
from marsad.ingest.fetcher import PAGE_ACCEPT, Fetcher, FetchResult, RetryLaterError
from marsad.ingest.model import FeedEntry
from marsad.ingest.schedule import (
    PollPolicy,
    failure_interval,
    pause_reason,
    should_pause,
    success_interval,
)
from marsad.ingest.sitemaps import parse_sitemap
from marsad.ingest.urls import canonicalize_url, host_key, publisher_canonical
from marsad.models import Source, SourceKind
from marsad.pipeline.process import IncomingArticle, Pipeline, dead_local_owners
from marsad.store import Store, utcnow
from marsad.store import schema as t
from marsad.store.alerts import Alerts
from marsad.store.engine import first_line
from marsad.store.polls import sources_by_id
from marsad.store.store import OUTBOX_ALERT

log = logging.getLogger(__name__)

T = TypeVar("T")

# Unchanged sources (304 or same hash) are saved this many at a time, in one transaction.
QUIET_BATCH = 200
# A sitemap index may list hundreds of sitemaps; a news monitor only wants the newest few.
MAX_CHILD_SITEMAPS = 5
# Plain (non-news) sitemaps can list a whole site's archive; keep the most recent URLs only.
MAX_SITEMAP_ENTRIES = 1000
# Sources handled at once; each holds at most one body in memory. The fetcher's own limits decide
# how many requests are in flight; this only bounds memory and open tasks.
SOURCES_IN_FLIGHT_FACTOR = 4
# How long a claimed source stays with this process: longer than a source's slowest poll (a
# sitemap of 1,000 pages at per-host pace), short enough that a lost process's sources return.
LEASE_SECONDS = 900.0
_URI_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S")
_HTML_TYPES = ("text/html", "application/xhtml+xml", "")


@dataclass
class CrawlSummary:
    """What one pass did (printed by ``marsad crawl --once``)."""

    sources: int = 0
    fetched: int = 0  # sources whose body was new and parsed
    not_modified: int = 0  # 304 answers
    unchanged: int = 0  # 200 with the same content hash as last time
    failed: int = 0
    paused: int = 0  # sources paused during this pass
    entries: int = 0
    new_articles: int = 0
    known_entries: int = 0
    pages_fetched: int = 0
    page_failures: int = 0
    requests: int = 0
    seconds: float = 0.0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (source URL, last_error)
    notes: list[str] = field(default_factory=list)  # e.g. grouping held by another process

    def format(self) -> str:
        lines = [
            f"crawled {self.sources} sources in {self.seconds:.1f}s: {self.fetched} fetched, "
            f"{self.not_modified} not modified, {self.unchanged} unchanged, {self.failed} failed"
            + (f", {self.paused} paused" if self.paused else ""),
            f"entries: {self.entries} seen, {self.new_articles} new articles, "
            f"{self.known_entries} already known; pages: {self.pages_fetched} fetched, "
            f"{self.page_failures} failed; {self.requests} HTTP requests",
        ]
        lines += [f"  error: {url}: {error}" for url, error in self.errors[:50]]
        if len(self.errors) > 50:
            lines.append(f"  ... and {len(self.errors) - 50} more errors")
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)


class ArticleSink(Protocol):
    """What a poll stores new entries through: a :class:`Pipeline`, or a task worker's
    hand-off that sends each entry on to the next actor (``marsad.scale``)."""

    def known(self, url: str, *aliases: str) -> bool: ...

    def store_item(self, item: IncomingArticle) -> bool: ...


@dataclass(frozen=True)
class ArticlePage:
    """An entry's article page as crawl fetched it (:func:`fetch_article_page`)."""

    url: str  # canonical URL after redirects and <link rel=canonical>
    aliases: tuple[str, ...]
    html: bytes | None
    status: str | None  # why there is no usable page
    charset: str | None = None  # the HTTP header's charset (the page's own meta tag is read too)

    @property
    def fetch_failed(self) -> bool:
        """The request failed (as opposed to a page that came but is not an article)."""
        return self.html is None and (self.status or "").startswith("fetch_failed")


@dataclass
class _Outcome:
    status: int | None
    entries: Sequence[FeedEntry] = ()
    error: str | None = None  # recorded problem that is not a failure (salvaged feed)
    fields: dict[str, Any] = field(default_factory=dict)  # extra source fields to save
    ttl: int | None = None
    update_period: int | None = None
    kind: str = "fetched"  # fetched | not_modified | unchanged


def _scoped_guid(guid: str | None, feed_url: str) -> str | None:
    """A guid usable as a global key: URIs as they are, bare ids scoped to the feed's host."""
    if not guid:
        return None
    guid = guid.replace("\x00", "").strip()[:2000]
    if not guid:
        return None
    if _URI_SCHEME.match(guid):
        return guid
    return f"{host_key(feed_url)}/#guid={guid}"


# Bounds on what one feed entry may put in the store (a hostile feed can say anything).
MAX_TITLE = 1000
MAX_SUMMARY = 20_000
MAX_TEXT = 1_000_000
MAX_URL = 4000
_LANGUAGE = re.compile(r"^([a-zA-Z]{2})(?:[-_][a-zA-Z0-9]{1,8})*$")


def _clean(text: str | None, limit: int) -> str | None:
    """Text safe for both stores: bounded, without NUL (PostgreSQL refuses it in text)."""
    if text is None:
        return None
    text = text.replace("\x00", "")[:limit].strip()
    return text or None


def language_code(value: str | None) -> str | None:
    """ISO 639-1 code from a feed's language tag ("ar-SA" -> "ar"), or None."""
    match = _LANGUAGE.match((value or "").strip())
    return match.group(1).lower() if match else None


def _entry_time(entry: FeedEntry) -> float:
    when = entry.published or entry.updated
    return when.timestamp() if when else 0.0


class _Pass:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        pipeline: Pipeline | None,
        fetcher: Fetcher,
        *,
        sink: ArticleSink | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.pipeline = pipeline
        self.sink = sink  # where new entries go instead of a pipeline (a task worker's hand-off)
        self.fetcher = fetcher
        self.policy = PollPolicy.from_settings(settings)
        self.summary = CrawlSummary()
        self._pages: dict[str, asyncio.Task[ArticlePage]] = {}
        self._quiet: list[tuple[int, dict[str, Any]]] = []  # unchanged sources, saved in batches
        self._db_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="marsad-db")
        # Article pages fetched (or being fetched) and not yet stored: a kill loses at most
        # these, and a slow database holds the fetching back instead of piling pages up.
        self._ahead = asyncio.Semaphore(max(1, int(settings.global_concurrency)))

    async def db(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a store / pipeline call on the single database thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db_executor, lambda: fn(*args))

    def close(self) -> None:
        self._db_executor.shutdown(wait=True)

    def _pipeline(self) -> Pipeline:
        """The pipeline, built on first use (on the database thread): a pass of 304s needs none."""
        if self.pipeline is None:
            self.pipeline = Pipeline(self.store, self.settings)
        return self.pipeline

    def _known(self, url: str, *aliases: str) -> bool:
        return (self.sink or self._pipeline()).known(url, *aliases)

    def _ingest(self, item: IncomingArticle) -> bool:
        return (self.sink or self._pipeline()).store_item(item)

    def _save_quiet(self, batch: list[tuple[int, dict[str, Any]]]) -> None:
        """Save many unchanged sources in one transaction, one executemany per set of columns."""
        now = utcnow()
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for source_id, fields in batch:
            row = {**fields, "updated_at": now, "lease_owner": None, "lease_until": None}
            groups.setdefault(tuple(sorted(row)), []).append(
                {"v_id": source_id, **{f"v_{k}": v for k, v in row.items()}}
            )
        with self.store.transaction() as conn:
            for keys, rows in groups.items():
                statement = (
                    t.sources.update()
                    .where(t.sources.c.id == sa.bindparam("v_id"))
                    .values({k: sa.bindparam(f"v_{k}") for k in keys})
                )
                conn.execute(statement, rows)

    async def flush(self) -> None:
        """Write the pending unchanged-source updates."""
        batch, self._quiet = self._quiet, []
        if batch:
            await self.db(self._save_quiet, batch)

    def _save_source(self, source_id: int, fields: dict[str, Any]) -> None:
        """UPDATE the source row only (``Store.update_source`` also re-reads it with counts);
        its poll state saved, its lease ends."""
        fields = {**fields, "updated_at": utcnow(), "lease_owner": None, "lease_until": None}
        try:
            with self.store.transaction() as conn:
                conn.execute(t.sources.update().where(t.sources.c.id == source_id).values(**fields))
        except sa.exc.IntegrityError:
            if "url" not in fields:
                raise
            fields.pop("url")  # the new URL became another source meanwhile: keep ours
            with self.store.transaction() as conn:
                conn.execute(t.sources.update().where(t.sources.c.id == source_id).values(**fields))

    # -- one source ---------------------------------------------------------------------------
    async def crawl_source(self, source: Source) -> None:
        now = utcnow()
        try:
            outcome = await self._poll(source)
        except FetchError as exc:
            await self._record_failure(source, now, exc)
            return
        except StorageError:
            raise
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:  # the database, not it
            raise StorageError(f"database error: {first_line(exc)}") from None
        except Exception as exc:  # one bad source must not stop the batch
            log.exception("crawling %s failed", source.url)
            await self._record_failure(source, now, exc)
            return
        await self._record_success(source, now, outcome)

    async def _poll(self, source: Source) -> _Outcome:
        if source.kind is SourceKind.PAGE:
            return await self._single_page(source)
        result = await self.fetcher.fetch(
            source.url, etag=source.etag, last_modified=source.last_modified
        )
        fields: dict[str, Any] = {}
        if result.permanent_url and result.permanent_url != source.url:
            fields["url"] = result.permanent_url
        validators = {"etag": result.etag, "last_modified": result.last_modified}
        if result.not_modified:
            return _Outcome(status=304, kind="not_modified", fields={**fields, **validators})
        if result.content_hash and result.content_hash == source.content_hash:
            return _Outcome(status=result.status, kind="unchanged", fields={**fields, **validators})
        fields.update(validators, content_hash=result.content_hash)
        if source.kind is SourceKind.SITEMAP:
            return await self._sitemap(source, result, fields)
        return await self._feed(source, result, fields)

    async def _single_page(self, source: Source) -> _Outcome:
        url = canonicalize_url(source.url) or source.url
        if await self.db(self._known, url, source.url):
            return _Outcome(status=200, kind="unchanged")
        async with self._ahead:
            page = await self._page(url)
        if page.html is None:
            raise FetchError(f"article page unusable: {page.status}")
        await self._ingest_entries(source, [FeedEntry(link=source.url)], source.url)
        return _Outcome(status=200)

    async def _feed(self, source: Source, result: FetchResult, fields: dict[str, Any]) -> _Outcome:
        parsed = parse_feed(result.final_url, result.body, result.headers)
        if parsed.looks_like_html and not parsed.entries:
            candidates = discover_feeds(result.final_url, result.body)
            if not candidates:
                raise FetchError("not a feed: the URL returned an HTML page that announces no feed")
            # A home page was given: follow the feed it announces and remember that URL instead.
            result = await self.fetcher.fetch(candidates[0])
            parsed = parse_feed(result.final_url, result.body, result.headers)
            fields.update(
                url=result.permanent_url or candidates[0],
                etag=result.etag,
                last_modified=result.last_modified,
                content_hash=result.content_hash,
            )
            if source.site_url is None:
                fields["site_url"] = source.url
        if parsed.error and not parsed.entries:
            raise FetchError(parsed.error)
        if source.title is None and parsed.title:
            fields["title"] = _clean(parsed.title, MAX_TITLE)
        if source.site_url is None and parsed.link and "site_url" not in fields:
            fields["site_url"] = parsed.link
        if source.language is None and language_code(parsed.language):
            fields["language"] = language_code(parsed.language)
        await self._ingest_entries(source, parsed.entries, result.final_url)
        return _Outcome(
            status=result.status,
            entries=parsed.entries,
            error=parsed.error,
            fields=fields,
            ttl=parsed.ttl_seconds,
            update_period=parsed.update_period_seconds,
        )

    async def _sitemap(
        self, source: Source, result: FetchResult, fields: dict[str, Any]
    ) -> _Outcome:
        parsed = parse_sitemap(result.final_url, result.body)
        entries = list(parsed.entries)
        errors = [parsed.error] if parsed.error else []
        if parsed.is_index:
            for child_url in parsed.sitemaps[:MAX_CHILD_SITEMAPS]:
                try:
                    child = await self.fetcher.fetch(child_url)
                except FetchError as exc:
                    errors.append(f"{child_url}: {exc.message}")
                    continue
                sub = parse_sitemap(child.final_url, child.body)
                entries.extend(sub.entries)
                if sub.error:
                    errors.append(f"{child_url}: {sub.error}")
        elif parsed.error and not entries:
            raise FetchError(parsed.error)
        if parsed.is_index and not entries and errors:
            raise FetchError("; ".join(errors)[:500])
        entries.sort(key=_entry_time, reverse=True)
        entries = entries[:MAX_SITEMAP_ENTRIES]
        await self._ingest_entries(source, entries, result.final_url)
        return _Outcome(
            status=result.status,
            entries=entries,
            error="; ".join(errors)[:500] or None,
            fields=fields,
        )

    # -- entries ------------------------------------------------------------------------------
    async def _ingest_entries(
        self, source: Source, entries: Sequence[FeedEntry], feed_url: str
    ) -> None:
        results = await asyncio.gather(
            *(self._ingest_entry(source, e, feed_url) for e in entries), return_exceptions=True
        )
        # One bad entry must not fail its source (whose validators would then never be saved,
        # so the same entry failed on every poll): it is logged and counted; the database
        # being gone still stops the pass.
        for entry, result in zip(entries, results, strict=True):
            if isinstance(result, StorageError):
                raise result
            if isinstance(result, Exception):
                log.error("entry %s of %s failed", entry.link, source.url, exc_info=result)
                self.summary.errors.append(
                    (entry.link or source.url, f"entry failed: {result!r}"[:300])
                )

    async def _ingest_entry(self, source: Source, entry: FeedEntry, feed_url: str) -> None:
        link = entry.link
        if link is None and entry.guid and entry.guid.startswith(("http://", "https://")):
            link = entry.guid
        url = canonicalize_url(link or "")
        if url is None or len(url) > MAX_URL:
            return
        self.summary.entries += 1
        guid = _scoped_guid(entry.guid, feed_url)
        aliases = [a for a in (link, guid) if a and a != url and len(a) <= MAX_URL]
        if await self.db(self._known, url, *aliases):
            self.summary.known_entries += 1
            return
        async with self._ahead:
            await self._fetch_and_store(source, entry, url, guid, aliases)

    async def _fetch_and_store(
        self, source: Source, entry: FeedEntry, url: str, guid: str | None, aliases: list[str]
    ) -> None:
        html: bytes | None = None
        page_status: str | None = None
        page_charset: str | None = None
        if self.settings.fetch_article_pages or source.kind is SourceKind.PAGE:
            page = await self._page(url)
            html, page_status, page_charset = page.html, page.status, page.charset
            if page.url != url:
                aliases = [url, *aliases]
                url = page.url
            aliases += [a for a in page.aliases if a != url]
        aliases = [a for a in dict.fromkeys(aliases) if a != url]
        item = IncomingArticle(
            url=url,
            source_id=source.id,
            guid=guid,
            aliases=tuple(aliases),
            html=html,
            page_status=page_status,
            page_charset=page_charset,
            title=_clean(entry.title, MAX_TITLE),
            summary=_clean(html_to_text(entry.summary), MAX_SUMMARY),
            text=_clean(html_to_text(entry.content), MAX_TEXT),
            author=_clean(entry.author, MAX_TITLE),
            image=_clean(entry.image, MAX_URL),
            language=language_code(entry.language) or source.language,
            published_at=entry.published,
            updated_at=entry.updated,
            source_country=source.country,
        )
        created = await self.db(self._ingest, item)
        if created:
            self.summary.new_articles += 1
        else:
            self.summary.known_entries += 1

    async def _page(self, url: str) -> ArticlePage:
        """The article page at ``url``, fetched at most once per pass."""
        task = self._pages.get(url)
        if task is None:
            task = asyncio.ensure_future(self._fetch_page(url))
            self._pages[url] = task
        return await task

    async def _fetch_page(self, url: str) -> ArticlePage:
        page = await fetch_article_page(self.fetcher, url)
        if page.fetch_failed:
            self.summary.page_failures += 1
        else:
            self.summary.pages_fetched += 1
        return page

    # -- recording ----------------------------------------------------------------------------
    async def _update(self, source: Source, fields: dict[str, Any]) -> None:
        new_url = fields.get("url")
        if new_url and new_url != source.url:
            other = await self.db(self.store.find_source, new_url)
            if other is not None:
                log.info("%s moved to %s, already a source: URL kept", source.url, new_url)
                fields.pop("url")
        await self.db(self._save_source, source.id, fields)

    async def _record_success(self, source: Source, now: datetime, outcome: _Outcome) -> None:
        if outcome.kind == "not_modified":
            self.summary.not_modified += 1
        elif outcome.kind == "unchanged":
            self.summary.unchanged += 1
        else:
            self.summary.fetched += 1
        interval = success_interval(
            self.policy,
            ttl_seconds=outcome.ttl,
            update_period_seconds=outcome.update_period,
            published=[e.published or e.updated for e in outcome.entries],
        )
        if outcome.kind != "fetched" and source.poll_interval:
            interval = source.poll_interval  # nothing new to learn the rate from
        fields = {
            **outcome.fields,
            "last_status": outcome.status,
            "last_error": outcome.error,
            "failure_count": 0,
            "last_polled_at": now,
            "last_success_at": now,
            "next_poll_at": now + timedelta(seconds=interval),
            "poll_interval": interval,
            "paused": False,
            "paused_reason": None,
        }
        if outcome.error:
            self.summary.errors.append((source.url, outcome.error))
        if outcome.kind != "fetched" and "url" not in fields:
            # Nothing was stored for this source, so losing this update in a crash only means
            # one more conditional GET: batch it (a refresh pass is mostly these).
            self._quiet.append((source.id, fields))
            if len(self._quiet) >= QUIET_BATCH:
                await self.flush()
            return
        await self._update(source, fields)

    async def _record_failure(self, source: Source, now: datetime, exc: Exception) -> None:
        self.summary.failed += 1
        message = exc.message if isinstance(exc, FetchError) else f"internal error: {exc!r}"
        message = message[:1000]
        status = exc.http_status if isinstance(exc, HTTPStatusError) else None
        retry_after = exc.retry_after if isinstance(exc, RetryLaterError) else None
        failures = source.failure_count + 1
        fields: dict[str, Any] = {
            "last_status": status,
            "last_error": message,
            "failure_count": failures,
            "last_polled_at": now,
            "next_poll_at": now
            + timedelta(seconds=failure_interval(self.policy, failures, retry_after=retry_after)),
        }
        if should_pause(
            self.policy,
            now=now,
            last_success_at=source.last_success_at,
            created_at=source.created_at,
            failure_count=failures,
        ):
            fields["paused"] = True
            fields["paused_reason"] = pause_reason(self.policy, message)
            self.summary.paused += 1
        self.summary.errors.append((source.url, message))
        log.info("source %s failed: %s", source.url, message)
        await self._update(source, fields)


def _owner() -> str:
    """This process's name on the leases it takes: host, pid and a nonce."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def crawl_once(
    store: Store,
    settings: Settings,
    *,
    all_sources: bool = False,
    pipeline: Pipeline | None = None,
    on_pipeline: Callable[[Pipeline], None] | None = None,
    lease_seconds: float = LEASE_SECONDS,
) -> CrawlSummary:
    """One pass over the due sources (every source with ``all_sources``, paused ones included)
    that no other process is fetching now.

    ``pipeline`` is reused when given, else built on the first new entry; ``on_pipeline`` gets
    the one used, so a long-running caller keeps its state (dedup and story windows) across passes.
    """
    started = time.monotonic()
    owner = _owner()
    dead = dead_local_owners(await asyncio.to_thread(store.lease_owners))
    if dead:
        await asyncio.to_thread(store.break_leases, dead)
    due_before = None if all_sources else utcnow()
    in_flight = max(1, int(settings.global_concurrency)) * SOURCES_IN_FLIGHT_FACTOR

    async def claim(room: int, seen: set[int]) -> list[Source]:
        return await asyncio.to_thread(
            lambda: store.claim_sources(
                owner,
                limit=room,
                lease_seconds=lease_seconds,
                due_before=due_before,
                include_paused=all_sources,
                exclude=seen if all_sources else (),
            )
        )

    seen: set[int] = set()
    first = await claim(in_flight, seen)
    if not first:
        return CrawlSummary(seconds=time.monotonic() - started)
    async with Fetcher(settings) as fetcher:
        run = _Pass(store, settings, pipeline, fetcher)
        try:
            await _run_sources(run, first, seen, in_flight, claim, owner, lease_seconds)
        finally:
            run.close()
        run.summary.sources = len(seen)
        if on_pipeline is not None and run.pipeline is not None:
            on_pipeline(run.pipeline)
        elif pipeline is None and run.pipeline is not None:
            # Built for this pass only: hand over grouping, let the translation worker stop.
            await asyncio.to_thread(run.pipeline.close)
        if run.pipeline is not None:  # after close: it may have grouped what was waiting
            note = await asyncio.to_thread(run.pipeline.grouping_note)
            if note:
                run.summary.notes.append(note)
        run.summary.requests = fetcher.requests
    run.summary.seconds = time.monotonic() - started
    return run.summary


async def fetch_article_page(fetcher: Fetcher, url: str) -> ArticlePage:
    """The article page at ``url`` as crawl reads it: the final URL after redirects and the
    publisher's canonical, the other names as aliases, the header's charset; a page that
    could not be used has no html and says why in ``status``."""
    try:
        result = await fetcher.fetch(url, accept=PAGE_ACCEPT)
    except FetchError as exc:
        status = exc.http_status if isinstance(exc, HTTPStatusError) else None
        label = f"fetch_failed: {status}" if status else f"fetch_failed: {exc.message}"
        return ArticlePage(url=url, aliases=(), html=None, status=label[:300])
    media = result.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    final = canonicalize_url(result.final_url) or url
    aliases = [url] if final != url else []
    if media not in _HTML_TYPES:
        return ArticlePage(
            url=final, aliases=tuple(aliases), html=None, status=f"not_html: {media}"
        )
    if not result.body.strip():
        return ArticlePage(url=final, aliases=tuple(aliases), html=None, status="empty_page")
    canonical = publisher_canonical(find_canonical(result.final_url, result.body), final)
    if canonical and canonical != final:
        aliases.append(final)
        final = canonical
    charset = charset_from_content_type(result.headers.get("content-type", ""))
    return ArticlePage(
        url=final, aliases=tuple(aliases), html=result.body, status=None, charset=charset
    )


async def poll_source(
    store: Store,
    settings: Settings,
    source_id: int,
    *,
    pipeline: ArticleSink,
    fetcher: Fetcher,
) -> CrawlSummary | None:
    """One poll of one source (:func:`poll_sources` of one). None when the source is gone
    (removed since it was sent)."""
    summary = await poll_sources(store, settings, [source_id], pipeline=pipeline, fetcher=fetcher)
    return summary if summary.sources else None


async def poll_sources(
    store: Store,
    settings: Settings,
    source_ids: Sequence[int],
    *,
    pipeline: ArticleSink,
    fetcher: Fetcher,
) -> CrawlSummary:
    """One poll of each of these sources, all at once, as a pass polls them (conditional GET,
    parse, article pages, ``pipeline.store_item``), each one's poll state saved (which ends
    its lease); the unchanged ones' in one transaction. For a task worker that was handed the
    sources by ``marsad scheduler``; the caller owns ``pipeline`` (a :class:`Pipeline` or any
    :class:`ArticleSink`) and ``fetcher``. Sources removed since they were sent are left out
    (``summary.sources`` counts those polled). A storage error is raised once every source
    of the batch has finished; the ones finished before it keep their saved state."""
    started = time.monotonic()
    if isinstance(pipeline, Pipeline):
        run = _Pass(store, settings, pipeline, fetcher)
    else:
        run = _Pass(store, settings, None, fetcher, sink=pipeline)
    requests = fetcher.requests
    try:
        sources = await run.db(sources_by_id, store, source_ids)
        results = await asyncio.gather(
            *(run.crawl_source(s) for s in sources), return_exceptions=True
        )
        failures = [r for r in results if isinstance(r, BaseException)]
        await run.flush()  # the unchanged ones finished before any failure keep their state
        if failures:
            raise failures[0]
    finally:
        run.close()
    run.summary.sources = len(sources)
    run.summary.requests = fetcher.requests - requests
    run.summary.seconds = time.monotonic() - started
    return run.summary


async def _run_sources(
    run: _Pass,
    first: list[Source],
    seen: set[int],
    in_flight: int,
    claim: Callable[[int, set[int]], Any],
    owner: str,
    lease_seconds: float = LEASE_SECONDS,
) -> None:
    """Crawl the claimed sources, claiming more as slots free up, until none is left. A
    storage error cancels the rest and is raised once they are all done."""
    tasks: dict[asyncio.Task[None], Source] = {}
    batch: list[Source] = first
    more = True
    fatal: BaseException | None = None
    renewer = asyncio.ensure_future(_renew_leases(run, owner, tasks, lease_seconds))
    try:
        while True:
            for source in batch:
                seen.add(source.id)
                tasks[asyncio.ensure_future(run.crawl_source(source))] = source
            batch = []
            if not tasks:
                break
            done, _ = await asyncio.wait(set(tasks), return_when=asyncio.FIRST_COMPLETED)
            failures = [e for e in (task.exception() for task in done) if e is not None]
            for task in done:
                tasks.pop(task)
            if failures:
                raise failures[0]
            # Claim in chunks, not one source per finished task: fewer claim transactions.
            room = in_flight - len(tasks)
            if more and (room >= max(1, in_flight // 4) or not tasks):
                batch = await claim(room, seen)
                more = bool(batch)
        await run.flush()
        if run.pipeline is not None:
            await run.db(run.pipeline.flush)
    except BaseException as exc:
        fatal = exc
        raise
    finally:
        renewer.cancel()
        await asyncio.gather(renewer, return_exceptions=True)
        if tasks:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        if fatal is not None:
            await _save_what_is_done(run, owner, [s.id for s in tasks.values()])


async def _renew_leases(
    run: _Pass, owner: str, tasks: dict[asyncio.Task[None], Source], lease_seconds: float
) -> None:
    """Every third of a lease, extend the leases of the sources in flight and of the finished
    ones whose poll state still waits in the batch: a pass slower than ``lease_seconds`` (a
    big sitemap at per-host pace, a slow site) keeps its sources, and no second process
    fetches them mid-way. Off the database thread, so a long pipeline step does not delay it."""
    while True:
        await asyncio.sleep(lease_seconds / 3)
        ids = {s.id for s in tasks.values()} | {source_id for source_id, _ in run._quiet}
        try:
            lost = await asyncio.to_thread(
                run.store.renew_source_leases, owner, ids, lease_seconds=lease_seconds
            )
        except StorageError as exc:  # the pass itself meets it and stops
            log.info("could not renew source leases: %s", exc)
            continue
        if lost:
            log.warning(
                "sources %s were claimed by another process after their leases ran out",
                ", ".join(map(str, lost)),
            )


async def _save_what_is_done(run: _Pass, owner: str, unfinished: list[int]) -> None:
    """After a fatal error: save the poll state of the finished sources (the unchanged ones
    still batched) and end the leases of the unfinished ones, if the database still answers."""
    try:
        await run.flush()
        await run.db(run.store.release_sources, owner, unfinished)
    except (StorageError, sa.exc.SQLAlchemyError) as exc:
        log.info("could not save the rest of the pass: %s", exc)


def seconds_until_due(store: Store, *, cap: float = 60.0) -> float:
    """Seconds until the next unpaused source is due (0 when one is due now), at most ``cap``."""
    now = utcnow()
    due = [s.next_poll_at for s in store.list_sources(include_paused=False)]
    if not due:
        return cap
    if any(d is None for d in due):
        return 0.0
    soonest = min(d for d in due if d is not None)
    return max(0.0, min(cap, (soonest - now).total_seconds()))


# Between passes a long-running scheduler (``marsad serve``) looks this often for articles other
# processes stored and left for the grouping holder, and keeps its grouping lock renewed.
GROUPING_TICK_SECONDS = 5.0


async def _group_for_others(
    store: Store, settings: Settings, pipelines: list[Pipeline], keep: Callable[[Pipeline], None]
) -> None:
    try:
        if not pipelines:
            counts = await asyncio.to_thread(store.outbox_counts)
            if not counts.get("group"):
                return
            keep(await asyncio.to_thread(Pipeline, store, settings))
        await asyncio.to_thread(pipelines[0].flush)
    except StorageError as exc:
        log.warning("grouping for other processes paused: %s", exc.message)


async def _sleep_or_stop(stop_event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop_event.wait(), timeout=seconds)


class AlertLoop:
    """Alerts delivered by the single-process loop (serve, crawl) between passes: the stories
    grouping decisions changed turned into deliveries, then the due ones sent (issue 20). Quiet
    while no reader has an alert rule and nothing waits; a failure is logged and tried again at
    the next pass, never stopping the crawl. Scaled out, ``marsad alerts run`` does this."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.alerts = Alerts(store)
        self._consumer: AlertConsumer | None = None
        self._sender: AlertSender | None = None

    def _wanted(self) -> bool:
        if self.alerts.rules_version()[0] > 0:
            return True
        return bool(self.store.outbox_counts().get(OUTBOX_ALERT))  # rules removed since

    async def run(self) -> None:
        if not self.settings.alerts:
            return
        try:
            if not await asyncio.to_thread(self._wanted):
                return
            if self._consumer is None or self._sender is None:
                self._consumer = AlertConsumer(self.alerts)
                self._sender = AlertSender(self.alerts, self.settings)
            await alerts_pass(self._consumer, self._sender)
        except StorageError as exc:
            log.error("alerts: %s; trying again after the next pass", exc.message)
        except Exception:
            log.exception("alerts: delivery pass failed; trying again after the next pass")


async def run_scheduler(
    store: Store,
    settings: Settings,
    stop_event: asyncio.Event,
    *,
    on_pass: Callable[[CrawlSummary], None] | None = None,
) -> None:
    """Run passes whenever sources are due, until ``stop_event`` is set.

    Setting the event cancels a pass in progress: that is safe, because a pass is idempotent
    (the unfinished sources are simply polled again next time).
    """
    pipelines: list[Pipeline] = []

    def keep(pipeline: Pipeline) -> None:
        if not pipelines:
            pipelines.append(pipeline)

    try:
        await _scheduler_loop(store, settings, stop_event, pipelines, keep, on_pass)
    finally:
        for pipeline in pipelines:
            await asyncio.to_thread(pipeline.close)


async def _scheduler_loop(
    store: Store,
    settings: Settings,
    stop_event: asyncio.Event,
    pipelines: list[Pipeline],
    keep: Callable[[Pipeline], None],
    on_pass: Callable[[CrawlSummary], None] | None,
) -> None:
    alerts = AlertLoop(store, settings)
    while not stop_event.is_set():
        await _group_for_others(store, settings, pipelines, keep)
        await alerts.run()
        wait = await asyncio.to_thread(seconds_until_due, store)
        if wait > 0:
            await _sleep_or_stop(stop_event, min(wait, GROUPING_TICK_SECONDS))
            continue
        crawl = asyncio.ensure_future(
            crawl_once(
                store,
                settings,
                pipeline=pipelines[0] if pipelines else None,
                on_pipeline=keep,
            )
        )
        stopper = asyncio.ensure_future(stop_event.wait())
        await asyncio.wait({crawl, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if not crawl.done():
            crawl.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await crawl
            break
        stopper.cancel()
        try:
            summary = crawl.result()
        except StorageError as exc:
            log.error("crawl pass stopped: %s; retrying in a minute", exc.message)
            await _sleep_or_stop(stop_event, 60)
            continue
        if on_pass is not None:
            on_pass(summary)


__all__ = [
    "AlertLoop",
    "ArticlePage",
    "ArticleSink",
    "CrawlSummary",
    "crawl_once",
    "fetch_article_page",
    "poll_source",
    "poll_sources",
    "run_scheduler",
    "seconds_until_due",
]
