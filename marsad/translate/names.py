"""Build the ``NameTable`` of names to protect from the entity gazetteer.

The gazetteer (``marsad.understand``) gives each entity a canonical Arabic name and its names in
other languages. ``names_from_entities`` turns entities into a table {source-language name ->
Arabic name}; ``names_from_knowledge`` does the same for a loaded ``Knowledge`` object, whatever
holds its entities (a mapping or a sequence). A one-word name that is also a common word or a
month ("May", "Bush" would be fine, "Will" would not) is left out: replacing it would turn
ordinary words into names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from marsad.translate.protect import NameTable

_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
_MEDIAL_MAKSURA = re.compile(r"\u0649(?=[\u0621-\u064a])")
_MONTHS_EN = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)


@cache
def _common_words_en() -> frozenset[str]:
    try:
        text = resources.files("marsad.text").joinpath("data/stopwords_en.txt").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return frozenset()
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip() and w[0] != "#")


def _ambiguous(name: str) -> bool:
    if " " in name.strip():
        return False
    lowered = name.strip().lower()
    return lowered in _MONTHS_EN or lowered in _common_words_en() or len(lowered) < 3


# Place kinds whose English name is a name in running text; demonyms take Arabic inflection
# (French -> فرنسي/فرنسية/الفرنسيون) and metonyms ("Washington" for the US government) depend on
# context, so the model translates those.
_PLACE_KINDS = frozenset({"country", "capital", "city", "state"})


def _fix_alef_maksura(arabic: str) -> str:
    """Alef maksura inside a word is a yeh written the Egyptian way (GeoNames has "مانىلا")."""
    return _MEDIAL_MAKSURA.sub("\u064a", arabic)


def _arabic_for(form: str, name_en: str | None, arabic: str) -> str:
    """The surname alone for a surname mention: "Biden" of Joe Biden/جو بايدن -> "بايدن".

    Only when the English and Arabic names have the same number of words, so that the last
    Arabic word is the transliterated surname; otherwise the full Arabic name is used."""
    if not name_en or form == name_en:
        return arabic
    en_words, ar_words = name_en.split(), arabic.split()
    if len(en_words) == len(ar_words) > 1 and form == en_words[-1]:
        return ar_words[-1]
    return arabic


def _pairs(items: Iterable[Any], source_lang: str) -> Iterable[tuple[str, str]]:
    """(source name, Arabic name); names in ``source_lang`` first, then the English ones,
    which are the same names in Latin-script sources (Biden, Zelenskyy in French text)."""
    for item in items:
        arabic = getattr(item, "name_ar", None)
        if not arabic or not _ARABIC_LETTER.search(arabic):
            continue  # no Arabic name (some gazetteer rows repeat the Latin one)
        arabic = _fix_alef_maksura(arabic)
        kind = getattr(item, "kind", None)
        if kind is not None and kind not in _PLACE_KINDS:
            continue
        names = getattr(item, "names", ())
        name_en = getattr(item, "name_en", None)
        forms = [n.name for n in names if n.language == source_lang]
        forms += ([name_en] if name_en else []) + [n.name for n in names if n.language == "en"]
        for form in forms:
            if form and not _ambiguous(form):
                yield form, _arabic_for(form, name_en, arabic)


def names_from_entities(entities: Iterable[Any], source_lang: str = "en") -> NameTable:
    """{name in ``source_lang`` -> Arabic name} for every entity (``marsad.models.Entity``, or a
    gazetteer place with ``name_en``/``name_ar``/``kind``) that has an Arabic name. The first
    Arabic name given for a source name wins."""
    pairs: dict[str, str] = {}
    for form, arabic in _pairs(entities, source_lang):
        pairs.setdefault(form, arabic)
    return NameTable.from_mapping(pairs)


def names_from_knowledge(knowledge: Any, source_lang: str = "en") -> NameTable:
    """The name table of a loaded gazetteer: its ``entities`` (a mapping or a sequence) and its
    places (``places`` or ``gazetteer.places``), entities first."""
    items: list[Any] = []
    entities = getattr(knowledge, "entities", None)
    if isinstance(entities, Mapping):
        entities = entities.values()
    items.extend(entities or ())
    places = getattr(knowledge, "places", None)
    if places is None and getattr(knowledge, "gazetteer", None) is not None:
        places = getattr(knowledge.gazetteer, "places", None)
    items.extend(places or ())
    return names_from_entities(items, source_lang)
