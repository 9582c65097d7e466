"""The places gazetteer: countries, demonyms, cities, metonyms, US states, regions, blockers.

Loaded from the data files in ``data/`` (see data/PROVENANCE.md). ``load_gazetteer`` returns a
``Gazetteer``; callers keep it and pass it on (no module-level cache).
"""

from __future__ import annotations

import csv
import gzip
import json
import logging
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

from marsad.models import REGIONS
from marsad.understand.scan import KEY_ADJECTIVE, KEY_BARE, KEY_NAME, normalize_key

log = logging.getLogger(__name__)


# Arab League members: their cities are written with clitics in Arabic news (بغزة، وحلب).
ARAB_COUNTRIES = frozenset(
    [
        "DZ",
        "BH",
        "KM",
        "DJ",
        "EG",
        "IQ",
        "JO",
        "KW",
        "LB",
        "LY",
        "MR",
        "MA",
        "OM",
        "PS",
        "QA",
        "SA",
        "SO",
        "SD",
        "SY",
        "TN",
        "AE",
        "YE",
    ]
)
SHORT_CITY_CHARS = 4
# The formal names are one mention of the country: "جمهورية فنزويلا" (NewsFANE's Nation spans
# include the word جمهورية, and leave دولة out: دولة الكويت is tagged on الكويت alone), and a
# definite state noun with the feminine nisba (الجمهورية اللبنانية، المملكة المغربية). Not
# الدولة: "الدولة المغربية" is the Moroccan state as an institution (NewsFANE leaves it out).
# Derived here from the names and demonyms rather than listed per country.
_REPUBLIC_OF = "جمهورية"
_STATE_NOUNS = ("الجمهورية", "المملكة", "السلطنة", "الإمارة")
_FORMAL_ALREADY = ("جمهورية", "الجمهورية", "المملكة", "دولة", "إمارة", "سلطنة")


def _formal_names(names_ar: list[str], demonyms_ar: list[str]) -> list[str]:
    """جمهورية + name, and state noun + the definite feminine demonym."""
    formal = [f"{_REPUBLIC_OF} {n}" for n in names_ar if not n.startswith(_FORMAL_ALREADY)]
    feminine = [d for d in demonyms_ar if " " not in d and d.endswith("ية")]
    formal += [f"{noun} ال{d.removeprefix('ال')}" for noun in _STATE_NOUNS for d in feminine[:1]]
    return formal


@dataclass(frozen=True)
class Place:
    """One reading of a place name. ``id`` is shared by all names of the same place."""

    id: str  # country:FR, city:2988507, area:middle-east, state:AU-NSW, province:SY-afrin, block
    kind: str  # country | territory | demonym | capital | city | state | metonym | area | block
    country: str | None  # ISO 3166-1 alpha-2
    region: str | None  # one of marsad.models.REGIONS, or None
    name_en: str
    name_ar: str


@dataclass(frozen=True)
class Ambiguity:
    """Normalised keys that need context before they count (data/ambiguity.json)."""

    support_or_trigger: frozenset[str]
    support_only: frozenset[str]
    resolve: dict[str, tuple[str, ...]]
    person_risk_en: frozenset[str]
    geo_next_en: frozenset[str]
    geo_next_en_norm: frozenset[str]
    us_cues: frozenset[str]
    country_cues: dict[str, frozenset[str]]
    # words of a country's local life (sheriff, councillor, garda): evidence for its towns;
    # cues that are symbols (£) are looked for in the raw text
    local_cues: dict[str, frozenset[str]]
    triggers: frozenset[str]
    measure_after_qatar: frozenset[str]
    given_names: frozenset[str]
    team_before: frozenset[str] = frozenset()
    team_contest: frozenset[str] = frozenset()
    team_after: frozenset[str] = frozenset()
    team_versus: frozenset[str] = frozenset()
    team_versus_after: frozenset[str] = frozenset()
    sports_words: frozenset[str] = frozenset()
    team_locative: frozenset[str] = frozenset()
    name_before: frozenset[str] = frozenset()
    # the words above that و/ف may be written on (وخسرت كينيا، وفي مصر)
    team_words: frozenset[str] = frozenset()
    company_two_before: frozenset[str] = frozenset()
    before_quote: frozenset[str] = frozenset()
    us_local_demonyms: frozenset[str] = frozenset()
    # the phrases (high school) and symbols among them, looked for in the joined tokens or text
    local_phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Gazetteer:
    places: tuple[Place, ...]
    # (normalised key, index into places, key mode) for the automaton
    keys: tuple[tuple[str, int, str], ...]
    ambiguity: Ambiguity
    region_of: dict[str, str]  # country code -> region
    by_id: dict[str, Place] = field(default_factory=dict)
    # country names that are also adjectives (السعودية "Saudi" f.): normalised, with ال
    adjective_names: frozenset[str] = frozenset()
    # one-word Arabic city names: their nisba after a country's name makes a club (المغرب الفاسي)
    town_keys: frozenset[str] = frozenset()
    # English given names (US census, lower case): a capitalised run starting so is a person
    given_names_en: frozenset[str] = frozenset()
    # town names that are also a country's or a famous city's (Lebanon, Oxford): read as the
    # town only with local evidence, never by default
    strict_town_keys: frozenset[str] = frozenset()


def _data_text(name: str) -> str:
    return resources.files("marsad.understand").joinpath("data").joinpath(name).read_text("utf-8")


def _data_bytes(name: str) -> bytes:
    return resources.files("marsad.understand").joinpath("data").joinpath(name).read_bytes()


def _norm_set(values: list[str]) -> frozenset[str]:
    return frozenset(normalize_key(v) for v in values if not v.startswith("_"))


def _load_ambiguity() -> Ambiguity:
    raw: dict[str, Any] = json.loads(_data_text("ambiguity.json"))
    given = [
        line.strip()
        for line in _data_text("given_names.txt").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    team = raw["team_context"]
    # words normalised like tokens; symbols (£) kept as written
    local = {
        c: frozenset(normalize_key(w) if any(ch.isalpha() for ch in w) else w for w in v)
        for c, v in raw["local_cues"].items()
        if not c.startswith("_")
    }
    return Ambiguity(
        support_or_trigger=_norm_set(raw["support_or_trigger"]["keys"]),
        support_only=_norm_set(raw["support_only"]["keys"]),
        resolve={
            normalize_key(k): tuple(v) for k, v in raw["resolve"].items() if not k.startswith("_")
        },
        person_risk_en=_norm_set(raw["person_risk_en"]["keys"]),
        geo_next_en=frozenset(raw["geo_next_en"]),
        geo_next_en_norm=_norm_set(raw["geo_next_en"] + raw["geo_prev_en"]),
        us_cues=_norm_set(raw["us_cues"]),
        country_cues={c: _norm_set(v) for c, v in raw["country_cues"].items()},
        local_cues={c: frozenset(w for w in v if " " not in w) for c, v in local.items()},
        local_phrases={
            c: tuple(w for w in v if " " in w or not w.isalnum()) for c, v in local.items()
        },
        triggers=_norm_set(raw["triggers_ar"] + raw["triggers_en"]),
        measure_after_qatar=_norm_set(raw["measure_after_qatar"]),
        given_names=_norm_set(given),
        team_before=_norm_set(team["before"]),
        team_contest=_norm_set(team["contest"]),
        team_after=_norm_set(team["after"]),
        team_versus=_norm_set(team["versus"]),
        team_versus_after=_norm_set(team["versus_after"]),
        sports_words=_norm_set(team["sports"]),
        team_locative=_norm_set(team["locative"]),
        name_before=_norm_set(raw["name_context"]["before"]),
        team_words=_norm_set(
            team["before"] + team["contest"] + team["locative"] + raw["name_context"]["before"]
        ),
        company_two_before=_norm_set(raw["name_context"]["company_two_before"]),
        before_quote=_norm_set(raw["name_context"]["before_quote"]),
        us_local_demonyms=_norm_set(raw["us_local_demonyms"]["keys"]),
    )


def load_gazetteer() -> Gazetteer:
    """Read the shipped data files into a ``Gazetteer`` (about 0.1 s; keep the result)."""
    places: list[Place] = []
    keys: list[tuple[str, int, str]] = []

    def add(place: Place, names: list[str], mode: str = KEY_NAME) -> None:
        index = len(places)
        places.append(place)
        for name in names:
            key = normalize_key(name)
            if not key:
                continue
            # A short foreign city name with a clitic is too often a word: ب+نوك = بنوك
            # "banks", ك+بيرا = كبيرا "big". Arab cities keep their clitics (بغزة، وحلب).
            short = len(key) <= SHORT_CITY_CHARS and not key.startswith("ال")
            if place.kind == "capital":
                short = len(key) < SHORT_CITY_CHARS  # لندن keeps ولندن; نوك does not
            if (
                mode == KEY_NAME
                and short
                and place.kind in ("city", "capital")
                and place.country not in ARAB_COUNTRIES
            ):
                keys.append((key, index, KEY_BARE))
            else:
                keys.append((key, index, mode))

    region_of: dict[str, str] = {}
    for c in json.loads(_data_text("countries.json")):
        code, region = c["code"], c["region"]
        if region not in REGIONS:
            raise ValueError(f"countries.json: {code} has unknown region {region!r}")
        region_of[code] = region
        base = dict(country=code, region=region, name_en=c["name_en"], name_ar=c["name_ar"])
        formal = _formal_names(c["names_ar"], c["demonyms_ar"])
        add(Place(f"country:{code}", "country", **base), c["names_ar"] + c["names_en"] + formal)
        if c["demonyms_ar"] or c["demonyms_en"]:
            add(
                Place(f"country:{code}", "demonym", **base),
                c["demonyms_ar"] + c["demonyms_en"],
                KEY_ADJECTIVE,
            )
        if c["metonyms"]:
            add(Place(f"country:{code}", "metonym", **base), c["metonyms"])

    rows = csv.DictReader(_data_text("cities.tsv").splitlines(), delimiter="\t")
    for row in rows:
        code = row["country"]
        names_ar = [n for n in row["names_ar"].split("|") if n]
        names_en = [n for n in row["names_en"].split("|") if n]
        kind = "capital" if row["capital"] == "1" else "city"
        add(
            Place(
                f"city:{row['geonameid']}",
                kind,
                code,
                region_of.get(code),
                row["name"],
                names_ar[0] if names_ar else row["name"],
            ),
            names_ar + names_en,
        )

    extra: dict[str, Any] = json.loads(_data_text("places_extra.json"))
    for area_id, area in extra["areas"].items():
        names = area["names"]
        arabic = [n for n in names if not n.isascii()]
        english = [n for n in names if n.isascii()]
        add(
            Place(
                f"area:{area_id}",
                "area",
                None,
                area["region"] or None,
                english[0] if english else area_id,
                arabic[0] if arabic else area_id,
            ),
            names,
        )
    country_names = {p.country: p for p in places if p.kind == "country"}

    def add_territory(id_prefix: str, code: str, names: list[str]) -> None:
        """Names that stand for a part of one country (its last English name makes the id)."""
        if code not in country_names:
            raise ValueError(f"places_extra.json: {id_prefix} of unknown country {code}")
        english = [n for n in names if n.isascii()]
        arabic = [n for n in names if not n.isascii()]
        shown_en = english[-1] if english else names[-1]
        add(
            Place(
                f"{id_prefix}:{code}-{normalize_key(shown_en).replace(' ', '-')}",
                "territory",
                code,
                region_of[code],
                shown_en,
                arabic[0] if arabic else shown_en,
            ),
            names,
        )

    for code, names in extra["territories"].items():
        add_territory("territory", code, names)
    for code, *names in extra["provinces"]["places"]:
        add_territory("province", code, names)
    # First-level subdivisions (ISO 3166-2, data/generated.json.gz): states, provinces,
    # regions. A "weak" one (not in the hand table) counts only when the article names its
    # country too, unless another place shares its name.
    subdivisions: dict[str, Any] = json.loads(
        gzip.decompress(_data_bytes("generated.json.gz")).decode("utf-8")
    )
    weak: set[int] = set()  # places matched only with support
    us_state_arabic_prefix = "ولاية"
    for code, country, firm, names_en, names_ar in subdivisions["subdivisions"]:
        if country not in region_of:
            continue
        names = [*names_en, *names_ar]
        if country == "US":
            names += [f"{us_state_arabic_prefix} {a}" for a in names_ar if " " not in a]
        add(
            Place(
                f"state:{code}",
                "state",
                country,
                region_of[country],
                names_en[0] if names_en else code,
                names_ar[0] if names_ar else (names_en[0] if names_en else code),
            ),
            names,
        )
        if not firm:
            weak.add(len(places) - 1)
    # Towns of 15,000 people or more in English-speaking countries (US: 5,000): counted only
    # with local evidence of their country (a state, a county, a city named firmly, a sheriff)
    # or where the article names no country at all (not the "strict" ones, which share a
    # country's or a famous city's name: Lebanon, Oxford); where a foreign city shares the name
    # (Paris, Athens, Dublin) the article's evidence picks the reading
    for geonameid, name, country, _population in subdivisions["towns"]:
        if country not in region_of:
            continue
        add(Place(f"town:{geonameid}", "city", country, region_of[country], name, name), [name])
        weak.add(len(places) - 1)
    us = dict(country="US", region=region_of["US"])
    add(
        Place("state:US-GA", "state", name_en="Georgia", name_ar="جورجيا", **us),
        # the bare name too: "Georgia" is resolved between the country and the state by context
        [*extra["us_state_phrases"], "Georgia", "جورجيا", "ولاية جورجيا"],
    )
    add(Place("block", "block", None, None, "", ""), extra["blockers"])

    by_id: dict[str, Place] = {}
    for place in places:
        # the country reading stands for the id, not the demonym or metonym reading
        if place.id not in by_id or place.kind in ("country", "capital", "city"):
            by_id.setdefault(place.id, place)
    # a key is weak when every place it names is: a firm reading sharing it keeps it firm
    weak_keys = {key for key, i, _ in keys if i in weak} - {
        key for key, i, _ in keys if i not in weak
    }
    ambiguity = _load_ambiguity()
    ambiguity = replace(
        ambiguity,
        support_only=ambiguity.support_only | frozenset(weak_keys),
        person_risk_en=ambiguity.person_risk_en | _norm_set(subdivisions["person_risk_en"]),
    )
    adjectives = {key for key, _, mode in keys if mode == KEY_ADJECTIVE}
    adjectives |= {"ال" + key for key in adjectives if not key.startswith("ال")}
    names = {key for key, i, _ in keys if places[i].kind == "country"}
    log.debug("gazetteer: %d places, %d keys", len(places), len(keys))
    return Gazetteer(
        tuple(places),
        tuple(keys),
        ambiguity,
        region_of,
        by_id,
        frozenset(names & adjectives),
        frozenset(
            key
            for key, i, _ in keys
            if places[i].kind in ("city", "capital") and " " not in key and not key.isascii()
        ),
        frozenset(n.lower() for n in subdivisions["given_names_en"]),
        frozenset(normalize_key(n) for n in subdivisions.get("strict_towns", ())),
    )
