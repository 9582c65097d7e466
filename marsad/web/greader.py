"""Reader-app sync: the Google Reader API as FreshRSS and Miniflux serve it.

Mobile and desktop readers that speak it (Reeder, NetNewsWire, FeedMe, Focus Reader, Read You,
FluentReader...) sign in with the user's name and password at ``/accounts/ClientLogin``
(also under ``/api/greader.php``, FreshRSS's address, which most apps ask for), then send
``Authorization: GoogleLogin auth=<token>``. The token is a user API token named
"reader app" (stored hashed, listed and revocable at /me/tokens like any other).

What it serves: each follow (country, entity, saved search...) is one subscription
(``feed/<follow id>``), in a folder named after its kind; its items are the articles its private
feed carries; ``edit-tag`` and ``mark-all-as-read`` keep the read state (``read_items``).
Subscriptions are managed on the site (``subscription/edit`` answers OK and changes nothing);
starring is not kept.

Item ids: ``tag:google.com,2005:reader/item/<16 hex digits>`` in contents, decimal in
``stream/items/ids``; both name the article id.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from marsad.accounts.model import READER_APP_TOKEN, Follow, User
from marsad.models import Article
from marsad.web import auth
from marsad.web.display import article_titles
from marsad.web.me import follow_articles, page_of
from marsad.web.render import paragraphs, safe_href
from marsad.web.state import WebState, web_state

log = logging.getLogger(__name__)

READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
KEPT_UNREAD = "user/-/state/com.google/kept-unread"
_ITEM_PREFIX = "tag:google.com,2005:reader/item/"
PER_FOLLOW = 200  # newest items of each follow an app can see
MAX_PAGE = 1000
APP_TOKEN_NAME = READER_APP_TOKEN
APP_TOKENS_KEPT = 5  # sign-ins from apps kept per user (a phone, a tablet, a desktop...)
_PREFIXES = ("", "/api/greader.php")


# -- authentication -------------------------------------------------------------------------
def _auth_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, rest = header.partition(" ")
    if scheme.lower() == "googlelogin" and rest.strip().lower().startswith("auth="):
        return rest.strip()[5:].strip() or None
    if scheme.lower() == "bearer" and rest.strip():
        return rest.strip()
    return None


def _user(request: Request) -> User | None:
    token = _auth_token(request)
    st = web_state(request)
    if token is None or len(token) > 200:
        return None
    return auth.accounts_of(st).user_for_token(token, now=st.clock())


def _unauthorized() -> Response:
    return PlainTextResponse("Unauthorized!", status_code=401, headers={"Google-Bad-Token": "true"})


def _post_token(request: Request) -> str:
    """The short-lived-looking "T" token of POSTs, derived from the auth token (an app that
    sends the auth header needs no more against cross-site requests; the value only has to
    round-trip)."""
    token = _auth_token(request) or ""
    return hashlib.sha256(b"marsad-greader-T:" + token.encode()).hexdigest()[:57]


def _check_post_token(request: Request, form: FormData) -> bool:
    given = form.get("T") or request.query_params.get("T")
    if not given:
        return True  # FreshRSS accepts POSTs without T from apps that skip /token
    return hmac.compare_digest(str(given).encode(), _post_token(request).encode())


async def client_login(request: Request) -> Response:
    """``Email`` and ``Passwd`` in a POSTed form -> ``SID/LSID/Auth`` lines, or 401.

    Never from the query string (nor over GET): a URL with a password ends up in access logs,
    proxies' logs and browser history."""
    no_store = {"Cache-Control": "no-store"}
    form = await request.form()
    name = str(form.get("Email") or "").strip()[:64]
    password = str(form.get("Passwd") or "")
    st = web_state(request)
    acc = auth.accounts_of(st)
    user = await auth.attempt_login(request, name, password)
    if isinstance(user, str):  # "limited"
        log.warning("reader-app login refused: too many failures")
        return PlainTextResponse("Error=BadAuthentication\n", status_code=429, headers=no_store)
    if user is None:
        return PlainTextResponse("Error=BadAuthentication\n", status_code=401, headers=no_store)
    _, token = await run_in_threadpool(acc.add_token, user.id, APP_TOKEN_NAME, now=st.clock())
    await run_in_threadpool(acc.prune_tokens, user.id, APP_TOKEN_NAME, keep=APP_TOKENS_KEPT)
    if form.get("output") == "json" or request.query_params.get("output") == "json":
        return JSONResponse({"SID": token, "LSID": "null", "Auth": token}, headers=no_store)
    return PlainTextResponse(f"SID={token}\nLSID=null\nAuth={token}\n", headers=no_store)


# -- streams and items ----------------------------------------------------------------------
def _usec(when: datetime | None) -> int:
    when = when or datetime(1970, 1, 1, tzinfo=UTC)
    return int(when.timestamp() * 1_000_000)


def _when(article: Article) -> datetime | None:
    return article.published_at or article.created_at


def _stream_of(follow: Follow) -> str:
    return f"feed/{follow.id}"


def _label_of(follow: Follow, st: WebState, lang: str) -> str:
    return st.catalogues.translator(lang)(f"me.kind.{follow.kind}")


def _items(
    st: WebState, user: User, stream: str
) -> tuple[list[tuple[Article, Follow]], list[Follow]]:
    """(article, its follow) newest first for a stream id, and the user's follows."""
    acc = auth.accounts_of(st)
    follows = acc.list_follows(user.id)
    chosen: list[Follow]
    if stream == STARRED:
        chosen = []  # starring is not kept
    elif stream in (READING_LIST, READ):
        chosen = follows
    elif stream.startswith("feed/"):
        chosen = [f for f in follows if f"feed/{f.id}" == stream]
    elif "/label/" in stream:
        label = stream.split("/label/", 1)[1]
        chosen = [f for f in follows if _label_of(f, st, user.language) == label]
    else:
        chosen = []
    seen: dict[int, tuple[Article, Follow]] = {}
    for follow in chosen:
        for article in follow_articles(st, follow, PER_FOLLOW):
            seen.setdefault(article.id, (article, follow))
    ordered = sorted(seen.values(), key=lambda p: (_usec(_when(p[0])), p[0].id), reverse=True)
    return ordered, follows


def _filtered(
    request: Request, st: WebState, user: User, pairs: list[tuple[Article, Follow]], stream: str
) -> list[tuple[Article, Follow]]:
    q = request.query_params
    read = auth.accounts_of(st).read_ids(user.id, [a.id for a, _ in pairs])
    excluded = q.get("xt", "")
    included = q.get("it", "")
    out = []
    older = _int(q.get("ot"))
    newer = _int(q.get("nt"))
    for article, follow in pairs:
        is_read = article.id in read
        if excluded == READ and is_read:
            continue
        if (included == READ or stream == READ) and not is_read:
            continue
        ts = _usec(_when(article)) // 1_000_000
        if older is not None and ts < older:
            continue
        if newer is not None and ts > newer:
            continue
        out.append((article, follow))
    if q.get("r") == "o":
        out.reverse()
    return out


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _page(request: Request, items: list[Any]) -> tuple[list[Any], str | None]:
    q = request.query_params
    n = min(max(_int(q.get("n")) or 20, 1), MAX_PAGE)
    start = max(_int(q.get("c")) or 0, 0)
    chunk = items[start : start + n]
    more = str(start + n) if start + n < len(items) else None
    return chunk, more


def _item_json(
    st: WebState,
    user: User,
    base: str,
    pairs: Sequence[tuple[Article, Follow]],
    read: set[int],
) -> list[dict[str, Any]]:
    tr = st.catalogues.translator(user.language)
    with st.store.reading() as r:
        titles = article_titles(r, [a for a, _ in pairs], tr, st.geo, st.formats_for(tr.lang))
    out = []
    for article, follow in pairs:
        shown = titles[article.id]
        text = article.summary or ""
        body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs(article.text or text)[:60])
        when = _when(article)
        categories = [READING_LIST, f"user/-/label/{_label_of(follow, st, user.language)}"]
        if article.id in read:
            categories.append(READ)
        link = safe_href(article.url) or f"{base}/articles/{article.id}"
        out.append(
            {
                "id": f"{_ITEM_PREFIX}{article.id:016x}",
                "crawlTimeMsec": str(_usec(article.created_at or when) // 1000),
                "timestampUsec": str(_usec(when)),
                "published": _usec(when) // 1_000_000,
                "updated": _usec(article.updated_at or when) // 1_000_000,
                "title": shown.text or article.url,
                "canonical": [{"href": link}],
                "alternate": [{"href": link, "type": "text/html"}],
                "categories": categories,
                "origin": {
                    "streamId": _stream_of(follow),
                    "title": follow.label,
                    "htmlUrl": f"{base}{page_of(follow)}",
                },
                "summary": {"direction": "rtl" if shown.lang == "ar" else "ltr", "content": body},
                "author": article.author or article.source_title or "",
            }
        )
    return out


_USER_PART = re.compile(r"^user/[^/]+/")


def _stream_id(request: Request) -> str:
    """The stream asked for, with ``user/<id>/`` read as ``user/-/`` (apps send either)."""
    path_stream = request.path_params.get("stream")
    stream = str(path_stream or request.query_params.get("s") or READING_LIST)
    return _USER_PART.sub("user/-/", stream)


def stream_contents(request: Request) -> Response:
    user = _user(request)
    if user is None:
        return _unauthorized()
    st = web_state(request)
    stream = _stream_id(request)
    pairs, _ = _items(st, user, stream)
    pairs = _filtered(request, st, user, pairs, stream)
    chunk, more = _page(request, pairs)
    read = auth.accounts_of(st).read_ids(user.id, [a.id for a, _ in chunk])
    base = str(request.base_url).rstrip("/")
    body: dict[str, Any] = {
        "id": stream,
        "updated": int(st.clock().timestamp()),
        "items": _item_json(st, user, base, chunk, read),
    }
    if more:
        body["continuation"] = more
    return JSONResponse(body)


def stream_item_ids(request: Request) -> Response:
    user = _user(request)
    if user is None:
        return _unauthorized()
    st = web_state(request)
    stream = _stream_id(request)
    pairs, _ = _items(st, user, stream)
    pairs = _filtered(request, st, user, pairs, stream)
    chunk, more = _page(request, pairs)
    body: dict[str, Any] = {
        "itemRefs": [
            {
                "id": str(a.id),
                "directStreamIds": [_stream_of(f)],
                "timestampUsec": str(_usec(_when(a))),
            }
            for a, f in chunk
        ]
    }
    if more:
        body["continuation"] = more
    return JSONResponse(body)


def _item_ids(values: Iterable[str]) -> list[int]:
    ids = []
    for raw in values:
        value = raw.strip()
        try:
            if value.startswith(_ITEM_PREFIX):
                ids.append(int(value[len(_ITEM_PREFIX) :], 16))
            elif value.lstrip("-").isdigit():
                number = int(value)
                ids.append(number if number >= 0 else number + (1 << 64))
        except ValueError:
            continue
    return [i for i in ids if 0 < i < (1 << 63)][:MAX_PAGE]


async def stream_items_contents(request: Request) -> Response:
    user = _user(request)
    if user is None:
        return _unauthorized()
    form = await request.form()
    ids = _item_ids([str(v) for v in form.getlist("i")] + request.query_params.getlist("i"))
    st = web_state(request)
    # Only the user's own items: an id outside their follows is not shown.
    pairs, _ = _items(st, user, READING_LIST)
    by_id = {a.id: (a, f) for a, f in pairs}
    chosen = [by_id[i] for i in ids if i in by_id]
    read = auth.accounts_of(st).read_ids(user.id, [a.id for a, _ in chosen])
    base = str(request.base_url).rstrip("/")
    return JSONResponse(
        {
            "id": READING_LIST,
            "updated": int(st.clock().timestamp()),
            "items": _item_json(st, user, base, chosen, read),
        }
    )


async def edit_tag(request: Request) -> Response:
    user = _user(request)
    if user is None:
        return _unauthorized()
    form = await request.form()
    if not _check_post_token(request, form):
        return PlainTextResponse(
            "Unauthorized!", status_code=401, headers={"X-Reader-Google-Bad-Token": "true"}
        )
    ids = _item_ids(str(v) for v in form.getlist("i"))
    st = web_state(request)
    acc = auth.accounts_of(st)
    added = {str(v) for v in form.getlist("a")}
    removed = {str(v) for v in form.getlist("r")}
    if READ in added:
        acc.mark_read(user.id, ids, now=st.clock())
    if READ in removed or KEPT_UNREAD in added:
        acc.mark_unread(user.id, ids)
    return PlainTextResponse("OK")


async def mark_all_as_read(request: Request) -> Response:
    user = _user(request)
    if user is None:
        return _unauthorized()
    form = await request.form()
    if not _check_post_token(request, form):
        return PlainTextResponse("Unauthorized!", status_code=401)
    st = web_state(request)
    stream = _USER_PART.sub("user/-/", str(form.get("s") or READING_LIST))
    before = _int(str(form.get("ts") or ""))
    pairs, _ = _items(st, user, stream)
    ids = [a.id for a, _ in pairs if before is None or _usec(_when(a)) <= before]
    auth.accounts_of(st).mark_read(user.id, ids, now=st.clock())
    return PlainTextResponse("OK")


def token(request: Request) -> Response:
    if _user(request) is None:
        return _unauthorized()
    return PlainTextResponse(_post_token(request) + "\n")


def user_info(request: Request) -> Response:
    user = _user(request)
    if user is None:
        return _unauthorized()
    return JSONResponse(
        {
            "userId": str(user.id),
            "userName": user.name,
            "userProfileId": str(user.id),
            "userEmail": user.email or "",
        }
    )


def subscription_list(request: Request) -> Response:
    user = _user(request)
    if user is None:
        return _unauthorized()
    st = web_state(request)
    base = str(request.base_url).rstrip("/")
    subs = []
    for follow in auth.accounts_of(st).list_follows(user.id):
        label = _label_of(follow, st, user.language)
        subs.append(
            {
                "id": _stream_of(follow),
                "title": follow.label,
                "categories": [{"id": f"user/-/label/{label}", "label": label}],
                "url": f"{base}{page_of(follow)}",
                "htmlUrl": f"{base}{page_of(follow)}",
                "iconUrl": f"{base}/static/icon.svg",
                "firstitemmsec": str(_usec(follow.created_at) // 1000),
                "sortid": f"{follow.id:08X}",
            }
        )
    return JSONResponse({"subscriptions": subs})


def tag_list(request: Request) -> Response:
    user = _user(request)
    if user is None:
        return _unauthorized()
    st = web_state(request)
    labels = sorted(
        {_label_of(f, st, user.language) for f in auth.accounts_of(st).list_follows(user.id)}
    )
    tags = [{"id": STARRED}] + [{"id": f"user/-/label/{x}", "type": "folder"} for x in labels]
    return JSONResponse({"tags": tags})


def unread_count(request: Request) -> Response:
    user = _user(request)
    if user is None:
        return _unauthorized()
    st = web_state(request)
    pairs, _ = _items(st, user, READING_LIST)
    read = auth.accounts_of(st).read_ids(user.id, [a.id for a, _ in pairs])
    counts: dict[str, list[int]] = {}
    for article, follow in pairs:
        if article.id in read:
            continue
        for key in (_stream_of(follow), READING_LIST):
            entry = counts.setdefault(key, [0, 0])
            entry[0] += 1
            entry[1] = max(entry[1], _usec(_when(article)))
    return JSONResponse(
        {
            "max": PER_FOLLOW,
            "unreadcounts": [
                {"id": k, "count": c, "newestItemTimestampUsec": str(ts)}
                for k, (c, ts) in counts.items()
            ],
        }
    )


def _ok(request: Request) -> Response:
    """subscription/edit and the like: subscriptions are managed on the site."""
    if _user(request) is None:
        return _unauthorized()
    return PlainTextResponse("OK")


def preference_list(request: Request) -> Response:
    if _user(request) is None:
        return _unauthorized()
    return JSONResponse({"prefs": []})


def routes() -> list[BaseRoute]:
    out: list[BaseRoute] = []
    api = "/reader/api/0"
    for prefix in _PREFIXES:
        out += [
            Route(f"{prefix}/accounts/ClientLogin", client_login, methods=["POST"]),
            Route(f"{prefix}{api}/token", token, methods=["GET"]),
            Route(f"{prefix}{api}/user-info", user_info, methods=["GET"]),
            Route(f"{prefix}{api}/subscription/list", subscription_list, methods=["GET"]),
            Route(f"{prefix}{api}/subscription/edit", _ok, methods=["POST"]),
            Route(f"{prefix}{api}/tag/list", tag_list, methods=["GET"]),
            Route(f"{prefix}{api}/unread-count", unread_count, methods=["GET"]),
            Route(f"{prefix}{api}/preference/list", preference_list, methods=["GET"]),
            Route(f"{prefix}{api}/stream/items/ids", stream_item_ids, methods=["GET"]),
            Route(
                f"{prefix}{api}/stream/items/contents",
                stream_items_contents,
                methods=["GET", "POST"],
            ),
            Route(f"{prefix}{api}/stream/contents", stream_contents, methods=["GET"]),
            Route(f"{prefix}{api}/stream/contents/{{stream:path}}", stream_contents),
            Route(f"{prefix}{api}/edit-tag", edit_tag, methods=["POST"]),
            Route(f"{prefix}{api}/mark-all-as-read", mark_all_as_read, methods=["POST"]),
        ]
    return out


__all__ = ["routes"]
