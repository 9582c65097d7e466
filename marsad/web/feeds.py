"""RSS 2.0, Atom 1.0 (feedgen) and JSON Feed 1.1 (by hand) for every page that lists news.

Paths: ``/feeds/{rss.xml,atom.xml,feed.json}`` for the home page and the same three names under
each page's path (``/regions/{code}/feeds/rss.xml``, ``/search/feeds/atom.xml?q=...``, ...).
Machine-translated titles are labelled in the title text, as a category, and in JSON Feed's
``_marsad`` extension object.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator
from starlette.requests import Request
from starlette.responses import Response

from marsad.errors import NotFoundError
from marsad.models import REGIONS, Article
from marsad.store.reads import Reads, TranslationRow
from marsad.web.conditional import conditional_response
from marsad.web.display import Shown, article_shown, article_titles, story_titles
from marsad.web.i18n import Translator
from marsad.web.params import country_param, id_param
from marsad.web.render import safe_href, strip_control
from marsad.web.searching import run_search
from marsad.web.shapes import article_record, story_record
from marsad.web.state import WebState, web_state

FEED_SIZE = 50
FORMATS = {
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json; charset=utf-8",
}
MACHINE_TRANSLATED = "machine-translated"


@dataclass(frozen=True)
class FeedItem:
    id: str
    title: str
    link: str
    summary: str
    published: datetime | None
    updated: datetime | None
    author: str | None
    language: str | None
    translation: TranslationRow | None = None
    untranslated: bool = False
    facts: str = ""
    # The API's record of the article or story (``marsad.web.shapes``), in ``_marsad``.
    record: dict[str, object] | None = None


@dataclass(frozen=True)
class FeedMeta:
    title: str
    page_url: str
    feed_url: str
    description: str
    language: str


def article_items(
    st: WebState, tr: Translator, base: str, articles: list[Article], r: Reads
) -> list[FeedItem]:
    """Feed items of ``articles`` (titles as shown to a reader of ``tr``'s language)."""
    translations = r.translations_for([a.id for a in articles]) if tr.lang == "ar" else {}
    titles = article_titles(r, articles, tr, st.geo, st.formats_for(tr.lang))
    items = []
    for a in articles:
        title = titles[a.id]
        summary = article_shown(a, "summary", tr, translations)
        items.append(
            FeedItem(
                id=f"{base}/articles/{a.id}",
                title=_labelled(title, tr) or a.url,
                link=safe_href(a.url) or f"{base}/articles/{a.id}",
                summary=_with_facts(title, summary.text or ""),
                published=a.published_at or a.created_at,
                updated=a.updated_at or a.published_at or a.created_at,
                author=a.author,
                language=title.lang,
                translation=title.translation,
                untranslated=title.untranslated,
                facts=title.facts,
                record={"article": article_record(a)},
            )
        )
    return items


def _labelled(shown: Shown, tr: Translator) -> str:
    """A feed title says what a page shows beside it: machine translation, or the language of an
    untranslated original (feed readers show no other label)."""
    if shown.translation is not None:
        return f"{shown.text} [{tr('label.machine_translation')}]"
    if shown.untranslated:
        return f"{shown.text} [{shown.label(tr)}]"
    return shown.text


def _with_facts(shown: Shown, summary: str) -> str:
    return f"{shown.facts}\n\n{summary}".strip() if shown.facts else summary


def _feed_content(
    request: Request, st: WebState, tr: Translator, kind: str
) -> tuple[str, str, list[FeedItem]]:
    """(title, page path, items) of the feed for ``kind`` (raises NotFoundError)."""
    base = str(request.base_url).rstrip("/")
    params = request.path_params
    with st.store.reading() as r:
        if kind == "home":
            items = []
            cards = r.top_stories(now=st.clock(), limit=FEED_SIZE)
            titles = story_titles(r, cards, tr, st.geo, st.formats_for(tr.lang))
            for card in cards:
                shown = titles[card.id]
                counts = (
                    tr.plural("count.sources", card.source_count)
                    + " · "
                    + tr.plural("count.articles", card.article_count)
                )
                items.append(
                    FeedItem(
                        id=f"{base}/stories/{card.id}",
                        title=_labelled(shown, tr),
                        link=f"{base}/stories/{card.id}",
                        summary=_with_facts(shown, counts),
                        published=card.first_seen,
                        updated=card.last_seen,
                        author=None,
                        language=shown.lang,
                        translation=shown.translation,
                        untranslated=shown.untranslated,
                        facts=shown.facts,
                        record={"story": story_record(card)},
                    )
                )
            return tr("site.name"), "/", items
        if kind == "regions":
            code = params["code"]
            if code not in REGIONS:
                raise NotFoundError(f"unknown region: {code[:40]}", message_ar="منطقة غير معروفة")
            countries = st.geo.region_countries(code)
            articles = r.list_articles(limit=FEED_SIZE, countries=countries)
            return (
                tr(f"region.{code}"),
                f"/regions/{code}",
                article_items(st, tr, base, articles, r),
            )
        if kind == "countries":
            try:
                cc = country_param(params["cc"], "cc") or ""
            except Exception:
                raise NotFoundError("unknown country", message_ar="بلد غير معروف") from None
            if st.geo.country(cc) is None:
                raise NotFoundError(f"unknown country: {cc}", message_ar="بلد غير معروف")
            articles = r.list_articles(limit=FEED_SIZE, countries=[cc])
            name = st.geo.country_name(cc, tr.lang)
            return name, f"/countries/{cc}", article_items(st, tr, base, articles, r)
        if kind == "sources":
            source_id = id_param(params["id"], "source")
            found = r.get_source(source_id)
            if found is None:
                raise NotFoundError(f"unknown source: {source_id}", message_ar="مصدر غير معروف")
            articles = r.list_articles(
                limit=FEED_SIZE, source_id=source_id, include_duplicates=True
            )
            title = found.title or found.url
            return title, f"/sources/{source_id}", article_items(st, tr, base, articles, r)
        if kind == "entities":
            entity_id = params["id"]
            found_entity = r.get_entity(entity_id) if len(entity_id) <= 128 else None
            if found_entity is None:
                raise NotFoundError("unknown entity", message_ar="كيان غير معروف")
            articles = r.list_articles(limit=FEED_SIZE, entity_id=entity_id)
            return (
                found_entity.name(tr.lang),
                f"/entities/{entity_id}",
                article_items(st, tr, base, articles, r),
            )
        if kind == "stories":
            story_id = id_param(params["id"], "story")
            found_story = r.get_story(story_id)
            if found_story is None:
                raise NotFoundError(f"unknown story: {story_id}", message_ar="قصة غير معروفة")
            articles = list(reversed(r.story_articles(story_id)))[:FEED_SIZE]
            return (
                story_titles(r, [found_story], tr, st.geo, st.formats_for(tr.lang))[story_id].text,
                f"/stories/{story_id}",
                article_items(st, tr, base, articles, r),
            )
    # search: its own connection inside run_search
    query = request.query_params.get("q", "")
    results = run_search(
        st.store,
        st.search_function,
        query,
        limit=FEED_SIZE,
        now=st.clock(),
        recency_weight=st.settings.search_recency_weight,
    )
    with st.store.reading() as r:
        items = article_items(st, tr, base, [h.article for h in results.hits], r)
    return f"{tr('search.title')}: {results.query}", "/search", items


def render_rss_atom(meta: FeedMeta, items: list[FeedItem], fmt: str) -> bytes:
    fg = FeedGenerator()
    fg.id(meta.page_url)
    fg.title(strip_control(meta.title) or "Marsad")
    fg.link(href=meta.page_url, rel="alternate")
    fg.link(href=meta.feed_url, rel="self")
    fg.description(strip_control(meta.description) or "Marsad")
    fg.subtitle(strip_control(meta.description) or "Marsad")
    fg.language(meta.language)
    fg.generator("Marsad")
    times = [t for t in (i.updated or i.published for i in items) if t is not None]
    latest = max(times, default=None)
    if latest is not None:
        fg.updated(latest)
    for item in items:
        fe = fg.add_entry(order="append")
        fe.id(item.id)
        fe.guid(item.id, permalink=False)
        fe.title(strip_control(item.title) or item.link)
        fe.link(href=item.link)
        summary = strip_control(item.summary) or strip_control(item.title) or item.link
        if fmt == "rss.xml":
            # RSS readers treat <description> as HTML: escape the plain text once more so a
            # source's "<a href=javascript:...>" stays text in every reader.
            fe.description(html.escape(summary, quote=False))
        else:
            fe.summary(summary, type="text")
        when = item.updated or item.published
        if when is not None:
            fe.updated(when)
        if item.published is not None:
            fe.published(item.published)
        elif when is None:
            fe.updated(datetime.fromtimestamp(0).astimezone())
        if item.author:
            fe.author({"name": strip_control(item.author)[:200]})
        if item.translation is not None:
            fe.category(term=MACHINE_TRANSLATED, label=MACHINE_TRANSLATED)
    data: bytes = fg.rss_str(pretty=False) if fmt == "rss.xml" else fg.atom_str(pretty=False)
    return data


def render_json_feed(meta: FeedMeta, items: list[FeedItem]) -> bytes:
    out_items = []
    for item in items:
        entry: dict[str, object] = {
            "id": item.id,
            "url": item.link,
            "title": strip_control(item.title),
            "content_text": strip_control(item.summary) or strip_control(item.title),
        }
        if item.published:
            entry["date_published"] = item.published.isoformat()
        if item.updated:
            entry["date_modified"] = item.updated.isoformat()
        if item.author:
            entry["authors"] = [{"name": strip_control(item.author)[:200]}]
        if item.language:
            entry["language"] = item.language
        extension: dict[str, object] = dict(item.record or {})
        if item.translation is not None:
            entry["tags"] = [MACHINE_TRANSLATED]
            extension.update(
                machine_translated=True,
                engine=item.translation.engine or None,
                model=item.translation.model or None,
            )
        elif item.untranslated:
            extension.update(
                machine_translated=False,
                untranslated=True,
                original_language=item.language,
                facts=item.facts,
            )
        if extension:
            entry["_marsad"] = extension
        out_items.append(entry)
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": strip_control(meta.title),
        "home_page_url": meta.page_url,
        "feed_url": meta.feed_url,
        "description": strip_control(meta.description),
        "language": meta.language,
        "items": out_items,
    }
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def feed_endpoint(kind: str) -> Callable[[Request], Response]:
    def endpoint(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in FORMATS:
            raise NotFoundError(
                f"unknown feed format: {fmt[:40]}", message_ar="صيغة خلاصة غير معروفة"
            )
        st = web_state(request)
        lang = request.query_params.get("lang")
        tr = st.catalogues.translator(lang if lang in ("ar", "en") else st.settings.ui_language)

        def build() -> bytes:
            title, page_path, items = _feed_content(request, st, tr, kind)
            base = str(request.base_url).rstrip("/")
            feed_path = request.url.path
            query = f"?{request.url.query}" if request.url.query else ""
            meta = FeedMeta(
                title=f"{title} — {tr('site.name')}" if kind != "home" else title,
                page_url=f"{base}{page_path}{query if kind == 'search' else ''}",
                feed_url=f"{base}{feed_path}{query}",
                description=tr("site.tagline"),
                language=tr.lang,
            )
            if fmt == "feed.json":
                return render_json_feed(meta, items)
            return render_rss_atom(meta, items, fmt)

        if kind == "search":
            body = build()
        else:
            key = ("feed", str(request.base_url), request.url.path, tr.lang)
            body = st.pages.get_or_compute(key, build)
        return conditional_response(
            request, body, FORMATS[fmt], validators=st.validators, now=st.clock()
        )

    return endpoint


__all__ = [
    "FORMATS",
    "FeedItem",
    "FeedMeta",
    "article_items",
    "feed_endpoint",
    "render_json_feed",
    "render_rss_atom",
]
