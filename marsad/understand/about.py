"""Which countries and regions an article is *about*, from its place and entity mentions.

Each mention adds a weight to its country: by kind (a country name counts more than a demonym),
by zone (title > lead > body), damped when its sentence lists many countries (boilerplate such
as "news from Europe, America, India, Pakistan...") and when a year before 2000 stands beside it
(a historical aside such as "the 1962 Cuban missile crisis").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from marsad.models import REGIONS, ArticleCountry

KIND_WEIGHT = {
    "country": 1.0,
    "territory": 1.0,
    "capital": 0.8,
    "metonym": 0.8,
    "city": 0.6,
    "demonym": 0.7,
    "state": 0.7,  # a state or province named: as much evidence as a demonym (LGL top country +0.01)
    "area": 1.0,
    # a national team or club (منتخب مصر): sports news is filed under its country, a little less
    "team": 0.8,
    "in_name": 0.4,  # بنك فرنسا المركزي، شركة نفط نيبال: a body named after the country
    "person": 0.4,  # a known person stands for his or her country, weakly
    "organization": 0.5,
    # no place named, only a country's local institutions (sheriff's office, township): enough
    # to file a local story (LONE_MIN), never enough to beat a place
    "cue": 0.5,
    # the outlet's home country, where the text names no place firmly (understand's
    # source_country): more than one demonym in the lead (an Italian grocery: 1.4), less than
    # one in the title or two in the body
    "source": 1.5,
}
TITLE_WEIGHT = 3.0
# A headline opening with a country's name has it for subject ("Israel floods Lebanese
# farmlands"): that title mention counts this much more (LGL dev top country +1 of 314 with the
# other fixes of 2026-12-07; 2.0 is too much)
SUBJECT_FACTOR = 1.3
LEAD_WEIGHT = 2.0
LEAD_CHARS = 320  # about the first two sentences of a news body
# A sentence naming more places than this is a list: each place gets ENUMERATION_SHARE / n.
ENUMERATION_SHARE = 3
HISTORIC_FACTOR = 0.2
HISTORIC_WINDOW = 4  # tokens either side of the mention
# is_about: score >= ABOUT_MIN and >= ABOUT_SHARE x the top score; the top country needs
# TOP_MIN. Calibrated by hand on the golden cases in tests/data/understand (passing mentions of
# one body sentence score 0.7-1.0 and must stay out; a lone title mention scores 3).
ABOUT_MIN = 1.5
ABOUT_SHARE = 0.25
TOP_MIN = 1.0
# The one country an article names at all is its top country from LONE_MIN (a town named once
# in the body of a local story: 0.6); LGL dev top country 0.847 -> 0.866, the golden cases unchanged.
LONE_MIN = 0.5

_OLD_YEAR_RE = re.compile(r"^(1[5-9]\d\d)$")


@dataclass(frozen=True)
class WeightedMention:
    """A country or area mention with its place in the article (for scoring)."""

    country: str | None
    area_region: str | None
    kind: str
    field: str
    offset: int
    sentence: int
    token: int


def mention_weight(
    m: WeightedMention, sentence_spread: dict[tuple[str, int], int], historic: bool
) -> float:
    weight = KIND_WEIGHT.get(m.kind, 0.5)
    if m.field == "title":
        weight *= TITLE_WEIGHT
    elif m.offset < LEAD_CHARS:
        weight *= LEAD_WEIGHT
    spread = sentence_spread.get((m.field, m.sentence), 1)
    if spread > ENUMERATION_SHARE:
        weight *= ENUMERATION_SHARE / spread
    if historic:
        weight *= HISTORIC_FACTOR
    return weight


def is_historic(norms: Sequence[str], token: int) -> bool:
    """A year before 2000 within a few tokens: the mention is a historical aside."""
    low = max(0, token - HISTORIC_WINDOW)
    return any(_OLD_YEAR_RE.match(n) for n in norms[low : token + HISTORIC_WINDOW + 1])


def rank_countries(
    mentions: Sequence[WeightedMention],
    norms_by_field: dict[str, Sequence[str]],
    region_of: dict[str, str],
) -> tuple[tuple[ArticleCountry, ...], tuple[str, ...]]:
    """Countries ranked by score with ``is_about``, and the regions the article is about."""
    spread: dict[tuple[str, int], set[str]] = defaultdict(set)
    for m in mentions:
        spread[(m.field, m.sentence)].add(m.country or f"area:{m.area_region}")
    sentence_spread = {k: len(v) for k, v in spread.items()}

    # a headline opening with a country's name has it for subject ("Israel floods Lebanese
    # farmlands"); one named later may be a modifier or the object ("Senior U.S. Military
    # Official Visits Georgia")
    subject = next(
        (m.country for m in mentions if m.country and m.field == "title" and m.token == 0), None
    )
    scores: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    area_scores: dict[str, float] = defaultdict(float)
    for m in mentions:
        historic = is_historic(norms_by_field.get(m.field, ()), m.token)
        weight = mention_weight(m, sentence_spread, historic)
        if m.country == subject and m.field == "title":
            weight *= SUBJECT_FACTOR
        if m.country:
            scores[m.country] += weight
            counts[m.country] += 1
        elif m.area_region:
            area_scores[m.area_region] += weight

    first_seen: dict[str, tuple[bool, int]] = {}
    for m in mentions:
        if m.country:
            place = (m.field != "title", m.offset)
            first_seen[m.country] = min(first_seen.get(m.country, place), place)
    # a tie goes to the country named first (title first), as a reader would file it
    ranked = sorted(scores.items(), key=lambda kv: (-round(kv[1], 6), first_seen[kv[0]], kv[0]))
    top = ranked[0][1] if ranked else 0.0
    countries = tuple(
        ArticleCountry(
            country=code,
            score=round(score, 3),
            is_about=(score >= ABOUT_MIN and score >= ABOUT_SHARE * top)
            or (i == 0 and score >= (LONE_MIN if len(ranked) == 1 else TOP_MIN)),
            mentions=counts[code],
        )
        for i, (code, score) in enumerate(ranked)
    )
    return countries, rank_regions(countries, region_of, area_scores)


def rank_regions(
    countries: Sequence[ArticleCountry],
    region_of: dict[str, str],
    area_scores: dict[str, float],
) -> tuple[str, ...]:
    """Regions of the countries the article is about, then regions named outright."""
    totals: dict[str, float] = defaultdict(float)
    for c in countries:
        if c.is_about and c.country in region_of:
            totals[region_of[c.country]] += c.score
    for region, score in area_scores.items():
        if region in REGIONS and score >= ABOUT_MIN:
            totals[region] += score
    return tuple(r for r, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))
