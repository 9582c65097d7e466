"""Understanding an article: the places it names, the countries and regions it is about, and its
people, organisations and places, each with one id across Arabic and English.

    knowledge = load_knowledge(settings.entities_file or None)   # once; keep it
    u = understand(knowledge, title, text, language)             # pure, per article
    understanding_to_json(u)                                     # for `marsad analyze --json`
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ahocorasick

from marsad.models import ArticleCountry, Entity, EntityName, EntityType
from marsad.text import is_stopword
from marsad.understand.about import LEAD_CHARS, WeightedMention, rank_countries
from marsad.understand.english import find_english_names, find_teams, is_club
from marsad.understand.entities import (
    UNKNOWN_PREFIX,
    EntityRecord,
    entity_keys,
    load_entities,
    unknown_person_id,
)
from marsad.understand.gazetteer import Gazetteer, load_gazetteer
from marsad.understand.orgs import ORG_PREFIX, OrgName, find_org_names, org_id
from marsad.understand.people import find_given_names, find_role_names, is_verb_ar, title_length
from marsad.understand.places import PlaceMention, Zone, country_by_cues, find_place_mentions
from marsad.understand.scan import (
    Hit,
    Token,
    build_automaton,
    find_hits,
    is_arabic,
    normalize_key,
    scan,
)

log = logging.getLogger(__name__)

# A national team is linked to its country's entity (ANERcorp tags "منتخب مصر" مصر as LOC); a
# country's name inside a bank's or company's name (in_name) is not a place entity.
_PLACE_ENTITY_KINDS = ("country", "territory", "capital", "city", "state", "area", "team")
# mentions that name where a story happens (a demonym, a person or a body only hints at it)
_PLACE_KINDS = ("country", "territory", "capital", "city", "state", "area", "metonym")


@dataclass(frozen=True)
class EntityMention:
    """An entity named in the article, counted once per mention."""

    name: str  # display name in the article's language (or as written, for unknown people)
    type: EntityType
    id: str
    count: int


@dataclass(frozen=True)
class Understanding:
    """What one article is about and whom and where it names."""

    countries: tuple[ArticleCountry, ...]  # ranked by score; is_about marks the topic
    regions: tuple[str, ...]  # marsad.models.REGIONS, ranked
    mentions: tuple[PlaceMention, ...]  # every place mention kept, in reading order
    entities: tuple[EntityMention, ...]  # most mentioned first

    @property
    def about(self) -> tuple[str, ...]:
        """ISO codes of the countries the article is about, best first."""
        return tuple(c.country for c in self.countries if c.is_about)


class Knowledge:
    """Gazetteer + entities + the automaton over all their names. Build once, reuse."""

    def __init__(self, gazetteer: Gazetteer, entities: list[EntityRecord]) -> None:
        self.gazetteer = gazetteer
        self.entities: tuple[EntityRecord, ...] = tuple(entities)
        self._entity_by_id = {e.id: e for e in entities}
        offset = len(gazetteer.places)
        self.automaton: ahocorasick.Automaton = build_automaton(
            list(gazetteer.keys) + entity_keys(entities, offset)
        )

    def entity(self, entity_id: str) -> Entity | None:
        """The entity with its names in several languages, for the store (None if unknown)."""
        record = self._entity_by_id.get(entity_id)
        if record is not None:
            return record.to_entity()
        if entity_id.startswith(UNKNOWN_PREFIX):
            name = entity_id.removeprefix(UNKNOWN_PREFIX).replace("-", " ")
            language = "ar" if is_arabic(name) else "en"
            return Entity(
                entity_id,
                EntityType.PERSON,
                name if language == "ar" else None,
                name if language == "en" else None,
                (EntityName(name, language),),
            )
        if entity_id.startswith(ORG_PREFIX):
            name = entity_id.removeprefix(ORG_PREFIX).replace("-", " ")
            language = "ar" if is_arabic(name) else "en"
            return Entity(
                entity_id,
                EntityType.ORGANIZATION,
                name if language == "ar" else None,
                name if language == "en" else None,
                (EntityName(name, language),),
            )
        place = self.gazetteer.by_id.get(entity_id)
        if place is not None:
            return Entity(
                entity_id,
                EntityType.PLACE,
                place.name_ar,
                place.name_en,
                (EntityName(place.name_ar, "ar"), EntityName(place.name_en, "en")),
            )
        return None


def load_knowledge(extra_entities: Path | None = None) -> Knowledge:
    """Load the shipped gazetteer and entities (plus the operator's JSON Lines file)."""
    return Knowledge(load_gazetteer(), load_entities(extra_entities))


def _language_of(title: str, text: str) -> str:
    sample = title + " " + text[:2000]
    arabic = sum(1 for c in sample if "\u0600" <= c <= "\u06ff")
    latin = sum(1 for c in sample if c.isascii() and c.isalpha())
    return "ar" if arabic >= latin else "en"


@dataclass(frozen=True)
class EntitySpan:
    """One mention of an entity, with its offsets in its field (for evaluation and display)."""

    field: str  # title | text
    start: int
    end: int
    type: EntityType
    id: str
    name: str  # display name


def understand(
    knowledge: Knowledge,
    title: str,
    text: str,
    language: str | None,
    source_country: str | None = None,
) -> Understanding:
    """Places, countries, regions and entities of one article. Pure: no I/O, no state.

    ``source_country`` (ISO 3166-1 alpha-2, the outlet's home as its source row says) is a weak
    prior: a local paper's unnamed or ambiguous town is in its own country. It decides the top
    country only where the text names no place of any country firmly (a story naming only its
    street, or only "an Italian grocery"), and never adds a mention.
    """
    language = language or _language_of(title, text)
    # an operator's code as typed ("ca", " GB"); one that names no country is no prior
    source_country = (source_country or "").strip().upper() or None
    if source_country not in knowledge.gazetteer.region_of:
        source_country = None
    zones, mentions, spans, weighted = _analyse(knowledge, title, text, language, source_country)
    if source_country and not any(w.kind in _PLACE_KINDS and w.country for w in weighted):
        weighted.append(WeightedMention(source_country, None, "source", "text", LEAD_CHARS, 0, 0))
    countries, regions = rank_countries(
        weighted,
        {z.name: [t.norm for t in z.scanned.tokens] for z in zones},
        knowledge.gazetteer.region_of,
    )
    counts: Counter[str] = Counter(span.id for span in spans)
    first: dict[str, EntitySpan] = {}
    for span in spans:
        first.setdefault(span.id, span)
    entities = tuple(
        EntityMention(first[i].name, first[i].type, i, count)
        for i, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return Understanding(countries, regions, tuple(mentions), entities)


def find_entity_spans(knowledge: Knowledge, text: str, language: str | None) -> list[EntitySpan]:
    """Every entity mention of ``text`` (people, organisations, places) in reading order."""
    language = language or _language_of("", text)
    spans = _analyse(knowledge, "", text, language)[2]
    return sorted(spans, key=lambda s: s.start)


def _analyse(
    knowledge: Knowledge, title: str, text: str, language: str, home: str | None = None
) -> tuple[list[Zone], list[PlaceMention], list[EntitySpan], list[WeightedMention]]:
    gazetteer = knowledge.gazetteer
    n_places = len(gazetteer.places)
    zones = []
    for name, body in (("title", title or ""), ("text", text or "")):
        scanned = scan(body)
        hits = find_hits(knowledge.automaton, scanned, n_places)
        zones.append(Zone(name, scanned, tuple(hits)))
    mentions = find_place_mentions(gazetteer, zones, home)
    weighted: list[WeightedMention] = []  # entities' countries; the places' are added last
    english_bodies: list[EntitySpan] = []
    english_people: list[EntitySpan] = []
    spans: list[EntitySpan] = []
    surnames: dict[str, tuple[str, str]] = {}  # English surname -> full name, across zones
    for m in mentions:
        # a county or a town known only from "Town, State" has no record: a mention, no entity
        if m.kind in _PLACE_ENTITY_KINDS and m.place_id in gazetteer.by_id:
            place = gazetteer.by_id.get(m.place_id)
            name = (place.name_ar if language == "ar" else place.name_en) if place else m.surface
            spans.append(
                EntitySpan(
                    m.field, m.offset, m.offset + len(m.surface), EntityType.PLACE, m.place_id, name
                )
            )
    for zone in zones:
        tokens = zone.scanned.tokens
        taken: set[int] = set()
        # first token of a listed person -> (index in spans, its record, whether the list
        # matched one word: a surname alone, which a namesake may carry)
        known_people: dict[int, tuple[int, EntityRecord, bool]] = {}
        for hit in zone.hits:
            record = _entity_of(knowledge, hit, n_places, zone)
            if record is None:
                continue
            taken.update(range(hit.first, hit.last + 1))
            first = hit.first
            if record.type is EntityType.PERSON:
                # "الملك سلمان" is listed whole; the name itself starts after the title
                norms = [t.norm for t in tokens[hit.first : hit.last + 1]]
                first += min(title_length(norms, 0, language == "ar"), hit.last - hit.first)
            start, end = tokens[first].start, tokens[hit.last].end
            if record.type is EntityType.PERSON:
                known_people[first] = (len(spans), record, first == hit.last)
            spans.append(
                EntitySpan(
                    zone.name, start, end, record.type, record.id, _display_name(record, language)
                )
            )
            if record.country:
                weighted.append(
                    WeightedMention(
                        record.country,
                        None,
                        record.type.value,
                        zone.name,
                        start,
                        tokens[hit.first].sentence,
                        hit.first,
                    )
                )
        place_tokens = {
            t
            for m in mentions
            if m.field == zone.name
            for t in range(m.token, m.token + len(m.normalized.split()))
        }
        given = gazetteer.ambiguity.given_names
        arabic = language == "ar"
        if not arabic:
            found = _english_spans(
                zone, taken, place_tokens, gazetteer.given_names_en | given, surnames
            )
            teams = find_teams(
                zone.scanned,
                [
                    (m.token, m.token + len(m.normalized.split()) - 1)
                    for m in mentions
                    if m.field == zone.name and m.kind == "country"
                ],
            )
            for first, last in teams:  # Sweden 1 - 0 Korea: the team, not the country
                start, end = tokens[first].start, tokens[last].end
                spans = [
                    s
                    for s in spans
                    if not (
                        s.type is EntityType.PLACE and s.field == zone.name and s.start == start
                    )
                ]
                name = zone.scanned.text[start:end]
                found.append(
                    EntitySpan(
                        zone.name,
                        start,
                        end,
                        EntityType.ORGANIZATION,
                        org_id(f"{normalize_key(name)} national team"),
                        name,
                    )
                )
            bodies = [s for s in found if s.type is EntityType.ORGANIZATION]
            # the United States Navy, the Bank of England: the place is part of the body's name
            spans = [
                s
                for s in spans
                if not (
                    s.type is EntityType.PLACE
                    and s.field == zone.name
                    and any(o.start <= s.start and s.end <= o.end for o in bodies)
                )
            ]
            spans += found
            english_bodies += [b for b in bodies if is_club(normalize_key(b.name))]
            english_people += [s for s in found if s.type is EntityType.PERSON]
            continue
        orgs = find_org_names(zone.scanned, taken, place_tokens, arabic, given)
        org_tokens = {t for o in orgs for t in range(o.first, o.last + 1)}
        for org in orgs:
            start, end = tokens[org.first].start, tokens[org.last].end
            name = zone.scanned.text[start:end]
            spans.append(
                EntitySpan(
                    zone.name, start, end, EntityType.ORGANIZATION, org_id(org.normalized), name
                )
            )
        nominal = _nominal_demonyms(zone, mentions) if arabic else frozenset()
        skip = place_tokens | org_tokens
        roles = find_role_names(zone.scanned, taken, skip, arabic, given, nominal)
        role_tokens = {t for r in roles for t in range(r.first, r.last + 1)}
        roles += find_given_names(zone.scanned, taken | role_tokens, skip, arabic, given)
        for role in roles:
            start, end = tokens[role.first].start, tokens[role.last].end
            listed = known_people.get(role.last + 1)
            if listed is not None and not zone.scanned.text[end : spans[listed[0]].start].strip():
                known, record, surname_only = listed
                norms = [t.norm for t in tokens[role.first : role.last + 1]]
                if surname_only and not _given_names_of(record, norms):
                    # "الوزير الفلسطيني رياض المالكي": another man of the listed surname
                    end = spans[known].end
                    weighted = [
                        w
                        for w in weighted
                        if not (w.field == zone.name and w.offset == spans[known].start)
                    ]
                    normalized = f"{role.normalized} {tokens[role.last + 1].norm}"
                    spans[known] = EntitySpan(
                        zone.name,
                        start,
                        end,
                        EntityType.PERSON,
                        unknown_person_id(normalized),
                        zone.scanned.text[start:end],
                    )
                    continue
                # "محمد حسني مبارك": the first name before a listed person belongs to him
                spans[known] = replace(spans[known], start=start)
                continue
            spans.append(
                EntitySpan(
                    zone.name,
                    start,
                    end,
                    EntityType.PERSON,
                    unknown_person_id(role.normalized),
                    zone.scanned.text[start:end],
                )
            )
        if orgs:  # جامعة القاهرة: the city is part of the organisation's name, not a place entity
            spans = [s for s in spans if not _inside(s, zone.name, orgs, tokens)]
    if english_people:
        mentions, spans = _places_in_people(zones, mentions, spans, english_people)
    if english_bodies:
        # Real Madrid, Manchester United: a place inside a club's name stands for the club (a
        # police department or a university still tells where the story is)
        mentions = [
            replace(m, kind="in_name")
            if m.kind != "area"
            and any(
                o.field == m.field and o.start <= m.offset and m.offset + len(m.surface) <= o.end
                for o in english_bodies
            )
            else m
            for m in mentions
        ]
    weighted[:0] = [
        WeightedMention(
            m.country,
            m.region if m.kind == "area" else None,
            m.kind,
            m.field,
            m.offset,
            m.sentence,
            m.token,
        )
        for m in mentions
    ]
    if language != "ar" and not any(w.country for w in weighted):
        # no place named at all: a US local story still says where it is by its institutions
        # (a sheriff's office, a township, a high school); weighed as one body mention
        country = country_by_cues(gazetteer, zones)
        if country is not None:
            weighted.append(WeightedMention(country, None, "cue", "text", LEAD_CHARS, 0, 0))
    return zones, mentions, spans, weighted


_TITLE_CASE_MIN = 12  # tokens


def _english_spans(
    zone: Zone,
    taken: set[int],
    place_tokens: set[int],
    given: frozenset[str],
    surnames: dict[str, tuple[str, str]],
) -> list[EntitySpan]:
    """People and organisations of an English zone beyond the list (``english.py``)."""
    tokens = zone.scanned.tokens
    out: list[EntitySpan] = []
    # a short body's capitals are too few to call it Title Case ("Prime Minister Jan Kowalski
    # said on Monday"); a title is judged as it is
    title_case = zone.title_case and (zone.name == "title" or len(tokens) >= _TITLE_CASE_MIN)
    for name in find_english_names(zone.scanned, taken, place_tokens, title_case, given, surnames):
        start, end = tokens[name.first].start, tokens[name.last].end
        if name.type is EntityType.PERSON:
            entity_id = unknown_person_id(name.normalized)
            display = name.display or zone.scanned.text[start:end]
        else:
            entity_id = org_id(name.normalized)
            display = zone.scanned.text[start:end]
        out.append(EntitySpan(zone.name, start, end, name.type, entity_id, display))
    return out


# words before a place's name that say it is the place even where a person bears the name
_LOCATIVE_EN = frozenset(
    (
        *("in", "at", "to", "from", "near", "outside", "inside", "across", "around", "into"),
        *("toward", "towards", "through", "via", "of", "between", "throughout", "within"),
        *("the", "downtown", "central", "northern", "southern", "eastern", "western"),
        *("visit", "visited", "visiting"),
    )
)


def _places_in_people(
    zones: list[Zone],
    mentions: list[PlaceMention],
    spans: list[EntitySpan],
    people: list[EntitySpan],
) -> tuple[list[PlaceMention], list[EntitySpan]]:
    """English people whose name holds a place's word ("Dr Amara Okafor", "Valeska Paris, an
    Australian woman"): the place is no place, and neither is that word alone later ("Paris
    said") unless a place's preposition stands before it ("moved to Paris") or it is a
    country's name. A person holds a place's word only when a title or an apposition made it
    one (``english._place_in_name``, ``_place_ends_name``): firm evidence, or the place would
    have split the name."""

    # by field and start, to look one up by bisection: a hostile text holds thousands of each
    by_field: dict[str, list[EntitySpan]] = {}
    for p in sorted(people, key=lambda p: p.start):
        by_field.setdefault(p.field, []).append(p)
    starts = {field: [p.start for p in ps] for field, ps in by_field.items()}

    def holder(field: str, start: int, end: int) -> EntitySpan | None:
        at = bisect_right(starts.get(field, []), start) - 1
        # people's spans do not overlap: only the last one starting here or before may hold it
        if at >= 0 and end <= by_field[field][at].end:
            return by_field[field][at]
        return None

    named: dict[str, EntitySpan] = {}  # a place's key inside a person -> that person
    dropped: set[tuple[str, int]] = set()
    for m in mentions:
        person = holder(m.field, m.offset, m.offset + len(m.surface))
        if person is not None:
            dropped.add((m.field, m.offset))
            # a country's name alone stays the country (Dr Chad Okafor; Chad's army)
            if " " not in m.normalized and m.kind not in ("demonym", "country", "territory"):
                named.setdefault(m.normalized, person)
    if not dropped:
        return mentions, spans
    tokens = {z.name: z.scanned.tokens for z in zones}
    added: list[EntitySpan] = []
    for m in mentions:
        person = named.get(m.normalized)
        if person is None or (m.field, m.offset) in dropped or not m.surface[:1].isupper():
            continue
        before = tokens[m.field][m.token - 1].norm if m.token > 0 else ""
        if before in _LOCATIVE_EN:
            continue  # "moved to Paris": the city, though Valeska Paris is in the story
        dropped.add((m.field, m.offset))
        added.append(
            EntitySpan(
                m.field,
                m.offset,
                m.offset + len(m.surface),
                EntityType.PERSON,
                person.id,
                person.name,
            )
        )
    kept = [m for m in mentions if (m.field, m.offset) not in dropped]
    spans = [
        s
        for s in spans
        if not (
            s.type is EntityType.PLACE
            and ((s.field, s.start) in dropped or holder(s.field, s.start, s.end) is not None)
        )
    ]
    return kept, spans + added


def _inside(span: EntitySpan, field: str, orgs: list[OrgName], tokens: tuple[Token, ...]) -> bool:
    """A place span that lies inside one of the organisations found in ``field``."""
    if span.type is not EntityType.PLACE or span.field != field:
        return False
    return any(tokens[o.first].start <= span.start and span.end <= tokens[o.last].end for o in orgs)


# singular demonyms (الياباني، البريطانية): plurals (الإسرائيليين) name groups, not one person
_SINGULAR_DEMONYM_ENDINGS = ("ي", "يه")


def _nominal_demonyms(zone: Zone, mentions: list[PlaceMention]) -> frozenset[int]:
    """Definite singular demonyms used as nouns, which introduce a name: after a particle, a
    verb, punctuation or with و written on them ("والياباني هاروكي موراكامي", "مع البرازيلي
    روبنز"); after a noun they are its adjective (العلم العراقي، مجلة فوربز الأمريكية)."""
    tokens = zone.scanned.tokens
    found: set[int] = set()
    for m in mentions:
        if m.kind != "demonym" or m.field != zone.name or " " in m.normalized:
            continue
        i = m.token
        norm = tokens[i].norm
        if "ال" not in norm[:3] or not norm.endswith(_SINGULAR_DEMONYM_ENDINGS):
            continue
        if i > 0 and not norm.startswith("وال"):
            prev = tokens[i - 1].norm
            gap = zone.scanned.text[tokens[i - 1].end : tokens[i].start]
            if not gap.strip() and not is_stopword(prev, "ar") and not is_verb_ar(prev):
                continue  # العلم العراقي، مجلة فوربز الأمريكية: an adjective
        found.add(i)
    return frozenset(found)


def _entity_of(knowledge: Knowledge, hit: Hit, n_places: int, zone: Zone) -> EntityRecord | None:
    refs = [r - n_places for r in hit.refs if r >= n_places]
    if not refs:
        return None
    record = knowledge.entities[refs[0]]
    if hit.key.isascii():
        tokens = zone.scanned.tokens
        surface = zone.scanned.text[tokens[hit.first].start : tokens[hit.last].end]
        if not surface[:1].isupper():  # "price", "trump card": names are capitalised
            return None
        if is_stopword(hit.key, "en") and not surface.isupper():  # "Who said", not WHO
            return None
        if (
            record.type is EntityType.PERSON
            and hit.first > 0
            and tokens[hit.first - 1].norm in knowledge.gazetteer.given_names_en
            and not zone.scanned.text[tokens[hit.first - 1].end : tokens[hit.first].start].strip()
            and zone.scanned.text[tokens[hit.first - 1].start].isupper()
        ):
            return None  # "Mayor Chuck Blair": a namesake of the listed Blair, not him
    elif (
        record.type is EntityType.PERSON
        and hit.first == hit.last
        and hit.first > 0
        and not hit.key.isascii()
    ):
        tokens = zone.scanned.tokens
        before = tokens[hit.first - 1].norm
        if (
            before in knowledge.gazetteer.ambiguity.given_names
            and not zone.scanned.text[tokens[hit.first - 1].end : tokens[hit.first].start].strip()
            and not _given_names_of(record, [before])
        ):
            return None  # "محمد المالكي": a namesake of the listed المالكي (نوري), not him
    return record


def _given_names_of(record: EntityRecord, norms: list[str]) -> bool:
    """Whether any of ``norms`` is a word of one of the listed person's names (نوري for نوري
    المالكي): a name before his surname that is none of them makes another man."""
    words = {w for name in record.names for w in normalize_key(name.name).split()}
    return any(norm in words for norm in norms)


def _display_name(record: EntityRecord, language: str) -> str:
    if language == "ar" and record.name_ar:
        return record.name_ar
    return record.name_en or record.name_ar or record.names[0].name


def understanding_to_json(u: Understanding) -> dict[str, Any]:
    """The fields `marsad analyze --json` adds: countries, regions, mentions, entities."""
    return {
        "countries": [c.country for c in u.countries if c.is_about],
        "country_scores": [
            {"country": c.country, "score": c.score, "is_about": c.is_about, "mentions": c.mentions}
            for c in u.countries
        ],
        "regions": list(u.regions),
        "mentions": [
            {
                "surface": m.surface,
                "normalized": m.normalized,
                "kind": m.kind,
                "country": m.country,
                "area": m.area,
                "region": m.region,
                "field": m.field,
                "offset": m.offset,
            }
            for m in u.mentions
        ],
        "entities": [
            {"name": e.name, "type": e.type.value, "id": e.id, "count": e.count} for e in u.entities
        ],
    }


__all__ = [
    "EntityMention",
    "EntitySpan",
    "Knowledge",
    "PlaceMention",
    "Understanding",
    "find_entity_spans",
    "load_knowledge",
    "understand",
    "understanding_to_json",
]
