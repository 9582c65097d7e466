"""Sparklines: a story's articles per hour per language, a source's articles per day."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from starlette.testclient import TestClient

from marsad.models import Article, NewArticle
from marsad.web import create_app
from marsad.web.pages import PAGE_SIZE
from marsad.web.sparkline import (
    SOURCE_DAYS,
    STORY_MAX_HOURS,
    covers_days,
    daily_series,
    hourly_series,
)

from .helpers import NOW, Filled, web_settings

SPARK = re.compile(
    r'<svg class="sparkline"[^>]*role="img" aria-label="([^"]+)"><title>([^<]+)</title>(.*?)</svg>',
    re.S,
)


def _article(i: int, when: datetime | None, lang: str = "ar") -> Article:
    return Article(id=i, url=f"http://x.example/{i}", language=lang, published_at=when)


def test_hourly_series_per_language_arabic_first() -> None:
    start = datetime(2026, 11, 28, 9, 10, tzinfo=UTC)
    articles = [
        _article(1, start, "en"),
        _article(2, start + timedelta(minutes=30), "ar"),
        _article(3, start + timedelta(hours=2, minutes=5), "ar"),
        _article(4, start + timedelta(hours=2, minutes=40), "ar"),
        _article(5, None, "ar"),  # undated: not on the chart
        _article(6, start + timedelta(hours=1), "fr"),
    ]
    first, series = hourly_series(articles)
    assert first == start.replace(minute=0)
    assert [(s.key, s.counts) for s in series] == [
        ("ar", (1, 0, 2)),
        ("en", (1, 0, 0)),
        ("fr", (0, 1, 0)),
    ]


def test_hourly_series_keeps_the_last_week() -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    articles = [_article(i, start + timedelta(hours=i * 10)) for i in range(40)]
    first, series = hourly_series(articles)
    assert len(series[0].counts) == STORY_MAX_HOURS
    assert first == start + timedelta(hours=390 - STORY_MAX_HOURS + 1)
    assert sum(series[0].counts) == sum(
        1 for a in articles if a.published_at and a.published_at >= first
    )


def test_daily_series_in_the_display_zone() -> None:
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    riyadh = ZoneInfo("Asia/Riyadh")  # UTC+3: 22:30 UTC on the 27th is the 28th there
    articles = [
        _article(1, datetime(2026, 11, 27, 22, 30, tzinfo=UTC)),
        _article(2, datetime(2026, 11, 27, 20, 0, tzinfo=UTC)),
        _article(3, now - timedelta(days=SOURCE_DAYS + 1)),  # before the window
    ]
    first, series = daily_series(articles, now=now, zone=riyadh)
    assert len(series.counts) == SOURCE_DAYS
    assert first.date() == (now.astimezone(riyadh) - timedelta(days=SOURCE_DAYS - 1)).date()
    assert series.counts[-1] == 1 and series.counts[-2] == 1 and sum(series.counts) == 2


@pytest.mark.parametrize(
    ("ages_days", "limit", "expected"),
    [((1, 2), 5, True), ((1, 2, 3), 3, False), ((1, 2, 20), 3, True)],
    ids=["short-page", "full-page-recent", "full-page-reaches-back"],
)
def test_covers_days(ages_days: tuple[int, ...], limit: int, expected: bool) -> None:
    articles = [_article(i, NOW - timedelta(days=d)) for i, d in enumerate(ages_days)]
    assert covers_days(articles, limit, now=NOW) is expected


def test_story_page_sparkline_states_the_numbers(client: TestClient, filled: Filled) -> None:
    story_id = filled.stories[next(iter(filled.stories))]
    with filled.store.reading() as r:
        members = r.story_articles(story_id)
    by_lang: dict[str, int] = {}
    for a in members:
        by_lang[a.language or ""] = by_lang.get(a.language or "", 0) + 1
    page = client.get(f"/stories/{story_id}?lang=en")
    found = SPARK.search(page.text)
    assert found, "no sparkline on the story page"
    label, title, lines = found.groups()
    assert label == title and label.startswith("Articles per hour from ")
    names = {"ar": "Arabic", "en": "English"}
    for lang, n in by_lang.items():
        word = "article" if n == 1 else "articles"
        assert f"{names[lang]}: {n} {word}" in label
        assert f'class="spark-{lang}"' in lines
    assert lines.count("<polyline") == len(by_lang)


def test_source_page_activity_counts_the_fortnight(client: TestClient, filled: Filled) -> None:
    source_id = filled.sources["ar"]
    with filled.store.reading() as r:
        listed = r.list_articles(limit=1000, source_id=source_id, include_duplicates=True)
    recent = [
        a
        for a in listed
        if (a.published_at or a.created_at)
        and (a.published_at or a.created_at).replace(tzinfo=UTC) > NOW - timedelta(days=14)
    ]
    page = client.get(f"/sources/{source_id}?lang=ar")
    found = SPARK.search(page.text)
    assert found, "no activity chart on the source page"
    label = found.group(1)
    assert "المقالات في كل يوم من الأسبوعين الأخيرين" in label
    assert len(found.group(3).split("points=")) == 2  # one line
    counts = label.rsplit(": ", 1)[1].split("، ")
    assert len(counts) == SOURCE_DAYS
    assert sum(int(c) for c in counts) == len(recent)


def test_busy_source_is_read_beyond_the_first_page(filled: Filled, tmp_path: Path) -> None:
    store = filled.store
    source_id = filled.sources["en"]
    for i in range(PAGE_SIZE + 5):
        store.add_article(
            NewArticle(
                url=f"http://en.example.org/busy/{i}",
                source_id=source_id,
                title=f"Busy day item {i}",
                language="en",
                published_at=NOW - timedelta(hours=2, minutes=i),
            )
        )
    app = create_app(store, web_settings(tmp_path), clock=lambda: NOW, search_function=None)
    with TestClient(app) as client:
        page = client.get(f"/sources/{source_id}?lang=en")
    found = SPARK.search(page.text)
    assert found
    counts = [int(c) for c in found.group(1).rsplit(": ", 1)[1].split(", ")]
    assert counts[-1] >= PAGE_SIZE + 5  # today's count, beyond the page's 30 articles
