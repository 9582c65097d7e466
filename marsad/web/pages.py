"""The HTML pages. Handlers are thin: read parameters, query, render a template.

Handlers are plain functions, so Starlette runs them in its thread pool (database calls block).
The home page and story pages are cached whole for a few seconds per language.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from marsad.errors import NotFoundError, QueryError
from marsad.models import REGIONS, Article
from marsad.store.reads import EntityRow, Reads, StoryCard
from marsad.web.auth import session_cookie
from marsad.web.conditional import VARY_NEGOTIATED, conditional_response
from marsad.web.display import Shown, article_shown, article_titles, story_titles
from marsad.web.i18n import Translator, language_name
from marsad.web.me import ACCOUNT_MARKER, follow_marker, personalise
from marsad.web.params import country_param, id_param, page_param
from marsad.web.render import strip_control
from marsad.web.searching import MAX_QUERY_CHARS, SearchPage, run_search
from marsad.web.sparkline import SOURCE_SCAN, covers_days, source_sparkline, story_sparkline
from marsad.web.state import LANG_COOKIE, WebState, request_language, web_state
from marsad.web.worldmap import MAP_STORIES, count_countries, map_context, shared_counts

PAGE_SIZE = 30
MODELS_COMMAND = "marsad models install"
HOME_TOP = 12
REGION_BLOCK = 4


# One rule for shown titles everywhere (site, feeds, API): marsad.web.display.
shown_field = article_shown


def _globals(st: WebState, tr: Translator, path: str) -> dict[str, Any]:
    fmt = st.formats_for(tr.lang)
    now = st.clock()
    return {
        "t": tr,
        "lang": tr.lang,
        "dir": tr.dir,
        "path": path,
        "regions": REGIONS,
        "country_name": lambda cc: st.geo.country_name(cc, tr.lang),
        "region_name": lambda code: tr(f"region.{code}"),
        "gdate": fmt.date,
        "hdate": fmt.hijri,
        "hm": fmt.time,
        "ago": lambda d: fmt.ago(d, now),
        "num": fmt.number,
        "zone_label": fmt.zone_label(now),
        "language_name": lambda code: language_name(code, tr.lang),
        "models_command": MODELS_COMMAND,
        "media": st.media.path_for if st.media is not None else lambda url: None,
        # Filled per reader by me.personalise (the page itself is shared and cached).
        "follow_slot": follow_marker,
        "account_slot": Markup(ACCOUNT_MARKER),
    }


def _any_untranslated(context: dict[str, Any]) -> bool:
    """Whether the page shows an untranslated title (then it says how translation is enabled)."""
    if any(s.untranslated for s in context.get("story_titles", {}).values()):
        return True
    for key in ("latest", "articles", "hits", "timeline"):
        for _, shown in context.get(key) or ():
            if shown.untranslated:
                return True
    return False


def render(st: WebState, tr: Translator, template: str, path: str, **context: Any) -> str:
    values = _globals(st, tr, path)
    values.update(context)
    values.setdefault("story_titles", {})
    if values.get("untranslated_note") is None:
        values["untranslated_note"] = tr.lang == "ar" and _any_untranslated(values)
    values.setdefault("feed_base", path.rstrip("/"))
    values.setdefault("title", "")
    return st.env.get_template(template).render(values)


def html(request: Request, body: str, status: int = 200) -> Response:
    """A page: with ETag/Last-Modified (304 when the client has it) and Vary on what chose its
    language; the lang cookie set when ``?lang=`` chose it. The reader's own parts (account
    link, follow buttons) are filled in here; a signed-in reader's page is private."""
    body = personalise(request, body)
    if status == 200:
        st = web_state(request)
        response = conditional_response(
            request,
            body.encode("utf-8"),
            "text/html; charset=utf-8",
            validators=st.validators,
            now=st.clock(),
            vary=VARY_NEGOTIATED,
        )
    else:
        response = HTMLResponse(body, status_code=status, headers={"Vary": VARY_NEGOTIATED})
    if session_cookie(request):
        response.headers["Cache-Control"] = "private, no-cache"
        response.headers["Vary"] = f"{response.headers.get('Vary') or VARY_NEGOTIATED}, Cookie"
    chosen = request.query_params.get("lang")
    if chosen in ("ar", "en"):
        response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 86400, samesite="lax")
    return response


def _with_titles(
    st: WebState, r: Reads, articles: Sequence[Article], tr: Translator
) -> list[tuple[Article, Shown]]:
    shown = article_titles(r, articles, tr, st.geo, st.formats_for(tr.lang))
    return [(a, shown[a.id]) for a in articles]


def _titles_of(
    st: WebState, r: Reads, tr: Translator, *groups: Iterable[StoryCard | None]
) -> dict[int, Shown]:
    cards = {c.id: c for group in groups for c in group if c is not None}
    return story_titles(r, list(cards.values()), tr, st.geo, st.formats_for(tr.lang))


# -- pages ----------------------------------------------------------------------------------
async def home(request: Request) -> Response:
    st = web_state(request)
    tr = st.catalogues.translator(request_language(request))

    def build() -> str:
        now = st.clock()
        with st.store.reading() as r:
            # One read serves the top stories and the map (every story of the 48-hour window).
            recent = r.top_stories(now=now, limit=MAP_STORIES)
            top = recent[:HOME_TOP]
            blocks = []
            for code in REGIONS:
                countries = st.geo.region_countries(code)
                stories = r.list_stories(limit=REGION_BLOCK, countries=countries)
                if stories:
                    blocks.append((code, stories))
            latest = _with_titles(st, r, r.list_articles(limit=10), tr)
            titles = _titles_of(st, r, tr, top, *(stories for _, stories in blocks))
        return render(
            st,
            tr,
            "home.html",
            "/",
            top=top,
            blocks=blocks,
            latest=latest,
            world_map=map_context(st, tr, count_countries(recent, now=now)),
            feed_base="",
            story_titles=titles,
        )

    return html(request, await st.pages.get_or_compute_async(("home", tr.lang), build))


async def _place_page(
    request: Request, *, kind: str, code: str, name: str, countries: list[str]
) -> Response:
    """A region or country page; cached whole per page and language like the home page."""
    st = web_state(request)
    tr = st.catalogues.translator(request_language(request))
    page = page_param(request)
    offset = (page - 1) * PAGE_SIZE
    path = f"/{kind}/{code}"

    def build() -> str:
        with st.store.reading() as r:
            stories = r.list_stories(limit=PAGE_SIZE, offset=offset, countries=countries)
            articles = _with_titles(
                st,
                r,
                r.list_articles(limit=PAGE_SIZE, offset=offset, countries=countries),
                tr,
            )
            titles = _titles_of(st, r, tr, stories)
        return render(
            st,
            tr,
            "listing.html",
            path,
            title=name,
            kind=kind,
            stories=stories,
            story_titles=titles,
            articles=articles,
            page=page,
            has_more=len(articles) == PAGE_SIZE or len(stories) == PAGE_SIZE,
            countries=[(c, None) for c in countries] if kind == "regions" else [],
            world_map=map_context(st, tr, shared_counts(st), region=code)
            if kind == "regions" and page == 1
            else None,
        )

    return html(request, await st.pages.get_or_compute_async((kind, code, page, tr.lang), build))


async def region(request: Request) -> Response:
    code = request.path_params["code"]
    st = web_state(request)
    if code not in REGIONS:
        raise NotFoundError(f"unknown region: {code[:40]}", message_ar="منطقة غير معروفة")
    tr = st.catalogues.translator(request_language(request))
    return await _place_page(
        request,
        kind="regions",
        code=code,
        name=tr(f"region.{code}"),
        countries=st.geo.region_countries(code),
    )


async def country(request: Request) -> Response:
    raw = request.path_params["cc"]
    try:
        cc = country_param(raw, "cc")
    except Exception:
        raise NotFoundError(f"unknown country: {raw[:40]}", message_ar="بلد غير معروف") from None
    assert cc is not None
    st = web_state(request)
    if st.geo.country(cc) is None:
        raise NotFoundError(f"unknown country: {cc}", message_ar="بلد غير معروف")
    if raw != cc:
        return RedirectResponse(f"/countries/{cc}", status_code=301)
    lang = request_language(request)
    return await _place_page(
        request, kind="countries", code=cc, name=st.geo.country_name(cc, lang), countries=[cc]
    )


def regions_index(request: Request) -> Response:
    st = web_state(request)
    tr = st.catalogues.translator(request_language(request))
    counts = st.data.get_or_compute("country_counts", lambda: _country_counts(st))
    by_region: dict[str | None, list[tuple[str, int]]] = {}
    for cc, n in counts:
        by_region.setdefault(st.geo.region_of(cc), []).append((cc, n))
    return html(
        request,
        render(st, tr, "regions.html", "/regions", title=tr("nav.regions"), by_region=by_region),
    )


def _country_counts(st: WebState) -> list[tuple[str, int]]:
    with st.store.reading() as r:
        return r.country_article_counts()


def sources_index(request: Request) -> Response:
    st = web_state(request)
    tr = st.catalogues.translator(request_language(request))
    with st.store.reading() as r:
        sources = r.list_sources(limit=1000)
    return html(
        request,
        render(st, tr, "sources.html", "/sources", title=tr("nav.sources"), sources=sources),
    )


def source(request: Request) -> Response:
    st = web_state(request)
    tr = st.catalogues.translator(request_language(request))
    source_id = id_param(request.path_params["id"], "source")
    page = page_param(request)
    now = st.clock()
    with st.store.reading() as r:
        found = r.get_source(source_id)
        if found is None:
            raise NotFoundError(f"unknown source: {source_id}", message_ar="مصدر غير معروف")
        listed = r.list_articles(
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
            source_id=source_id,
            include_duplicates=True,
        )
        articles = _with_titles(st, r, listed, tr)
        # The first page often holds the whole fortnight already; else one bounded read,
        # shared for a while by every reader of this source's page.
        recent = listed if page == 1 and covers_days(listed, PAGE_SIZE, now=now) else None
    if recent is None:
        recent = st.data.get_or_compute(
            ("source_activity", source_id), lambda: _source_recent(st, source_id)
        )
    activity = source_sparkline(
        recent, tr, st.formats_for(tr.lang), now=now, partial=len(recent) >= SOURCE_SCAN
    )
    return html(
        request,
        render(
            st,
            tr,
            "source.html",
            f"/sources/{source_id}",
            title=found.title or found.url,
            source=found,
            articles=articles,
            page=page,
            has_more=len(articles) == PAGE_SIZE,
            activity=activity,
        ),
    )


def _source_recent(st: WebState, source_id: int) -> list[Article]:
    with st.store.reading() as r:
        return r.list_articles(limit=SOURCE_SCAN, source_id=source_id, include_duplicates=True)


def entity(request: Request) -> Response:
    st = web_state(request)
    tr = st.catalogues.translator(request_language(request))
    entity_id = request.path_params["id"]
    page = page_param(request)
    with st.store.reading() as r:
        found = r.get_entity(entity_id) if len(entity_id) <= 128 else None
        if found is None:
            raise NotFoundError(f"unknown entity: {entity_id[:40]}", message_ar="كيان غير معروف")
        names = r.entity_names(entity_id)
        stories = r.list_stories(limit=10, entity_id=entity_id) if page == 1 else []
        articles = _with_titles(
            st,
            r,
            r.list_articles(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, entity_id=entity_id),
            tr,
        )
        titles = _titles_of(st, r, tr, stories)
    return html(
        request,
        render(
            st,
            tr,
            "entity.html",
            f"/entities/{entity_id}",
            title=found.name(tr.lang),
            entity=found,
            names=names,
            stories=stories,
            story_titles=titles,
            articles=articles,
            page=page,
            has_more=len(articles) == PAGE_SIZE,
        ),
    )


async def story(request: Request) -> Response:
    st = web_state(request)
    tr = st.catalogues.translator(request_language(request))
    story_id = id_param(request.path_params["id"], "story")

    def build() -> str | int:
        with st.store.reading() as r:
            card = r.get_story(story_id)
            if card is None:
                raise NotFoundError(f"unknown story: {story_id}", message_ar="قصة غير معروفة")
            if card.merged_into is not None:
                return card.merged_into
            articles = r.story_articles(story_id)
            titled = _with_titles(st, r, articles, tr)
            countries = r.story_countries(story_id)
            entities = r.story_entities(story_id)
            related = r.related_stories(
                story_id, [e.id for e in entities[:8]], [c for c, _ in countries[:5]]
            )
            titles = _titles_of(st, r, tr, [card], related)
        return render(
            st,
            tr,
            "story.html",
            f"/stories/{story_id}",
            title=titles[card.id].text,
            story_titles=titles,
            story=card,
            groups=_group_by_language_and_source(titled),
            timeline=titled,
            sparkline=story_sparkline(
                articles, tr, st.formats_for(tr.lang), lambda code: language_name(code, tr.lang)
            ),
            countries=countries,
            entities=_without_countries(entities),
            related=related,
            source_total=len({a.source_id for a in articles if a.source_id is not None}),
        )

    body = await st.pages.get_or_compute_async(("story", story_id, tr.lang), build)
    if isinstance(body, int):
        return RedirectResponse(f"/stories/{body}", status_code=301)
    return html(request, body)


def _absolute_media(request: Request, st: WebState, url: str | None) -> str | None:
    """og:image needs an absolute URL: the proxied picture on this site's own origin."""
    path = st.media.path_for(url) if st.media is not None else None
    return str(request.base_url).rstrip("/") + path if path else None


def _without_countries(entities: list[EntityRow]) -> list[EntityRow]:
    """Country entities are already shown as country links; list them once."""
    return [e for e in entities if not e.id.startswith("country:")]


def _group_by_language_and_source(
    titled: list[tuple[Article, Shown]],
) -> list[tuple[str, list[tuple[str, list[tuple[Article, Shown]]]]]]:
    by_lang: dict[str, dict[str, list[tuple[Article, Shown]]]] = {}
    for article, shown in titled:
        source_name = article.source_title or article.site_name or ""
        by_lang.setdefault(article.language or "", {}).setdefault(source_name, []).append(
            (article, shown)
        )
    order = sorted(by_lang, key=lambda code: (code != "ar", code != "en", code))
    return [(code, sorted(by_lang[code].items())) for code in order]


def article(request: Request) -> Response:
    st = web_state(request)
    tr = st.catalogues.translator(request_language(request))
    article_id = id_param(request.path_params["id"], "article")
    show_original = request.query_params.get("original") == "1"
    with st.store.reading() as r:
        found = r.get_article(article_id)
        if found is None:
            raise NotFoundError(f"unknown article: {article_id}", message_ar="مقال غير معروف")
        translations = (
            r.translations_for([article_id]) if tr.lang == "ar" and not show_original else {}
        )
        facts = (
            article_titles(r, [found], tr, st.geo, st.formats_for(tr.lang))[article_id]
            if not show_original
            else None
        )
        original = r.get_article(found.duplicate_of) if found.duplicate_of else None
        story_card = r.get_story(found.story_id) if found.story_id else None
        carried_by = r.article_source_titles(article_id)
        countries = r.article_countries(article_id)
        entities = r.article_entities(article_id)
        titles = _titles_of(st, r, tr, [story_card])
    title = shown_field(found, "title", tr, translations)
    if facts is not None and facts.untranslated:
        title = facts
    text = shown_field(found, "text", tr, translations)
    if not text.text:
        text = shown_field(found, "summary", tr, translations)
    machine = title.translation or text.translation
    return html(
        request,
        render(
            st,
            tr,
            "article.html",
            f"/articles/{article_id}",
            title=title.text,
            article=found,
            shown_title=title,
            shown_text=text,
            machine=machine,
            show_original=show_original,
            has_translation=bool(machine) or show_original,
            original=original,
            story=story_card,
            carried_by=carried_by,
            countries=countries,
            entities=_without_countries(entities),
            story_titles=titles,
            og_image=_absolute_media(request, st, found.image),
            # the article's own notice already says how translation is enabled
            untranslated_note=False if title.untranslated else None,
        ),
    )


async def search_page(request: Request) -> Response:
    st = web_state(request)
    tr = st.catalogues.translator(request_language(request))
    query = request.query_params.get("q", "")
    page = page_param(request)

    def page_of(results: SearchPage, titled: list[tuple[Article, Shown]], error: str | None) -> str:
        return render(
            st,
            tr,
            "search.html",
            "/search",
            title=tr("search.title"),
            query=results.query,
            results=results,
            hits=titled,
            snippets={h.article.id: h.snippet for h in results.hits},
            page=page,
            has_more=len(results.hits) == PAGE_SIZE,
            error=error,
            feed_query="?" + urlencode({"q": results.query}) if results.query else "",
            switch_query=urlencode({"q": results.query}) + "&" if results.query else "",
        )

    def build() -> str:
        results = run_search(
            st.store,
            st.search_function,
            query,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
            now=st.clock(),
            recency_weight=st.settings.search_recency_weight,
        )
        with st.store.reading() as r:
            titled = _with_titles(st, r, [h.article for h in results.hits], tr)
        return page_of(results, titled, None)

    try:
        # The same query within a few seconds (a popular search) is answered from the cache.
        body = await st.pages.get_or_compute_async(("search", query, page, tr.lang), build)
    except QueryError as exc:
        # The search page again, the reader's query still in the box, the reason above it.
        message = exc.message_ar if tr.lang == "ar" and exc.message_ar else exc.message
        kept = SearchPage(query=strip_control(query)[:MAX_QUERY_CHARS], hits=[], engine="none")
        return html(request, page_of(kept, [], message), status=exc.status)
    return html(request, body)


def not_found_page(st: WebState, tr: Translator, message: str) -> str:
    return render(st, tr, "error.html", "/", title=tr("error.not_found"), message=message)


def error_page(st: WebState, tr: Translator, heading: str, message: str) -> str:
    return render(st, tr, "error.html", "/", title=heading, message=message)


__all__ = [
    "PAGE_SIZE",
    "Shown",
    "article",
    "country",
    "entity",
    "error_page",
    "home",
    "region",
    "regions_index",
    "render",
    "search_page",
    "shown_field",
    "source",
    "sources_index",
    "story",
]
