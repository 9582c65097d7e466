"""Reading local inputs (JSON Lines records, HTML pages) and grouping them as one stream.

``read_inputs`` turns files into ``StreamArticle`` records in the given order, recording a bad
line or page as an error record instead of stopping; ``incoming`` makes a record the
``IncomingArticle`` the pipeline takes (``marsad import`` stores it through ``Pipeline.ingest``).
``cluster_stream`` (``marsad cluster``) runs each record through the pipeline's own steps,
``extract_step`` then ``analyse_step`` (``marsad.pipeline.steps``), and groups the features
they give, so the stream is grouped on what the pipeline would store: a page is extracted like
a crawled page, a record goes in like a feed entry with its text.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from marsad.cluster.clusterer import Assignment
from marsad.cluster.stream import parse_time
from marsad.dedup.features import ArticleFeatures
from marsad.extract import LanguageDetector
from marsad.ingest.urls import canonicalize_url
from marsad.pipeline.steps import (
    Analysed,
    Evidence,
    ExtractLimits,
    IncomingArticle,
    analyse_step,
    extract_step,
)
from marsad.understand import Knowledge

log = logging.getLogger(__name__)

MAX_LINE_CHARS = 2_000_000  # one JSON Lines article; longer lines are refused, not parsed
MAX_PAGE_BYTES = 10 * 1024 * 1024  # one HTML page; larger ones are refused, not cut
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".json", ".ndjson")
# The stream's clock before its first dated article (an undated article comes right after
# the one before it).
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class StreamArticle:
    """One input article; ``error`` is set (and the rest may be empty) when it was unreadable.
    A page has ``html`` (and its file URI as ``url``); a record has the fields it gave."""

    input: str
    url: str | None = None
    title: str = ""
    text: str = ""
    language: str | None = None
    published: datetime | None = None
    source: str | None = None
    translated_title: str | None = None
    # Pre-analysed evidence given with the input (JSON Lines ``entities`` / ``countries``).
    entities: tuple[str, ...] | None = None
    countries: tuple[str, ...] | None = None
    html: bytes | None = None
    error: str | None = None


def _record(input_name: str, data: Any) -> StreamArticle:
    if not isinstance(data, dict):
        return StreamArticle(input_name, error="not a JSON object")
    ident = data.get("id")
    url = data.get("url")
    name = str(ident) if ident not in (None, "") else str(url or input_name)
    title, text = str(data.get("title") or ""), str(data.get("text") or "")
    if not title and not text:
        return StreamArticle(name, url=url, error="no title and no text")
    return StreamArticle(
        input=name,
        url=str(url) if url else None,
        title=title,
        text=text,
        language=str(data["language"]).lower() if data.get("language") else None,
        published=parse_time(data.get("published")),
        source=str(data["source"]) if data.get("source") else None,
        translated_title=str(data["translated_title"]) if data.get("translated_title") else None,
        entities=_strings(data.get("entities")),
        countries=_strings(data.get("countries")),
    )


def _strings(value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, list):
        return None
    return tuple(str(v)[:200] for v in value[:100] if isinstance(v, str | int))


def read_jsonl(path: Path) -> Iterator[StreamArticle]:
    """The records of a JSON Lines file (gzipped when it ends in .gz); a bad line becomes an
    error record named ``path:line``."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            if len(line) > MAX_LINE_CHARS:
                yield StreamArticle(where, error="line too long")
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                yield StreamArticle(where, error=f"bad JSON: {exc.msg}")
                continue
            yield _record(where, data)


def read_page(path: Path) -> StreamArticle:
    """One saved HTML page, not yet extracted; its URL is its file URI."""
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_PAGE_BYTES + 1)
    except OSError as exc:
        return StreamArticle(str(path), error=f"unreadable: {exc.strerror or exc}")
    if len(data) > MAX_PAGE_BYTES:
        return StreamArticle(str(path), error=f"page larger than {MAX_PAGE_BYTES} bytes")
    if not data.strip():
        return StreamArticle(str(path), error="empty file")
    return StreamArticle(str(path), url=path.resolve().as_uri(), html=data)


def read_inputs(paths: Iterable[Path]) -> Iterator[StreamArticle]:
    """Articles from JSON Lines files (.jsonl, .jsonl.gz, .json, .ndjson) and HTML pages, in
    order; a folder's files in name order."""
    for path in paths:
        if path.is_dir():
            yield from read_inputs(sorted(p for p in path.iterdir() if p.is_file()))
        elif path.name.lower().endswith(JSONL_SUFFIXES):
            try:
                yield from read_jsonl(path)
            except OSError as exc:
                yield StreamArticle(str(path), error=f"unreadable: {exc.strerror or exc}")
        else:
            yield read_page(path)


def incoming(record: StreamArticle) -> IncomingArticle:
    """The record as the pipeline takes it: a page like a fetched one, a JSON Lines record like
    a feed entry with its text. A record without a usable URL is named by its content, so
    importing it twice stores it once."""
    if record.html is not None and record.url:
        return IncomingArticle(url=record.url, html=record.html)
    url = canonicalize_url(record.url) if record.url else None
    if url is None:
        digest = hashlib.sha256(f"{record.title}\n{record.text}".encode()).hexdigest()[:24]
        url = f"urn:marsad:import:{digest}"
    return IncomingArticle(
        url=url,
        title=record.title or None,
        text=record.text or None,
        language=record.language,
        published_at=record.published,
        site_name=record.source,
    )


def analyse_stream(
    records: Iterable[StreamArticle],
    *,
    knowledge: Knowledge,
    detector: LanguageDetector,
    limits: ExtractLimits | None = None,
    now: datetime | None = None,
) -> Iterator[tuple[StreamArticle, Analysed | None]]:
    """Each record through ``extract_step`` and ``analyse_step``, in order. Unreadable records,
    and pages that hold no article, come back with ``None`` and their ``error`` set; the others
    with the extracted title, text, language and date.

    Article keys are ``"<position>:<input>"`` so equal inputs given twice stay distinct. A
    record's ``source`` names its outlet (the stream has no source ids). An article without a
    date is taken to come right after the one before it. ``now``: when the stream was read
    (dates more than a day after it are dropped, as the crawler drops them).
    """
    fetched_at = now or datetime.now(UTC)
    clock: datetime | None = None
    for index, record in enumerate(records):
        if record.error:
            yield record, None
            continue
        extracted = extract_step(
            incoming(record), fetched_at=fetched_at, detector=detector, limits=limits
        )
        page, new = extracted.page, extracted.article
        if page is not None and not page.ok:
            why = f"{page.status.value}: {page.reason}" if page.reason else page.status.value
            yield replace(record, html=None, error=f"no article in the page ({why})"), None
            continue
        if not new.title and not new.text:
            yield replace(record, html=None, error="no title and no text"), None
            continue
        published = new.published_at or clock or _EPOCH
        clock = max(clock or published, published)
        if new.published_at is None:
            new = replace(new, fetched_at=published)
        evidence = None
        if record.entities is not None or record.countries is not None or record.translated_title:
            evidence = Evidence(record.entities, record.countries, record.translated_title)
        analysed = analyse_step(
            new,
            knowledge,
            key=f"{index}:{record.input}",
            source=record.source,
            evidence=evidence,
        )
        seen = replace(
            record,
            url=new.url,
            title=new.title or "",
            text=new.text or "",
            language=new.language,
            published=new.published_at,
            html=None,
        )
        yield seen, analysed


def cluster_stream(
    records: Iterable[StreamArticle],
    add: Callable[[ArticleFeatures], Assignment],
    *,
    knowledge: Knowledge,
    detector: LanguageDetector,
    limits: ExtractLimits | None = None,
    now: datetime | None = None,
) -> Iterator[tuple[StreamArticle, Assignment | None]]:
    """Assign each record in order with ``add`` (a clusterer's, or a re-checked stream's) on
    the features ``analyse_stream`` gives; records without an article come back with None."""
    for record, analysed in analyse_stream(
        records, knowledge=knowledge, detector=detector, limits=limits, now=now
    ):
        yield record, add(analysed.features) if analysed is not None else None


__all__ = [
    "JSONL_SUFFIXES",
    "MAX_PAGE_BYTES",
    "StreamArticle",
    "analyse_stream",
    "cluster_stream",
    "incoming",
    "read_inputs",
    "read_jsonl",
    "read_page",
]
