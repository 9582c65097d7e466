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
short time, and aligns only the few that share the most.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field

from marsad.dedup.align import (
    NO_ALIGNMENT,
    Alignment,
    align,
    align_decoded,
    could_be_translation,
    decode_profile,
    may_be_translation,
    profile_sentences,
    sentence_count,
)
from marsad.dedup.features import ArticleFeatures

# A translation is published within hours of its original (content farms re-post the wire copy
# the same day); two days leaves room for time zones and late crawls.
DEFAULT_WINDOW_SECONDS = 2 * 86400
# Candidates aligned per article: the ones sharing the most items (each alignment is a small
# dynamic programme, about a millisecond).
MAX_CANDIDATES = 12
# An item that more recent articles carry than this (a year, "country:US", a common word's
# skeleton) finds nothing specific.
MAX_POSTING = 200


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


class TranslationIndex:
    """Recent articles by name skeleton, entity and number, to find translations on a stream."""

    def __init__(self, *, window_seconds: float = DEFAULT_WINDOW_SECONDS) -> None:
        self.window_seconds = window_seconds
        self._articles: dict[str, _Entry] = {}
        # Postings per language ("en|kSTNFRD"): a name common in the window's Arabic articles
        # may still be rare among its English ones.
        self._postings: dict[str, set[str]] = {}
        self._languages: Counter[str] = Counter()
        self._expiry: list[tuple[float, str]] = []

    def __len__(self) -> int:
        return len(self._articles)

    def find(self, features: ArticleFeatures) -> TranslationMatch | None:
        """The article in another language that this one translates (or that translates it),
        when the alignment says so; the best-aligned one when several do."""
        if not features.alignment:
            return None
        # Candidates ranked by the rarity of what they share: a skeleton that half the window's
        # articles carry (a common Arabic word's consonants) weighs little.
        weights: dict[str, float] = {}
        others = [lang for lang in self._languages if lang != features.language]
        # Sorted: float sums in a set's order (PYTHONHASHSEED) could tip a near tie in ``ranked``.
        for item in sorted({f"{lang}|{i}" for lang in others for i in _items(features)}):
            keys = self._postings.get(item)
            if keys is not None and len(keys) <= MAX_POSTING:
                share = 1.0 / len(keys)
                for key in keys:
                    weights[key] = weights.get(key, 0.0) + share
        best: TranslationMatch | None = None
        ranked = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
        tried = 0
        sentences = sentence_count(features.alignment)
        mine = mine_decoded = None  # read on the first candidate that needs them, once
        for key, _ in ranked:
            if tried >= MAX_CANDIDATES:
                break
            other = self._articles[key]
            if other.language == features.language:
                continue
            if abs(other.published - features.published) > self.window_seconds:
                continue
            tried += 1  # a candidate ruled out below still takes its place among the tried
            if not may_be_translation(sentences, sentence_count(other.alignment)):
                continue  # the counts alone fail ``is_translation``: no programme to run
            if mine is None:
                mine = profile_sentences(features.alignment)
            theirs = profile_sentences(other.alignment)
            languages = (features.language, other.language)
            if not could_be_translation(mine, theirs, languages):
                continue  # no chain of beads that can count is long enough: no translation
            if mine_decoded is None:
                mine_decoded = decode_profile(mine)
            found = align_decoded(mine_decoded, decode_profile(theirs), languages)
            if not found.is_translation():
                continue
            if best is None or found.evidence > best.alignment.evidence:
                best = TranslationMatch(features.key, key, found.coverage, found)
        return best

    def add(self, features: ArticleFeatures) -> TranslationMatch | None:
        match = self.find(features)
        self.insert(features)
        return match

    def insert(self, features: ArticleFeatures) -> None:
        # Only what the alignment reads is kept: the window must stay small.
        if not features.alignment:
            return
        language = features.language
        items = tuple(dict.fromkeys(f"{language}|{i}" for i in _items(features)))
        self._articles[features.key] = _Entry(
            features.published, features.language, features.alignment, items
        )
        for item in items:
            self._postings.setdefault(item, set()).add(features.key)
        self._languages[language] += 1
        heapq.heappush(self._expiry, (features.published, features.key))

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
            for item in entry.items:
                keys = self._postings.get(item)
                if keys is not None:
                    keys.discard(key)
                    if not keys:
                        del self._postings[item]


__all__ = [
    "TranslationIndex",
    "TranslationMatch",
    "translation_alignment",
    "translation_score",
]
