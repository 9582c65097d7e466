"""Every HTML page over a filled store, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from .helpers import Filled


def page_paths(filled: Filled) -> list[str]:
    return [
        "/",
        "/regions",
        "/regions/north_africa",
        "/countries/EG",
        "/sources",
        f"/sources/{filled.sources['ar']}",
        "/entities/person:amina-haddad",
        f"/stories/{filled.stories['main']}",
        f"/articles/{filled.articles['ar']}",
        "/search?q=Nile",
    ]


def test_every_page_is_arabic_rtl(client: TestClient, filled: Filled) -> None:
    for path in page_paths(filled):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
        assert '<html lang="ar" dir="rtl">' in response.text, path
        assert "مرصد" in response.text


def test_home_lists_top_story_first_and_region_blocks(client: TestClient, filled: Filled) -> None:
    text = client.get("/").text
    top = text.index("أبرز القصص الآن")
    assert text.index(f'href="/stories/{filled.stories["main"]}"', top) < text.index(
        f'href="/stories/{filled.stories["other"]}"', top
    )
    assert 'href="/regions/north_africa"' in text
    assert "شمال أفريقيا" in text


def test_story_page_groups_languages_timeline_and_read_also(
    client: TestClient, filled: Filled
) -> None:
    text = client.get(f"/stories/{filled.stories['main']}").text
    assert "قمة المياه في القاهرة" in text
    # Language groups named by CLDR (Babel), Arabic first.
    assert "<h3>العربية</h3>" in text and "<h3>الإنجليزية</h3>" in text
    assert text.index("<h3>العربية</h3>") < text.index("<h3>الإنجليزية</h3>")
    assert "http://en.example.org/world/water-summit" in text  # original link
    assert "التسلسل الزمني" in text
    assert "ترجمة آلية" in text  # the English title is shown translated, labelled
    assert "منشور منقول" in text  # the copy is marked
    read_also = text[text.index("اقرأ أيضًا") :]
    assert f'href="/stories/{filled.stories["other"]}"' in read_also
    assert 'href="/countries/EG"' in text
    assert 'href="/entities/person%3Aamina-haddad"' in text


def test_article_page_dates_and_original(client: TestClient, filled: Filled) -> None:
    text = client.get(f"/articles/{filled.articles['ar']}").text
    assert "28 نوفمبر 2026" in text
    assert "جمادى الآخرة 1448 هـ" in text  # Hijri date
    assert "سارة منصور" in text
    assert 'href="http://ar.example.org/2026/summit"' in text
    assert '<p dir="auto">اتفق وزراء المياه' in text


def test_article_republished_from(client: TestClient, filled: Filled) -> None:
    text = client.get(f"/articles/{filled.articles['copy']}").text
    assert "منقول عن" in text
    assert f'href="/articles/{filled.articles["ar"]}"' in text


def test_article_translation_is_labelled_and_original_one_click(
    client: TestClient, filled: Filled
) -> None:
    article_id = filled.articles["en"]
    text = client.get(f"/articles/{article_id}").text
    assert "قمة القاهرة للمياه تقر خطة النيل" in text
    assert "ترجمة آلية" in text and "opus-mt-en-ar" in text
    assert f'href="/articles/{article_id}?original=1"' in text
    original = client.get(f"/articles/{article_id}?original=1").text
    assert "Cairo water summit agrees Nile plan" in original
    assert 'lang="en"' in original
    assert "قمة القاهرة للمياه" not in original


def test_source_page_shows_fetch_status_and_last_error(client: TestClient, filled: Filled) -> None:
    text = client.get(f"/sources/{filled.sources['evil']}").text
    assert "آخر خطأ" in text
    assert "HTTP 500" in text
    assert "<bdi>500</bdi>" in text


def test_english_interface_by_switch_cookie_and_header(client: TestClient) -> None:
    switched = client.get("/?lang=en")
    assert '<html lang="en" dir="ltr">' in switched.text
    assert "Top stories now" in switched.text
    assert switched.cookies.get("lang") == "en"
    assert '<html lang="en" dir="ltr">' in client.get("/regions").text  # cookie remembered
    client.cookies.clear()
    assert '<html lang="ar" dir="rtl">' in client.get("/regions").text
    by_header = client.get("/regions", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en" dir="ltr">' in by_header.text


def test_content_carries_lang_and_dir_auto(client: TestClient, filled: Filled) -> None:
    text = client.get("/?lang=en").text
    assert re.search(r'<span lang="en" dir="auto">Cairo water summit agrees Nile plan</span>', text)


@pytest.mark.parametrize(
    "path",
    [
        "/stories/999999",
        "/articles/999999",
        "/sources/999999",
        "/entities/nobody",
        "/regions/atlantis",
        "/countries/ZZZ",
        "/stories/abc",
        "/no/such/page",
    ],
    ids=lambda p: p,
)
def test_unknown_ids_are_arabic_404_pages(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert '<html lang="ar" dir="rtl">' in response.text
    assert "الصفحة غير موجودة" in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    "path", ["/regions/europe?page=0", "/regions/europe?page=x", "/countries/EG?page=99999"]
)
def test_bad_parameters_are_400(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert "المعامل" in response.text
    assert "Traceback" not in response.text


def test_lowercase_country_redirects(client: TestClient) -> None:
    response = client.get("/countries/eg", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == "/countries/EG"


def test_merged_story_redirects(client: TestClient, filled: Filled) -> None:
    filled.store.update_story(filled.stories["other"], merged_into=filled.stories["main"])
    response = client.get(f"/stories/{filled.stories['other']}", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == f"/stories/{filled.stories['main']}"


def test_static_stylesheet(client: TestClient) -> None:
    response = client.get("/static/style.css")
    assert response.status_code == 200
    assert "overflow-wrap" in response.text


def test_language_switch_keeps_the_search(client: TestClient) -> None:
    text = client.get("/search?q=Nile").text
    assert 'href="/search?q=Nile&amp;lang=en"' in text
