"""Signing in and out, follows and saved searches, /me, private feeds and the /api/v1/me API.

Pages that every reader shares (home, country, story...) are cached whole; what differs per
reader (the sign-in link, follow buttons with the session's CSRF token) is left there as a
marker comment (``<!--marsad-account-->``, ``<!--marsad-follow kind=...&target=...-->``) and
filled for each request by :func:`personalise`, so the cache stays shared and nothing of one
reader reaches another.

A follow's stories are the articles its own page would list (country, region, entity, source,
story) or a saved search's hits, newest first; "new" means stored since the reader's last visit
to that follow.
"""

from __future__ import annotations

import importlib.util
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from marsad.accounts.model import FOLLOW_KINDS, Follow, User
from marsad.errors import NotFoundError, UserError
from marsad.models import REGIONS, Article
from marsad.web import auth
from marsad.web.conditional import conditional_response
from marsad.web.feeds import FORMATS, FeedMeta, article_items, render_json_feed, render_rss_atom
from marsad.web.i18n import Translator
from marsad.web.params import country_param, id_param
from marsad.web.searching import MAX_QUERY_CHARS, run_search
from marsad.web.state import WebState, request_language, web_state

log = logging.getLogger(__name__)

NEW_SCAN = 100  # articles looked at per follow to count what is new (shown as "100+")
NEWEST_SHOWN = 3  # newest items shown for each follow on /me
FOLLOW_PAGE = 30  # items on a follow's own page and in its private feed
ACCOUNT_MARKER = "<!--marsad-account-->"
# A saved query of 500 Arabic letters is ~3,000 characters percent-encoded.
_FOLLOW_MARKER = re.compile(r"<!--marsad-follow ([A-Za-z0-9%._~+=&-]{1,8000})-->")


# -- what a follow is about -----------------------------------------------------------------
def describe(st: WebState, kind: str, target: str, lang: str) -> tuple[str, str]:
    """(normalised target, label) of something to follow; NotFoundError when it is unknown."""
    tr = st.catalogues.translator(lang)
    target = target.strip()
    if kind not in FOLLOW_KINDS:
        raise UserError(f"unknown follow kind: {kind[:20]}", message_ar="نوع متابعة غير معروف")
    if kind == "country":
        try:
            cc = country_param(target, "target") or ""
        except UserError:
            cc = ""
        if not cc or st.geo.country(cc) is None:
            raise NotFoundError("unknown country", message_ar="بلد غير معروف")
        return cc, st.geo.country_name(cc, lang)
    if kind == "region":
        if target not in REGIONS:
            raise NotFoundError("unknown region", message_ar="منطقة غير معروفة")
        return target, tr(f"region.{target}")
    if kind == "search":
        if not target or len(target) > MAX_QUERY_CHARS:
            raise UserError("no query to save", message_ar="لا استعلام للحفظ")
        return target, target
    with st.store.reading() as r:
        if kind == "entity":
            entity = r.get_entity(target) if len(target) <= 128 else None
            if entity is None:
                raise NotFoundError("unknown entity", message_ar="كيان غير معروف")
            return target, entity.name(lang)
        if kind == "source":
            source = r.get_source(id_param(target, "source"))
            if source is None:
                raise NotFoundError("unknown source", message_ar="مصدر غير معروف")
            return str(source.id), source.title or source.url
        from marsad.web.display import story_titles

        story_id = id_param(target, "story")
        card = r.get_story(story_id)
        if card is None:
            raise NotFoundError("unknown story", message_ar="قصة غير معروفة")
        shown = story_titles(r, [card], tr, st.geo, st.formats_for(lang))[story_id]
        return str(story_id), shown.text or f"#{story_id}"


def page_of(follow: Follow) -> str:
    """The site's own page of what is followed."""
    if follow.kind == "search":
        return "/search?" + urlencode({"q": follow.target})
    folder = {"country": "countries", "region": "regions", "entity": "entities"}.get(
        follow.kind, follow.kind + "s"
    )
    return f"/{folder}/{quote(follow.target, safe='')}"


def follow_articles(st: WebState, follow: Follow, limit: int) -> list[Article]:
    """The newest articles of a follow (a saved search: its best hits)."""
    if follow.kind == "search":
        results = run_search(
            st.store,
            st.search_function,
            follow.target,
            limit=limit,
            now=st.clock(),
            recency_weight=st.settings.search_recency_weight,
        )
        return [h.article for h in results.hits]
    with st.store.reading() as r:
        if follow.kind == "country":
            return r.list_articles(limit=limit, countries=[follow.target])
        if follow.kind == "region":
            return r.list_articles(limit=limit, countries=st.geo.region_countries(follow.target))
        if follow.kind == "entity":
            return r.list_articles(limit=limit, entity_id=follow.target)
        if follow.kind == "source":
            return r.list_articles(
                limit=limit, source_id=int(follow.target), include_duplicates=True
            )
        if follow.kind == "story":
            return list(reversed(r.story_articles(int(follow.target))))[:limit]
    return []


def _stored_at(article: Article) -> datetime | None:
    return article.created_at or article.fetched_at


@dataclass(frozen=True)
class FollowView:
    follow: Follow
    page: str
    new_count: int
    more_new: bool
    newest: list[tuple[Article, Any, bool]]  # (article, shown title, new?)
    has_feed: bool


def _views(
    st: WebState, tr: Translator, user: User, *, shown: int, only: int | None = None
) -> list[FollowView]:
    from marsad.web.display import article_titles

    acc = auth.accounts_of(st)
    follows = [f for f in acc.list_follows(user.id) if only is None or f.id == only]
    visits = acc.last_visits(user.id)
    feeds = acc.follows_with_feeds(user.id)
    views = []
    for follow in follows:
        articles = follow_articles(st, follow, max(NEW_SCAN, shown))
        since = visits.get(follow.id)
        new = [a for a in articles if since is None or ((_stored_at(a) or since) > since)]
        top = articles[:shown]
        with st.store.reading() as r:
            titles = article_titles(r, top, tr, st.geo, st.formats_for(tr.lang))
        new_ids = {a.id for a in new}
        views.append(
            FollowView(
                follow=follow,
                page=page_of(follow),
                new_count=len(new),
                more_new=len(new) >= NEW_SCAN,
                newest=[(a, titles[a.id], a.id in new_ids) for a in top],
                has_feed=follow.id in feeds,
            )
        )
    return views


# -- per-reader pieces of shared pages --------------------------------------------------------
def follow_marker(kind: str, target: str) -> Markup:
    """Where a cached page's follow button goes (filled per request by :func:`personalise`)."""
    return Markup(f"<!--marsad-follow {urlencode({'kind': kind, 'target': target})}-->")


def personalise(request: Request, body: str) -> str:
    """Fill the account link and follow buttons of a page for this reader."""
    if ACCOUNT_MARKER not in body and "<!--marsad-follow " not in body:
        return body
    st = web_state(request)
    tr = st.catalogues.translator(request_language(request))
    user = auth.current_user(request) if _may_be_signed_in(request) else None
    token = auth.csrf_token(request) if user is not None else ""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    body = body.replace(ACCOUNT_MARKER, _account_box(tr, user, token, here), 1)
    if "<!--marsad-follow " not in body:
        return body
    follows = (
        {(f.kind, f.target): f for f in auth.accounts_of(st).list_follows(user.id)}
        if user is not None
        else {}
    )

    def button(match: re.Match[str]) -> str:
        fields = parse_qs(match.group(1))
        kind = (fields.get("kind") or [""])[0]
        target = (fields.get("target") or [""])[0]
        if kind not in FOLLOW_KINDS or not target:
            return ""
        return _follow_box(tr, user, token, kind, target, follows.get((kind, target)), here)

    return _FOLLOW_MARKER.sub(button, body)


def _may_be_signed_in(request: Request) -> bool:
    return bool(auth.session_cookie(request)) or "authorization" in request.headers


def _hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'


def _account_box(tr: Translator, user: User | None, token: str, here: str) -> str:
    if user is None:
        return (
            f'<a class="account-link" href="/login?next={escape(quote(here, safe=""))}">'
            f"{escape(tr('nav.login'))}</a>"
        )
    return (
        f'<a class="account-link" href="/me">{escape(tr("nav.me"))} '
        f"(<bdi>{escape(user.name)}</bdi>)</a>"
        f'<form class="logout" method="post" action="/logout">{_hidden(auth.CSRF_FIELD, token)}'
        f'<button type="submit">{escape(tr("nav.logout"))}</button></form>'
    )


def _follow_box(
    tr: Translator,
    user: User | None,
    token: str,
    kind: str,
    target: str,
    existing: Follow | None,
    here: str,
) -> str:
    if user is None:
        return (
            f'<p class="follow-box"><a href="/login?next={escape(quote(here, safe=""))}">'
            f"{escape(tr('follow.sign_in'))}</a></p>"
        )
    if existing is not None:
        label = tr("follow.search_saved") if kind == "search" else tr("follow.following")
        return (
            f'<form class="follow-box" method="post" action="/me/unfollow">'
            f"{_hidden(auth.CSRF_FIELD, token)}{_hidden('follow_id', str(existing.id))}"
            f"{_hidden('next', here)}<span>{escape(label)}</span> "
            f'<button type="submit">{escape(tr("follow.unfollow"))}</button></form>'
        )
    label = tr("follow.save_search") if kind == "search" else tr("follow.button")
    return (
        f'<form class="follow-box" method="post" action="/me/follow">'
        f"{_hidden(auth.CSRF_FIELD, token)}{_hidden('kind', kind)}{_hidden('target', target)}"
        f'{_hidden("next", here)}<button type="submit">{escape(label)}</button></form>'
    )


# -- rendering ------------------------------------------------------------------------------
def _render(
    request: Request, template: str, path: str, status: int = 200, **context: Any
) -> Response:
    from marsad.web.pages import render

    st = web_state(request)
    tr = st.catalogues.translator(request_language(request))
    body = render(st, tr, template, path, csrf=auth.csrf_token(request), **context)
    response = Response(
        personalise(request, body),
        status_code=status,
        media_type="text/html; charset=utf-8",
        headers={"Cache-Control": "private, no-store", "Vary": "Cookie"},
    )
    return response


def _back(to: str) -> Response:
    return RedirectResponse(to, status_code=303, headers={"Cache-Control": "no-store"})


def _page_user(request: Request) -> User:
    user = auth.current_user(request)
    if user is None:
        raise auth.LoginRequired("sign in first", message_ar="سجّل الدخول أولًا")
    return user


# -- login and logout -----------------------------------------------------------------------
def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _login_page(
    request: Request, status: int = 200, error: str | None = None, next_path: str | None = None
) -> Response:
    secret = auth.login_cookie(request) or ""
    if not auth.login_token_valid(request, secret):
        secret = auth.new_login_token(request)
    response = _render(
        request,
        "login.html",
        "/login",
        status=status,
        title=web_state(request).catalogues.translator(request_language(request))("login.title"),
        login_csrf=auth.mask(secret),
        next=auth.safe_next(next_path or request.query_params.get("next")),
        error=error,
    )
    response.set_cookie(
        auth.cookie_name(request, auth.LOGIN_COOKIE),
        secret,
        max_age=3600,
        httponly=True,
        samesite="lax",
        secure=auth.secure_cookie(request),
        path=auth.cookie_path(request, "/login"),
    )
    return response


async def login_form(request: Request) -> Response:
    return _login_page(request)


async def login(request: Request) -> Response:
    form = await request.form()
    auth.check_login_csrf(request, form)
    st = web_state(request)
    tr = st.catalogues.translator(request_language(request))
    name = str(form.get("name") or "").strip()[:64]
    password = str(form.get("password") or "")
    next_path = auth.safe_next(str(form.get("next") or ""))
    acc = auth.accounts_of(st)
    now = st.clock()
    address = _address(request)
    user = await auth.attempt_login(request, name, password)
    if isinstance(user, str):  # "limited"
        log.warning("login refused: too many failures (account or address)")
        return _login_page(request, 429, tr("login.limited"), next_path)
    if user is None:
        log.info("failed login from %s", address)
        return _login_page(request, 401, tr("login.failed"), next_path)
    # Always a new session id: one planted before login is never the signed-in one.
    session_id, _ = await run_in_threadpool(
        acc.new_session,
        user.id,
        address=address,
        now=now,
        lifetime=timedelta(days=st.settings.session_days),
    )
    response = _back(next_path)
    response.set_cookie(
        auth.cookie_name(request, auth.SESSION_COOKIE),
        session_id,
        max_age=int(st.settings.session_days * 86400),
        httponly=True,
        samesite="lax",
        secure=auth.secure_cookie(request),
    )
    response.delete_cookie(
        auth.cookie_name(request, auth.LOGIN_COOKIE),
        path=auth.cookie_path(request, "/login"),
        secure=auth.secure_cookie(request),
        httponly=True,
        samesite="lax",
    )
    return response


async def logout(request: Request) -> Response:
    form = await request.form()
    session_id = auth.session_cookie(request)
    if session_id and auth.current_user(request) is not None:
        auth.check_csrf(request, form)
        auth.accounts_of(web_state(request)).end_session(session_id)
    response = _back("/")
    response.delete_cookie(
        auth.cookie_name(request, auth.SESSION_COOKIE),
        secure=auth.secure_cookie(request),
        httponly=True,
        samesite="lax",
    )
    return response


# -- /me --------------------------------------------------------------------------------------
def me(request: Request) -> Response:
    user = _page_user(request)
    st = web_state(request)
    tr = st.catalogues.translator(request_language(request))
    views = _views(st, tr, user, shown=NEWEST_SHOWN)
    base = str(request.base_url).rstrip("/")
    return _render(
        request,
        "me.html",
        "/me",
        title=tr("me.title"),
        user=user,
        views=views,
        greader_url=f"{base}/api/greader.php",
        alerts_link=importlib.util.find_spec("marsad.web.alerts_pages") is not None,
    )


def follow_page(request: Request) -> Response:
    """One follow's newest items, the new ones marked; visiting it resets what is new."""
    user = _page_user(request)
    st = web_state(request)
    tr = st.catalogues.translator(request_language(request))
    follow_id = id_param(request.path_params["id"], "follow")
    acc = auth.accounts_of(st)
    follow = acc.get_follow(user.id, follow_id)
    if follow is None:
        raise NotFoundError("no such follow", message_ar="متابعة غير موجودة")
    view = _views(st, tr, user, shown=FOLLOW_PAGE, only=follow_id)[0]
    acc.mark_visited(user.id, [follow_id], now=st.clock())
    return _render(
        request, "me_follow.html", f"/me/follows/{follow_id}", title=follow.label, view=view
    )


async def follow(request: Request) -> Response:
    form = await request.form()
    user = _page_user(request)
    auth.check_csrf(request, form)
    st = web_state(request)
    kind = str(form.get("kind") or "")
    target, label = describe(st, kind, str(form.get("target") or ""), user.language)
    auth.accounts_of(st).add_follow(user.id, kind, target, label, now=st.clock())
    return _back(auth.safe_next(str(form.get("next") or "")))


async def unfollow(request: Request) -> Response:
    form = await request.form()
    user = _page_user(request)
    auth.check_csrf(request, form)
    follow_id = id_param(str(form.get("follow_id") or ""), "follow")
    if not auth.accounts_of(web_state(request)).remove_follow(user.id, follow_id):
        raise NotFoundError("no such follow", message_ar="متابعة غير موجودة")
    return _back(auth.safe_next(str(form.get("next") or "")))


async def mark_seen(request: Request) -> Response:
    form = await request.form()
    user = _page_user(request)
    auth.check_csrf(request, form)
    st = web_state(request)
    acc = auth.accounts_of(st)
    acc.mark_visited(user.id, [f.id for f in acc.list_follows(user.id)], now=st.clock())
    return _back("/me")


async def new_feed(request: Request) -> Response:
    """A new private feed link for a follow (the old one stops working), shown this once."""
    form = await request.form()
    user = _page_user(request)
    auth.check_csrf(request, form)
    st = web_state(request)
    tr = st.catalogues.translator(request_language(request))
    follow_id = id_param(request.path_params["id"], "follow")
    acc = auth.accounts_of(st)
    found = acc.get_follow(user.id, follow_id)
    if found is None:
        raise NotFoundError("no such follow", message_ar="متابعة غير موجودة")
    token = acc.new_feed_token(user.id, follow_id, now=st.clock())
    base = str(request.base_url).rstrip("/")
    urls = [(fmt, f"{base}/p/{token}/{fmt}") for fmt in FORMATS]
    return _render(request, "me_feed.html", "/me", title=tr("me.feed"), follow=found, urls=urls)


async def revoke_feed(request: Request) -> Response:
    form = await request.form()
    user = _page_user(request)
    auth.check_csrf(request, form)
    follow_id = id_param(request.path_params["id"], "follow")
    acc = auth.accounts_of(web_state(request))
    if acc.get_follow(user.id, follow_id) is None:
        raise NotFoundError("no such follow", message_ar="متابعة غير موجودة")
    acc.revoke_feed_tokens(user.id, follow_id)
    return _back("/me")


def tokens_page(request: Request, new: tuple[str, str] | None = None) -> Response:
    user = _page_user(request)
    st = web_state(request)
    tr = st.catalogues.translator(request_language(request))
    return _render(
        request,
        "me_tokens.html",
        "/me/tokens",
        title=tr("me.tokens"),
        tokens=auth.accounts_of(st).list_tokens(user.id),
        new=new,
    )


async def add_token(request: Request) -> Response:
    form = await request.form()
    user = _page_user(request)
    auth.check_csrf(request, form)
    st = web_state(request)
    name = str(form.get("name") or "").strip()[:100] or "token"
    record, token = auth.accounts_of(st).add_token(user.id, name, now=st.clock())
    return tokens_page(request, new=(record.name, token))


async def revoke_token(request: Request) -> Response:
    form = await request.form()
    user = _page_user(request)
    auth.check_csrf(request, form)
    token_id = id_param(str(form.get("token_id") or ""), "token")
    if not auth.accounts_of(web_state(request)).revoke_token(user.id, token_id):
        raise NotFoundError("no such token", message_ar="رمز غير موجود")
    return _back("/me/tokens")


# -- private feeds --------------------------------------------------------------------------
def private_feed(request: Request) -> Response:
    """A follow's feed at an unguessable URL (``/p/<token>/rss.xml``); 404 once revoked."""
    fmt = request.path_params["fmt"]
    token = request.path_params["token"]
    st = web_state(request)
    found = auth.accounts_of(st).follow_for_feed_token(token) if len(token) < 100 else None
    if fmt not in FORMATS or found is None:
        raise NotFoundError("no such feed", message_ar="لا خلاصة بهذا العنوان")
    owner = auth.accounts_of(st).get_user(found.user_id)
    lang = owner.language if owner is not None else st.settings.ui_language
    tr = st.catalogues.translator(lang)
    base = str(request.base_url).rstrip("/")
    articles = follow_articles(st, found, FOLLOW_PAGE)
    with st.store.reading() as r:
        items = article_items(st, tr, base, articles, r)
    meta = FeedMeta(
        title=f"{found.label} — {tr('site.name')}",
        page_url=f"{base}{page_of(found)}",
        feed_url=f"{base}/p/{token}/{fmt}",
        description=tr("site.tagline"),
        language=tr.lang,
    )
    body = (
        render_json_feed(meta, items) if fmt == "feed.json" else render_rss_atom(meta, items, fmt)
    )
    # Feed readers poll: an unchanged feed is a 304.
    response = conditional_response(
        request, body, FORMATS[fmt], validators=st.validators, now=st.clock()
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


# -- API: /api/v1/me ------------------------------------------------------------------------
def _follow_json(follow: Follow) -> dict[str, Any]:
    return {
        "id": follow.id,
        "kind": follow.kind,
        "target": follow.target,
        "label": follow.label,
        "created_at": follow.created_at.isoformat(),
        "page": page_of(follow),
    }


def _api_user(request: Request) -> User:
    user = auth.current_user(request)
    if user is None:
        raise auth.LoginRequired(
            "send 'Authorization: Bearer <user token>'",
            message_ar="أرسل 'Authorization: Bearer <user token>'",
        )
    return user


def _api_csrf(request: Request) -> None:
    """Writes by a browser session need the CSRF header; a bearer token is not sent by browsers
    on their own, so it needs none."""
    if auth.signed_in_by_token(request):
        return
    auth.check_csrf(request, {auth.CSRF_FIELD: request.headers.get("x-csrf-token", "")})


def api_me(request: Request) -> Response:
    user = _api_user(request)
    return JSONResponse(
        {"id": user.id, "name": user.name, "role": user.role, "language": user.language},
        headers={"Cache-Control": "private, no-store"},
    )


def api_follows(request: Request) -> Response:
    user = _api_user(request)
    follows = auth.accounts_of(web_state(request)).list_follows(user.id)
    return JSONResponse(
        {"items": [_follow_json(f) for f in follows]},
        headers={"Cache-Control": "private, no-store"},
    )


async def api_add_follow(request: Request) -> Response:
    user = _api_user(request)
    _api_csrf(request)
    try:
        data = await request.json()
    except ValueError:
        raise UserError("the body must be JSON", message_ar="يجب أن يكون المتن JSON") from None
    if not isinstance(data, dict):
        raise UserError("the body must be a JSON object", message_ar="يجب أن يكون المتن كائن JSON")
    kind = data.get("kind")
    target = data.get("target")
    if not isinstance(kind, str) or not isinstance(target, str):
        raise UserError(
            "'kind' and 'target' are required strings", message_ar="'kind' و'target' مطلوبان"
        )
    st = web_state(request)
    target, label = describe(st, kind, target, user.language)
    if isinstance(data.get("label"), str) and data["label"].strip():
        label = data["label"].strip()[:300]
    acc = auth.accounts_of(st)
    existed = acc.find_follow(user.id, kind, target) is not None
    found = acc.add_follow(user.id, kind, target, label, now=st.clock())
    return JSONResponse(_follow_json(found), status_code=200 if existed else 201)


def api_remove_follow(request: Request) -> Response:
    user = _api_user(request)
    _api_csrf(request)
    follow_id = id_param(request.path_params["id"], "follow")
    if not auth.accounts_of(web_state(request)).remove_follow(user.id, follow_id):
        raise NotFoundError("no such follow", message_ar="متابعة غير موجودة")
    return Response(status_code=204)


def routes() -> list[BaseRoute]:
    return [
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/me", me, methods=["GET"]),
        Route("/me/follow", follow, methods=["POST"]),
        Route("/me/unfollow", unfollow, methods=["POST"]),
        Route("/me/seen", mark_seen, methods=["POST"]),
        Route("/me/follows/{id}", follow_page, methods=["GET"]),
        Route("/me/follows/{id}/feed", new_feed, methods=["POST"]),
        Route("/me/follows/{id}/feed/revoke", revoke_feed, methods=["POST"]),
        Route("/me/tokens", tokens_page, methods=["GET"]),
        Route("/me/tokens", add_token, methods=["POST"]),
        Route("/me/tokens/revoke", revoke_token, methods=["POST"]),
        Route("/p/{token}/{fmt}", private_feed, methods=["GET"]),
        Route("/api/v1/me", api_me, methods=["GET"]),
        Route("/api/v1/me/follows", api_follows, methods=["GET"]),
        Route("/api/v1/me/follows", api_add_follow, methods=["POST"]),
        Route("/api/v1/me/follows/{id}", api_remove_follow, methods=["DELETE"]),
    ]


__all__ = [
    "ACCOUNT_MARKER",
    "describe",
    "follow_articles",
    "follow_marker",
    "page_of",
    "personalise",
    "routes",
]
