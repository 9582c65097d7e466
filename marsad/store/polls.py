"""Sources read many at a time, for a task worker that polls a batch of sources per message
(``marsad.pipeline.crawl.poll_sources``): one query for the batch instead of one per source.

Kept beside ``Store`` rather than in it (the store's class is another piece of work's file
now); it uses the store's own source query, so a source reads the same either way.
"""

from __future__ import annotations

from collections.abc import Iterable

from marsad.models import Source
from marsad.store import schema as t
from marsad.store.store import Store


def sources_by_id(store: Store, source_ids: Iterable[int]) -> list[Source]:
    """The sources of ``source_ids`` that exist (removed ones are left out), by id."""
    ids = sorted(set(source_ids))
    if not ids:
        return []
    query = store._source_query().where(t.sources.c.id.in_(ids)).order_by(t.sources.c.id)
    with store._read() as conn:
        return [store._row_to_source(row) for row in conn.execute(query)]


__all__ = ["sources_by_id"]
