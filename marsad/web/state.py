"""What every handler reaches through ``request.app.state.web``: store, settings, caches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import jinja2
from starlette.requests import Request

from marsad.config import Settings
from marsad.store import Store
from marsad.web.cache import TTLCache
from marsad.web.conditional import Validators
from marsad.web.formats import Formats, display_zone
from marsad.web.geo import Geography
from marsad.web.i18n import Catalogues, Translator, choose_language
from marsad.web.media import MediaProxy

LANG_COOKIE = "lang"
# Rendered pages stay this long; data shared across pages (country index, region blocks) a bit
# longer. Short enough that a reader sees a new story within a quarter of a minute.
PAGE_TTL_SECONDS = 15.0
DATA_TTL_SECONDS = 30.0


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class WebState:
    store: Store
    settings: Settings
    geo: Geography
    catalogues: Catalogues
    env: jinja2.Environment
    pages: TTLCache
    data: TTLCache
    search_function: Callable[..., Any] | None
    clock: Callable[[], datetime] = utc_now
    # Set by ``marsad serve``: makes the crawl scheduler look at the due sources now.
    wake_crawler: Callable[[], None] | None = None
    # ETag -> first served (Last-Modified) of pages and feeds.
    validators: Validators = field(default_factory=Validators)
    # Dates, times and numbers per reader language (display_timezone and digits settings).
    formats: dict[str, Formats] = field(default_factory=dict)
    # Sources' pictures through /media (signed same-origin URLs); None shows no pictures.
    media: MediaProxy | None = None

    def formats_for(self, lang: str) -> Formats:
        found = self.formats.get(lang)
        if found is None:
            found = self.formats[lang] = Formats(lang, display_zone("UTC"))
        return found


def web_state(request: Request) -> WebState:
    return request.app.state.web  # type: ignore[no-any-return]


def request_language(request: Request) -> str:
    state = web_state(request)
    return choose_language(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
        state.settings.ui_language,
    )


def translator(request: Request) -> Translator:
    return web_state(request).catalogues.translator(request_language(request))


__all__ = [
    "DATA_TTL_SECONDS",
    "LANG_COOKIE",
    "PAGE_TTL_SECONDS",
    "WebState",
    "request_language",
    "translator",
    "utc_now",
    "web_state",
]
