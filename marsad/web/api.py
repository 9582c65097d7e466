"""The JSON API under ``/api/v1``: thin handlers over the same queries as the pages.

Lists take ``limit`` (1-100) and ``offset`` (0-100000) and answer
``{"items": [...], "limit": L, "offset": O}``. Write endpoints need
``Authorization: Bearer <admin_token>``; with no token configured they are refused. Every error
has one shape: ``{"error": {"code", "message", "message_ar"}}`` (see ``marsad.web.errors``).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from marsad.errors import NotFoundError, UnauthorizedError, UserError, WritesDisabledError
from marsad.ingest.urls import validate_source_url
from marsad.models import REGIONS, Article, EntityType, Source, SourceKind
from marsad.store.reads import EntityRow, Reads, StoryCard, TranslationRow
from marsad.web.display import Shown, article_titles, story_titles
from marsad.web.i18n import Translator
from marsad.web.params import country_param, id_param, language_param, limit_offset
from marsad.web.searching import run_search
from marsad.web.shapes import article_record, entity_record, source_record, story_record
from marsad.web.state import WebState, web_state

MAX_BODY_BYTES = 64 * 1024


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


# -- serialisers ----------------------------------------------------------------------------
def display_json(shown: Shown | None) -> dict[str, Any] | None:
    """The title a reader of ``?lang=`` sees, by the site's own rule (``marsad.web.display``)."""
    if shown is None:
        return None
    return {
        "title": shown.text,
        "language": shown.lang,
        "machine_translated": shown.translation is not None,
        "untranslated": shown.untranslated,
        "facts": shown.facts or None,
    }


def reader(request: Request) -> Translator:
    """The reader language of an API call: ``?lang=ar|en``, else the ``ui_language`` setting."""
    st = web_state(request)
    lang = request.query_params.get("lang")
    return st.catalogues.translator(lang if lang in ("ar", "en") else st.settings.ui_language)


def story_json(card: StoryCard, shown: Shown | None = None) -> dict[str, Any]:
    return {**story_record(card), "display": display_json(shown)}


def translation_json(tr: TranslationRow) -> dict[str, Any]:
    return {
        "field": tr.field,
        "target_language": "ar",
        "text": tr.text,
        "machine_translated": True,
        "engine": tr.engine,
        "model": tr.model,
    }


def article_json(
    article: Article,
    translations: dict[str, TranslationRow] | None = None,
    *,
    full: bool = False,
    shown: Shown | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        **article_record(article),
        "display": display_json(shown),
        "translations": [
            translation_json(tr)
            for tr in (translations or {}).values()
            if full or tr.field != "text"
        ],
    }
    if full:
        out["text"] = article.text
    return out


def source_json(source: Source) -> dict[str, Any]:
    return source_record(source)


def entity_json(entity: EntityRow) -> dict[str, Any]:
    return entity_record(entity)


def _page(items: list[Any], limit: int, offset: int) -> dict[str, Any]:
    return {"items": items, "limit": limit, "offset": offset}


def _articles_page(
    st: WebState, tr: Translator, articles: list[Article], limit: int, offset: int
) -> dict[str, Any]:
    with st.store.reading() as r:
        translations = r.translations_for([a.id for a in articles])
        shown = article_titles(r, articles, tr, st.geo, st.formats_for(tr.lang))
    return _page(
        [article_json(a, translations.get(a.id), shown=shown[a.id]) for a in articles],
        limit,
        offset,
    )


def _stories_page(
    st: WebState, tr: Translator, r: Reads, cards: list[StoryCard], limit: int, offset: int
) -> dict[str, Any]:
    shown = story_titles(r, cards, tr, st.geo, st.formats_for(tr.lang))
    return _page([story_json(c, shown[c.id]) for c in cards], limit, offset)


# -- read endpoints -------------------------------------------------------------------------
def _countries_filter(st: WebState, request: Request) -> list[str] | None:
    region = request.query_params.get("region")
    cc = country_param(request.query_params.get("country"))
    if region:
        if region not in REGIONS:
            raise UserError(
                f"parameter 'region' must be one of {', '.join(REGIONS)}",
                message_ar="المعامل 'region' غير معروف",
            )
        return st.geo.region_countries(region)
    return [cc] if cc else None


async def stories(request: Request) -> Response:
    st = web_state(request)
    limit, offset = limit_offset(request)
    countries = _countries_filter(st, request)
    entity_id = request.query_params.get("entity") or None
    tr = reader(request)

    def build() -> bytes:
        with st.store.reading() as r:
            cards = r.list_stories(
                limit=limit, offset=offset, countries=countries, entity_id=entity_id
            )
            page = _stories_page(st, tr, r, cards, limit, offset)
        return bytes(_json(page).body)

    return await _cached_json(request, build)


async def _cached_json(request: Request, build: Callable[[], bytes]) -> Response:
    """List answers are cached for a few seconds per URL (clients poll the same lists)."""
    st = web_state(request)
    key = ("api", request.url.path, request.url.query)
    body = await st.pages.get_or_compute_async(key, build)
    return Response(body, media_type="application/json")


def story(request: Request) -> Response:
    st = web_state(request)
    story_id = id_param(request.path_params["id"], "story")
    with st.store.reading() as r:
        card = r.get_story(story_id)
        if card is None:
            raise NotFoundError(f"unknown story: {story_id}", message_ar="قصة غير معروفة")
        articles = r.story_articles(story_id)
        translations = r.translations_for([a.id for a in articles])
        countries = r.story_countries(story_id)
        entities = r.story_entities(story_id)
        tr = reader(request)
        shown = article_titles(r, articles, tr, st.geo, st.formats_for(tr.lang))
        title = story_titles(r, [card], tr, st.geo, st.formats_for(tr.lang))[card.id]
    out = story_json(card, title)
    out["articles"] = [article_json(a, translations.get(a.id), shown=shown[a.id]) for a in articles]
    # "countries" is the story record's list of codes; here with each one's article count.
    out["country_articles"] = [{"code": c, "articles": n} for c, n in countries]
    out["entities"] = [{**entity_json(e), "articles": e.count} for e in entities]
    return _json(out)


async def articles(request: Request) -> Response:
    st = web_state(request)
    limit, offset = limit_offset(request)
    params = request.query_params
    source_id = id_param(params["source_id"], "source") if params.get("source_id") else None
    story_id = id_param(params["story_id"], "story") if params.get("story_id") else None
    language = language_param(params.get("language"))
    countries = _countries_filter(st, request)
    tr = reader(request)

    def build() -> bytes:
        with st.store.reading() as r:
            found = r.list_articles(
                limit=limit,
                offset=offset,
                source_id=source_id,
                story_id=story_id,
                language=language,
                countries=countries,
                entity_id=params.get("entity") or None,
                include_duplicates=params.get("duplicates") in ("1", "true"),
            )
        return bytes(_json(_articles_page(st, tr, found, limit, offset)).body)

    return await _cached_json(request, build)


def article(request: Request) -> Response:
    st = web_state(request)
    article_id = id_param(request.path_params["id"], "article")
    with st.store.reading() as r:
        found = r.get_article(article_id)
        if found is None:
            raise NotFoundError(f"unknown article: {article_id}", message_ar="مقال غير معروف")
        translations = r.translations_for([article_id]).get(article_id)
        countries = r.article_countries(article_id)
        entities = r.article_entities(article_id)
        carried_by = r.article_source_titles(article_id)
        tr = reader(request)
        shown = article_titles(r, [found], tr, st.geo, st.formats_for(tr.lang))[article_id]
    out = article_json(found, translations, full=True, shown=shown)
    out["countries"] = [{"code": c, "is_about": about} for c, about in countries]
    out["entities"] = [entity_json(e) for e in entities]
    out["sources"] = [{"id": i, "title": title} for i, title in carried_by]
    return _json(out)


def sources(request: Request) -> Response:
    st = web_state(request)
    limit, offset = limit_offset(request, default_limit=100)
    with st.store.reading() as r:
        found = r.list_sources(limit=limit, offset=offset)
    return _json(_page([source_json(s) for s in found], limit, offset))


def source(request: Request) -> Response:
    st = web_state(request)
    source_id = id_param(request.path_params["id"], "source")
    with st.store.reading() as r:
        found = r.get_source(source_id)
    if found is None:
        raise NotFoundError(f"unknown source: {source_id}", message_ar="مصدر غير معروف")
    return _json(source_json(found))


def entities(request: Request) -> Response:
    st = web_state(request)
    limit, offset = limit_offset(request)
    entity_type = request.query_params.get("type") or None
    if entity_type and entity_type not in {e.value for e in EntityType}:
        raise UserError(
            "parameter 'type' must be person, organization or place",
            message_ar="المعامل 'type' يجب أن يكون person أو organization أو place",
        )
    with st.store.reading() as r:
        found = r.list_entities(limit=limit, offset=offset, entity_type=entity_type)
    return _json(_page([entity_json(e) for e in found], limit, offset))


def entity(request: Request) -> Response:
    st = web_state(request)
    entity_id = request.path_params["id"]
    with st.store.reading() as r:
        found = r.get_entity(entity_id) if len(entity_id) <= 128 else None
        if found is None:
            raise NotFoundError("unknown entity", message_ar="كيان غير معروف")
        names = r.entity_names(entity_id)
    out = entity_json(found)
    out["names"] = [{"name": n, "language": lang} for n, lang in names]
    return _json(out)


def _country_counts(st: WebState) -> list[tuple[str, int]]:
    def compute() -> list[tuple[str, int]]:
        with st.store.reading() as r:
            return r.country_article_counts()

    result: list[tuple[str, int]] = st.data.get_or_compute("country_counts", compute)
    return result


def _country_json(st: WebState, cc: str, n: int | None = None) -> dict[str, Any]:
    info = st.geo.country(cc)
    return {
        "code": cc,
        "name_ar": info.name_ar if info else None,
        "name_en": info.name_en if info else None,
        "region": info.region if info else None,
        "articles": n,
    }


def countries(request: Request) -> Response:
    st = web_state(request)
    return _json({"items": [_country_json(st, cc, n) for cc, n in _country_counts(st)]})


def country(request: Request) -> Response:
    st = web_state(request)
    try:
        cc = country_param(request.path_params["cc"], "cc") or ""
    except UserError:
        raise NotFoundError("unknown country", message_ar="بلد غير معروف") from None
    if st.geo.country(cc) is None:
        raise NotFoundError(f"unknown country: {cc}", message_ar="بلد غير معروف")
    limit, offset = limit_offset(request)
    counts = dict(_country_counts(st))
    with st.store.reading() as r:
        cards = r.list_stories(limit=limit, offset=offset, countries=[cc])
        stories_page = _stories_page(st, reader(request), r, cards, limit, offset)
    out = _country_json(st, cc, counts.get(cc, 0))
    out["stories"] = stories_page
    return _json(out)


def _region_json(st: WebState, code: str) -> dict[str, Any]:
    ar = st.catalogues.translator("ar")
    en = st.catalogues.translator("en")
    return {
        "code": code,
        "name_ar": ar(f"region.{code}"),
        "name_en": en(f"region.{code}"),
        "countries": st.geo.region_countries(code),
    }


def regions(request: Request) -> Response:
    st = web_state(request)
    return _json({"items": [_region_json(st, code) for code in REGIONS]})


def region(request: Request) -> Response:
    st = web_state(request)
    code = request.path_params["code"]
    if code not in REGIONS:
        raise NotFoundError(f"unknown region: {code[:40]}", message_ar="منطقة غير معروفة")
    limit, offset = limit_offset(request)
    with st.store.reading() as r:
        cards = r.list_stories(limit=limit, offset=offset, countries=st.geo.region_countries(code))
        stories_page = _stories_page(st, reader(request), r, cards, limit, offset)
    out = _region_json(st, code)
    out["stories"] = stories_page
    return _json(out)


def search(request: Request) -> Response:
    st = web_state(request)
    limit, offset = limit_offset(request)
    query = request.query_params.get("q", "")
    if not query.strip():
        raise UserError("parameter 'q' is required", message_ar="المعامل 'q' مطلوب")
    results = run_search(
        st.store,
        st.search_function,
        query,
        limit=limit,
        offset=offset,
        now=st.clock(),
        recency_weight=st.settings.search_recency_weight,
    )
    page = _articles_page(st, reader(request), [h.article for h in results.hits], limit, offset)
    for item, hit in zip(page["items"], results.hits, strict=True):
        item["snippet"] = str(hit.snippet) if hit.snippet else None
        item["score"] = hit.score
    page["query"] = results.query
    page["total"] = results.total
    page["total_is_lower_bound"] = results.total_is_lower_bound
    page["notices"] = list(results.notices)
    page["facets"] = {
        name: [
            {"value": v, "count": n, "label": results.facet_labels.get((name, v))}
            for v, n in values
        ]
        for name, values in results.facets.items()
    }
    return _json(page)


# -- write endpoints ------------------------------------------------------------------------
def require_admin(request: Request) -> None:
    token = web_state(request).settings.admin_token or ""
    if not token:
        raise WritesDisabledError(
            "write endpoints are disabled: set MARSAD_ADMIN_TOKEN to enable them",
            message_ar="عمليات الكتابة معطّلة: عيّن MARSAD_ADMIN_TOKEN لتفعيلها",
        )
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode("utf-8", "replace"), token.encode("utf-8")
    ):
        raise UnauthorizedError(
            "a valid 'Authorization: Bearer <token>' header is required",
            message_ar="يلزم ترويسة تفويض صالحة 'Authorization: Bearer <token>'",
        )


async def _json_body(request: Request) -> dict[str, Any]:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise UserError("request body too large", message_ar="جسم الطلب كبير جدًا")
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise UserError(
            "request body must be a JSON object", message_ar="جسم الطلب يجب أن يكون كائن JSON"
        ) from None
    if not isinstance(data, dict):
        raise UserError(
            "request body must be a JSON object", message_ar="جسم الطلب يجب أن يكون كائن JSON"
        )
    return data


def _optional_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 500:
        raise UserError(
            f"field '{key}' must be a short string", message_ar=f"الحقل '{key}' غير صالح"
        )
    return value


async def add_source(request: Request) -> Response:
    require_admin(request)
    data = await _json_body(request)
    url = data.get("url")
    if not isinstance(url, str):
        raise UserError("field 'url' is required", message_ar="الحقل 'url' مطلوب")
    kind = _optional_str(data, "kind") or SourceKind.FEED.value
    if kind not in {k.value for k in SourceKind}:
        raise UserError(
            "field 'kind' must be feed, sitemap or page", message_ar="الحقل 'kind' غير صالح"
        )
    st = web_state(request)
    created = await run_in_threadpool(
        st.store.add_source,
        validate_source_url(url, allow_private_networks=st.settings.allow_private_networks),
        kind,
        title=_optional_str(data, "title"),
        country=country_param(_optional_str(data, "country")),
        language=language_param(_optional_str(data, "language")),
    )
    return _json(source_json(created), status=201)


async def remove_source(request: Request) -> Response:
    require_admin(request)
    st = web_state(request)
    source_id = id_param(request.path_params["id"], "source")
    found = await run_in_threadpool(st.store.get_source, source_id)
    removed = await run_in_threadpool(st.store.remove_source, found.url)
    return _json({"deleted": True, "source": source_json(removed)})


async def refresh_source(request: Request) -> Response:
    """Make a source due now; the crawl scheduler polls it on its next pass."""
    require_admin(request)
    st = web_state(request)
    source_id = id_param(request.path_params["id"], "source")
    updated = await run_in_threadpool(
        st.store.update_source, source_id, next_poll_at=st.clock(), paused=False, paused_reason=None
    )
    if st.wake_crawler is not None:
        st.wake_crawler()
    return _json({"queued": True, "source": source_json(updated)}, status=202)


__all__ = [
    "add_source",
    "article",
    "article_json",
    "articles",
    "countries",
    "country",
    "entities",
    "entity",
    "refresh_source",
    "region",
    "regions",
    "remove_source",
    "require_admin",
    "search",
    "source",
    "source_json",
    "sources",
    "stories",
    "story",
    "story_json",
]
