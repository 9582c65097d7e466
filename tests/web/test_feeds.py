"""RSS, Atom and JSON Feed for every listing page, parsed back with feedparser."""

from __future__ import annotations

import feedparser
import pytest
from starlette.testclient import TestClient

from .helpers import Filled

FORMATS = {"rss.xml": "rss20", "atom.xml": "atom10"}


def feed_bases(filled: Filled) -> list[str]:
    return [
        "",
        "/regions/north_africa",
        "/countries/EG",
        f"/sources/{filled.sources['en']}",
        "/entities/person:amina-haddad",
        f"/stories/{filled.stories['main']}",
        "/search",
    ]


def check_json_feed(document: dict[str, object]) -> list[dict[str, object]]:
    """The JSON Feed 1.1 rules we rely on: version, title, items with id and content."""
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(document["title"], str) and document["title"]
    assert str(document["feed_url"]).startswith("http://testserver/")
    items = document["items"]
    assert isinstance(items, list)
    for item in items:
        assert isinstance(item["id"], str) and item["id"]
        assert "content_text" in item or "content_html" in item
        assert str(item["url"]).startswith("http")
    return items


def test_every_feed_parses(client: TestClient, filled: Filled) -> None:
    for base in feed_bases(filled):
        query = "?q=Nile" if base == "/search" else ""
        for name, version in FORMATS.items():
            response = client.get(f"{base}/feeds/{name}{query}")
            assert response.status_code == 200, (base, name)
            parsed = feedparser.parse(response.content)
            assert not parsed.bozo, (base, name, parsed.get("bozo_exception"))
            assert parsed.version == version
            assert parsed.entries, (base, name)
            for entry in parsed.entries:
                assert entry.link.startswith("http")
        response = client.get(f"{base}/feeds/feed.json{query}")
        assert response.headers["content-type"].startswith("application/feed+json")
        assert check_json_feed(response.json()), base


def test_home_feed_lists_top_stories(client: TestClient, filled: Filled) -> None:
    parsed = feedparser.parse(client.get("/feeds/atom.xml").content)
    assert parsed.entries[0].link == f"http://testserver/stories/{filled.stories['main']}"
    # An Arabic member's own title (the story row's Arabic title is no member's in this store).
    assert parsed.entries[0].title == "قمة المياه في القاهرة تتفق على خطة لنهر النيل"
    assert parsed.feed.language == "ar" or parsed.feed.get("language") in (None, "ar")


def test_translated_items_are_labelled(client: TestClient, filled: Filled) -> None:
    base = f"/stories/{filled.stories['main']}/feeds"
    rss = feedparser.parse(client.get(f"{base}/rss.xml").content)
    translated = [e for e in rss.entries if "قمة القاهرة للمياه" in e.title]
    assert len(translated) == 1
    assert "ترجمة آلية" in translated[0].title
    assert "machine-translated" in [t.term for t in translated[0].tags]
    items = client.get(f"{base}/feed.json").json()["items"]
    labelled = [i for i in items if i["_marsad"].get("machine_translated")]
    assert len(labelled) == 1
    extension = labelled[0]["_marsad"]
    assert extension["engine"] == "ctranslate2" and extension["model"] == "opus-mt-en-ar"
    assert extension["article"]["id"] == filled.articles["en"]
    english = client.get(f"{base}/feed.json?lang=en").json()["items"]
    # English readers get originals: no machine translation, the Arabic ones named as such.
    assert not any(i.get("_marsad", {}).get("machine_translated") for i in english)
    arabic = [i for i in english if i.get("language") == "ar"]
    assert arabic and all(i["_marsad"]["untranslated"] for i in arabic)
    assert all("In Arabic, not translated" in i["title"] for i in arabic)


def test_search_feed_carries_the_query(client: TestClient) -> None:
    document = client.get("/search/feeds/feed.json?q=Nile").json()
    assert document["feed_url"].endswith("/search/feeds/feed.json?q=Nile")
    assert len(document["items"]) == 2  # the two English articles with Nile in the title
    english = client.get("/search/feeds/feed.json?q=Nile&lang=en").json()
    assert all("Nile" in item["title"] for item in english["items"])


@pytest.mark.parametrize(
    "path",
    ["/feeds/rss.php", "/stories/999999/feeds/rss.xml", "/regions/atlantis/feeds/atom.xml"],
)
def test_unknown_feeds_are_404(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404
