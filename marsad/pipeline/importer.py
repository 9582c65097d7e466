"""``marsad import``: local HTML pages and JSON Lines articles through the whole pipeline.

No network: each input becomes an ``IncomingArticle`` and goes through ``Pipeline.ingest`` like
a crawled one (extract, analyse, dedup, cluster, store, index). A bad file or line is reported
and the rest goes on.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from marsad.cluster.stream import StreamArticle, read_jsonl
from marsad.errors import StorageError
from marsad.ingest.urls import canonicalize_url
from marsad.pipeline.process import IncomingArticle, Pipeline

log = logging.getLogger(__name__)

MAX_PAGE_BYTES = 10 * 1024 * 1024
_JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".json", ".ndjson")


@dataclass(frozen=True)
class ImportItem:
    input: str
    article: IncomingArticle | None
    error: str | None = None


@dataclass
class ImportSummary:
    new: int = 0
    known: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


def _from_record(record: StreamArticle) -> ImportItem:
    if record.error:
        return ImportItem(record.input, None, record.error)
    url = canonicalize_url(record.url) if record.url else None
    if url is None:
        # No usable URL: a stable name from the content, so importing twice stores it once.
        digest = hashlib.sha256(f"{record.title}\n{record.text}".encode()).hexdigest()[:24]
        url = f"urn:marsad:import:{digest}"
    return ImportItem(
        record.input,
        IncomingArticle(
            url=url,
            title=record.title or None,
            text=record.text or None,
            language=record.language,
            published_at=record.published,
            site_name=record.source,
        ),
    )


def _from_page(path: Path) -> ImportItem:
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_PAGE_BYTES + 1)
    except OSError as exc:
        return ImportItem(str(path), None, f"unreadable: {exc.strerror or exc}")
    if len(data) > MAX_PAGE_BYTES:
        return ImportItem(str(path), None, f"page larger than {MAX_PAGE_BYTES} bytes")
    if not data.strip():
        return ImportItem(str(path), None, "empty file")
    return ImportItem(str(path), IncomingArticle(url=path.resolve().as_uri(), html=data))


def read_import_inputs(paths: Iterable[Path]) -> Iterator[ImportItem]:
    """Inputs in the given order; folders are walked in name order."""
    for path in paths:
        if path.is_dir():
            yield from read_import_inputs(
                sorted(p for p in path.iterdir() if not p.name.startswith("."))
            )
        elif not path.exists():
            yield ImportItem(str(path), None, "no such file")
        elif path.name.lower().endswith(_JSONL_SUFFIXES):
            try:
                for record in read_jsonl(path):
                    yield _from_record(record)
            except OSError as exc:
                yield ImportItem(str(path), None, f"unreadable: {exc.strerror or exc}")
        else:
            yield _from_page(path)


def import_paths(pipeline: Pipeline, paths: Iterable[Path]) -> ImportSummary:
    summary = ImportSummary()
    for item in read_import_inputs(paths):
        if item.article is None:
            summary.failed.append((item.input, item.error or "unreadable"))
            continue
        try:
            _, created = pipeline.ingest(item.article)
        except StorageError:
            raise  # the database is gone: stop, nothing else can be stored either
        except Exception as exc:  # one bad article must not stop an archive import
            log.exception("importing %s failed", item.input)
            summary.failed.append((item.input, f"internal error: {exc!r}"[:300]))
            continue
        if created:
            summary.new += 1
        else:
            summary.known += 1
    return summary
