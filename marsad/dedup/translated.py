"""Translated copies: an article in one language that is a translation of one in another.

Without a translation engine the words cannot be compared, but a translation keeps its sentences
in order, their lengths in proportion, and what does not depend on language: names (in another
script, the same consonants), numbers in any digit system, weekdays and months, quotations.
``align.py`` aligns the two texts' sentences on that evidence; an article is "translated from"
another only when the alignment covers most of the shorter text and its anchors and lengths are
far likelier under "translation" than by chance (``Alignment.is_translation``). Never two
articles in the same language: that is a republished copy or another report of the same event.

``TranslationIndex`` finds candidates on a stream through the lead's name skeletons
(``align.link_keys``), canonical entity ids and strong numbers, in other languages within a
short time, and aligns only the few that share the most. A translation that shares none of them
(no number, names the two scripts write apart) is found by its size: the other language's
articles of about as many sentences and characters. Such a pair is linked on a weaker alignment
(``Alignment.is_aligned``) only when it is clearly the best on both sides (``WEAK_MARGIN``).
Every candidate first goes through ``align.could_be_translations``, one array pass for all of
an article's candidates that rules out most of them before any is decoded and aligned.
"""

from __future__ import annotations

import heapq
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from marsad.dedup.align import (
    LENGTH_RATIO,
    MIN_SENTENCES,
    NO_ALIGNMENT,
    Alignment,
    DecodedProfile,
    align,
    align_decoded,
    could_be_translations,
    decode_profile,
    heads_size,
    may_be_translation,
    profile_heads,
)
from marsad.dedup.features import ArticleFeatures
from marsad.dedup.packed import (
    pack_blobs,
    pack_floats,
    pack_postings,
    unpack_blobs,
    unpack_floats,
    unpack_postings,
)

# A translation is published within hours of its original (content farms re-post the wire copy
# the same day); two days leaves room for time zones and late crawls.
DEFAULT_WINDOW_SECONDS = 2 * 86400
# Candidates aligned per article: the ones sharing the most items (each alignment is a small
# dynamic programme, about a millisecond).
MAX_CANDIDATES = 12
# An item that more recent articles carry than this (a year, "country:US", a common word's
# skeleton) finds nothing specific.
MAX_POSTING = 200
# Without an anchor-rich alignment (``Alignment.is_translation``), a pair that aligns sentence
# for sentence (``Alignment.is_aligned``) is linked only when it is each side's clear best among
# the articles of the other language that could be its translation by their size (sentences
# within ``may_be_translation``, characters in comparable units within ``SIZE_SPREAD``) and its
# name candidates: lengths and a few anchors tell a translation from a few same-sized texts, not
# from hundreds. Set on the FLORES-200 dev documents with 1,030 distractors in one window
# (``python -m bench.dedup.translation``); sweep of spread 0.18-0.35, evidence 1-2, margin 1-2:
# 0.3, 1.5 and 2 gave precision 0.979, recall 0.637, without numbers 41/77; evidence 2: 0.989,
# 0.623, 39/77; spread 0.18: 0.969, 0.616, 38/77 (evidence 2: 0.978). The peers' bound did not
# bind on dev (100 and 150 alike); it keeps a thousand copies of one story from being aligned.
SIZE_SPREAD = 0.3  # |log| of the ratio of the two texts' characters in comparable units
SIZE_BUCKET = SIZE_SPREAD  # postings by size this wide: a peer is in the next bucket at most
MAX_SIZE_PEERS = 100  # more same-sized articles than this in the window: no weak link
WEAK_EVIDENCE = 1.5  # the aligned beads' evidence, at least (strong links need 8)
WEAK_MARGIN = 2.0  # over the next best pair, on either side
# Characters of a language per character of English (``align.LENGTH_RATIO``), so sizes compare.
_SCALE = {b: r for (a, b), r in LENGTH_RATIO.items() if a == "en"}


@dataclass(frozen=True)
class TranslationMatch:
    key: str
    original_key: str
    score: float
    alignment: Alignment = field(default=NO_ALIGNMENT, compare=False)

    def evidence(self) -> dict[str, object]:
        """Why this is a translation, JSON-ready (``articles.duplicate_evidence``)."""
        return self.alignment.as_dict()


@dataclass(frozen=True, slots=True)
class _Entry:
    published: float
    language: str
    alignment: bytes
    items: tuple[str, ...]
    heads: bytes  # ``profile_heads``: what the screen reads first
    size: float  # log of the characters in English units (``_size``)

    @property
    def sentences(self) -> int:
        return len(self.heads) // 4  # one 4-byte header per sentence


def _size(language: str, heads: bytes) -> tuple[int, float]:
    """Sentences and the log of the characters (in English units) of a profile, from its
    ``profile_heads`` (``_peers``)."""
    count, chars = heads_size(heads)
    return count, math.log(max(chars / _SCALE.get(language, 1.0), 1.0))


def _size_key(language: str, count: int, size: float) -> tuple[str, int, int]:
    return language, count, int(size / SIZE_BUCKET)


def _items(features: ArticleFeatures) -> tuple[str, ...]:
    return (
        *features.link_keys,
        *("e:" + e for e in features.entities if not e.startswith(("country:", "region:"))),
        *("n:" + n for n in features.numbers),
    )


def translation_alignment(
    a: ArticleFeatures, b: ArticleFeatures, *, window_seconds: float = DEFAULT_WINDOW_SECONDS
) -> Alignment:
    """The sentence alignment of two articles; empty for one language or too far apart."""
    if a.language == b.language or abs(a.published - b.published) > window_seconds:
        return NO_ALIGNMENT
    return align(a.alignment, b.alignment, (a.language, b.language))


def translation_score(
    a: ArticleFeatures, b: ArticleFeatures, *, window_seconds: float = DEFAULT_WINDOW_SECONDS
) -> float:
    """0..1: the aligned share of the shorter text when the alignment says "translation",
    else 0 (always 0 for two articles in one language)."""
    found = translation_alignment(a, b, window_seconds=window_seconds)
    return found.coverage if found.is_translation() else 0.0


class _Side:
    """One article's profile as the alignment reads it, decoded once on first use."""

    __slots__ = ("decoded", "language", "profile")

    def __init__(self, profile: bytes, language: str) -> None:
        self.profile = profile
        self.language = language
        self.decoded: DecodedProfile | None = None

    def align(self, other: _Side) -> Alignment:
        """The alignment with ``other``: asked only of pairs ``could_be_translations`` lets
        through (the others' alignments cannot pass ``Alignment.is_aligned``)."""
        if self.decoded is None:
            self.decoded = decode_profile(self.profile)
        if other.decoded is None:
            other.decoded = decode_profile(other.profile)
        return align_decoded(self.decoded, other.decoded, (self.language, other.language))


class TranslationIndex:
    """Recent articles by name skeleton, entity, number and size, to find translations on a
    stream."""

    def __init__(self, *, window_seconds: float = DEFAULT_WINDOW_SECONDS) -> None:
        self.window_seconds = window_seconds
        self._articles: dict[str, _Entry] = {}
        # Postings per language ("en|kSTNFRD"): a name common in the window's Arabic articles
        # may still be rare among its English ones.
        # One key as a plain string: most items (a name, a number) are in one article, and
        # a set of one is 216 bytes.
        self._postings: dict[str, str | set[str]] = {}
        # And by size: (language, sentences, ``SIZE_BUCKET`` of the characters).
        self._sizes: dict[tuple[str, int, int], set[str]] = {}
        self._languages: Counter[str] = Counter()
        self._expiry: list[tuple[float, str]] = []

    def __len__(self) -> int:
        return len(self._articles)

    def __getstate__(self) -> dict[str, Any]:
        # The entries as columns (``packed.py``): one record each, they were a second of a
        # 100,000-article snapshot each way. Keys and items stay strings (items in their
        # tuples): the pickle writes each string once and refers to it wherever else the
        # window holds it.
        state = dict(vars(self))
        entries = list(self._articles.values())
        state["_articles"] = (
            list(self._articles),
            pack_floats([e.published for e in entries]),
            [e.language for e in entries],
            pack_blobs([e.alignment for e in entries]),
            [e.items for e in entries],
            pack_blobs([e.heads for e in entries]),
            pack_floats([e.size for e in entries]),
        )
        state["_expiry"] = (pack_floats([t for t, _ in self._expiry]), [k for _, k in self._expiry])
        state["_postings"] = pack_postings(self._postings)
        state["_sizes"] = pack_postings(self._sizes)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        keys, published, languages, alignments, items, heads, sizes = state["_articles"]
        columns = (
            unpack_floats(published),
            languages,
            unpack_blobs(alignments),
            items,
            unpack_blobs(heads),
            unpack_floats(sizes),
        )
        state["_articles"] = dict(zip(keys, map(_Entry, *columns), strict=True))
        times, expiring = state["_expiry"]
        state["_expiry"] = list(zip(unpack_floats(times), expiring, strict=True))
        state["_postings"] = unpack_postings(state["_postings"])
        state["_sizes"] = unpack_postings(state["_sizes"])
        vars(self).update(state)

    def _ranked(self, items: tuple[str, ...], languages: list[str]) -> list[str]:
        """Keys of articles in ``languages`` sharing ``items``, by the rarity of what they
        share: a skeleton that half the window's articles carry (a common Arabic word's
        consonants) weighs little."""
        weights: dict[str, float] = {}
        # Sorted: float sums in a set's order (PYTHONHASHSEED) could tip a near tie in ``ranked``.
        for item in sorted({f"{lang}|{i}" for lang in languages for i in items}):
            keys = self._postings.get(item)
            if isinstance(keys, str):
                weights[keys] = weights.get(keys, 0.0) + 1.0
            elif keys is not None and len(keys) <= MAX_POSTING:
                share = 1.0 / len(keys)
                for key in keys:
                    weights[key] = weights.get(key, 0.0) + share
        return [key for key, _ in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))]

    def _candidates(
        self, items: tuple[str, ...], language: str, published: float, languages: list[str]
    ) -> list[str]:
        """The ``MAX_CANDIDATES`` best-ranked articles in ``languages`` within the window."""
        out: list[str] = []
        for key in self._ranked(items, languages):
            if len(out) >= MAX_CANDIDATES:
                break
            other = self._articles[key]
            if other.language == language:
                continue
            if abs(other.published - published) > self.window_seconds:
                continue
            out.append(key)  # ruled out later or not, a candidate takes its place
        return out

    def _peers(
        self, count: int, size: float, published: float, languages: list[str]
    ) -> list[str] | None:
        """Articles in ``languages`` within the window of about the size (``_size``) of the
        translation of an article of ``count`` sentences (``SIZE_SPREAD``), sorted; None when
        there are more than ``MAX_SIZE_PEERS``."""
        if count < MIN_SENTENCES:
            return None
        bucket = int(size / SIZE_BUCKET)
        reach = math.ceil(SIZE_SPREAD / SIZE_BUCKET)
        found: list[str] = []
        for lang in languages:
            for other_count in (count - 1, count, count + 1):
                if not may_be_translation(count, other_count):
                    continue
                for other_bucket in range(bucket - reach, bucket + reach + 1):
                    for key in self._sizes.get((lang, other_count, other_bucket), ()):
                        entry = self._articles[key]
                        if abs(entry.published - published) > self.window_seconds:
                            continue
                        if abs(entry.size - size) <= SIZE_SPREAD:
                            found.append(key)
                            if len(found) > MAX_SIZE_PEERS:
                                return None
        return sorted(found)

    def _screened(self, side: _Side, heads: bytes, keys: list[str]) -> set[str]:
        """Those of ``keys`` that ``could_be_translations`` lets through against ``side``
        (``heads``: its ``profile_heads``)."""
        entries = [self._articles[key] for key in keys]
        passes = could_be_translations(
            side.profile,
            side.language,
            [(e.alignment, e.language) for e in entries],
            [e.heads for e in entries],
            heads,
        )
        return {key for key, ok in zip(keys, passes, strict=True) if ok}

    def find(self, features: ArticleFeatures) -> TranslationMatch | None:
        """The article in another language that this one translates (or that translates it),
        when the alignment says so; the best-aligned one when several do."""
        if not features.alignment:
            return None
        return self._find(features, profile_heads(features.alignment))

    def _find(self, features: ArticleFeatures, heads: bytes) -> TranslationMatch | None:
        others = [lang for lang in self._languages if lang != features.language]
        mine = _Side(features.alignment, features.language)
        sides: dict[str, _Side] = {}
        aligned: dict[str, Alignment] = {}
        best: TranslationMatch | None = None
        candidates = self._candidates(
            _items(features), features.language, features.published, others
        )
        count, size = _size(features.language, heads)
        peers = self._peers(count, size, features.published, others)
        # One screen for the name candidates and the same-sized articles: most fail it, and
        # only the rest are decoded and aligned.
        passing = self._screened(mine, heads, list(dict.fromkeys((*candidates, *(peers or ())))))
        for key in candidates:
            if key not in passing:
                continue  # ``could_be_translation`` would say no: no translation
            found = aligned[key] = mine.align(self._side(key, sides))
            if not found.is_translation():
                continue
            if best is None or found.evidence > best.alignment.evidence:
                best = TranslationMatch(features.key, key, found.coverage, found)
        if best is not None or peers is None:
            return best
        for key in peers:
            if key in passing and key not in aligned:
                aligned[key] = mine.align(self._side(key, sides))
        return self._weak(features, sides, aligned)

    def _side(self, key: str, sides: dict[str, _Side]) -> _Side:
        side = sides.get(key)
        if side is None:
            entry = self._articles[key]
            side = sides[key] = _Side(entry.alignment, entry.language)
        return side

    def _weak(
        self, features: ArticleFeatures, sides: dict[str, _Side], aligned: dict[str, Alignment]
    ) -> TranslationMatch | None:
        """A link on alignment without strong anchors: this article's clear best among the
        other languages' same-sized articles and name candidates (``aligned``), and it theirs
        (see ``WEAK_EVIDENCE``)."""
        scored = sorted(
            ((found.evidence, key) for key, found in aligned.items() if found.is_aligned()),
            key=lambda pair: (-pair[0], pair[1]),
        )
        if not scored or scored[0][0] < WEAK_EVIDENCE:
            return None
        evidence, key = scored[0]
        if len(scored) > 1 and evidence - scored[1][0] < WEAK_MARGIN:
            return None
        # The other side's rivals in this article's language: its name candidates and peers.
        entry = self._articles[key]
        languages = [features.language]
        bare = tuple(item.split("|", 1)[1] for item in entry.items)
        rivals = self._peers(entry.sentences, entry.size, entry.published, languages)
        if rivals is None:
            return None
        rivals += self._candidates(bare, entry.language, entry.published, languages)
        theirs = self._side(key, sides)
        passing = self._screened(theirs, entry.heads, sorted(set(rivals)))
        for rival in sorted(passing):
            found = theirs.align(self._side(rival, sides))
            if found.is_aligned() and found.evidence > evidence - WEAK_MARGIN:
                return None
        found = aligned[key]
        return TranslationMatch(features.key, key, found.coverage, found)

    def add(self, features: ArticleFeatures) -> TranslationMatch | None:
        if not features.alignment:
            return None
        heads = profile_heads(features.alignment)
        match = self._find(features, heads)
        self._insert(features, heads)
        return match

    def insert(self, features: ArticleFeatures) -> None:
        # Only what the alignment reads is kept: the window must stay small.
        if features.alignment:
            self._insert(features, profile_heads(features.alignment))

    def _insert(self, features: ArticleFeatures, heads: bytes) -> None:
        language = features.language
        count, size = _size(language, heads)
        # Interned: each article's items are the keys of shared posting lists, and a string
        # made per article (about 60 bytes each) was most of an entry's size.
        items = tuple(dict.fromkeys(sys.intern(f"{language}|{i}") for i in _items(features)))
        key, postings = features.key, self._postings
        self._articles[key] = _Entry(
            features.published, features.language, features.alignment, items, heads, size
        )
        for item in items:
            keys = postings.get(item)
            if keys is None:
                postings[item] = key
            elif isinstance(keys, str):
                if keys != key:
                    postings[item] = {keys, key}
            else:
                keys.add(key)
        self._sizes.setdefault(_size_key(language, count, size), set()).add(key)
        self._languages[language] += 1
        heapq.heappush(self._expiry, (features.published, key))

    def expire(self, before: float) -> None:
        """Forget articles published before ``before`` (POSIX seconds)."""
        while self._expiry and self._expiry[0][0] < before:
            published, key = heapq.heappop(self._expiry)
            entry = self._articles.get(key)
            if entry is None or entry.published != published:
                continue
            del self._articles[key]
            self._languages[entry.language] -= 1
            if self._languages[entry.language] <= 0:
                del self._languages[entry.language]
            postings = self._postings
            for item in entry.items:
                keys = postings.get(item)
                if isinstance(keys, str):
                    if keys == key:
                        del postings[item]
                elif keys is not None:
                    keys.discard(key)
                    if len(keys) == 1:
                        postings[item] = next(iter(keys))
                    elif not keys:
                        del postings[item]
            size_key = _size_key(entry.language, entry.sentences, entry.size)
            keys = self._sizes.get(size_key)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._sizes[size_key]


__all__ = [
    "TranslationIndex",
    "TranslationMatch",
    "translation_alignment",
    "translation_score",
]
