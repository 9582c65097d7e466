"""HTTP done right on pages and feeds: Vary, 404s for unknown things, ETag/Last-Modified and 304."""

from __future__ import annotations

import pytest
from httpx import Response
from starlette.testclient import TestClient

from .helpers import Filled


def _vary(response: Response) -> set[str]:
    return {token.strip() for token in response.headers["vary"].split(",")}


def test_negotiated_pages_vary_on_language_headers(client: TestClient) -> None:
    for path in ("/", "/regions/north_africa", "/search?q=Nile", "/countries/QQ"):
        response = client.get(path, headers={"Accept-Language": "en"})
        assert _vary(response) >= {"Accept-Language", "Cookie"}, path
    english = client.get("/", headers={"Accept-Language": "en"})
    arabic = client.get("/", headers={"Accept-Language": "ar"})
    assert english.headers["etag"] != arabic.headers["etag"]
    assert '<html lang="en"' in english.text and '<html lang="ar"' in arabic.text


@pytest.mark.parametrize(
    "path",
    [
        "/countries/QQ",
        "/countries/qq",
        "/countries/QQ/feeds/rss.xml",
        "/api/v1/countries/QQ",
        "/regions/atlantis",
        "/regions/atlantis/feeds/atom.xml",
        "/entities/person:nobody",
        "/entities/person:nobody/feeds/feed.json",
        "/stories/999999",
        "/stories/999999/feeds/rss.xml",
        "/sources/999999",
        "/sources/999999/feeds/rss.xml",
        "/feeds/podcast.xml",
        "/api/v1/stories/999999",
    ],
)
def test_unknown_things_are_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404, path
    assert "Traceback" not in response.text


def test_known_country_is_200_and_lower_case_redirects(client: TestClient) -> None:
    assert client.get("/countries/EG").status_code == 200
    moved = client.get("/countries/eg", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/countries/EG"


@pytest.mark.parametrize(
    "path", ["/", "/stories/1", "/feeds/rss.xml", "/regions/north_africa/feeds/feed.json"]
)
def test_pages_and_feeds_answer_304_to_their_validators(client: TestClient, path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200
    etag, last_modified = first.headers["etag"], first.headers["last-modified"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    since = client.get(path, headers={"If-Modified-Since": last_modified})
    assert since.status_code == 304
    stale = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.content == first.content
    # If-None-Match decides over If-Modified-Since (RFC 9110).
    both = client.get(
        path, headers={"If-None-Match": '"other"', "If-Modified-Since": last_modified}
    )
    assert both.status_code == 200


def test_new_content_changes_the_etag(client: TestClient, filled: Filled) -> None:
    before = client.get(f"/sources/{filled.sources['ar']}").headers["etag"]
    filled.store.update_source(filled.sources["ar"], title="صحيفة الأفق الجديدة")
    after = client.get(f"/sources/{filled.sources['ar']}")
    assert after.headers["etag"] != before
    assert (
        client.get(
            f"/sources/{filled.sources['ar']}", headers={"If-None-Match": before}
        ).status_code
        == 200
    )


def test_empty_search_is_a_friendly_state_not_a_numbered_list(client: TestClient) -> None:
    text = client.get("/search?q=zzqqxxnothing").text
    assert "لم نجد نتائج لـ" in text and "zzqqxxnothing" in text
    assert "جرّب" in text
    assert "<ol" not in text.split("<main", 1)[1]
    english = client.get("/search?q=zzqqxxnothing&lang=en").text
    assert "No results for" in english


def test_a_search_error_keeps_the_query_in_the_box(client: TestClient) -> None:
    query = "نهر " * 130  # over the 500-character limit: a clear 400
    response = client.get("/search", params={"q": query})
    assert response.status_code == 400
    assert "الاستعلام طويل جدًا" in response.text
    assert f'value="{query.strip()[:500]}"' in response.text
    assert _vary(response) >= {"Accept-Language", "Cookie"}


def test_pages_and_feeds_are_gzipped_for_clients_that_ask(client: TestClient) -> None:
    for path in ("/", "/regions/north_africa", "/feeds/rss.xml", "/api/v1/stories"):
        plain = client.get(path, headers={"Accept-Encoding": "identity"})
        packed = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert plain.status_code == packed.status_code == 200, path
        assert "content-encoding" not in plain.headers, path
        if len(plain.content) < 1024:
            continue
        assert packed.headers["content-encoding"] == "gzip", path
        assert "Accept-Encoding" in packed.headers["vary"], path
        assert "Accept-Encoding" in plain.headers["vary"], path
        assert int(packed.headers["content-length"]) < len(plain.content) / 2, path
        assert packed.content == plain.content, path  # httpx decodes: the same page
        # The security headers survive compression.
        assert packed.headers["content-security-policy"] == plain.headers["content-security-policy"]
