"""Place mentions and their disambiguation.

Raw gazetteer hits are judged in two passes. The first collects *firm* evidence: hits whose key
is not on any ambiguity list and names one country. The second keeps or drops the doubtful hits
using that evidence plus local context: a trigger word before (في مالي), a measure after
(قطر 5 سم), a given name before a demonym (محمد المصري), a given name or surname around an
English name (Michael Jordan, Chad Smith), capitalisation (turkey the bird), diacritics
(عمّان / عُمان), and, for names shared by several countries, the country the article supports.

A country name kept as a place is then read for what it stands for (``_usage``): a sports team
("منتخب مصر", "فازت نيجيريا على النيجر 2 - صفر") becomes a ``team`` mention, a word inside the
name of a company, bank or stadium ("بنك فرنسا المركزي", "ستاد عمان") an ``in_name`` mention.
Both keep their country (they still weigh, less, on what the article is about) but are not
counted as mentions of the country itself. This follows the NewsFANE annotation (ACE-style:
national teams and clubs are Sports organisations, banks and companies Commercial/Government).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property

from marsad.text import is_stopword
from marsad.understand.gazetteer import Ambiguity, Gazetteer, Place
from marsad.understand.scan import Hit, Scanned, normalize_key

_SHADDA = "\u0651"
_DAMMA = "\u064f"
_ALEF_MAKSURA = "\u0649"
# reading preferred when one key has several readings in the same country
_KIND_ORDER = {
    "country": 0,
    "territory": 0,
    "capital": 1,
    "city": 2,
    "metonym": 3,
    "demonym": 4,
    "state": 5,
}
# share of capitalised words above which a title is in Title Case (capitals say nothing then)
_TITLE_CASE_SHARE = 0.6
_TITLE_CASE_SHARE_BODY = 0.85
_TITLE_CASE_BODY_WORDS = 40

Support = Callable[[Place], int]
_NATIONAL_KINDS = ("country", "territory", "demonym", "metonym")


def _kind_rank(place: Place) -> int:
    """Reading preferred within one country: a town last (Virginia the state, not the town)."""
    if place.id.startswith("town:"):
        return _TOWN_RANK
    return _AREA_RANK if place.kind == "area" else _KIND_ORDER.get(place.kind, 9)


_TOWN_RANK = 6
_AREA_RANK = 5  # the Atlantic (ocean), not Atlantic, Iowa


@dataclass(frozen=True)
class PlaceMention:
    """One place named in the article: a country, a city, a region (area), a demonym..."""

    surface: str  # as written, clitics included
    normalized: str  # the gazetteer key it matched
    # country | territory | demonym | capital | city | state | metonym | area, and for a country
    # name that stands for something else: team (a national team or club) | in_name
    kind: str
    country: str | None  # ISO 3166-1 alpha-2 when the place lies in one country
    area: str | None  # area id (e.g. "middle-east") for regions that are not countries
    region: str | None  # one of marsad.models.REGIONS
    field: str  # title | text
    offset: int  # character offset of the surface in that field
    place_id: str
    sentence: int = 0
    token: int = 0


@dataclass(frozen=True)
class Zone:
    """A scanned field (title or text) and its gazetteer hits."""

    name: str
    scanned: Scanned
    hits: tuple[Hit, ...]

    @cached_property
    def title_case(self) -> bool:
        if self.name != "title" and len(self.scanned.tokens) > 2 * _TITLE_CASE_BODY_WORDS:
            return False  # a long body is prose (checked exactly below for shorter ones)
        words = [t for t in self.scanned.tokens if t.norm.isascii() and t.norm.isalpha()]
        if len(words) < 3:
            return False
        caps = sum(self.scanned.text[t.start].isupper() for t in words)
        # a body dense with names ("Chad Smith and Paris Hilton watched") is still no headline
        if self.name != "title" and len(words) > _TITLE_CASE_BODY_WORDS:
            return False  # a long body is prose, however many names it runs through
        share = _TITLE_CASE_SHARE if self.name == "title" else _TITLE_CASE_SHARE_BODY
        return caps / len(words) >= share


def _surface(zone: Zone, hit: Hit) -> str:
    tokens = zone.scanned.tokens
    return zone.scanned.text[tokens[hit.first].start : tokens[hit.last].end]


def _is_doubtful(gazetteer: Gazetteer, hit: Hit, places: list[Place]) -> bool:
    amb = gazetteer.ambiguity
    key = hit.key
    countries = {p.country for p in places}
    return (
        key in amb.support_only
        or key in amb.support_or_trigger
        or key in amb.resolve
        or key in amb.person_risk_en
        or len(countries) > 1
    )


def _place_refs(gazetteer: Gazetteer, hit: Hit) -> list[Place]:
    n = len(gazetteer.places)
    return [gazetteer.places[r] for r in hit.refs if r < n]


def find_place_mentions(
    gazetteer: Gazetteer, zones: list[Zone], home: str | None = None
) -> list[PlaceMention]:
    """Judge every place hit of the zones; return the mentions kept, in reading order.

    ``home``: the outlet's country (see ``understand``), the country of a town named with no
    other evidence; US towns when it is not known (US local news is most English local news).
    """
    amb = gazetteer.ambiguity
    firm: Counter[str] = Counter()
    firm_local: Counter[str] = Counter()  # states and non-capital cities: cues for US Georgia
    # countries named firmly as countries (any country); a demonym is not enough: a Mexican
    # restaurant in Palestine, Texas, is no sign of world news
    firm_national = 0
    self_firm: Counter[str] = Counter()  # firm counts from the US-local demonyms (Indian)
    norms_seen: set[str] = set()
    for zone in zones:
        norms_seen.update(t.norm for t in zone.scanned.tokens)
        for hit in zone.hits:
            places = _place_refs(gazetteer, hit)
            if not places or _blocked(places) or _is_doubtful(gazetteer, hit, places):
                continue
            if hit.key.isascii() and not _case_ok(_surface(zone, hit)):
                continue
            country = places[0].country
            if country:
                firm[country] += 1
                if hit.key in amb.us_local_demonyms:
                    self_firm[country] += 1  # no evidence for itself (see below)
                if (
                    places[0].kind in _NATIONAL_KINDS
                    and places[0].kind != "demonym"
                    and not _number_follows(zone, hit)
                ):
                    firm_national += 1  # not U.S. 79, a highway
                if places[0].kind in ("state", "city"):
                    firm_local[country] += 1
    counties = {zone.name: _foreign_counties_out(gazetteer, zone) for zone in zones}
    if not any(firm[c] for c in _OTHER_COUNTY_COUNTRIES):
        firm_local["US"] += sum(len(spans) for spans in counties.values())
    else:
        counties = {}
    raw_text = " ".join(zone.scanned.text for zone in zones)
    joined = " | ".join(zone.scanned.joined for zone in zones)
    seen = {
        country: (cues & norms_seen)
        | {
            cue
            for cue in amb.local_phrases.get(country, ())
            if _cue_seen(cue, norms_seen, joined, raw_text)
        }
        for country, cues in amb.local_cues.items()
    }
    local_cue = {country: len(cues) for country, cues in seen.items()}
    shared = Counter(cue for cues in seen.values() for cue in cues)
    own_cue = {c: sum(1 for cue in cues if shared[cue] == 1) for c, cues in seen.items()}
    us_local = firm_local["US"] + local_cue.get("US", 0) > 0
    # national politics (Senate, Republicans) speaks for the state of Georgia, not for a town
    us_cue = len((amb.us_cues - seen.get("US", set())) & norms_seen) + local_cue.get("US", 0)
    # English names judged to be part of a person's name where capitals tell (the body), so a
    # Title Case headline, where they do not, follows the body: "Singer India Arie ..."
    person_keys = {
        hit.key
        for zone in zones
        for hit in zone.hits
        if hit.key in amb.person_risk_en and not zone.title_case and _english_person(amb, zone, hit)
    }
    # a town's name seen after a given name is that person's surname all through the article:
    # "Kathleen Wynne said ... Wynne added" (Wynne, Arkansas, is not meant)
    person_keys |= {
        hit.key
        for zone in zones
        if not zone.title_case
        for hit in zone.hits
        if hit.key.isascii()
        and hit.first > 0
        and _after_first_name(zone, hit.first, gazetteer.given_names_en)
        and _surname_risk(_place_refs(gazetteer, hit))
    }

    # English names the article writes in lower case, as a word (turkey, china), and never
    # with a capital mid-sentence: where one opens a sentence or the headline its capital is
    # the sentence's, not a name's ("Turkey dinner for the homeless ... served turkey")
    common: set[str] = set()
    named: set[str] = set()
    for zone in zones:
        for hit in zone.hits:
            if hit.key.isascii():
                if _surface(zone, hit)[:1].islower():
                    common.add(hit.key)
                elif not _sentence_initial(zone, hit.first) and not zone.title_case:
                    named.add(hit.key)
    common -= named

    # UK in a story naming the University of Kentucky is that university, unless Britain is
    # named otherwise ("a UK spokesperson said", Kentucky local news)
    kentucky = _KENTUCKY in norms_seen and f" {_KENTUCKY_UNIVERSITY} " in f" {joined} "
    british = kentucky and any(
        hit.key != _UK
        and (refs := _place_refs(gazetteer, hit))
        and all(p.country == "GB" for p in refs)
        for zone in zones
        for hit in zone.hits
    )

    # countries some hit names without doubt about which country it means (Amman: Jordan)
    one_country = {
        places[0].country
        for zone in zones
        for hit in zone.hits
        if (places := _place_refs(gazetteer, hit))
        and len({p.country for p in places}) == 1
        and not _blocked(places)
    }

    def support(place: Place) -> int:
        if place.country is None:
            return 0
        cues = amb.country_cues.get(place.country, frozenset())
        cue_count = sum(1 for cue in cues if cue in norms_seen)
        if place.id.startswith("town:") or place.id == "state:US-GA":
            # a town or the state of Georgia: only local evidence (a state, a county, a
            # sheriff, a councillor) speaks for it, not its country named as a country
            local = us_cue if place.id == "state:US-GA" else local_cue.get(place.country, 0)
            return firm_local[place.country] + local
        # a city's local cues count when only its country uses them (RCMP for Vancouver, not
        # councillors, which London, Ontario, and London, England, share)
        return firm[place.country] + cue_count + own_cue.get(place.country, 0)

    def national(place: Place) -> int:
        return firm[place.country] if place.country else 0

    pairs = {zone.name: _city_state_pairs(gazetteer, zone) for zone in zones}
    # one sense per article: a name read as a town by its state ("ATHENS, Ga. -", "Athens,
    # Greece") or as a state by its town ("Portland, Maine") is read so everywhere in the
    # article (the headline's "Athens man arrested"), unless the article pairs it two ways
    sense: dict[str, Place | str | None] = {}
    for zone in zones:
        located, forced, _ = pairs[zone.name]
        readings: list[tuple[int, Place | str]] = [
            *located.items(),
            *forced.items(),
            *_country_pairs(gazetteer, zone, forced),
        ]
        for h, reading in readings:
            if h not in forced and any(
                p.kind in _NATIONAL_KINDS for p in _place_refs(gazetteer, zone.hits[h])
            ):
                continue  # "Belgium, England, Tunisia": a list of teams, not a town and its state
            key = zone.hits[h].key
            if sense.setdefault(key, reading) != reading:
                sense[key] = None

    mentions: list[PlaceMention] = []
    for zone in zones:
        start = len(mentions)
        sports: set[int] | None = None  # sentences holding a sports word, found when needed
        last_team = -9  # last token of the latest team mention: "فرنسا و انجلترا" are both teams
        located, forced, abbreviations = pairs[zone.name]
        county_spans = counties.get(zone.name, [])
        in_county = {k for first, last in county_spans for k in range(first, last + 1)}
        for h, hit in enumerate(zone.hits):
            places = _place_refs(gazetteer, hit)
            if not places or _blocked(places) or hit.first in in_county:
                continue
            surface = _surface(zone, hit)
            if hit.key in common and _sentence_initial(zone, hit.first):
                continue
            if h in forced:
                place: Place | None = forced[h]  # Athens, Georgia: the state
            elif h in located:
                # Athens, Georgia; London, Ontario: the town of that state's country
                place = _located(places, located[h], surface, gazetteer.region_of)
            else:
                if (
                    hit.key in amb.us_local_demonyms
                    and us_local
                    and support(places[0]) <= self_firm[places[0].country or ""]
                    and not _country_named(gazetteer, zones, places[0].country)
                ):
                    continue  # "American Indians" in a US local story: Native Americans
                if hit.key == _UK and kentucky and not british:
                    continue  # "a UK spokesperson" in a Kentucky story: the University
                towns = [p for p in places if p.id.startswith("town:")]
                if (
                    towns
                    and any(p.kind == "country" for p in places)
                    and _resident_of(zone, hit)
                    and not any(p.country in one_country for p in places if p not in towns)
                ):
                    # "a Lebanon woman", "a Paris man": a town's people, as US local news
                    # writes it; a country's would be "a Lebanese woman" (unless the article
                    # names that country firmly: "a Jordan man was arrested in Amman")
                    place = _resolve(
                        gazetteer, hit.key, towns, surface, support, False, national, home
                    )
                else:
                    if firm_national and any(p.kind == "country" for p in places):
                        # "the USA and Mexico": where countries are named as countries, a
                        # country's name is the country, not the US town of that name
                        places = [p for p in places if not p.id.startswith("town:")]
                    place = _judge(
                        gazetteer,
                        zone,
                        hit,
                        places,
                        surface,
                        support,
                        person_keys,
                        not firm,
                        national,
                        home,
                    )
            if place is None:
                continue
            sensed = sense.get(hit.key) if h not in forced and h not in located else None
            if sensed is not None:
                # where the name is judged a place here, the article's sense gives its country
                country = sensed if isinstance(sensed, str) else sensed.country
                if country != place.country:
                    place = (
                        _located(places, sensed, surface, gazetteer.region_of)
                        if isinstance(sensed, str)
                        else sensed
                    ) or place
            if place.kind == "country" and not hit.key.isascii():
                if sports is None:
                    sports = _sports_sentences(amb, zone)
                club = _club_after(gazetteer, zone, hit, place)
                usage = "team" if club else _usage(amb, zone, hit, surface, sports, last_team)
                if usage != "country":
                    place = replace(place, kind=usage)
                    if usage == "team":
                        last_team = hit.last
            token = zone.scanned.tokens[hit.first]
            mentions.append(
                PlaceMention(
                    surface=surface,
                    normalized=hit.key,
                    kind=place.kind,
                    country=place.country,
                    area=place.id.removeprefix("area:") if place.kind == "area" else None,
                    region=place.region,
                    field=zone.name,
                    offset=token.start,
                    place_id=place.id,
                    sentence=token.sentence,
                    token=hit.first,
                )
            )
        if county_spans:
            mentions += _county_mentions(gazetteer, zone, county_spans)
        if abbreviations:
            mentions += _extra_mentions(gazetteer, zone, abbreviations)
        if abbreviations or county_spans:
            mentions[start:] = sorted(mentions[start:], key=lambda m: m.offset)
    return mentions


def _country_pairs(
    gazetteer: Gazetteer, zone: Zone, states: dict[int, Place]
) -> list[tuple[int, str]]:
    """ "Town, Country" pairs (Athens, Greece): hit index -> the country after the comma; not
    a list of countries (Egypt, Jordan) nor a town and its state (Athens, Georgia: ``states``)."""
    hits = zone.hits
    tokens = zone.scanned.tokens
    text = zone.scanned.text
    out = []
    for h in range(len(hits) - 1):
        after = hits[h + 1]
        if h + 1 in states:
            continue
        if text[tokens[hits[h].last].end : tokens[after.first].start].strip() != ",":
            continue
        town = _place_refs(gazetteer, hits[h])
        if not any(p.kind in ("city", "capital") for p in town) or any(
            p.kind in _NATIONAL_KINDS for p in town
        ):
            continue
        countries = [p for p in _place_refs(gazetteer, after) if p.kind == "country"]
        if len(countries) == 1 and countries[0].country:
            out.append((h, countries[0].country))
    return out


def _sentence_initial(zone: Zone, k: int) -> bool:
    """Token ``k`` opens its sentence (or the zone)."""
    tokens = zone.scanned.tokens
    return k == 0 or tokens[k - 1].sentence != tokens[k].sentence


_UK = "uk"
_KENTUCKY = "kentucky"
_KENTUCKY_UNIVERSITY = "university of kentucky"


# Own local cues (used by one country's list only) an article must hold to be about that
# country when it names no place at all: "the Sheriff's Office ... the county" (LGL dev: top
# country 284 -> 287 of 314 articles; one cue alone is too little)
CUE_ONLY_MIN = 2


def country_by_cues(gazetteer: Gazetteer, zones: list[Zone]) -> str | None:
    """The one country whose own local words the article uses CUE_ONLY_MIN times or more."""
    amb = gazetteer.ambiguity
    norms = {t.norm for zone in zones for t in zone.scanned.tokens}
    joined = " | ".join(zone.scanned.joined for zone in zones)
    raw_text = " ".join(zone.scanned.text for zone in zones)
    seen = {
        country: (cues & norms)
        | {c for c in amb.local_phrases.get(country, ()) if _cue_seen(c, norms, joined, raw_text)}
        for country, cues in amb.local_cues.items()
    }
    shared = Counter(cue for cues in seen.values() for cue in cues)
    found = [c for c, cues in seen.items() if sum(shared[cue] == 1 for cue in cues) >= CUE_ONLY_MIN]
    return found[0] if len(found) == 1 else None


def _country_named(gazetteer: Gazetteer, zones: list[Zone], country: str | None) -> bool:
    """The country's own name is among the hits, however doubtful (India, Jordan)."""
    return any(
        p.kind == "country" and p.country == country
        for zone in zones
        for hit in zone.hits
        for p in _place_refs(gazetteer, hit)
    )


def _number_follows(zone: Zone, hit: Hit) -> bool:
    tokens = zone.scanned.tokens
    return hit.last + 1 < len(tokens) and tokens[hit.last + 1].norm.isdigit()


def _cue_seen(cue: str, norms: set[str], joined: str, raw_text: str) -> bool:
    """A one-word cue among the tokens, a phrase (high school) in the joined tokens, a symbol
    (£) in the text."""
    space = cue.find(" ")
    if space > 0:
        # the first word among the tokens first: a set lookup saves most substring searches
        return cue[:space] in norms and f" {cue} " in f" {joined} "
    return cue in norms or (not cue.isalnum() and cue in raw_text)


def _foreign_counties_out(gazetteer: Gazetteer, zone: Zone) -> list[tuple[int, int]]:
    """The zone's "X County" spans, less those whose X is a region or town outside the US only
    (Guernsey County, Ohio, is named after the island and stays) or that are followed by
    "Council" (Lancashire County Council)."""
    spans = _county_spans(zone)
    if not spans:
        return spans
    foreign = {
        hit.first
        for hit in zone.hits
        if (places := _place_refs(gazetteer, hit))
        and all(p.country != "US" and p.kind in ("state", "city", "capital") for p in places)
    }
    tokens = zone.scanned.tokens
    return [
        (first, last)
        for first, last in spans
        if first not in foreign
        # "X County Council" is the British form (US counties have boards and commissions)
        and not (last + 1 < len(tokens) and tokens[last + 1].norm == "council")
    ]


# Countries whose news also names counties "X County" (Kenya, Liberia, Ireland, the UK, Taiwan):
# where one of them is named firmly, "X County" is not read as the US.
_OTHER_COUNTY_COUNTRIES = ("KE", "LR", "IE", "GB", "TW", "CN", "NO", "HU", "HR", "EE", "RO")
_COUNTY_WORDS = frozenset(("county", "parish"))
_COUNTY_NAME_TOKENS = 3


def _county_spans(zone: Zone) -> list[tuple[int, int]]:
    """ "Henry County", "DeKalb County", "St. Tammany Parish", and the county or parish of a
    "Pointe Coupee Sheriff's Office": a US county (first, last token)."""
    tokens = zone.scanned.tokens
    text = zone.scanned.text
    spans: list[tuple[int, int]] = []
    joined = zone.scanned.joined
    if "county" not in joined and "parish" not in joined and _SHERIFFS_OFFICE not in joined:
        return spans
    for k, token in enumerate(tokens):
        if k == 0 or not text[token.start].isupper():
            continue
        end = k
        if token.norm not in _COUNTY_WORDS:
            if not _sheriffs_office(zone, k):
                continue
            end = k - 1  # the name before "Sheriff's Office"
        if zone.title_case:
            return spans
        first = k
        while (
            first > 0
            and k - first < _COUNTY_NAME_TOKENS
            and _adjacent(zone, first - 1, first)
            and text[tokens[first - 1].start].isupper()
            and not is_stopword(tokens[first - 1].norm, "en")
            and tokens[first - 1].norm not in _COUNTY_WORDS
        ):
            first -= 1
        if first < k:
            spans.append((first, end))
    return spans


_SHERIFFS_OFFICE = "sheriff s office"


def _sheriffs_office(zone: Zone, k: int) -> bool:
    """Tokens from ``k`` read "Sheriff's Office" (or "Sheriff’s Office"), capitalised."""
    tokens = zone.scanned.tokens
    text = zone.scanned.text
    return (
        k + 2 < len(tokens)
        and tokens[k].norm == "sheriff"
        and tokens[k + 1].norm == "s"
        and tokens[k + 2].norm == "office"
        and text[tokens[k].end : tokens[k + 1].start] in ("'", "’")
        and text[tokens[k + 2].start].isupper()
    )


def _county_mentions(
    gazetteer: Gazetteer, zone: Zone, spans: list[tuple[int, int]]
) -> list[PlaceMention]:
    tokens = zone.scanned.tokens
    out = []
    for first, last in spans:
        start, end = tokens[first].start, tokens[last].end
        surface = zone.scanned.text[start:end]
        normalized = " ".join(t.norm for t in tokens[first : last + 1])
        out.append(
            PlaceMention(
                surface=surface,
                normalized=normalized,
                kind="city",
                country="US",
                area=None,
                region=gazetteer.region_of.get("US"),
                field=zone.name,
                offset=start,
                place_id="county:US-" + normalized.replace(" ", "-"),
                sentence=tokens[first].sentence,
                token=first,
            )
        )
    return out


def _extra_mentions(gazetteer: Gazetteer, zone: Zone, tokens: list[int]) -> list[PlaceMention]:
    """Mentions of US states written as AP or postal abbreviations after a town (Ga., TX)."""
    out = []
    for k in tokens:
        token = zone.scanned.tokens[k]
        code = US_STATE_ABBREVIATIONS.get(token.norm) or token.norm.upper()  # Ga.; TX
        state = gazetteer.by_id.get(f"state:US-{code}")
        if state is None:
            continue
        out.append(
            PlaceMention(
                surface=zone.scanned.text[token.start : token.end],
                normalized=token.norm,
                kind="state",
                country="US",
                area=None,
                region=state.region,
                field=zone.name,
                offset=token.start,
                place_id=state.id,
                sentence=token.sentence,
                token=k,
            )
        )
    return out


# AP style and postal abbreviations of US states, read only right after "Town, ": Athens, Ga.;
# Austin, TX. Alone they are words (La, Me, Miss, Wash, Ill, Ind).
US_STATE_ABBREVIATIONS = {
    **{
        a.replace(".", "").lower(): code
        for code, names in {
            "AL": "Ala.",
            "AZ": "Ariz.",
            "AR": "Ark.",
            "CA": "Calif.",
            "CO": "Colo.",
            "CT": "Conn.",
            "DE": "Del.",
            "FL": "Fla.",
            "GA": "Ga.",
            "IL": "Ill.",
            "IN": "Ind.",
            "KS": "Kan. Kans.",
            "KY": "Ky.",
            "LA": "La.",
            "MD": "Md.",
            "MA": "Mass.",
            "MI": "Mich.",
            "MN": "Minn.",
            "MS": "Miss.",
            "MO": "Mo.",
            "MT": "Mont.",
            "NE": "Neb. Nebr.",
            "NV": "Nev.",
            "NH": "N.H.",
            "NJ": "N.J.",
            "NM": "N.M.",
            "NY": "N.Y.",
            "NC": "N.C.",
            "ND": "N.D.",
            "OK": "Okla.",
            "OR": "Ore. Oreg.",
            "PA": "Pa. Penn.",
            "RI": "R.I.",
            "SC": "S.C.",
            "SD": "S.D.",
            "TN": "Tenn.",
            "TX": "Tex.",
            "VT": "Vt.",
            "VA": "Va.",
            "WA": "Wash.",
            "WV": "W.Va.",
            "WI": "Wis. Wisc.",
            "WY": "Wyo.",
        }.items()
        for a in names.split()
    },
}
# The AP abbreviations that are no English word or title with their period, read as the state
# alone too ("Missing Ill. man found", "dies in Ky. jail"); not Ind., La., Mass., Me., Miss., Mo.,
# Pa., Penn., Wash., Del. (independent, la, church mass, me, a title, Mo, Pa, names) nor Md.
# (Md. Abdul Hamid: Mohammad in Bangladeshi names)
_STANDALONE_STATES = frozenset(
    [
        "ala",
        "ariz",
        "ark",
        "calif",
        "colo",
        "conn",
        "fla",
        "ga",
        "ill",
        "kan",
        "kans",
        "ky",
        "mich",
        "minn",
        "mont",
        "neb",
        "nebr",
        "nev",
        "okla",
        "oreg",
        "tenn",
        "tex",
        "vt",
        "va",
        "wis",
        "wisc",
        "wyo",
    ]
)


def _standalone_state(zone: Zone, k: int) -> bool:
    """An AP state abbreviation standing alone: capitalised, its period right after it, and
    a lower-case word after it ("Ill. man") or a preposition before it ("moved to Fla.")."""
    tokens = zone.scanned.tokens
    token = tokens[k]
    text = zone.scanned.text
    if not (
        token.norm in _STANDALONE_STATES
        and text[token.start].isupper()
        and text[token.end : token.end + 1] == "."
        and not text[token.start : token.end].isupper()
    ):
        return False
    if k + 1 < len(tokens) and text[tokens[k + 1].start].islower():
        return True
    return k > 0 and tokens[k - 1].norm in _STATE_PREPOSITIONS


_STATE_PREPOSITIONS = frozenset(("in", "to", "from", "of", "near", "outside"))


_US_POSTAL_TEXT = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC"
)
_US_POSTAL = frozenset(_US_POSTAL_TEXT.split())
_LATIN_RE = re.compile("[a-z]")
_US_POSTAL_LOWER = frozenset(code.lower() for code in _US_POSTAL)
_NAME_SUFFIXES_EN = frozenset(("jr", "sr", "ii", "iii", "iv"))


def _before_name_suffix(zone: Zone, hit: Hit) -> bool:
    """Cuba Gooding Jr., Paris Smith Sr.: a first name, whatever the place list says."""
    tokens = zone.scanned.tokens
    k = hit.last + 1
    if k + 1 >= len(tokens) or not _adjacent(zone, hit.last, k):
        return False
    if not zone.scanned.text[tokens[k].start].isupper():
        return False
    return tokens[k + 1].norm in _NAME_SUFFIXES_EN


def _city_state_pairs(
    gazetteer: Gazetteer, zone: Zone
) -> tuple[dict[int, str], dict[int, Place], list[int]]:
    """ "Town, State" pairs: hits located in the state's country (hit index -> country), state
    hits read as the state (hit index -> place), and tokens of abbreviated US states."""
    tokens = zone.scanned.tokens
    text = zone.scanned.text
    hits = zone.hits
    located: dict[int, str] = {}
    forced: dict[int, Place] = {}
    abbreviations: list[int] = []
    hit_at = {hit.first: h for h, hit in enumerate(hits)}
    hit_ending = {hit.last: h for h, hit in enumerate(hits)}
    # candidates: tokens that start a hit or may be a state's abbreviation (one set lookup each)
    candidates = {hit.first for hit in hits if hit.first > 0}
    if _LATIN_RE.search(zone.scanned.joined):
        candidates |= {
            k
            for k, t in enumerate(tokens)
            if k and (t.norm in US_STATE_ABBREVIATIONS or t.norm in _US_POSTAL_LOWER)
        }
        if tokens and _standalone_state(zone, 0):
            abbreviations.append(0)  # a headline opening with one: "Fla. economist casts doubt"
    for k in sorted(candidates):
        gap = text[tokens[k - 1].end : tokens[k].start]
        if gap.strip() != "," or not text[tokens[k - 1].start].isupper():
            if k not in hit_at and _standalone_state(zone, k):
                abbreviations.append(k)  # a Tenn. man, Cincinnati man dies in Ky. jail
            continue
        word = text[tokens[k].start : tokens[k].end]
        state: Place | None = None
        before = hit_ending.get(k - 1)
        if k in hit_at:
            h = hit_at[k]
            readings = _place_refs(gazetteer, hits[h])
            states = [p for p in readings if p.kind == "state"]
            # Tbilisi, Georgia: the town lies in the country of that name, not in the state
            town_countries = (
                {p.country for p in _place_refs(gazetteer, hits[before])}
                if before is not None
                else set()
            )
            if (
                states
                and text[tokens[k].start].isupper()
                and not any(p.kind == "country" and p.country in town_countries for p in readings)
                # outside the US the name before must be a known place: "Mike Mauro, Flores'
                # stepfather" is a surname after a name, not Flores, Uruguay
                and (before is not None or any(p.country == "US" for p in states))
            ):
                state = states[0]
                forced[h] = state
        if state is None and (
            (
                tokens[k].norm in US_STATE_ABBREVIATIONS
                and word[:1].isupper()
                and "." in word + text[tokens[k].end : tokens[k].end + 1]
            )
            or word in _US_POSTAL
        ):
            code = US_STATE_ABBREVIATIONS.get(tokens[k].norm) or word
            state = gazetteer.by_id.get(f"state:US-{code}")
            if state is not None and k not in hit_at:
                abbreviations.append(k)
        if state is None or state.country is None:
            continue
        if before is not None:
            located[before] = state.country
    return located, forced, abbreviations


def _located(
    places: list[Place], country: str, surface: str, region_of: dict[str, str]
) -> Place | None:
    """The reading of a town's name in ``country``, or the town as a place of that country."""
    for place in places:
        if place.country == country and place.kind != "demonym":
            return place
    if not surface[:1].isupper():
        return None
    first = places[0]
    return replace(
        first,
        id=f"city:{country}-{surface.lower().replace(' ', '-')}",
        kind="city",
        country=country,
        region=region_of.get(country),
        name_en=surface,
        name_ar=surface,
    )


def _blocked(places: list[Place]) -> bool:
    """A blocker phrase spelt like a name (صاموا "they fasted" = Samoa) wins over it."""
    return any(p.kind == "block" for p in places)


def _case_ok(surface: str) -> bool:
    """English place names are proper nouns: Turkey, not turkey; US, not us."""
    if surface[:4] in ("the ", "The "):
        surface = surface[4:]  # the Philippines, the Gambia
    letters = [c for c in surface if c.isalpha()]
    if not letters or not letters[0].isupper():
        return False
    if len(letters) <= 3:  # US, UK, UAE, DRC, U.S.
        return surface.isupper()
    return True


def _judge(
    gazetteer: Gazetteer,
    zone: Zone,
    hit: Hit,
    places: list[Place],
    surface: str,
    support_of: Support,
    person_keys: set[str],
    town_default: bool = False,
    national: Support | None = None,
    home: str | None = None,
) -> Place | None:
    amb = gazetteer.ambiguity
    tokens = zone.scanned.tokens
    key = hit.key
    prev_norm = tokens[hit.first - 1].norm if hit.first > 0 else ""

    dateline = False
    if key.isascii():
        if not _case_ok(surface) or _before_name_suffix(zone, hit):
            return None
        if _inside_longer_name(zone, hit):
            return None  # St. Paris, Fort Lebanon, Indian Lake Road, Queens Ave.
        towns_only = all(p.id.startswith("town:") for p in places)
        if key in person_keys and _surname_risk(places):
            return None  # Kathleen Wynne ... Wynne said; Matthew D. Flores ... Flores
        if _after_capital(amb, zone, hit) and all(
            p.id.startswith(("town:", "area:")) for p in places
        ):
            # Vancouver International Airport, Sun Media, Continental Atlantic Publications: a
            # longer name (a town's or an ocean's name inside it)
            return None
        dateline = _is_dateline_en(zone, hit)
    if dateline:
        pass  # MANSFIELD -- ...: a dateline names a town, whatever else the name may be
    elif key.isascii():
        if towns_only and (
            (key in gazetteer.given_names_en and _english_person(amb, zone, hit))
            or (
                prev_norm in gazetteer.given_names_en
                and _adjacent(zone, hit.first - 1, hit.first)
                and zone.scanned.text[tokens[hit.first - 1].start].isupper()
            )
        ):
            # Alvin Yeung, Tracy Chapman, Austin Butler: a town's name inside a person's name
            return None
        if key in amb.person_risk_en and (
            _english_person(amb, zone, hit)
            or ((zone.title_case or zone.name == "title") and key in person_keys)
        ):
            return None
    else:
        if places[0].kind == "demonym":
            if surface.endswith(_ALEF_MAKSURA):  # اليمنى "right", not اليمني "Yemeni"
                return None
            if prev_norm in amb.given_names and _adjacent(zone, hit.first - 1, hit.first):
                return None  # محمد المصري: a surname
        if key == "قطر" and _measure_follows(zone, hit.last, amb.measure_after_qatar):
            return None  # قطر الأنبوب 30 سم: a diameter

    if (
        key in amb.support_only
        and not dateline
        and not any(support_of(p) for p in places)
        # local news naming only its town: with no country named firmly, a town of the
        # outlet's country counts; a US town where the outlet's country is not known (US local
        # news is most of the English local news; other towns need their country's local
        # evidence)
        and not (
            town_default
            and key not in gazetteer.strict_town_keys
            and all(p.id.startswith("town:") for p in places)
            and (
                any(p.country == home for p in places)
                if home
                else all(p.country == "US" for p in places)
            )
        )
    ):
        return None
    if (
        key in amb.support_or_trigger
        and not any(support_of(p) for p in places)
        and prev_norm not in amb.triggers
    ):
        return None

    if len({p.country for p in places}) > 1:
        return _resolve(
            gazetteer,
            key,
            places,
            surface,
            support_of,
            dateline or _is_dateline(zone, hit),
            national,
            home,
        )
    place = min(places, key=_kind_rank)
    if place.kind == "demonym" and key.isascii() and _cultural_demonym(zone, hit):
        return None  # an Italian grocery store, an Irish pub, classes in Spanish
    if (
        key in gazetteer.adjective_names
        and prev_norm.startswith("ال")
        and not is_stopword(prev_norm, "ar")  # الى السعودية: a preposition, not a noun
        and _adjacent(zone, hit.first - 1, hit.first)
    ):
        # العاصمة السعودية: the adjective after a definite noun, not the country's name
        place = replace(place, kind="demonym")
    return place


_QATAR_LOOKAHEAD = 3  # tokens: "قطر فوهتها 30 مترا"


def _measure_follows(zone: Zone, last: int, measures: frozenset[str]) -> bool:
    """A number (not a year: قطر 2022) or a unit within a few tokens, same clause."""
    tokens = zone.scanned.tokens
    for k in range(last + 1, min(len(tokens), last + 1 + _QATAR_LOOKAHEAD)):
        if not _adjacent(zone, k - 1, k):
            return False
        norm = tokens[k].norm
        if norm in measures or (
            norm.isdigit() and not (len(norm) == 4 and norm[:2] in ("19", "20"))
        ):
            return True
    return False


def _english_person(amb: Ambiguity, zone: Zone, hit: Hit) -> bool:
    """Jordan in "Michael Jordan", "Jordan Peterson", "Denzel Washington": part of a name."""
    tokens = zone.scanned.tokens
    text = zone.scanned.text
    first, last = hit.first, hit.last
    if first > 0 and _after_kin(zone, first):
        return True  # "her daughter, Brittany,", "his wife Georgia"
    if first > 0 and _adjacent(zone, first - 1, first):
        prev = tokens[first - 1]
        if prev.norm in amb.given_names:
            return True
        sentence_initial = first - 1 == 0 or tokens[first - 2].sentence != prev.sentence
        if (
            not zone.title_case
            and text[prev.start].isupper()
            and not sentence_initial
            and prev.norm not in amb.triggers
            and prev.norm not in amb.geo_next_en_norm
        ):
            return True  # a capitalised word before it mid-sentence: a first name
    if zone.title_case or last + 1 >= len(tokens) or not _adjacent(zone, last, last + 1):
        return False
    following = tokens[last + 1]
    word = text[following.start : following.end]
    return word[:1].isupper() and word not in amb.geo_next_en and following.norm not in amb.triggers


# Lower-case nouns of kin or company right before a name (or before a comma and the name):
# the name is the person's ("her daughter, Brittany", "his wife Georgia"); a place after one
# takes a preposition ("his son in Jordan")
_KIN_EN = frozenset(
    [
        *("daughter", "son", "wife", "husband", "mother", "father", "sister", "brother"),
        *("daughters", "sons", "grandson", "granddaughter", "niece", "nephew", "cousin"),
        *("stepdaughter", "stepson", "girlfriend", "boyfriend", "fiancee", "fiance", "widow"),
        *("grandmother", "grandfather", "aunt", "uncle", "baby", "child"),
    ]
)


def _after_kin(zone: Zone, first: int) -> bool:
    """A lower-case kin noun right before token ``first``, or before a comma and it."""
    prev = zone.scanned.tokens[first - 1]
    text = zone.scanned.text
    gap = text[prev.end : zone.scanned.tokens[first].start].strip()
    return gap in ("", ",") and prev.norm in _KIN_EN and text[prev.start].islower()


# A capitalised word before a name that makes it another place's name (St. Paris, Ohio; Fort
# Lebanon; New England) and words after it that make it a street or a feature named after it
# (Indian Lake Road, Queens Ave., Lombardy Drive). Where the longer name is a known place the
# longest match has already won (New Mexico, Port Said, St. Louis).
_LONGER_BEFORE_EN = frozenset(("st", "saint", "ste", "fort", "ft", "mount", "mt", "san", "santa"))
_NEW = "new"
_LONGER_AFTER_EN = frozenset(
    [
        "street",
        "st",
        "road",
        "rd",
        "avenue",
        "ave",
        "drive",
        "dr",
        "lane",
        "ln",
        "boulevard",
        "blvd",
        "pike",
        "parkway",
        "pkwy",
        "turnpike",
        "trail",
        "circle",
        "terrace",
        "way",
        "place",
        "plaza",
        "lake",
        "creek",
        "park",
        "hills",
        "springs",
        "beach",
        "pub",
        "restaurant",
        "house",  # Douglas House (a hospice), Chatham House
    ]
)


def _inside_longer_name(zone: Zone, hit: Hit) -> bool:
    tokens = zone.scanned.tokens
    text = zone.scanned.text
    first, last = hit.first, hit.last
    if first > 0 and not zone.title_case:
        prev = tokens[first - 1]
        gap = text[prev.end : tokens[first].start].strip()
        if gap in ("", ".") and text[prev.start].isupper():
            if prev.norm in _LONGER_BEFORE_EN:
                return True
            sentence_initial = first == 1 or tokens[first - 2].sentence != prev.sentence
            if prev.norm == _NEW and not gap and not sentence_initial:
                return True
    if last + 1 < len(tokens) and _adjacent(zone, last, last + 1):
        following = tokens[last + 1]
        if following.norm in _LONGER_AFTER_EN and text[following.start].isupper():
            return True
        if (
            not zone.title_case
            and first > 1
            and text[following.start].isupper()
            and _after_possessive(zone, first)
        ):
            return True  # Henry's Turkey Service: a business named by its owner
    return False


def _after_possessive(zone: Zone, first: int) -> bool:
    """A capitalised owner's possessive right before: "Henry's", "Henry’s"; not a place's
    ("Russia's Ukraine War")."""
    tokens = zone.scanned.tokens
    text = zone.scanned.text
    mark, owner = tokens[first - 1], tokens[first - 2]
    return (
        mark.norm == "s"
        and not any(h.last == first - 2 for h in zone.hits)
        and text[owner.end : mark.start] in ("'", "’")
        and text[owner.start].isupper()
        and not text[mark.end : tokens[first].start].strip()
    )


def _after_capital(amb: Ambiguity, zone: Zone, hit: Hit) -> bool:
    """A capitalised word right before, mid-sentence, that is not a direction or a trigger:
    the name ends a longer one (International Airport, Sun Media)."""
    first = hit.first
    if first < 2 or zone.title_case or not _adjacent(zone, first - 1, first):
        return False
    tokens = zone.scanned.tokens
    prev = tokens[first - 1]
    if tokens[first - 2].sentence != prev.sentence or not zone.scanned.text[prev.start].isupper():
        return False
    return prev.norm not in amb.geo_next_en_norm and prev.norm not in amb.triggers


# Lowercase nouns after an English demonym that make it a kind of food, shop, language or
# culture rather than the country or its people (LGL leaves these untagged; a reader does not
# file a story on an Italian grocery under Italy); Native Americans (Indian tribe, reservation).
# Not "market", "film", "culture": the Chinese market is China's.
_CULTURE_AFTER_EN = frozenset(
    [
        "food",
        "foods",
        "cuisine",
        "restaurant",
        "restaurants",
        "pub",
        "bar",
        "cafe",
        "bakery",
        "deli",
        "grocery",
        "dish",
        "dishes",
        "dinner",
        "dressing",
        "bread",
        "sausage",
        "pizza",
        "pastry",
        "cooking",
        "language",
        "languages",
        "class",
        "classes",
        "lessons",
        "course",
        "courses",
        "teacher",
        "teachers",
        "speaking",
        "speakers",
        "translation",
        "music",
        "dance",
        "dancing",
        "dancers",
        "festival",
        "tribe",
        "tribes",
        "reservation",
        "reservations",
        "gaming",
        "casino",
        "casinos",
    ]
)
# words before a language's name: "in Spanish", "speaks French"
_LANGUAGE_BEFORE_EN = frozenset(
    [
        "in",
        "speak",
        "speaks",
        "spoke",
        "speaking",
        "learn",
        "learning",
        "learned",
        "teach",
        "teaches",
        "taught",
        "fluent",
    ]
)


# Titles before a person's name: "Const. Kwesi Millington", "Sgt. Ana Denton" (the first name
# may be one the census list lacks)
_TITLES_EN = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "const",
        "constable",
        "sgt",
        "sergeant",
        "cpl",
        "corporal",
        "lt",
        "lieutenant",
        "capt",
        "captain",
        "det",
        "detective",
        "officer",
        "trooper",
        "deputy",
        "sheriff",
        "gov",
        "governor",
        "sen",
        "senator",
        "rep",
        "judge",
        "rev",
        "reverend",
        "prof",
        "professor",
        "coach",
        "chief",
    ]
)


def _surname_risk(places: list[Place]) -> bool:
    """Readings a surname may hide: towns, and subdivisions outside the US (Flores, Uruguay)."""
    return all(
        p.id.startswith("town:") or (p.kind == "state" and p.country != "US") for p in places
    )


def _after_first_name(zone: Zone, first: int, given: frozenset[str]) -> bool:
    """A first name right before ``first`` (Kathleen Wynne), with a middle initial (Matthew D.
    Flores), or a title and a first name (Const. Kwesi Millington)."""
    tokens = zone.scanned.tokens
    text = zone.scanned.text
    prev = tokens[first - 1]
    if not text[prev.start].isupper():
        return False
    gap = text[prev.end : tokens[first].start]
    if not gap.strip():
        return prev.norm in given or _after_title_and_name(zone, first)
    if gap.strip() != "." or len(prev.norm) != 1 or first < 2:
        return False
    name = tokens[first - 2]  # the initial's first name
    return (
        name.norm in given
        and text[name.start].isupper()
        and not text[name.end : prev.start].strip()
    )


def _after_title_and_name(zone: Zone, first: int) -> bool:
    """A title and a capitalised word before ``first``: the name there is a surname."""
    if first < 2:
        return False
    tokens = zone.scanned.tokens
    title = tokens[first - 2]
    gap = zone.scanned.text[title.end : tokens[first - 1].start]
    return (
        title.norm in _TITLES_EN
        and gap.strip() in ("", ".")
        and zone.scanned.text[title.start].isupper()
    )


# "a Lebanon woman", "an Oxford couple": the lower-case noun after an English place name that
# makes it the home of a person, which local news writes with the town's name (world news uses
# the demonym: "a Lebanese woman")
_RESIDENT_AFTER_EN = frozenset(
    [
        "man",
        "woman",
        "men",
        "women",
        "boy",
        "girl",
        "teen",
        "teens",
        "teenager",
        "youth",
        "resident",
        "residents",
        "couple",
        "family",
        "native",
        "businessman",
        "businesswoman",
        "mother",
        "father",
        "student",
        "driver",
        "motorist",
    ]
)


def _resident_of(zone: Zone, hit: Hit) -> bool:
    """The name between "a"/"an" and a person noun ("a Lebanon woman accused of..."), or
    opening a headline before one ("Clinton couple faces drug counts")."""
    tokens = zone.scanned.tokens
    first, last = hit.first, hit.last
    if last + 1 >= len(tokens) or not zone.scanned.text[tokens[first].start].isupper():
        return False
    if first == 0:
        if zone.name != "title":
            return False
    elif tokens[first - 1].norm not in ("a", "an") or not _adjacent(zone, first - 1, first):
        return False
    following = tokens[last + 1]
    return (
        _adjacent(zone, last, last + 1)
        and following.norm in _RESIDENT_AFTER_EN
        and zone.scanned.text[following.start].islower()
    )


def _cultural_demonym(zone: Zone, hit: Hit) -> bool:
    tokens = zone.scanned.tokens
    text = zone.scanned.text
    last = hit.last
    following = (
        tokens[last + 1] if last + 1 < len(tokens) and _adjacent(zone, last, last + 1) else None
    )
    if following is not None and following.norm in _CULTURE_AFTER_EN:
        return text[following.start].islower()
    if hit.first > 0 and _adjacent(zone, hit.first - 1, hit.first):
        k = hit.first - 1
        if tokens[k].norm in _LANGUAGE_ADVERBS_EN and k > 0 and _adjacent(zone, k - 1, k):
            k -= 1  # "spoke only French", "speaks fluent Arabic"
        # "in Spanish." / "speaks French and English": the language, not a noun's adjective
        return tokens[k].norm in _LANGUAGE_BEFORE_EN and (
            following is None or is_stopword(following.norm, "en")
        )
    return False


_LANGUAGE_ADVERBS_EN = frozenset(["only", "fluent", "fluently", "little", "some", "mostly"])


_DATELINE_EN_TOKENS = 4  # ISLE OF PALMS --, ST. PARIS --
_DATELINE_EN_STATE_TOKENS = 3  # CHARLESTON, W.Va. --


def _is_dateline_en(zone: Zone, hit: Hit) -> bool:
    """An English body opening with a town and a dash: "MANSFIELD -- The council ...",
    "ATHENS, Ga. - ...", "Albany — An Albany man ..." (the words before it capitalised)."""
    tokens = zone.scanned.tokens
    text = zone.scanned.text
    if zone.name != "text" or hit.first >= _DATELINE_EN_TOKENS or hit.last + 1 >= len(tokens):
        return False
    if any(not text[tokens[k].start].isupper() for k in range(hit.first)):
        return False
    k = hit.last
    gap = text[tokens[k].end : tokens[k + 1].start]
    if gap.strip() == ",":
        for j in range(k + 1, min(len(tokens) - 1, k + 1 + _DATELINE_EN_STATE_TOKENS)):
            gap = text[tokens[j].end : tokens[j + 1].start]
            if gap.strip(" .") or not text[tokens[j].start].isupper():
                break
    return any(mark in gap for mark in _DATELINE_MARKS)


def _adjacent(zone: Zone, left: int, right: int) -> bool:
    """No punctuation between two tokens."""
    tokens = zone.scanned.tokens
    gap = zone.scanned.text[tokens[left].end : tokens[right].start]
    return not gap.strip()


def _resolve(
    gazetteer: Gazetteer,
    key: str,
    places: list[Place],
    surface: str,
    support_of: Support,
    dateline: bool = False,
    national: Support | None = None,
    home: str | None = None,
) -> Place:
    """One name, several countries: diacritics first, then a dateline (which names a city),
    then the article's support, then, where every reading is a town, the outlet's country
    (``home``: Lancaster in a Lancashire paper), then a city over towns (Geneva, not Geneva,
    Ill.), then among towns the country named firmly (``national``), then the country with
    most towns of that name (Mansfield: three in the US, one in England), then order."""
    by_country: dict[str | None, Place] = {}
    for place in sorted(places, key=_kind_rank):
        by_country.setdefault(place.country, place)
    if dateline:
        cities = {c: p for c, p in by_country.items() if p.kind in ("capital", "city")}
        if len(cities) == 1:
            return next(iter(cities.values()))  # "عمان - بترا -": Amman, not Oman
        if cities:
            by_country = cities  # MANSFIELD --: one of the towns, chosen as below
    if _SHADDA in surface and "JO" in by_country:  # عمّان, the Jordanian capital
        return by_country["JO"]
    if _DAMMA in surface[:3] and "OM" in by_country:  # عُمان, the sultanate
        return by_country["OM"]
    order: list[str | None] = list(gazetteer.ambiguity.resolve.get(key, ()))
    order += [c for c in by_country if c not in order]
    ranked = [c for c in order if c in by_country]
    towns: Counter[str | None] = Counter(p.country for p in places if p.id.startswith("town:"))
    # a city (London, Paris, Alexandria) keeps its standing whatever the outlet: a US paper's
    # "Paris" is France unless the article says otherwise
    local = home is not None and all(p.id.startswith("town:") for p in by_country.values())

    def rank(c: str | None) -> tuple[int, bool, bool, int, int, int]:
        place = by_country[c]
        return (
            support_of(place),
            local and c == home,
            not place.id.startswith("town:"),
            national(place) if national else 0,
            towns[c],
            -ranked.index(c),
        )

    best = max(ranked, key=rank)
    return by_country[best]


# A dateline opens a text: "القاهرة - عمان - (بترا)". Within its first tokens, a name followed
# by a dash or colon is a city.
_DATELINE_TOKENS = 3
_DATELINE_MARKS = ("-", "\u2013", "\u2014", ":")


def _is_dateline(zone: Zone, hit: Hit) -> bool:
    tokens = zone.scanned.tokens
    if hit.first >= _DATELINE_TOKENS or hit.last + 1 >= len(tokens):
        return False
    gap = zone.scanned.text[tokens[hit.last].end : tokens[hit.last + 1].start]
    return any(mark in gap for mark in _DATELINE_MARKS)


_SCORE_SIDE = 3  # digits: a score, not a year (Nigeria 2 - 0 Niger)
_ZERO = "صفر"


def _usage(
    amb: Ambiguity, zone: Zone, hit: Hit, surface: str, sports: set[int], last_team: int
) -> str:
    """What an Arabic country name stands for here: country, team or in_name."""
    tokens = zone.scanned.tokens
    first, last = hit.first, hit.last
    prev = tokens[first - 1].norm if first > 0 and _adjacent(zone, first - 1, first) else ""
    prev2 = (
        tokens[first - 2].norm
        if prev and first > 1 and _adjacent(zone, first - 2, first - 1)
        else ""
    )
    following = last + 1 < len(tokens) and _adjacent(zone, last, last + 1)
    nxt = tokens[last + 1].norm if following else ""

    conjoined = prev == "و" or (hit.clitic and surface[:1] == "و")
    if prev[:1] in ("و", "ف") and len(prev) > 3 and prev[1:] in amb.team_words:
        prev = prev[1:]  # وخسرت كينيا، وفي مصر: the conjunction is written on the word
    if prev in amb.name_before or f"{prev2} {prev}" in amb.name_before:
        return "in_name"
    if prev2 in amb.company_two_before and prev and not is_stopword(prev, "ar"):
        return "in_name"  # شركة نفط نيبال
    if _in_quoted_title(amb, zone, first):
        return "in_name"  # كتاب "مصر القديمة"، ملعب "الإمارات"
    if prev in amb.team_locative or prev == "ب" or (hit.clitic and surface[:1] == "ب"):
        return "country"  # في ألمانيا: the host, a place
    if prev in amb.team_before:
        return "team"
    if _score_follows(zone, last):
        return "team"
    if tokens[first].sentence not in sports:
        return "country"
    if _club_nisba(nxt):
        # قطر القطري، المغرب التطواني: a club named after a country and its town; only in a
        # sports sentence (برنامج إيران النووي: the adjective belongs to برنامج)
        return "team"
    if prev in amb.team_contest or nxt in amb.team_after:
        return "team"
    if prev in amb.team_versus and any(
        tokens[k].norm in amb.team_versus_after for k in range(max(0, first - 4), first - 1)
    ):
        return "team"  # فوزها على ألمانيا، مباراتي أوزبكستان مع تايلاند; not العدوان على لبنان
    if conjoined and last_team >= first - 2:
        return "team"  # فرنسا و انجلترا
    return "country"


# Masculine nisba adjectives after a country name that do not make a club: the area (المغرب
# العربي), directions (السودان الجنوبي), and what qualifies a state (لبنان الرسمي، العراق الفيدرالي)
_NOT_CLUB_NISBA = frozenset(
    normalize_key(w)
    for w in (
        "العربي",
        "الإسلامي",
        "الجنوبي",
        "الشمالي",
        "الشرقي",
        "الغربي",
        "الأقصى",
        "الرسمي",
        "الشعبي",
        "الفيدرالي",
        "الفدرالي",
        "الاتحادي",
        "الديمقراطي",
        "الحقيقي",
        "الحالي",
        "الحديث",
        "الداخلي",
        "الخارجي",
        "العسكري",
        "السياسي",
        "الاقتصادي",
        "الرياضي",
        "الثقافي",
        "المسيحي",
        "السني",
        "الشيعي",
        "الكردي",
        "التاريخي",
        "الطبيعي",
        "الاوروبي",
        "الافريقي",
        "الآسيوي",
        "الأمريكي",
        "الكبير",
    )
)
_CLUB_NISBA_MIN_CHARS = 6  # الفاسي، القطري; shorter ال+ي words are rarely a town's nisba


def _club_nisba(norm: str) -> bool:
    """A masculine nisba after a country name names a club: المغرب التطواني، قطر القطري."""
    return (
        len(norm) >= _CLUB_NISBA_MIN_CHARS
        and norm.startswith("ال")
        and norm.endswith("ي")
        and norm not in _NOT_CLUB_NISBA
    )


def _club_after(gazetteer: Gazetteer, zone: Zone, hit: Hit, place: Place) -> bool:
    """A country's name followed by the nisba of one of its towns or by its own demonym names a
    club, in any sentence: المغرب الفاسي، قطر القطري."""
    tokens = zone.scanned.tokens
    k = hit.last + 1
    if k >= len(tokens) or not _adjacent(zone, hit.last, k):
        return False
    norm = tokens[k].norm
    if not (norm.startswith("ال") and norm.endswith("ي")):
        return False
    if norm[2:-1] in gazetteer.town_keys:
        return True
    for other in zone.hits:
        if other.first == k:
            return any(
                p.kind == "demonym" and p.country == place.country
                for p in _place_refs(gazetteer, other)
            )
    return False


_QUOTES = '"\u00ab\u00bb\u201c\u201d'
_QUOTE_LOOKBACK = 4  # tokens between the opening quote and the name: مسلسل "على باب مصر"


def _in_quoted_title(amb: Ambiguity, zone: Zone, first: int) -> bool:
    """The name sits inside quotes opened right after a noun such as كتاب، فيلم، ملعب."""
    tokens = zone.scanned.tokens
    text = zone.scanned.text
    for k in range(first - 1, max(-1, first - 1 - _QUOTE_LOOKBACK), -1):
        gap = text[tokens[k].end : tokens[k + 1].start]
        if any(q in gap for q in _QUOTES):
            norm = tokens[k].norm
            bare = norm[1:] if norm[:1] in ("و", "ف", "ل", "ب") and len(norm) > 3 else norm
            return norm in amb.before_quote or bare in amb.before_quote
        if gap.strip():
            return False
    return False


def _sports_sentences(amb: Ambiguity, zone: Zone) -> set[int]:
    """Sentences holding a sports word or a match score (2 - 0)."""
    tokens = zone.scanned.tokens
    found = {t.sentence for t in tokens if t.norm in amb.sports_words}
    for k, token in enumerate(tokens[:-1]):
        if token.norm.isdigit() and token.sentence not in found and _score_follows(zone, k - 1):
            found.add(token.sentence)
    return found


def _score_side(norm: str) -> bool:
    return (norm.isdigit() and len(norm) <= _SCORE_SIDE) or norm == _ZERO


def _score_follows(zone: Zone, last: int) -> bool:
    """A match score right after token ``last``: "مدغشقر 4 - صفر", "Niger 2-1"."""
    tokens = zone.scanned.tokens
    if last + 2 >= len(tokens):
        return False
    a, b = tokens[last + 1].norm, tokens[last + 2].norm
    if not (a.isdigit() and len(a) <= _SCORE_SIDE and _score_side(b)):
        return False
    gap = zone.scanned.text[tokens[last + 1].end : tokens[last + 2].start]
    return "-" in gap and (last < 0 or _adjacent(zone, last, last + 1))
