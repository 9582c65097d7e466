"""SQLite FTS5 and PostgreSQL return the same result SETS for the same data and queries.

Scores differ by design (FTS5 bm25 vs ts_rank_cd), so only the sets are compared; both see the
same analysed terms, so the sets must be identical.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from search_corpus import NOW, populate

from marsad.search import search
from marsad.store import Store, open_store

QUERIES = [
    "كتاب",
    "الكتاب OR النفط",
    '"معرض الرياض"',
    "بوتين",
    "Putin talks",
    "أسعار النفط",
    "كتاب -الرياض",
    "country:EG",
    "region:أوروبا",
    "lang:en elections",
    "from:2024-05 الرئيس",
    "الأسعار ستنخفض",
    "cairo OR paris",
    "نادر",
]


@pytest.fixture
def both(sqlite_url: str, pg_url: str) -> Iterator[tuple[Store, Store]]:
    lite, pg = open_store(sqlite_url), open_store(pg_url)
    populate(lite)
    populate(pg)
    yield lite, pg
    lite.close()
    pg.close()


@pytest.mark.parametrize("match", ["all", "any", "auto"])
def test_same_sets_on_both_backends(both: tuple[Store, Store], match: str) -> None:
    lite, pg = both
    for query in QUERIES:
        a = search(lite, query, limit=100, now=NOW, match=match)
        b = search(pg, query, limit=100, now=NOW, match=match)
        urls_a = {h.url for h in a.hits}
        urls_b = {h.url for h in b.hits}
        assert urls_a == urls_b, query
        assert a.total == b.total, query
        assert (a.facets and a.facets.to_json()) == (b.facets and b.facets.to_json()), query
    # At least some queries must find something, or the comparison proves nothing.
    assert search(lite, "كتاب", now=NOW).total == 2
