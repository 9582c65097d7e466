"""The OpenAPI 3.1 document of ``/api/v1``, built from one table of operations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marsad.models import REGIONS
from marsad.web.shapes import (
    ARTICLE_FIELDS,
    ENTITY_FIELDS,
    SOURCE_FIELDS,
    STORY_FIELDS,
    schema_of,
)

_LIMIT = {
    "name": "limit",
    "in": "query",
    "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
    "description": "Most items returned.",
}
_OFFSET = {
    "name": "offset",
    "in": "query",
    "schema": {"type": "integer", "minimum": 0, "maximum": 100000, "default": 0},
    "description": "Items skipped.",
}


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _path(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema or {"type": "string"}}


_REGION = _query("region", "Region code.", {"type": "string", "enum": list(REGIONS)})
_COUNTRY = _query(
    "country", "ISO 3166-1 alpha-2 country code.", {"type": "string", "pattern": "^[A-Za-z]{2}$"}
)
_ENTITY = _query("entity", "Canonical entity id.")
_INT_ID = {"type": "integer", "minimum": 1}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    summary: str
    parameters: tuple[dict[str, Any], ...] = ()
    response: str = "Object"
    write: bool = False
    status: str = "200"
    body: str | None = None
    user: bool = False  # needs a signed-in user (a user token or a session)


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "get",
        "/api/v1/stories",
        "listStories",
        "Stories, newest first.",
        (_LIMIT, _OFFSET, _REGION, _COUNTRY, _ENTITY),
        "StoryList",
    ),
    Operation(
        "get",
        "/api/v1/stories/{id}",
        "getStory",
        "One story with its articles.",
        (_path("id", _INT_ID),),
        "StoryDetail",
    ),
    Operation(
        "get",
        "/api/v1/articles",
        "listArticles",
        "Articles, newest first.",
        (
            _LIMIT,
            _OFFSET,
            _REGION,
            _COUNTRY,
            _ENTITY,
            _query("source_id", "Only articles carried by this source.", _INT_ID),
            _query("story_id", "Only articles of this story.", _INT_ID),
            _query("language", "ISO 639-1 language code."),
            _query("duplicates", "Include republished copies.", {"type": "boolean"}),
        ),
        "ArticleList",
    ),
    Operation(
        "get",
        "/api/v1/articles/{id}",
        "getArticle",
        "One article with its full text.",
        (_path("id", _INT_ID),),
        "ArticleDetail",
    ),
    Operation(
        "get",
        "/api/v1/sources",
        "listSources",
        "Sources with their fetch status.",
        (_LIMIT, _OFFSET),
        "SourceList",
    ),
    Operation(
        "post",
        "/api/v1/sources",
        "addSource",
        "Follow a new source.",
        (),
        "Source",
        write=True,
        status="201",
        body="NewSource",
    ),
    Operation(
        "get", "/api/v1/sources/{id}", "getSource", "One source.", (_path("id", _INT_ID),), "Source"
    ),
    Operation(
        "delete",
        "/api/v1/sources/{id}",
        "removeSource",
        "Stop following a source (its articles stay).",
        (_path("id", _INT_ID),),
        "Object",
        write=True,
    ),
    Operation(
        "post",
        "/api/v1/sources/{id}/refresh",
        "refreshSource",
        "Make a source due for polling now.",
        (_path("id", _INT_ID),),
        "Object",
        write=True,
        status="202",
    ),
    Operation(
        "get",
        "/api/v1/entities",
        "listEntities",
        "Entities.",
        (
            _LIMIT,
            _OFFSET,
            _query(
                "type",
                "Entity type.",
                {"type": "string", "enum": ["person", "organization", "place"]},
            ),
        ),
        "EntityList",
    ),
    Operation(
        "get",
        "/api/v1/entities/{id}",
        "getEntity",
        "One entity with its names.",
        (_path("id"),),
        "Entity",
    ),
    Operation(
        "get",
        "/api/v1/countries",
        "listCountries",
        "Countries with article counts.",
        (),
        "ItemList",
    ),
    Operation(
        "get",
        "/api/v1/countries/{cc}",
        "getCountry",
        "One country and its stories.",
        (_path("cc", {"type": "string", "pattern": "^[A-Za-z]{2}$"}), _LIMIT, _OFFSET),
    ),
    Operation(
        "get", "/api/v1/regions", "listRegions", "Regions and their countries.", (), "ItemList"
    ),
    Operation(
        "get",
        "/api/v1/regions/{code}",
        "getRegion",
        "One region and its stories.",
        (_path("code", {"type": "string", "enum": list(REGIONS)}), _LIMIT, _OFFSET),
    ),
    Operation(
        "get",
        "/api/v1/search",
        "search",
        'Search articles (query language: words, "phrases", OR, -word, source:, country:, '
        "region:, lang:, from:, to:, story:).",
        ({**_query("q", "The query."), "required": True}, _LIMIT, _OFFSET),
        "SearchResults",
    ),
)

_NULLABLE_STRING = {"type": ["string", "null"]}
_NULLABLE_INT = {"type": ["integer", "null"]}


# A reader's own follows and saved searches (issue 20): they need a user, so they stay out of
# OPERATIONS, whose GETs every reader may call.
USER_OPERATIONS: tuple[Operation, ...] = (
    Operation("get", "/api/v1/me", "getMe", "The signed-in user.", (), "Me", user=True),
    Operation(
        "get",
        "/api/v1/me/follows",
        "listFollows",
        "The user's follows and saved searches.",
        (),
        "FollowList",
        user=True,
    ),
    Operation(
        "post",
        "/api/v1/me/follows",
        "addFollow",
        "Follow a country, region, entity, source or story, or save a search (201; 200 when "
        "it was already followed).",
        (),
        "Follow",
        status="201",
        body="NewFollow",
        user=True,
    ),
    Operation(
        "delete",
        "/api/v1/me/follows/{id}",
        "removeFollow",
        "Stop following (or drop a saved search).",
        (_path("id", _INT_ID),),
        "Object",
        status="204",
        user=True,
    ),
)


def _user_schemas() -> dict[str, Any]:
    kinds = ["country", "region", "entity", "source", "story", "search"]
    follow = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": kinds},
            "target": {"type": "string"},
            "label": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time"},
            "page": {"type": "string"},
        },
        "required": ["id", "kind", "target", "label", "created_at", "page"],
    }
    return {
        "Me": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "role": {"type": "string", "enum": ["admin", "reader"]},
                "language": {"type": "string", "enum": ["ar", "en"]},
            },
            "required": ["id", "name", "role", "language"],
        },
        "Follow": follow,
        "FollowList": {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Follow"}}
            },
            "required": ["items"],
        },
        "NewFollow": {
            "type": "object",
            "properties": {
                "kind": {"type": "string", "enum": kinds},
                "target": {
                    "type": "string",
                    "description": "Country code, region code, entity id, source id, story id, "
                    "or a search query (the site's query language).",
                },
                "label": {"type": "string"},
            },
            "required": ["kind", "target"],
        },
    }


def _schemas() -> dict[str, Any]:
    translation = {
        "type": "object",
        "properties": {
            "field": {"type": "string"},
            "target_language": {"type": "string"},
            "text": {"type": "string"},
            "machine_translated": {"type": "boolean"},
            "engine": {"type": "string"},
            "model": {"type": "string"},
        },
        "required": ["field", "text", "machine_translated", "engine", "model"],
    }
    display = {
        "type": ["object", "null"],
        "description": "The title a reader of ?lang= sees (the site's rule): an Arabic member's "
        "title, a labelled machine translation, or the original named by language with a line "
        "of key facts.",
        "properties": {
            "title": {"type": "string"},
            "language": _NULLABLE_STRING,
            "machine_translated": {"type": "boolean"},
            "untranslated": {"type": "boolean"},
            "facts": _NULLABLE_STRING,
        },
        "required": ["title", "language", "machine_translated", "untranslated", "facts"],
    }
    display_ref = {"$ref": "#/components/schemas/Display"}
    story = schema_of(STORY_FIELDS, display=display_ref)
    article = schema_of(
        ARTICLE_FIELDS,
        display=display_ref,
        translations={"type": "array", "items": {"$ref": "#/components/schemas/Translation"}},
    )
    source = schema_of(SOURCE_FIELDS)
    entity = schema_of(ENTITY_FIELDS)

    def page_of(ref: str) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}},
                "limit": {"type": "integer"},
                "offset": {"type": "integer"},
            },
            "required": ["items", "limit", "offset"],
        }

    return {
        "Object": {"type": "object"},
        "ItemList": {
            "type": "object",
            "properties": {"items": {"type": "array", "items": {"type": "object"}}},
            "required": ["items"],
        },
        "Translation": translation,
        "Display": display,
        "Story": story,
        "StoryList": page_of("Story"),
        "StoryDetail": {
            "allOf": [
                {"$ref": "#/components/schemas/Story"},
                {
                    "type": "object",
                    "properties": {
                        "articles": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Article"},
                        },
                        "country_articles": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "code": {"type": "string"},
                                    "articles": {"type": "integer"},
                                },
                                "required": ["code", "articles"],
                            },
                        },
                        "entities": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Entity"},
                        },
                    },
                    "required": ["articles", "country_articles", "entities"],
                },
            ]
        },
        "Article": article,
        "ArticleList": page_of("Article"),
        "ArticleDetail": {
            "allOf": [
                {"$ref": "#/components/schemas/Article"},
                {"type": "object", "properties": {"text": _NULLABLE_STRING}},
            ]
        },
        "Source": source,
        "SourceList": page_of("Source"),
        "NewSource": {
            "type": "object",
            "properties": {
                "url": {"type": "string", "format": "uri"},
                "kind": {"type": "string", "enum": ["feed", "sitemap", "page"]},
                "title": {"type": "string"},
                "country": {"type": "string", "pattern": "^[A-Za-z]{2}$"},
                "language": {"type": "string"},
            },
            "required": ["url"],
        },
        "Entity": entity,
        "EntityList": page_of("Entity"),
        "SearchResults": {
            "allOf": [
                {"$ref": "#/components/schemas/ArticleList"},
                {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string"},
                        "total": _NULLABLE_INT,
                        "facets": {"type": "object"},
                    },
                },
            ]
        },
        "Error": {
            "type": "object",
            "properties": {
                "error": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "message_ar": {"type": "string"},
                    },
                    "required": ["code", "message", "message_ar"],
                }
            },
            "required": ["error"],
        },
    }


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def openapi_document(server_url: str = "/") -> dict[str, Any]:
    """The OpenAPI 3.1 document for every operation in ``OPERATIONS``."""
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS + USER_OPERATIONS:
        responses: dict[str, Any] = {
            op.status: {
                "description": "OK",
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{op.response}"}}
                },
            },
            "400": _error_response("Bad parameter"),
        }
        if "{" in op.path:
            responses["404"] = _error_response("Unknown id")
        entry: dict[str, Any] = {
            "operationId": op.operation_id,
            "summary": op.summary,
            "parameters": list(op.parameters),
            "responses": responses,
        }
        if op.user:
            entry["security"] = [{"bearerAuth": []}]
            responses["401"] = _error_response("No signed-in user (send a user token)")
        if op.write:
            entry["security"] = [{"bearerAuth": []}]
            responses["401"] = _error_response("Missing or wrong bearer token")
            responses["403"] = _error_response("Write endpoints disabled (no admin token set)")
        if op.body:
            entry["requestBody"] = {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{op.body}"}}
                },
            }
        paths.setdefault(op.path, {})[op.method] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Marsad API",
            "version": "1.0.0",
            "description": "Stories, articles, sources, entities, countries, regions and search "
            'of a Marsad instance. Errors: {"error": {"code", "message", "message_ar"}}.',
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": {**_schemas(), **_user_schemas()},
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }


__all__ = ["OPERATIONS", "USER_OPERATIONS", "Operation", "openapi_document"]
