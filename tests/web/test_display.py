"""Arabic first without a model: one title rule on the site, in the feeds and in the API."""

from __future__ import annotations

import feedparser
from starlette.testclient import TestClient

from marsad.web.display import numbers_in

from .helpers import Filled

# The English-only story ("UN vote on Nile water sharing") has no Arabic member and no
# translation: it is shown in English, named as such, with Arabic key facts.
FACTS_AR = "عن مصر، الأمم المتحدة · 27 نوفمبر 2026"
LABEL_AR = "باللغة الإنجليزية، دون ترجمة"


def test_untranslated_story_is_named_with_arabic_facts_and_how_to_translate(
    client: TestClient,
) -> None:
    text = client.get("/").text
    assert "UN vote on Nile water sharing" in text
    assert LABEL_AR in text
    assert FACTS_AR in text
    # The page says once how an operator enables translation.
    assert text.count("marsad models install") == 1
    assert "الترجمة إلى العربية" in text


def test_arabic_member_title_wins_and_english_readers_get_english_members(
    client: TestClient, filled: Filled
) -> None:
    ar = client.get(f"/stories/{filled.stories['main']}").text
    assert '<h1><span lang="ar" dir="auto">قمة المياه في القاهرة تتفق على خطة لنهر النيل' in ar
    en = client.get(f"/stories/{filled.stories['main']}?lang=en").text
    assert '<h1><span lang="en" dir="auto">Cairo water summit agrees Nile plan</span>' in en
    home_en = client.get("/?lang=en").text
    assert "Cairo water summit agrees Nile plan" in home_en
    # The Arabic-only story is named for English readers, with English facts.
    assert "In Arabic, not translated" in home_en
    assert "untranslated-note" not in home_en  # translation into English is no setting


def test_untranslated_article_page_says_so_in_arabic(client: TestClient, filled: Filled) -> None:
    text = client.get(f"/articles/{filled.articles['other']}").text
    assert LABEL_AR in text
    assert "هذا المقال باللغة الإنجليزية ولم يُترجم إلى العربية" in text
    assert text.count("marsad models install") == 1
    translated = client.get(f"/articles/{filled.articles['en']}").text
    assert "دون ترجمة" not in translated and "ترجمة آلية" in translated


def test_feeds_and_api_follow_the_same_rule(client: TestClient, filled: Filled) -> None:
    parsed = feedparser.parse(client.get("/feeds/rss.xml").content)
    other = next(e for e in parsed.entries if "UN vote" in e.title)
    assert other.title == f"UN vote on Nile water sharing [{LABEL_AR}]"
    assert FACTS_AR in other.summary
    items = client.get("/feeds/feed.json").json()["items"]
    marked = next(i for i in items if "UN vote" in i["title"])
    assert marked["_marsad"]["untranslated"] is True
    assert marked["_marsad"]["original_language"] == "en"

    stories = {s["id"]: s for s in client.get("/api/v1/stories").json()["items"]}
    shown = stories[filled.stories["other"]]["display"]
    assert shown == {
        "title": "UN vote on Nile water sharing",
        "language": "en",
        "machine_translated": False,
        "untranslated": True,
        "facts": FACTS_AR,
    }
    english = {s["id"]: s for s in client.get("/api/v1/stories?lang=en").json()["items"]}
    assert english[filled.stories["main"]]["display"]["title"] == (
        "Cairo water summit agrees Nile plan"
    )
    article = client.get(f"/api/v1/articles/{filled.articles['en']}").json()
    assert article["display"]["machine_translated"] is True
    assert article["display"]["title"] == "قمة القاهرة للمياه تقر خطة النيل"


def test_numbers_in_titles_in_any_digits() -> None:
    assert numbers_in("Quake of 7.1 kills 1,200 in 2026, 3 more") == ["7.1", "1,200", "2026"]
    assert numbers_in("مقتل ٤٥ شخصا") == ["٤٥"]
    assert numbers_in("no numbers") == []
