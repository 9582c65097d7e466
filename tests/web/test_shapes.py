"""One data shape: the API, the CLI's --json and the JSON Feed extension serialise articles,
stories, sources and entities with marsad.web.shapes, and /openapi.json is generated from it and
describes what the API really answers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from starlette.testclient import TestClient

from marsad.cli.main import main
from marsad.web.openapi import OPERATIONS
from marsad.web.shapes import ARTICLE_FIELDS, ENTITY_FIELDS, SOURCE_FIELDS, STORY_FIELDS

from .helpers import Filled


def _validator(document: dict[str, Any], name: str) -> Draft202012Validator:
    return Draft202012Validator({**document, "$ref": f"#/components/schemas/{name}"})


def test_component_schemas_are_the_shape_tables(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for name, fields in (
        ("Article", ARTICLE_FIELDS),
        ("Story", STORY_FIELDS),
        ("Source", SOURCE_FIELDS),
        ("Entity", ENTITY_FIELDS),
    ):
        assert schemas[name]["required"] == [f.name for f in fields], name
        for f in fields:
            assert schemas[name]["properties"][f.name]["description"] == f.description


def test_every_read_operation_answers_what_openapi_says(client: TestClient, filled: Filled) -> None:
    document = client.get("/openapi.json").json()
    ids = {
        "id": None,
        "cc": "EG",
        "code": "north_africa",
    }
    by_path = {
        "/api/v1/stories/{id}": filled.stories["main"],
        "/api/v1/articles/{id}": filled.articles["en"],
        "/api/v1/sources/{id}": filled.sources["ar"],
        "/api/v1/entities/{id}": "person:amina-haddad",
    }
    checked = 0
    for op in OPERATIONS:
        if op.method != "get":
            continue
        path = op.path
        if "{id}" in path:
            path = path.replace("{id}", str(by_path[op.path]))
        for name, value in ids.items():
            if value is not None:
                path = path.replace("{" + name + "}", value)
        query = {"q": "Nile"} if op.operation_id == "search" else {}
        for lang in ("ar", "en"):
            response = client.get(path, params={**query, "lang": lang})
            assert response.status_code == 200, (path, response.text)
            errors = list(_validator(document, op.response).iter_errors(response.json()))
            assert not errors, (op.operation_id, [e.message for e in errors[:3]])
            checked += 1
    assert checked >= 24


def test_a_wrong_answer_would_fail_the_check(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    story = client.get("/api/v1/stories").json()
    del story["items"][0]["source_count"]
    assert list(_validator(document, "StoryList").iter_errors(story))


@pytest.mark.parametrize(
    ("command", "endpoint"), [("articles", "articles"), ("sources", "sources")]
)
def test_cli_json_is_the_api_record(
    client: TestClient,
    filled: Filled,
    command: str,
    endpoint: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = filled.store.engine.url.render_as_string(hide_password=False)
    argv = ["--database-url", url, command, "list", "--json"]
    if command == "articles":
        argv += ["--limit", "100"]
    assert main(argv) == 0
    cli = {row["id"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    params = {"limit": 100, "duplicates": "1"} if command == "articles" else {"limit": 100}
    api = {
        row["id"]: row for row in client.get(f"/api/v1/{endpoint}", params=params).json()["items"]
    }
    assert cli.keys() == api.keys() and cli
    for key, row in cli.items():
        extras = {"display", "translations"} if command == "articles" else set()
        assert row == {k: v for k, v in api[key].items() if k not in extras}


def test_json_feed_extension_carries_the_same_records(client: TestClient, filled: Filled) -> None:
    items = client.get(f"/stories/{filled.stories['main']}/feeds/feed.json").json()["items"]
    api = client.get(f"/api/v1/articles/{filled.articles['en']}").json()
    english = next(i for i in items if i["_marsad"]["article"]["id"] == filled.articles["en"])
    record = english["_marsad"]["article"]
    assert record == {k: v for k, v in api.items() if k in record}
    assert set(record) == {f.name for f in ARTICLE_FIELDS}
    home = client.get("/feeds/feed.json").json()["items"]
    assert {i["_marsad"]["story"]["id"] for i in home} == set(filled.stories.values())
