"""The newest articles about a set of countries: exact whichever plan the store picks."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from marsad.store import Store
from marsad.store import schema as t

COMMON = ["EG", "FR", "US"]
RARE = ["NZ", "FJ"]


def _fill(store: Store, n: int = 1_500) -> dict[str, list[int]]:
    """Articles about common and rare countries, some only mentioning them in passing."""
    rng = random.Random(5)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    articles, countries = [], []
    about: dict[str, list[int]] = {}
    for i in range(1, n + 1):
        articles.append(
            {
                "id": i,
                "url": f"https://x.example/{i}",
                "title": f"a{i}",
                "language": "ar",
                "published_at": start + timedelta(minutes=i),
                "extraction_status": "ok",
                "created_at": start,
            }
        )
        pool = COMMON if rng.random() < 0.97 else RARE
        for cc in rng.sample(pool, rng.choice((1, 2))):
            is_about = rng.random() < 0.8
            countries.append(
                {"article_id": i, "country": cc, "score": 1.0, "is_about": is_about, "mentions": 1}
            )
            if is_about:
                about.setdefault(cc, []).append(i)
    with store.transaction() as conn:
        conn.execute(t.articles.insert(), articles)
        conn.execute(t.article_countries.insert(), countries)
    return about


@pytest.mark.parametrize(
    "codes", [["EG"], ["eg", "FR", "US"], ["NZ"], ["NZ", "FJ"], ["FJ", "EG"], ["ZZ"]]
)
def test_recent_about_article_ids_matches_a_full_scan(store: Store, codes: list[str]) -> None:
    about = _fill(store)
    expected_all = sorted({i for c in codes for i in about.get(c.upper(), [])}, reverse=True)
    with store.reading() as r:
        for want in (1, 7, 80, 600, 5_000):
            got = r.recent_about_article_ids(codes, want)
            assert got == expected_all[:want], (codes, want)
        assert r.recent_about_article_ids([], 10) == []
