"""The Starlette application: routes, security headers, one error shape, app state.

``create_app(store, settings)`` is the only entry point; ``marsad serve`` runs it with uvicorn.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marsad.config import Settings
from marsad.errors import MarsadError, StorageError, StorageUnavailable
from marsad.search import search
from marsad.store import Store
from marsad.web import alerts_pages, api, greader, me, pages
from marsad.web.auth import LoginRequired, ReadGate, login_redirect
from marsad.web.cache import TTLCache
from marsad.web.conditional import VARY_NEGOTIATED
from marsad.web.feeds import feed_endpoint
from marsad.web.formats import Formats, display_zone
from marsad.web.geo import Geography
from marsad.web.i18n import Catalogues
from marsad.web.media import MediaProxy, media_endpoint
from marsad.web.openapi import openapi_document
from marsad.web.render import build_environment
from marsad.web.state import (
    DATA_TTL_SECONDS,
    PAGE_TTL_SECONDS,
    WebState,
    request_language,
    utc_now,
)

log = logging.getLogger(__name__)

# No script, no inline style, nothing from other origins: source content cannot run anything
# even if it slipped past escaping.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Plain ASGI middleware (cheaper than BaseHTTPMiddleware) adding the headers above."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def error_json(status: int, code: str, message: str, message_ar: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message, "message_ar": message_ar}}, status_code=status
    )


def _error_response(
    request: Request, status: int, code: str, message: str, message_ar: str
) -> Response:
    if _is_api(request):
        return error_json(status, code, message, message_ar)
    st = request.app.state.web
    try:
        tr = st.catalogues.translator(request_language(request))
        heading = tr("error.not_found") if status == 404 else tr("error.heading")
        shown = message_ar if tr.lang == "ar" else message
        body = pages.error_page(st, tr, heading, shown)
    except Exception:  # the error page itself must never fail into a traceback
        log.exception("error page failed")
        body = "<!doctype html><html lang=ar dir=rtl><title>خطأ</title><p>حدث خطأ</p></html>"
    return HTMLResponse(body, status_code=status, headers={"Vary": VARY_NEGOTIATED})


async def _marsad_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MarsadError)
    if exc.status >= 500:
        log.error("%s: %s", exc.code, exc.message)
    if isinstance(exc, StorageError):
        # The database is down, refuses or is damaged: say so briefly (the details, with the
        # server's address, stay in the log) and tell clients when to come back.
        public = StorageUnavailable()
        response = _error_response(
            request, exc.status, exc.code, public.message, public.message_ar or public.message
        )
        response.headers["Retry-After"] = str(public.retry_after)
        return response
    return _error_response(request, exc.status, exc.code, exc.message, exc.message_ar)


_HTTP_MESSAGES = {
    404: ("not_found", "not found", "الصفحة غير موجودة"),
    405: ("method_not_allowed", "method not allowed", "طريقة الطلب غير مسموحة"),
}


async def _login_required(request: Request, exc: Exception) -> Response:
    """A read or write that needs a user: pages go to /login and come back, the API says 401."""
    assert isinstance(exc, LoginRequired)
    if _is_api(request) or request.method != "GET":
        response = _error_response(request, 401, exc.code, exc.message, exc.message_ar)
        response.headers["WWW-Authenticate"] = 'Bearer realm="marsad"'
        return response
    return login_redirect(request)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code, message, message_ar = _HTTP_MESSAGES.get(
        exc.status_code, ("http_error", str(exc.detail), "تعذّر تنفيذ الطلب")
    )
    response = _error_response(request, exc.status_code, code, message, message_ar)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s", request.url.path, exc_info=exc)
    response = _error_response(
        request, 500, "internal_error", "internal error", "حدث خطأ داخلي، حاول لاحقًا"
    )
    # This handler runs outside the middleware stack, so add the security headers here.
    for name, value in SECURITY_HEADERS:
        response.headers[name.decode()] = value.decode()
    return response


def _openapi(request: Request) -> Response:
    return JSONResponse(openapi_document("/"))


def _robots(request: Request) -> Response:
    return Response("User-agent: *\nDisallow: /api/\nDisallow: /search\n", media_type="text/plain")


def _metrics(request: Request) -> Response:
    """Prometheus metrics (queue depths, grouping lag, due sources) with the 'scale' extra."""
    from marsad.scale.metrics import render_metrics

    web = request.app.state.web
    try:
        body, content_type = render_metrics(web.store, web.settings)
    except ImportError:
        return Response("metrics need the 'scale' extra\n", 404, media_type="text/plain")
    return Response(body, media_type=content_type)


def build_routes() -> list[BaseRoute]:
    feed_kinds = {
        "regions": "/regions/{code}",
        "countries": "/countries/{cc}",
        "sources": "/sources/{id}",
        "entities": "/entities/{id}",
        "stories": "/stories/{id}",
        "search": "/search",
    }
    routes: list[BaseRoute] = [
        Route("/", pages.home),
        Route("/feeds/{fmt}", feed_endpoint("home")),
        Route("/regions", pages.regions_index),
        Route("/regions/{code}", pages.region),
        Route("/countries/{cc}", pages.country),
        Route("/sources", pages.sources_index),
        Route("/sources/{id}", pages.source),
        Route("/entities/{id}", pages.entity),
        Route("/stories/{id}", pages.story),
        Route("/articles/{id}", pages.article),
        Route("/search", pages.search_page),
        Route("/media/{sig}/{url}", media_endpoint),
        Route("/openapi.json", _openapi),
        Route("/robots.txt", _robots),
        Route("/metrics", _metrics),
        Route("/api/v1/stories", api.stories),
        Route("/api/v1/stories/{id}", api.story),
        Route("/api/v1/articles", api.articles),
        Route("/api/v1/articles/{id}", api.article),
        Route("/api/v1/sources", api.sources, methods=["GET"]),
        Route("/api/v1/sources", api.add_source, methods=["POST"]),
        Route("/api/v1/sources/{id}", api.source, methods=["GET"]),
        Route("/api/v1/sources/{id}", api.remove_source, methods=["DELETE"]),
        Route("/api/v1/sources/{id}/refresh", api.refresh_source, methods=["POST"]),
        Route("/api/v1/entities", api.entities),
        Route("/api/v1/entities/{id}", api.entity),
        Route("/api/v1/countries", api.countries),
        Route("/api/v1/countries/{cc}", api.country),
        Route("/api/v1/regions", api.regions),
        Route("/api/v1/regions/{code}", api.region),
        Route("/api/v1/search", api.search),
        Mount("/static", StaticFiles(packages=[("marsad.web", "static")]), name="static"),
    ]
    routes.extend(me.routes())
    routes.extend(greader.routes())
    routes.extend(alerts_pages.routes())
    for kind, prefix in feed_kinds.items():
        routes.append(Route(f"{prefix}/feeds/{{fmt}}", feed_endpoint(kind)))
    return routes


def create_app(
    store: Store,
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utc_now,
    search_function: Callable[..., Any] | bool | None = True,
) -> Starlette:
    """The web site, feeds and API over ``store``.

    ``search_function``: True (default) uses ``marsad.search.search`` when installed; pass a
    callable to use another, or None for the built-in title fallback.
    """
    app = Starlette(
        routes=build_routes(),
        exception_handlers={
            LoginRequired: _login_required,
            MarsadError: _marsad_error,
            HTTPException: _http_error,
            Exception: _internal_error,
        },
        middleware=[],
    )
    app.state.web = WebState(
        store=store,
        settings=settings,
        geo=Geography(),
        catalogues=Catalogues(settings.ui_language, arabic_digits=settings.digits == "arabic"),
        env=build_environment(),
        pages=TTLCache(PAGE_TTL_SECONDS, max_entries=512),
        data=TTLCache(DATA_TTL_SECONDS, max_entries=64),
        search_function=search if search_function is True else search_function or None,
        clock=clock,
    )
    zone = display_zone(settings.display_timezone)
    app.state.web.media = MediaProxy(settings)
    app.state.web.formats = {
        lang: Formats(lang, zone, settings.digits == "arabic") for lang in ("ar", "en")
    }
    # Pages with the world map are ~80 KB of text: gzip makes them ~5x smaller on a phone.
    # Level 6 costs ~1 ms on such a page (level 9, the default, about 3x that for 1% less);
    # pictures, already compressed, are left alone by the middleware's excluded types.
    # With anonymous_reading off, reads need a user (innermost: its answers get the headers).
    app.add_middleware(ReadGate)
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(SecurityHeaders)
    return app


__all__ = ["CONTENT_SECURITY_POLICY", "SecurityHeaders", "create_app", "error_json"]
