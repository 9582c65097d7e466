"""Percolation: which follows and saved searches a changed story concerns, without running every
saved search on every story.

Follows of a country, region, entity, source or story are dictionaries keyed by their exact
target. A saved search is compiled once with the search's own parser and analyser
(``marsad.search.query``, ``marsad.search.plan``: same normalisation and stemming, same entity
alternatives) into clauses of alternatives plus filters, and posted under ONE of its required
key sets: the clause (or filter) whose keys are rarest. Every alternative of that clause holds
its key, so a story that has none of them cannot match and is never looked at; a story that
has one is verified exactly (``CompiledSearch.matches``), the way the search's index would
answer ``match=all`` for the story's newest article (see ``MatchDoc``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from marsad.alerts.model import MatchDoc, StoryEvent
from marsad.errors import QueryError
from marsad.search import plan as p
from marsad.search.places import region_countries, resolve_country, resolve_region
from marsad.search.query import parse_query
from marsad.search.terms import ENTITY_TERM_PREFIX, document_terms
from marsad.text import analyze

# Keys of filters share the posting dictionary with terms; a NUL cannot be in a term.
COUNTRY_KEY, SOURCE_KEY, LANG_KEY, STORY_KEY = "\x00c:", "\x00s:", "\x00l:", "\x00story:"
# Cost (a guess at the share of stories holding the key, x1000) when no frequencies are given:
# a story number is one story; an entity or a source a few; a country a few percent; a
# language half of everything. A word's cost falls with its length (long words are rarer).
_COST = {STORY_KEY: 0.01, SOURCE_KEY: 5.0, COUNTRY_KEY: 20.0, LANG_KEY: 500.0}
_ENTITY_COST = 2.0

Names = Callable[[set[str]], Mapping[str, tuple[str, ...]]]
Sources = Callable[[tuple[str, ...]], list[int]]


def _no_names(keys: set[str]) -> Mapping[str, tuple[str, ...]]:
    return {}


def _has_phrase(terms: tuple[str, ...], alt: p.Alt) -> bool:
    n = len(alt)
    first = alt[0]
    return any(term == first and terms[i : i + n] == alt for i, term in enumerate(terms))


@dataclass(frozen=True)
class _DocView:
    """A ``MatchDoc`` with its term sets built once for all the searches verified on it."""

    doc: MatchDoc
    terms: frozenset[str]

    @classmethod
    def of(cls, doc: MatchDoc) -> _DocView:
        return cls(doc, frozenset(doc.title) | frozenset(doc.body) | frozenset(doc.names))

    def has(self, alt: p.Alt) -> bool:
        if len(alt) == 1:
            return alt[0] in self.terms
        if not all(t in self.terms for t in alt):
            return False
        # A phrase matches within one field (FTS5 columns; gaps between fields in the tsvector).
        return _has_phrase(self.doc.title, alt) or _has_phrase(self.doc.body, alt)


@dataclass(frozen=True)
class CompiledSearch:
    """A saved search as data: ``clauses`` all required (each any of its alternatives),
    ``excluded`` none present, and the filters."""

    query: str
    clauses: tuple[p.Clause, ...]
    excluded: tuple[p.Alt, ...]
    country_sets: tuple[frozenset[str], ...] = ()
    source_ids: frozenset[int] | None = None  # None: no source filter
    languages: frozenset[str] = frozenset()
    date_from: datetime | None = None
    date_to: datetime | None = None
    stories: frozenset[int] = frozenset()

    def matches(self, doc: MatchDoc) -> bool:
        """Exactly what ``search(query, match="all")`` answers for this one article."""
        return self._matches(_DocView.of(doc))

    def _matches(self, view: _DocView) -> bool:
        doc = view.doc
        if not doc.indexed:
            return False
        if any(not (codes & doc.countries) for codes in self.country_sets):
            return False
        if self.source_ids is not None and doc.source_id not in self.source_ids:
            return False
        if self.languages and doc.language not in self.languages:
            return False
        if self.date_from is not None and (
            doc.published_at is None or doc.published_at < self.date_from
        ):
            return False
        if self.date_to is not None and (
            doc.published_at is None or doc.published_at >= self.date_to
        ):
            return False
        if self.stories and doc.story_id not in self.stories:
            return False
        if not all(any(view.has(a) for a in clause) for clause in self.clauses):
            return False
        return not any(view.has(a) for a in self.excluded)

    def key_sets(self) -> list[frozenset[str]]:
        """Sets of keys of which a matching story holds at least one (one set per clause and
        per filter); empty when nothing is required (dates or exclusions alone)."""
        sets: list[frozenset[str]] = []
        for clause in self.clauses:
            sets.append(frozenset(_rarest(a) for a in clause))
        for codes in self.country_sets:
            sets.append(frozenset(COUNTRY_KEY + c for c in codes))
        if self.source_ids is not None:
            sets.append(frozenset(SOURCE_KEY + str(i) for i in self.source_ids))
        if self.languages:
            sets.append(frozenset(LANG_KEY + lang for lang in self.languages))
        if self.stories:
            sets.append(frozenset(STORY_KEY + str(i) for i in self.stories))
        return sets


def key_cost(key: str, frequencies: Mapping[str, float] | None = None) -> float:
    """How many stories in a thousand are guessed to hold ``key`` (lower = rarer)."""
    if frequencies is not None and key in frequencies:
        return frequencies[key]
    if key.startswith("\x00"):
        prefix = key[: key.index(":") + 1]
        return _COST.get(prefix, 100.0)
    if key.startswith(ENTITY_TERM_PREFIX):
        return _ENTITY_COST
    return 200.0 / max(1, len(key))


def _rarest(alt: p.Alt, frequencies: Mapping[str, float] | None = None) -> str:
    # Every term of a phrase is required; the rarest one stands for it.
    return min(alt, key=lambda t: (key_cost(t, frequencies), t))


def compile_search(
    query: str, *, names: Names = _no_names, sources: Sources | None = None
) -> CompiledSearch | None:
    """The saved search ``query`` compiled; None when it can match nothing (a query with
    nothing to search for, an unknown country or region, a source that does not exist).

    ``names`` looks up analysed keys in the search index's entity names (the search does the
    same, so "بوتين" also matches articles tagged Putin); ``sources`` resolves ``source:``
    values to ids as the search does (None: every source: filter matches nothing).
    """
    try:
        parsed = parse_query(query)
    except QueryError:
        return None
    clauses, excluded = p.analyse_terms(parsed, analyze)
    filters = parsed.filters
    if not clauses and filters.is_empty():
        return None  # the search refuses it too (QueryError)
    countries: set[str] = set()
    for value in filters.countries:
        code = resolve_country(value)
        if code is None:
            return None
        countries.add(code)
    regions: set[str] = set()
    for value in filters.regions:
        region = resolve_region(value)
        if region is None:
            return None
        regions.add(region)
    country_sets = tuple(
        frozenset(s) for s in (countries, set().union(*(region_countries(r) for r in regions))) if s
    )
    source_ids: frozenset[int] | None = None
    if filters.sources:
        source_ids = frozenset(sources(filters.sources) if sources else ())
        if not source_ids:
            return None
    plan = p.build_plan(clauses, excluded, names(p.name_keys(clauses)))
    return CompiledSearch(
        query=query,
        clauses=plan.clauses,
        excluded=plan.excluded,
        country_sets=country_sets,
        source_ids=source_ids,
        languages=frozenset(filters.languages),
        date_from=filters.date_from,
        date_to=filters.date_to,
        stories=frozenset(filters.stories),
    )


def name_keys_of(query: str) -> set[str]:
    """The keys ``compile_search`` will look up in the entity names (to fetch them at once
    for many saved searches)."""
    try:
        parsed = parse_query(query)
    except QueryError:
        return set()
    clauses, _ = p.analyse_terms(parsed, analyze)
    return p.name_keys(clauses)


def match_doc(
    *,
    article_id: int,
    title: str | None,
    body: str | None,
    language: str | None,
    entity_ids: Iterable[str],
    countries: Iterable[str],
    source_id: int | None,
    published_at: datetime | None,
    story_id: int | None,
    indexed: bool = True,
) -> MatchDoc:
    """An article analysed as the search index analyses it (``document_terms``)."""
    terms = document_terms(article_id, title, body, language, tuple(sorted(set(entity_ids))))
    return MatchDoc(
        article_id=article_id,
        title=terms.title,
        body=terms.body,
        names=terms.names,
        language=language,
        countries=frozenset(countries),
        source_id=source_id,
        published_at=published_at,
        story_id=story_id,
        indexed=indexed,
    )


def doc_keys(doc: MatchDoc) -> set[str]:
    """Every posting key a document holds: its terms and its filter values."""
    keys = set(doc.title)
    keys.update(doc.body)
    keys.update(doc.names)
    keys.update(COUNTRY_KEY + c for c in doc.countries)
    if doc.source_id is not None:
        keys.add(SOURCE_KEY + str(doc.source_id))
    if doc.language:
        keys.add(LANG_KEY + doc.language)
    if doc.story_id is not None:
        keys.add(STORY_KEY + str(doc.story_id))
    return keys


@dataclass
class SubscriptionIndex:
    """Follows (by id) indexed for percolation: exact-target dictionaries for country,
    region, entity, source and story follows; posting lists of compiled saved searches."""

    frequencies: Mapping[str, float] | None = None
    by_country: dict[str, set[int]] = field(default_factory=dict)
    by_region: dict[str, set[int]] = field(default_factory=dict)
    by_entity: dict[str, set[int]] = field(default_factory=dict)
    by_source: dict[int, set[int]] = field(default_factory=dict)
    by_story: dict[int, set[int]] = field(default_factory=dict)
    # One compiled search per distinct query (many readers save the same one), its follows,
    # and the posting lists of query numbers.
    searches: list[CompiledSearch] = field(default_factory=list)
    search_follows: list[set[int]] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=dict)
    unkeyed: list[int] = field(default_factory=list)
    _query_number: dict[str, int] = field(default_factory=dict)

    def add(
        self,
        follow_id: int,
        kind: str,
        target: str,
        *,
        names: Names = _no_names,
        sources: Sources | None = None,
    ) -> bool:
        """Index one follow; False when it can match nothing (a bad saved search, an unknown
        region) and was left out."""
        target = target.strip()
        if kind == "country":
            code = resolve_country(target)
            if code is None:
                return False
            self.by_country.setdefault(code, set()).add(follow_id)
        elif kind == "region":
            region = resolve_region(target)
            if region is None:
                return False
            self.by_region.setdefault(region, set()).add(follow_id)
        elif kind == "entity":
            self.by_entity.setdefault(target, set()).add(follow_id)
        elif kind in ("source", "story"):
            if not target.isdigit():
                return False
            table = self.by_source if kind == "source" else self.by_story
            table.setdefault(int(target), set()).add(follow_id)
        elif kind == "search":
            return self._add_search(follow_id, target, names, sources)
        else:
            return False
        return True

    def _add_search(
        self, follow_id: int, query: str, names: Names, sources: Sources | None
    ) -> bool:
        number = self._query_number.get(query)
        if number is None:
            compiled = compile_search(query, names=names, sources=sources)
            if compiled is None:
                return False
            number = len(self.searches)
            self._query_number[query] = number
            self.searches.append(compiled)
            self.search_follows.append(set())
            sets = [
                frozenset(_rarest(a, self.frequencies) for a in clause)
                for clause in compiled.clauses
            ] + compiled.key_sets()[len(compiled.clauses) :]
            if sets:
                best = min(
                    sets, key=lambda s: (sum(key_cost(k, self.frequencies) for k in s), sorted(s))
                )
                for key in best:
                    self.postings.setdefault(key, []).append(number)
            else:
                self.unkeyed.append(number)
        self.search_follows[number].add(follow_id)
        return True

    def match(self, event: StoryEvent) -> set[int]:
        """The ids of the follows ``event`` concerns."""
        found: set[int] = set()
        for code in event.countries:
            found |= self.by_country.get(code, set())
        for region in event.regions:
            found |= self.by_region.get(region, set())
        for entity in event.entity_ids:
            found |= self.by_entity.get(entity, set())
        for source in event.source_ids:
            found |= self.by_source.get(source, set())
        found |= self.by_story.get(event.story_id, set())
        for number in self.matching_searches(event.doc):
            found |= self.search_follows[number]
        return found

    def matching_searches(self, doc: MatchDoc) -> list[int]:
        """Numbers of the compiled searches ``doc`` matches: candidates from the postings,
        each verified exactly."""
        if not doc.indexed or not self.searches:
            return []
        candidates = set(self.unkeyed)
        postings = self.postings
        for key in doc_keys(doc):
            hit = postings.get(key)
            if hit is not None:
                candidates.update(hit)
        if not candidates:
            return []
        view = _DocView.of(doc)
        return sorted(n for n in candidates if self.searches[n]._matches(view))


__all__ = [
    "CompiledSearch",
    "SubscriptionIndex",
    "compile_search",
    "doc_keys",
    "key_cost",
    "match_doc",
    "name_keys_of",
]
