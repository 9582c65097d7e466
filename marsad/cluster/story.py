"""One story's running state: term and evidence counts, members, and its best Arabic title.

Kept small and incremental: adding a member updates counters in O(terms of the article); the
cosine norm is cached and refreshed when the story changes; the Arabic title is compared only
against the newcomer's.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import starmap
from operator import attrgetter, itemgetter
from sys import intern
from typing import TYPE_CHECKING, Any

from marsad.cluster.names import name_keys, title_skeletons
from marsad.dedup.features import ArticleFeatures
from marsad.dedup.packed import (
    check_strings,
    check_weights,
    pack_strings,
    pack_weights,
    unpack_strings,
    unpack_weights,
)

# Title terms count three times body terms: a headline names the event, the body wanders.
TITLE_WEIGHT = 3.0
BODY_WEIGHT = 1.0
# Countries, states and areas are shared by many unrelated reports (and scored apart as countries).
PLACE_WEIGHT = 0.3
BROAD_PLACES = ("country:", "state:", "area:", "region:", "province:")
# A shared number is weaker evidence than a shared entity (prices, scores and tolls recur).
NUMBER_WEIGHT = 0.5
# A shared name skeleton (``names.py``) is weaker than a shared canonical id: two spellings
# may meet by chance. Scored across languages only. On the labelled stream 0.3 lifts
# cross-language pair F1 0.840 -> 0.889 (0.5..1.0: 0.860, one more false join); 0 leaves
# skeletons out.
NAME_WEIGHT = 0.3
# Title words are also compared by their consonant skeletons (``names.py``), as terms with
# their own idf: a name transliterated two ways (سكريبل / سكريبال, ترمب / ترامب) is two stems but
# one skeleton. On the labelled stream 2.0 lifts overall pair F1 0.857 -> 0.865 and the second
# round 0.745 -> 0.765 (1.0: no change, 3.0: lower at a higher join threshold). 0 leaves them out.
SKELETON_WEIGHT = 2.0
SKELETON_PREFIX = "s:"
# Terms kept per story centroid: enough for the event's vocabulary, bounded for memory.
MAX_STORY_TERMS = 300


def article_evidence_weights(features: ArticleFeatures) -> dict[str, float]:
    """Language-independent evidence as weighted items: canonical entities and strong numbers.

    Kept apart from the words so that an English and an Arabic report, which share no word,
    are compared on what they do share; idf (over the window) makes a shared ``country:US`` or
    ``10`` count for little and a shared ``person:...`` or ``1541`` for much.
    """
    # Interned: the window keeps these strings in stories, posting lists and document
    # frequencies; one object per item, not one per article that carries it.
    weights = {
        intern(f"e:{e}"): PLACE_WEIGHT if e.startswith(BROAD_PLACES) else 1.0
        for e in features.entities
    }
    for number in features.numbers:
        weights[intern(f"n:{number}")] = NUMBER_WEIGHT
    if NAME_WEIGHT:
        for key in name_keys(features.title, features.language, features.entities):
            weights.setdefault(intern(key), NAME_WEIGHT)
    return weights


def article_term_weights(features: ArticleFeatures) -> dict[str, float]:
    """Raw term weights of one article: sublinear body counts plus weighted title terms, and
    the skeletons of the title's words (``SKELETON_WEIGHT``)."""
    counts = Counter(features.body_terms)
    weights = {t: BODY_WEIGHT * (1.0 + math.log(c)) for t, c in counts.items()}
    for term in (*features.title_terms, *features.translated_title_terms):
        weights[term] = weights.get(term, 0.0) + TITLE_WEIGHT
    if SKELETON_WEIGHT:
        for key in title_skeletons(features.title, features.language):
            weights[intern(SKELETON_PREFIX + key)] = SKELETON_WEIGHT
    return weights


@dataclass(frozen=True, slots=True)
class Member:
    """One article of a story's timeline. No title: the story's page reads its articles from
    the store, and a window of 100,000 held theirs for nothing (about 200 bytes each)."""

    key: str
    published: float
    language: str
    source: str | None = None
    duplicate_of: str | None = None
    translation_of: str | None = None


@dataclass(frozen=True)
class StoryView:
    """What the lead stores in a ``stories`` row (and shows): a snapshot, not live state."""

    key: str
    title_ar: str | None
    title: str | None
    countries: tuple[str, ...]
    regions: tuple[str, ...]
    first_seen: float
    last_seen: float
    article_count: int
    source_count: int
    languages: tuple[str, ...]
    timeline: tuple[Member, ...]


_MEMBER_ROW = attrgetter("key", "published", "language", "source", "duplicate_of", "translation_of")


def _unpack_set(packed: Any) -> set[str]:
    return set(unpack_strings(packed))


# A story's big containers, as a snapshot keeps them (``StoryState.__getstate__``), how each
# is checked when the snapshot is read and how it is read back when first used.
_PACKED: dict[str, tuple[Callable[[Any], Any], Callable[[Any], object], Callable[[Any], Any]]] = {
    "terms": (pack_weights, check_weights, unpack_weights),
    "evidence": (pack_weights, check_weights, unpack_weights),
    "indexed": (pack_strings, check_strings, _unpack_set),
}
# The rest of a story's fields, pickled as they are.
_PLAIN = (
    "key",
    "first_seen",
    "last_seen",
    "primary_count",
    "languages",
    "countries",
    "regions",
    "sources",
    "aliases",
    "queued",
    "norm",
    "norm_sq",
    "best_title_ar",
    "best_title_terms",
    "any_title",
)


@dataclass
class StoryState:
    key: str
    first_seen: float
    last_seen: float
    terms: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, float] = field(default_factory=dict)  # item -> primary members with it
    primary_count: int = 0  # members that are not copies
    languages: Counter[str] = field(default_factory=Counter)  # of the primary members
    countries: Counter[str] = field(default_factory=Counter)
    regions: Counter[str] = field(default_factory=Counter)
    members: list[Member] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    indexed: set[str] = field(default_factory=set)  # posting-list items pointing here
    aliases: list[str] = field(default_factory=list)  # keys of stories merged into this one
    queued: bool = False  # has an entry in the clusterer's expiry heap
    norm: float = 0.0  # cached idf-weighted norm of ``terms``
    norm_sq: float = 0.0
    best_title_ar: str | None = None
    best_title_terms: tuple[str, ...] = ()
    any_title: str | None = None

    # -- snapshot ---------------------------------------------------------------------------
    # A window holds thousands of stories of hundreds of terms each; a snapshot keeps each
    # story's terms, evidence and posting items as a few packed strings (``packed.py``). A
    # story saved or read back keeps them packed (dropping its dicts) and unpacks them only
    # when first asked for them: most stories of a window take no new member before they
    # expire, so the next save finds them packed already, and a packed story is smaller.
    def __getstate__(self) -> tuple[Any, ...]:
        mine = self.__dict__
        lazy = mine.get("_lazy", {})
        packed = {
            name: pack(mine[name]) if name in mine else lazy[name]
            for name, (pack, _, _) in _PACKED.items()
        }
        for name in _PACKED:
            mine.pop(name, None)
        mine["_lazy"] = dict(packed)
        members = list(map(_MEMBER_ROW, self.members))
        return tuple(getattr(self, name) for name in _PLAIN), packed, members

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        plain, packed, members = state
        if len(plain) != len(_PLAIN) or set(packed) != set(_PACKED):
            raise ValueError("not a story's packed state")
        for name, (_, check, _) in _PACKED.items():
            check(packed[name])  # a damaged snapshot fails here, not at the story's next use
        vars(self).update(zip(_PLAIN, plain, strict=True))
        self.members = list(starmap(Member, members))
        self.__dict__["_lazy"] = dict(packed)

    if not TYPE_CHECKING:  # mypy keeps checking the fields themselves

        def __getattr__(self, name: str) -> Any:
            # Called only for a field not set: one still packed since the snapshot.
            lazy = self.__dict__.get("_lazy")
            if lazy is None or name not in lazy:
                raise AttributeError(name)
            value = _PACKED[name][2](lazy.pop(name))
            setattr(self, name, value)
            return value

    def add(
        self,
        features: ArticleFeatures,
        weights: dict[str, float],
        evidence: dict[str, float],
        primary: bool,
    ) -> None:
        """Add a member; copies (``primary`` False) join the timeline but not the centroid."""
        self.first_seen = min(self.first_seen, features.published)
        self.last_seen = max(self.last_seen, features.published)
        if features.source:
            self.sources.add(features.source)
        if not primary:
            return
        for term, weight in weights.items():
            self.terms[term] = self.terms.get(term, 0.0) + weight
        if len(self.terms) > MAX_STORY_TERMS * 2:
            # Heaviest first, ties in their order (a stable sort on a C key).
            kept = sorted(self.terms.items(), key=itemgetter(1), reverse=True)[:MAX_STORY_TERMS]
            self.terms = dict(kept)
        self.primary_count += 1
        self.languages[features.language] += 1
        for item in evidence:
            self.evidence[item] = self.evidence.get(item, 0.0) + 1.0
        self.countries.update(dict.fromkeys(features.countries, 1))
        self.regions.update(dict.fromkeys(features.regions, 1))
        self._consider_title(features)

    def _title_weight(self, terms: tuple[str, ...]) -> float:
        if not terms:
            return 0.0
        return sum(self.terms.get(t, 0.0) for t in terms) / math.sqrt(len(terms))

    def _consider_title(self, features: ArticleFeatures) -> None:
        """Keep the Arabic title most central to the story (or a translated one)."""
        if features.language == "ar" and features.title:
            title, terms = features.title, features.title_terms
        elif features.translated_title:
            title, terms = features.translated_title, features.translated_title_terms
        else:
            title, terms = None, ()
        if self.any_title is None and features.title:
            self.any_title = features.title
        if title is None:
            return
        if self.best_title_ar is None or self._title_weight(terms) > self._title_weight(
            self.best_title_terms
        ):
            self.best_title_ar, self.best_title_terms = title, terms

    def absorb(self, other: StoryState) -> None:
        """Merge ``other`` into this story (counts add, timelines join)."""
        self.first_seen = min(self.first_seen, other.first_seen)
        self.last_seen = max(self.last_seen, other.last_seen)
        for term, weight in other.terms.items():
            self.terms[term] = self.terms.get(term, 0.0) + weight
        for item, count in other.evidence.items():
            self.evidence[item] = self.evidence.get(item, 0.0) + count
        self.primary_count += other.primary_count
        self.languages.update(other.languages)
        self.countries.update(other.countries)
        self.regions.update(other.regions)
        self.members.extend(other.members)
        self.members.sort(key=lambda m: (m.published, m.key))
        self.sources |= other.sources
        if other.best_title_ar is not None and (
            self.best_title_ar is None
            or self._title_weight(other.best_title_terms)
            > self._title_weight(self.best_title_terms)
        ):
            self.best_title_ar, self.best_title_terms = other.best_title_ar, other.best_title_terms
        self.any_title = self.any_title or other.any_title

    def view(self, *, members: bool = True) -> StoryView:
        """The story as stored and shown; ``members`` False leaves its languages and timeline
        empty (the fields of its ``stories`` row, at a cost that does not grow with it)."""
        ranked_countries = tuple(c for c, _ in self.countries.most_common(5))
        ranked_regions = tuple(r for r, _ in self.regions.most_common(3))
        if not members:
            return StoryView(
                key=self.key,
                title_ar=self.best_title_ar,
                title=self.any_title,
                countries=ranked_countries,
                regions=ranked_regions,
                first_seen=self.first_seen,
                last_seen=self.last_seen,
                article_count=len(self.members),
                source_count=len(self.sources),
                languages=(),
                timeline=(),
            )
        return StoryView(
            key=self.key,
            title_ar=self.best_title_ar,
            title=self.any_title,
            countries=ranked_countries,
            regions=ranked_regions,
            first_seen=self.first_seen,
            last_seen=self.last_seen,
            article_count=len(self.members),
            source_count=len(self.sources),
            languages=tuple(sorted({m.language for m in self.members})),
            timeline=tuple(self.members),
        )


def story_fields(view: StoryView) -> dict[str, Any]:
    """The ``stories`` row fields of a view, for ``Store.create_story`` / ``update_story``."""
    return {
        "title_ar": view.title_ar,
        "title": view.title,
        "first_seen": datetime.fromtimestamp(view.first_seen, tz=UTC),
        "last_seen": datetime.fromtimestamp(view.last_seen, tz=UTC),
        "article_count": view.article_count,
        "source_count": view.source_count,
        "countries": list(view.countries),
        "regions": list(view.regions),
    }


__all__ = [
    "Member",
    "StoryState",
    "StoryView",
    "article_evidence_weights",
    "article_term_weights",
    "story_fields",
]
