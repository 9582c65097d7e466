"""``marsad import``: local HTML pages and JSON Lines articles through the whole pipeline.

No network: inputs are read as ``marsad cluster`` reads them (``marsad.pipeline.stream``), each
becomes an ``IncomingArticle`` (``stream.incoming``) and goes through ``Pipeline.ingest`` like a
crawled one: the same extract and analyse steps (``marsad.pipeline.steps``), then store, index
and group. A bad file or line is reported and the rest goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from marsad.errors import StorageError
from marsad.pipeline.process import IncomingArticle, Pipeline
from marsad.pipeline.stream import (
    JSONL_SUFFIXES,
    StreamArticle,
    incoming,
    read_jsonl,
    read_page,
)

log = logging.getLogger(__name__)


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


def _item(record: StreamArticle) -> ImportItem:
    if record.error:
        return ImportItem(record.input, None, record.error)
    return ImportItem(record.input, incoming(record))


def read_import_inputs(paths: Iterable[Path]) -> Iterator[ImportItem]:
    """Inputs in the given order; folders are walked in name order."""
    for path in paths:
        if path.is_dir():
            yield from read_import_inputs(
                sorted(p for p in path.iterdir() if not p.name.startswith("."))
            )
        elif not path.exists():
            yield ImportItem(str(path), None, "no such file")
        elif path.name.lower().endswith(JSONL_SUFFIXES):
            try:
                for record in read_jsonl(path):
                    yield _item(record)
            except OSError as exc:
                yield ImportItem(str(path), None, f"unreadable: {exc.strerror or exc}")
        else:
            yield _item(read_page(path))


def import_paths(pipeline: Pipeline, paths: Iterable[Path]) -> ImportSummary:
    summary = ImportSummary()
    for item in read_import_inputs(paths):
        if item.article is None:
            summary.failed.append((item.input, item.error or "unreadable"))
            continue
        try:
            created = pipeline.store_item(item.article)
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
