"""Interface strings from catalogues (``i18n/ar.json``, ``i18n/en.json``) and language choice.

Templates never hold interface text: they call ``t("key")``. The reader's language is, in order:
``?lang=`` in the URL, the ``lang`` cookie, ``Accept-Language``, then the ``ui_language`` setting.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from babel import Locale

LANGUAGES: tuple[str, ...] = ("ar", "en")
DIRECTION = {"ar": "rtl", "en": "ltr"}
_ACCEPT_ITEM = re.compile(r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q=([0-9.]+))?\s*$")


def load_catalogue(lang: str) -> dict[str, str]:
    """The catalogue of ``lang`` as a flat dict of key -> text."""
    raw = resources.files("marsad.web").joinpath("i18n", f"{lang}.json").read_text("utf-8")
    data = json.loads(raw)
    return {str(k): str(v) for k, v in data.items() if not k.startswith("_")}


@dataclass(frozen=True)
class Translator:
    """The strings of one language; ``t(key, **values)`` formats with ``str.format``."""

    lang: str
    strings: dict[str, str]
    fallback: dict[str, str]
    arabic_digits: bool = False

    @property
    def dir(self) -> str:
        return DIRECTION.get(self.lang, "rtl")

    def __call__(self, key: str, **values: Any) -> str:
        text = self.strings.get(key) or self.fallback.get(key) or key
        return text.format(**values) if values else text

    def plural(self, key: str, n: int) -> str:
        """``key.<category>`` for ``n`` (CLDR plural categories), formatted with ``n``."""
        category = plural_category(self.lang, n)
        text = self.strings.get(f"{key}.{category}") or self.strings.get(f"{key}.other") or key
        shown = str(n)
        if self.arabic_digits and self.lang == "ar":
            shown = shown.translate(ARABIC_INDIC_DIGITS)
        return text.format(n=shown)


ARABIC_INDIC_DIGITS = str.maketrans(
    "0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"
)


def plural_category(lang: str, n: int) -> str:
    """CLDR cardinal plural category of a whole number (Arabic has six: zero, one, two, few,
    many, other; English two), from Babel's CLDR rules."""
    return str(_locale(lang if lang in LANGUAGES else "ar").plural_form(n))


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def language_name(code: str | None, lang: str) -> str:
    """The name of language ``code`` in language ``lang`` (CLDR, through Babel): "الإنجليزية",
    "English"; the code itself when CLDR does not know it."""
    if not code:
        return _locale(lang).languages.get("und", "") or "?"
    return str(_locale(lang if lang in LANGUAGES else "ar").languages.get(code.lower(), code))


class Catalogues:
    """Every catalogue, loaded once per app."""

    def __init__(self, default_lang: str = "ar", *, arabic_digits: bool = False) -> None:
        self.default_lang = default_lang if default_lang in LANGUAGES else "ar"
        self._strings = {lang: load_catalogue(lang) for lang in LANGUAGES}
        self._translators = {
            lang: Translator(lang, self._strings[lang], self._strings["ar"], arabic_digits)
            for lang in LANGUAGES
        }

    def translator(self, lang: str) -> Translator:
        return self._translators.get(lang, self._translators[self.default_lang])

    def keys(self, lang: str) -> set[str]:
        return set(self._strings[lang])


def parse_accept_language(header: str | None) -> str | None:
    """The supported language the browser prefers most, or None."""
    if not header:
        return None
    best: tuple[float, int, str] | None = None
    for position, item in enumerate(header.split(",")[:20]):
        match = _ACCEPT_ITEM.match(item)
        if not match:
            continue
        lang = match.group(1).lower()
        try:
            quality = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        if lang in LANGUAGES and quality > 0:
            key = (quality, -position, lang)
            if best is None or key > best:
                best = key
    return best[2] if best else None


def choose_language(
    query_lang: str | None, cookie_lang: str | None, accept: str | None, default: str
) -> str:
    for candidate in (query_lang, cookie_lang, parse_accept_language(accept)):
        if candidate in LANGUAGES:
            return str(candidate)
    return default if default in LANGUAGES else "ar"


__all__ = [
    "DIRECTION",
    "LANGUAGES",
    "Catalogues",
    "Translator",
    "choose_language",
    "language_name",
    "load_catalogue",
    "parse_accept_language",
    "plural_category",
]
