"""Place mentions and their disambiguation.

Raw gazetteer hits are judged in two passes. The first collects *firm* evidence: hits whose key
is not on any ambiguity list and names one country. The second keeps or drops the doubtful hits
using that evidence plus local context: a trigger word before (في مالي), a measure after
(قطر 5 سم), a given name before a demonym (محمد المصري), a given name or surname around an
English name (Michael Jordan, Chad Smith), capitalisation (turkey the bird), diacritics
(عمّان / عُمان), and, for names shared by several countries, the country the article supports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from marsad.understand.gazetteer import Ambiguity, Gazetteer, Place
from marsad.understand.scan import Hit, Scanned

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

Support = Callable[[Place], int]


@dataclass(frozen=True)
class PlaceMention:
    """One place named in the article: a country, a city, a region (area), a demonym..."""

    surface: str  # as written, clitics included
    normalized: str  # the gazetteer key it matched
    kind: str  # country | territory | demonym | capital | city | state | metonym | area
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

    @property
    def title_case(self) -> bool:
        words = [t for t in self.scanned.tokens if t.norm.isascii() and t.norm.isalpha()]
        if len(words) < 3:
            return False
        caps = sum(self.scanned.text[t.start].isupper() for t in words)
        return caps / len(words) >= _TITLE_CASE_SHARE


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


def find_place_mentions(gazetteer: Gazetteer, zones: list[Zone]) -> list[PlaceMention]:
    """Judge every place hit of the zones; return the mentions kept, in reading order."""
    amb = gazetteer.ambiguity
    firm: Counter[str] = Counter()
    firm_local: Counter[str] = Counter()  # states and non-capital cities: cues for US Georgia
    norms_seen: set[str] = set()
    for zone in zones:
        norms_seen.update(t.norm for t in zone.scanned.tokens)
        for hit in zone.hits:
            places = _place_refs(gazetteer, hit)
            if not places or places[0].kind == "block" or _is_doubtful(gazetteer, hit, places):
                continue
            if hit.key.isascii() and not _case_ok(_surface(zone, hit)):
                continue
            country = places[0].country
            if country:
                firm[country] += 1
                if places[0].kind in ("state", "city"):
                    firm_local[country] += 1
    us_cue = sum(1 for cue in amb.us_cues if cue in norms_seen)
    # English names judged to be part of a person's name where capitals tell (the body), so a
    # Title Case headline, where they do not, follows the body: "Singer India Arie ..."
    person_keys = {
        hit.key
        for zone in zones
        if not zone.title_case
        for hit in zone.hits
        if hit.key in amb.person_risk_en and _english_person(amb, zone, hit)
    }

    def support(place: Place) -> int:
        if place.country is None:
            return 0
        cues = amb.country_cues.get(place.country, frozenset())
        cue_count = sum(1 for cue in cues if cue in norms_seen)
        if place.kind == "state":
            return firm_local[place.country] + us_cue
        return firm[place.country] + cue_count

    mentions: list[PlaceMention] = []
    for zone in zones:
        for hit in zone.hits:
            places = _place_refs(gazetteer, hit)
            if not places or places[0].kind == "block":
                continue
            surface = _surface(zone, hit)
            place = _judge(gazetteer, zone, hit, places, surface, support, person_keys)
            if place is None:
                continue
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
    return mentions


def _case_ok(surface: str) -> bool:
    """English place names are proper nouns: Turkey, not turkey; US, not us."""
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
) -> Place | None:
    amb = gazetteer.ambiguity
    tokens = zone.scanned.tokens
    key = hit.key
    prev_norm = tokens[hit.first - 1].norm if hit.first > 0 else ""

    if key.isascii():
        if not _case_ok(surface):
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

    if key in amb.support_only and not any(support_of(p) for p in places):
        return None
    if (
        key in amb.support_or_trigger
        and not any(support_of(p) for p in places)
        and prev_norm not in amb.triggers
    ):
        return None

    if len({p.country for p in places}) > 1:
        return _resolve(gazetteer, key, places, surface, support_of)
    place = min(places, key=lambda p: _KIND_ORDER.get(p.kind, 9))
    if (
        key in gazetteer.adjective_names
        and prev_norm.startswith("ال")
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


def _adjacent(zone: Zone, left: int, right: int) -> bool:
    """No punctuation between two tokens."""
    tokens = zone.scanned.tokens
    gap = zone.scanned.text[tokens[left].end : tokens[right].start]
    return not gap.strip()


def _resolve(
    gazetteer: Gazetteer, key: str, places: list[Place], surface: str, support_of: Support
) -> Place:
    """One name, several countries: diacritics first, then the article's support, then order."""
    by_country: dict[str | None, Place] = {}
    for place in sorted(places, key=lambda p: _KIND_ORDER.get(p.kind, 9)):
        by_country.setdefault(place.country, place)
    if _SHADDA in surface and "JO" in by_country:  # عمّان, the Jordanian capital
        return by_country["JO"]
    if _DAMMA in surface[:3] and "OM" in by_country:  # عُمان, the sultanate
        return by_country["OM"]
    order: list[str | None] = list(gazetteer.ambiguity.resolve.get(key, ()))
    order += [c for c in by_country if c not in order]
    ranked = [c for c in order if c in by_country]
    best = max(ranked, key=lambda c: (support_of(by_country[c]), -ranked.index(c)))
    return by_country[best]
