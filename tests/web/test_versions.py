"""An outlet's update of its own article is a version, not a republished copy: the pages say
"updated version of", the API says ``version`` and its schema accepts it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from jsonschema import Draft202012Validator
from starlette.testclient import TestClient

from marsad.models import AnalysedArticle, NewArticle, StoryChange
from marsad.store import Store
from marsad.web import create_app

from .helpers import NOW, web_settings


def test_an_update_by_the_same_outlet_is_labelled_a_version(store: Store, tmp_path: Path) -> None:
    source = store.add_source("https://sahil.example/feed", title="صحيفة الساحل", language="ar").id
    original_id, story_id, _ = store.save_analysed(
        AnalysedArticle(
            article=NewArticle(
                url="https://sahil.example/2026/jeddah-talks",
                title="استئناف محادثات جدة بين طرفي النزاع في السودان",
                language="ar",
                source_id=source,
                published_at=NOW - timedelta(hours=3),
            ),
            story=StoryChange(story_id=None, title="محادثات جدة"),
        )
    )
    version_id, _, _ = store.save_analysed(
        AnalysedArticle(
            article=NewArticle(
                url="https://sahil.example/2026/jeddah-talks-updated",
                title="<b>محدث</b>: استئناف محادثات جدة والوسطاء يقترحون هدنة",
                language="ar",
                source_id=source,
                published_at=NOW - timedelta(hours=1),
            ),
            duplicate_of=original_id,
            duplicate_kind="version",
            duplicate_evidence={"method": "near", "similarity": 0.82},
            story=StoryChange(story_id=story_id, title="محادثات جدة"),
        )
    )
    app = create_app(store, web_settings(tmp_path), clock=lambda: NOW, search_function=None)
    with TestClient(app) as client:
        page_ar = client.get(f"/articles/{version_id}").text
        page_en = client.get(f"/articles/{version_id}?lang=en").text
        story = client.get(f"/stories/{story_id}?lang=ar").text
        api = client.get(f"/api/v1/articles/{version_id}").json()
        document = client.get("/openapi.json").json()
    assert "نسخة محدثة من" in page_ar and "منقول عن" not in page_ar
    assert "Updated version of" in page_en and "Republished from" not in page_en
    assert f'href="/articles/{original_id}"' in page_en
    assert "82% of the text in common" in page_en
    assert "<b>محدث</b>" not in page_ar and "&lt;b&gt;محدث&lt;/b&gt;" in page_ar  # escaped
    assert "نسخة محدثة" in story and "منشور منقول" not in story
    assert api["duplicate_of"] == original_id and api["duplicate_kind"] == "version"
    schema = {**document, "$ref": "#/components/schemas/Article"}
    assert list(Draft202012Validator(schema).iter_errors(api)) == []
