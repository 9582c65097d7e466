"""Countries and regions for search: names people type -> ISO codes, and country -> region.

Country names come from the understanding stage's gazetteer (``marsad.understand``: every ISO
country with the Arabic and English names and variants its tagger knows, built from CLDR and
ISO data at development time, so nothing here needs babel or pycountry at run time). Country ->
region follows the gazetteer, so the region facet agrees with the tagger; ``data/regions.json`` holds region names and the fallback table. The tables are immutable
and built once per process.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

from marsad.text import normalize_ar
from marsad.understand.gazetteer import Gazetteer, load_gazetteer

# Everyday names CLDR and ISO spell differently from how news writes them.
_EXTRA_NAMES = {
    "usa": "US",
    "america": "US",
    "امريكا": "US",
    "uk": "GB",
    "britain": "GB",
    "بريطانيا": "GB",
    "palestine": "PS",
    "فلسطين": "PS",
    "الامارات": "AE",
    "uae": "AE",
    "russia": "RU",
    "iran": "IR",
    "syria": "SY",
    "south korea": "KR",
    "north korea": "KP",
    "kosovo": "XK",
    "السعودية": "SA",
    "saudi": "SA",
    "كوريا الجنوبية": "KR",
    "كوريا الشمالية": "KP",
    "الكونغو الديمقراطية": "CD",
    "كوسوفو": "XK",
}


def _key(name: str) -> str:
    text = normalize_ar(name)
    # The Arabic article: "المغرب" and "مغرب" are typed alike.
    return text[2:] if text.startswith("ال") and len(text) > 4 else text


@cache
def _gazetteer() -> Gazetteer:
    return load_gazetteer()


@cache
def _regions() -> Mapping[str, tuple[frozenset[str], tuple[str, ...]]]:
    data = json.loads(resources.files("marsad.search").joinpath("data/regions.json").read_text())
    region_of = {c: r for r, v in data["regions"].items() for c in v["countries"]}
    region_of.update(_gazetteer().region_of)
    return MappingProxyType(
        {
            region: (
                frozenset(c for c, r in region_of.items() if r == region),
                tuple(v["names"]),
            )
            for region, v in data["regions"].items()
        }
    )


@cache
def _country_index() -> Mapping[str, str]:
    index: dict[str, str] = {}
    gazetteer = _gazetteer()
    for place in gazetteer.places:
        if place.kind == "country" and place.country:
            for name in (place.name_en, place.name_ar):
                if name:
                    index.setdefault(_key(name), place.country)
    for key, position, _mode in gazetteer.keys:
        place = gazetteer.places[position]
        if place.kind == "country" and place.country:
            index.setdefault(_key(key), place.country)
    for name, code in _EXTRA_NAMES.items():
        index[_key(name)] = code
    return MappingProxyType(index)


@cache
def _country_codes() -> frozenset[str]:
    countries = (p.country for p in _gazetteer().places if p.kind == "country" and p.country)
    return frozenset(countries) | {"XK"}


def resolve_country(value: str) -> str | None:
    """ISO code for a code or an English / Arabic country name; None when unknown."""
    value = value.strip()
    if len(value) == 2 and value.isascii() and value.upper() in _country_codes():
        return value.upper()
    return _country_index().get(_key(value))


def resolve_region(value: str) -> str | None:
    """Region id (``middle_east``) for an id or an English / Arabic region name."""
    wanted = value.strip().lower().replace("-", "_")
    regions = _regions()
    if wanted in regions:
        return wanted
    key = _key(value.replace("_", " "))
    for region, (_, names) in regions.items():
        if key in {_key(n) for n in names}:
            return region
    return None


def region_countries(region: str) -> frozenset[str]:
    return _regions()[region][0]


@cache
def _region_of() -> Mapping[str, str]:
    return MappingProxyType(
        {code: region for region, (codes, _) in _regions().items() for code in codes}
    )


def country_region(code: str) -> str | None:
    return _region_of().get(code)


__all__ = ["country_region", "region_countries", "resolve_country", "resolve_region"]
