"""The search page, feed and API over the real search stage (``marsad.search``), both backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from starlette.testclient import TestClient

from marsad.search import index_articles
from marsad.web import create_app

from .helpers import NOW, Filled, web_settings


@pytest.fixture
def search_client(filled: Filled, tmp_path: Path) -> Iterator[TestClient]:
    index_articles(filled.store, list(filled.articles.values()))
    app = create_app(filled.store, web_settings(tmp_path), clock=lambda: NOW)
    assert app.state.web.search_function is not None
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_search_page_hits_snippets_and_facets(search_client: TestClient, filled: Filled) -> None:
    text = search_client.get("/search?q=وزراء").text
    assert f'href="/articles/{filled.articles["ar"]}"' in text
    assert "<mark>" in text  # highlighted snippet from the search stage
    assert "التصفية" in text or "تصفية النتائج" in text
    assert 'country%3AEG"' in text  # a facet link adds a filter
    assert "مصر" in text


def test_search_filters_narrow(search_client: TestClient, filled: Filled) -> None:
    items = search_client.get("/api/v1/search?q=Nile lang:en").json()["items"]
    assert items and {i["language"] for i in items} == {"en"}
    facets = search_client.get("/api/v1/search?q=Nile").json()["facets"]
    assert {"value": "north_africa", "count": 2, "label": None} in facets["region"]


def test_search_feed(search_client: TestClient, filled: Filled) -> None:
    parsed = feedparser.parse(search_client.get("/search/feeds/rss.xml?q=Nile&lang=en").content)
    assert not parsed.bozo
    assert {e.link for e in parsed.entries} >= {"http://en.example.org/world/un-vote"}


@pytest.mark.parametrize("query", ["-", "OR", "country:", '"'])
def test_unsearchable_queries_are_clear_400s(search_client: TestClient, query: str) -> None:
    page = search_client.get("/search", params={"q": query})
    assert page.status_code in (200, 400)
    assert "Traceback" not in page.text
    if page.status_code == 400:
        assert "لا شيء للبحث عنه" in page.text or "المعامل" in page.text
    api = search_client.get("/api/v1/search", params={"q": query})
    assert api.status_code in (200, 400)
    if api.status_code == 400:
        assert set(api.json()["error"]) == {"code", "message", "message_ar"}
