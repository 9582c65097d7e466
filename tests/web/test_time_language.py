"""Time and language by the library (Babel/CLDR): dates, relative times, plural forms, language
names, the display time zone named on the page, Hijri dates, and Arabic-Indic digits as a setting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from marsad.errors import ConfigError
from marsad.search import index_articles
from marsad.web import create_app
from marsad.web.i18n import plural_category

from .helpers import NOW, Filled, web_settings


def _client(filled: Filled, home: Path, search: bool = False, **settings: object) -> TestClient:
    app = create_app(
        filled.store,
        web_settings(home, **settings),
        clock=lambda: NOW,
        search_function=True if search else None,
    )
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def riyadh(filled: Filled, tmp_path: Path) -> Iterator[TestClient]:
    with _client(filled, tmp_path, display_timezone="Asia/Riyadh", digits="arabic") as client:
        yield client


def test_relative_times_and_the_zone_named(client: TestClient) -> None:
    home = client.get("/").text
    # the copy, 1 h old, makes the main story 1 h old; the hostile article is 5 h old
    assert ">قبل ساعة واحدة</time>" in home
    assert ">قبل 5 ساعات</time>" in home
    assert 'title="28 نوفمبر 2026 11:00 UTC"' in home  # the absolute time stays at hand
    assert "الأوقات بتوقيت UTC" in home
    english = client.get("/?lang=en").text
    assert ">1 hour ago</time>" in english and ">5 hours ago</time>" in english
    assert "Times are in UTC" in english


def test_display_zone_and_arabic_indic_digits(riyadh: TestClient, filled: Filled) -> None:
    page = riyadh.get(f"/articles/{filled.articles['ar']}").text
    # published 09:00 UTC = 12:00 in Riyadh; Gregorian and Hijri dates in Arabic-Indic digits
    assert "٢٨ نوفمبر ٢٠٢٦ <bdi>١٢:٠٠</bdi>" in page
    assert "١٨ جمادى الآخرة ١٤٤٨ هـ" in page
    assert "الأوقات بتوقيت Asia/Riyadh (UTC+٠٣:٠٠)" in page
    home = riyadh.get("/").text
    assert ">قبل ٥ ساعات</time>" in home
    assert "٣ مصادر · ٣ مقالات" in home  # plural form "few" with its digits
    english = riyadh.get("/?lang=en").text
    assert "3 sources · 3 articles" in english and "٣" not in english
    assert "Times are in Asia/Riyadh (UTC+03:00)" in english


def test_a_bad_time_zone_is_one_clear_config_error(filled: Filled, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="display_timezone"):
        create_app(filled.store, web_settings(tmp_path, display_timezone="Mars/Olympus"))


@pytest.mark.parametrize(
    ("lang", "n", "category"),
    [
        ("ar", 0, "zero"),
        ("ar", 1, "one"),
        ("ar", 2, "two"),
        ("ar", 3, "few"),
        ("ar", 103, "few"),
        ("ar", 11, "many"),
        ("ar", 100, "other"),
        ("en", 1, "one"),
        ("en", 0, "other"),
    ],
)
def test_plural_forms_are_cldr(lang: str, n: int, category: str) -> None:
    assert plural_category(lang, n) == category


def test_story_page_counts_use_arabic_plural_forms(client: TestClient, filled: Filled) -> None:
    other = client.get(f"/stories/{filled.stories['other']}").text
    assert "مصدر واحد · مقال واحد" in other
    main = client.get(f"/stories/{filled.stories['main']}").text
    assert "3 مصادر · 3 مقالات" in main


def test_language_facets_are_named(filled: Filled, tmp_path: Path) -> None:
    index_articles(filled.store, list(filled.articles.values()))
    with _client(filled, tmp_path, search=True) as client:
        arabic = client.get("/search?q=Nile").text
        facets = arabic[arabic.index('class="facets"') :]
        assert ">الإنجليزية</span>" in facets
        assert ">en</span>" not in facets
        english = client.get("/search?q=Nile&lang=en").text
        assert ">English</span>" in english[english.index('class="facets"') :]
