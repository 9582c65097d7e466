"""The JSON API: every endpoint, pagination bounds, one error shape, auth on writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from openapi_spec_validator import validate
from starlette.testclient import TestClient

from marsad.web import create_app
from marsad.web.openapi import OPERATIONS

from .helpers import ADMIN_TOKEN, NOW, Filled, web_settings

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def assert_error(response: object, status: int, code: str) -> None:
    assert response.status_code == status  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "message_ar"}
    assert body["error"]["code"] == code
    assert body["error"]["message"] and body["error"]["message_ar"]


def test_openapi_document_validates_and_covers_routes(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    validate(document)
    assert document["openapi"].startswith("3.")
    for op in OPERATIONS:
        assert op.method in document["paths"][op.path]


def test_read_endpoints(client: TestClient, filled: Filled) -> None:
    stories = client.get("/api/v1/stories").json()
    assert {s["id"] for s in stories["items"]} == set(filled.stories.values())
    assert stories["limit"] == 20 and stories["offset"] == 0
    story = client.get(f"/api/v1/stories/{filled.stories['main']}").json()
    assert story["title"] == "قمة المياه في القاهرة"
    assert {a["id"] for a in story["articles"]} == {
        filled.articles[k] for k in ("ar", "en", "copy")
    }
    assert story["countries"] == ["EG"]
    assert story["country_articles"] == [{"code": "EG", "articles": 3}]
    article = client.get(f"/api/v1/articles/{filled.articles['en']}").json()
    assert article["text"].startswith("Water ministers")
    fields = {t["field"]: t for t in article["translations"]}
    assert fields["title"]["machine_translated"] is True
    assert (
        fields["title"]["engine"] == "ctranslate2" and fields["title"]["model"] == "opus-mt-en-ar"
    )
    copy = client.get(f"/api/v1/articles/{filled.articles['copy']}").json()
    assert copy["duplicate_of"] == filled.articles["ar"]
    sources = client.get("/api/v1/sources").json()["items"]
    evil = next(s for s in sources if s["id"] == filled.sources["evil"])
    assert evil["last_status"] == 500 and "HTTP 500" in evil["last_error"]
    entities = client.get("/api/v1/entities?type=person").json()["items"]
    assert [e["id"] for e in entities] == ["person:amina-haddad"]
    entity = client.get("/api/v1/entities/person:amina-haddad").json()
    assert {"name": "Amina Haddad", "language": "en"} in entity["names"]
    countries = {c["code"]: c for c in client.get("/api/v1/countries").json()["items"]}
    assert countries["EG"]["articles"] == 4 and countries["EG"]["region"] == "north_africa"
    egypt = client.get("/api/v1/countries/EG").json()
    assert egypt["name_ar"] == "مصر" and egypt["stories"]["items"]
    regions = client.get("/api/v1/regions").json()["items"]
    assert (
        len(regions) == 10
        and "EG" in next(r for r in regions if r["code"] == "north_africa")["countries"]
    )
    region = client.get("/api/v1/regions/north_africa").json()
    assert {s["id"] for s in region["stories"]["items"]} == {
        filled.stories["main"],
        filled.stories["other"],
    }
    found = client.get("/api/v1/search?q=Nile").json()
    assert found["query"] == "Nile" and {i["id"] for i in found["items"]} >= {
        filled.articles["en"],
        filled.articles["other"],
    }


def test_filters_and_pagination(client: TestClient, filled: Filled) -> None:
    english = client.get("/api/v1/articles?language=en").json()["items"]
    assert {a["language"] for a in english} == {"en"}
    by_source = client.get(f"/api/v1/articles?source_id={filled.sources['en']}").json()["items"]
    assert {a["id"] for a in by_source} == {filled.articles["en"], filled.articles["other"]}
    no_copies = client.get(f"/api/v1/articles?story_id={filled.stories['main']}").json()["items"]
    assert filled.articles["copy"] not in {a["id"] for a in no_copies}
    with_copies = client.get(
        f"/api/v1/articles?story_id={filled.stories['main']}&duplicates=true"
    ).json()["items"]
    assert filled.articles["copy"] in {a["id"] for a in with_copies}
    in_gb = client.get("/api/v1/articles?country=gb").json()["items"]
    assert [a["id"] for a in in_gb] == [filled.articles["evil"]]
    first = client.get("/api/v1/articles?limit=2").json()["items"]
    second = client.get("/api/v1/articles?limit=2&offset=2").json()["items"]
    assert len(first) == 2 and len(second) == 2
    assert not {a["id"] for a in first} & {a["id"] for a in second}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/articles?limit=0",
        "/api/v1/articles?limit=101",
        "/api/v1/articles?limit=ten",
        "/api/v1/articles?offset=-1",
        "/api/v1/stories?offset=100001",
        "/api/v1/stories?region=atlantis",
        "/api/v1/articles?country=EGY",
        "/api/v1/articles?language=english",
        "/api/v1/entities?type=alien",
        "/api/v1/search",
        "/api/v1/search?q=" + "x" * 501,
    ],
)
def test_bad_parameters_are_400(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert_error(response, 400, response.json()["error"]["code"])
    assert response.json()["error"]["code"] in ("bad_request", "bad_query")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/stories/999999",
        "/api/v1/articles/999999",
        "/api/v1/articles/abc",
        "/api/v1/sources/999999",
        "/api/v1/entities/nobody",
        "/api/v1/regions/atlantis",
        "/api/v1/countries/ZZZ",
        "/api/v1/nothing-here",
    ],
)
def test_unknown_ids_are_404_json(client: TestClient, path: str) -> None:
    assert_error(client.get(path), 404, "not_found")


def test_wrong_method_is_405_json(client: TestClient) -> None:
    assert_error(client.put("/api/v1/stories"), 405, "method_not_allowed")


def test_write_endpoints_need_the_token(client: TestClient, filled: Filled) -> None:
    body = {"url": "http://new.example.org/feed.xml", "title": "جديد", "country": "sa"}
    assert_error(client.post("/api/v1/sources", json=body), 401, "unauthorized")
    assert_error(
        client.post("/api/v1/sources", json=body, headers={"Authorization": "Bearer wrong"}),
        401,
        "unauthorized",
    )
    assert_error(client.delete(f"/api/v1/sources/{filled.sources['ar']}"), 401, "unauthorized")
    assert_error(
        client.post(f"/api/v1/sources/{filled.sources['ar']}/refresh"), 401, "unauthorized"
    )
    assert len(client.get("/api/v1/sources").json()["items"]) == 4  # nothing changed

    created = client.post("/api/v1/sources", json=body, headers=AUTH)
    assert created.status_code == 201
    source = created.json()
    assert source["url"] == "http://new.example.org/feed.xml"
    assert source["country"] == "SA" and source["kind"] == "feed"
    assert_error(client.post("/api/v1/sources", json=body, headers=AUTH), 400, "bad_request")
    refreshed = client.post(f"/api/v1/sources/{source['id']}/refresh", headers=AUTH)
    assert refreshed.status_code == 202
    assert refreshed.json()["source"]["next_poll_at"] == NOW.isoformat()
    removed = client.delete(f"/api/v1/sources/{source['id']}", headers=AUTH)
    assert removed.status_code == 200 and removed.json()["deleted"] is True
    assert_error(client.get(f"/api/v1/sources/{source['id']}"), 404, "not_found")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", "bad_request"),
        (b"[1, 2]", "bad_request"),
        (b'{"title": "no url"}', "bad_request"),
        (b'{"url": "javascript:alert(1)"}', "invalid_url"),
        (b'{"url": "ftp://example.org/feed"}', "invalid_url"),
        # What the crawl's SSRF guard would refuse is refused at the door, as `sources add` does.
        (b'{"url": "http://0177.0.0.1/feed"}', "invalid_url"),
        (b'{"url": "http://2130706433/feed"}', "invalid_url"),
        (b'{"url": "http://127.0.0.1/feed"}', "invalid_url"),
        (b'{"url": "http://[::ffff:127.0.0.1]/feed"}', "invalid_url"),
        (b'{"url": "http://example.org/f", "kind": "blog"}', "bad_request"),
        (b'{"url": "http://example.org/f", "country": "Egypt"}', "bad_request"),
    ],
)
def test_add_source_rejects_bad_bodies(client: TestClient, body: bytes, code: str) -> None:
    response = client.post(
        "/api/v1/sources",
        content=body,
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert_error(response, 400, code)


def test_writes_refused_without_a_configured_token(filled: Filled, tmp_path: Path) -> None:
    app = create_app(filled.store, web_settings(tmp_path), search_function=None)
    with TestClient(app) as plain:
        response = plain.post(
            "/api/v1/sources", json={"url": "http://x.example.org/"}, headers=AUTH
        )
        assert_error(response, 403, "writes_disabled")
        assert "MARSAD_ADMIN_TOKEN" in response.json()["error"]["message"]


def test_internal_errors_keep_the_shape(filled: Filled, tmp_path: Path) -> None:
    def broken_search(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom: secret internals")

    app = create_app(filled.store, web_settings(tmp_path), search_function=broken_search)
    with TestClient(app, raise_server_exceptions=False) as c:
        response = c.get("/api/v1/search?q=x")
        assert_error(response, 500, "internal_error")
        assert "boom" not in response.text
        page = c.get("/search?q=x")
        assert page.status_code == 500
        assert "boom" not in page.text and "Traceback" not in page.text
        assert '<html lang="ar" dir="rtl">' in page.text
        assert "default-src 'none'" in page.headers["content-security-policy"]
