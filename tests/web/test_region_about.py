"""Region and country pages list stories the articles are *about*, not passing mentions."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from starlette.testclient import TestClient

from marsad.models import AnalysedArticle, ArticleCountry, NewArticle, StoryChange
from marsad.store import Store
from marsad.web import create_app

from .helpers import NOW, web_settings


def test_passing_mention_does_not_put_a_story_in_a_region(store: Store, tmp_path: Path) -> None:
    store.save_analysed(
        AnalysedArticle(
            article=NewArticle(
                url="https://bush.example/fires",
                title="Australia bans all fires as 40 blazes burn",
                language="en",
                published_at=NOW - timedelta(hours=1),
            ),
            # About Australia; the United Kingdom is only named in passing.
            countries=(ArticleCountry("AU", 0.9, True, 5), ArticleCountry("GB", 0.1, False, 1)),
            story=StoryChange(story_id=None, title="Australia bans all fires", countries=("AU",)),
        )
    )
    app = create_app(store, web_settings(tmp_path), clock=lambda: NOW, search_function=None)
    with TestClient(app) as client:
        oceania = client.get("/regions/oceania?lang=en")
        europe = client.get("/regions/europe?lang=en")
        uk = client.get("/countries/GB?lang=en")
    assert oceania.status_code == europe.status_code == uk.status_code == 200
    assert "Australia bans all fires" in oceania.text
    assert "Australia bans all fires" not in europe.text
    assert "Australia bans all fires" not in uk.text


def test_possible_translation_stays_listed_and_is_labelled(store: Store, tmp_path: Path) -> None:
    original_id, story_id, _ = store.save_analysed(
        AnalysedArticle(
            article=NewArticle(
                url="https://wire.example/floods",
                title="Pakistan floods: death toll rises to 214",
                language="en",
                published_at=NOW - timedelta(hours=3),
            ),
            story=StoryChange(story_id=None, title="Pakistan floods"),
        )
    )
    copy_id, _, _ = store.save_analysed(
        AnalysedArticle(
            article=NewArticle(
                url="https://farm.example/floods",
                title="فيضانات باكستان: ارتفاع عدد القتلى إلى 214",
                language="ar",
                published_at=NOW - timedelta(hours=1),
            ),
            duplicate_of=original_id,
            duplicate_kind="translation",
            story=StoryChange(story_id=story_id, title="Pakistan floods"),
        )
    )
    app = create_app(store, web_settings(tmp_path), clock=lambda: NOW, search_function=None)
    with TestClient(app) as client:
        home = client.get("/?lang=en").text
        page = client.get(f"/articles/{copy_id}?lang=en").text
        api = client.get(f"/api/v1/articles/{copy_id}").json()
    assert "فيضانات باكستان" in home  # listed: it is the report Arabic readers can read
    assert "Translated from" in page and f"/articles/{original_id}" in page
    assert api["duplicate_of"] == original_id and api["duplicate_kind"] == "translation"
