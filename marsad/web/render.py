"""Jinja2 environment and the filters that make source content safe and readable.

Source content is hostile: Jinja2 autoescapes everything, links are rendered only when they are
http(s), and the little HTML we ever pass through goes through nh3 with a short allow-list.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

import jinja2
import nh3
from markupsafe import Markup

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n+")
# C0/C1 control characters other than tab/newline: invalid in XML, noise in HTML.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_MAX_PARAGRAPHS = 400

# Tags kept when a source's summary carries HTML; everything else (script, style, on*, iframes,
# forms, images that would call home) is dropped by nh3.
_ALLOWED_TAGS = {"p", "br", "b", "i", "em", "strong", "ul", "ol", "li", "blockquote", "a"}
_ALLOWED_ATTRIBUTES = {"a": {"href"}}


def strip_control(text: str | None) -> str:
    return _CONTROL_CHARS.sub("", text or "")


def safe_href(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL, else None (no javascript:, data:, ...)."""
    if not url:
        return None
    candidate = strip_control(url).strip()
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ch.isspace() for ch in candidate) or '"' in candidate or "<" in candidate:
        return None
    return candidate


def sanitize_html(html: str | None) -> Markup:
    """Source HTML reduced to a few harmless tags, links only to http(s)."""
    cleaned = nh3.clean(
        strip_control(html),
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow ugc",
    )
    return Markup(cleaned)


def paragraphs(text: str | None) -> list[str]:
    """Plain text split into paragraphs (each escaped by the template)."""
    parts = [p.strip() for p in _PARAGRAPH_BREAK.split(strip_control(text))]
    return [p for p in parts if p][:_MAX_PARAGRAPHS]


def iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def text_dir_lang(lang: str | None) -> str | None:
    """A ``lang`` attribute value we trust (two or three ASCII letters), else None."""
    if lang and 2 <= len(lang) <= 3 and lang.isascii() and lang.isalpha():
        return lang.lower()
    return None


def build_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("marsad.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
    )
    env.filters["safe_href"] = safe_href
    env.filters["paragraphs"] = paragraphs
    env.filters["sanitize_html"] = sanitize_html
    env.filters["iso"] = iso
    env.filters["lang_attr"] = text_dir_lang
    env.filters["clean"] = strip_control
    return env


__all__ = [
    "build_environment",
    "iso",
    "paragraphs",
    "safe_href",
    "sanitize_html",
    "strip_control",
    "text_dir_lang",
]
