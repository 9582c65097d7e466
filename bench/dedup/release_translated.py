"""The release's translation link (marsad/dedup/translated.py before issue 15), kept as the
baseline that ``bench.dedup.translation`` prints beside today's. Not used by Marsad.

Translated copies: an article in one language that is a translation of one in another.

Without a translation engine the words cannot be compared, but a translation keeps what does not
depend on language: its numbers, its canonical entities and places, in the same order, within a
short time. ``translation_score`` measures that; with an engine, the translated title's terms
(``ArticleFeatures.translated_title_terms``) are compared with the other article's title terms.
``TranslationIndex`` finds candidates on a stream through shared rare numbers and entities.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from marsad.dedup.features import ArticleFeatures

# A translation is published within hours of its original (content farms re-post the wire copy
# the same day); two days leaves room for time zones and late crawls.
DEFAULT_WINDOW_SECONDS = 2 * 86400
# Evidence floors, set on the content-farm sample (an Arabic machine translation of a US wire
# story: 9 shared numbers, the same five people in the same order) and on unrelated same-day
# reports, which share a few numbers (dates, tolls) but not their sequence.
MIN_SHARED_NUMBERS = 3
MIN_ORDER_SIMILARITY = 0.6
MIN_SCORE = 0.6
MIN_TITLE_OVERLAP = 0.5  # share of title terms common to a translated title and the other title
MAX_CANDIDATES = 50
MAX_POSTING = 200


@dataclass(frozen=True)
class TranslationMatch:
    key: str
    original_key: str
    score: float


def _order_similarity(a: Sequence[str], b: Sequence[str]) -> float:
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, list(a), list(b), autojunk=False).ratio()


def _title_overlap(translated: Sequence[str], other: Sequence[str]) -> float:
    if not translated or not other:
        return 0.0
    a, b = set(translated), set(other)
    return len(a & b) / min(len(a), len(b))


def translation_score(
    a: ArticleFeatures, b: ArticleFeatures, *, window_seconds: float = DEFAULT_WINDOW_SECONDS
) -> float:
    """0..1: how strongly the language-independent evidence says one translates the other.

    0 when the languages are equal or the articles are further apart than ``window_seconds``.
    """
    if a.language == b.language or abs(a.published - b.published) > window_seconds:
        return 0.0
    title = max(
        _title_overlap(a.translated_title_terms, b.title_terms),
        _title_overlap(b.translated_title_terms, a.title_terms),
    )
    shared_numbers = len(set(a.numbers) & set(b.numbers))
    numbers = _order_similarity(a.numbers, b.numbers) if shared_numbers >= MIN_SHARED_NUMBERS else 0
    entities = _order_similarity(a.entities, b.entities)
    if a.countries and b.countries and not set(a.countries) & set(b.countries):
        return 0.0  # about different places: never the same text
    facts = numbers if not (a.entities and b.entities) else (numbers + entities) / 2
    if numbers < MIN_ORDER_SIMILARITY:
        facts = 0.0
    if title >= MIN_TITLE_OVERLAP:
        return max(facts, 0.5 + title / 2)
    return facts


class TranslationIndex:
    """Recent articles by strong number and entity, to find translated copies on a stream."""

    def __init__(
        self, *, window_seconds: float = DEFAULT_WINDOW_SECONDS, min_score: float = MIN_SCORE
    ) -> None:
        self.window_seconds = window_seconds
        self.min_score = min_score
        self._articles: dict[str, ArticleFeatures] = {}
        self._postings: dict[str, set[str]] = {}
        self._expiry: list[tuple[float, str]] = []

    def __len__(self) -> int:
        return len(self._articles)

    @staticmethod
    def _evidence(features: ArticleFeatures) -> set[str]:
        return {"n:" + n for n in features.numbers} | {"e:" + e for e in features.entities}

    def find(self, features: ArticleFeatures) -> TranslationMatch | None:
        """The best article in another language this one translates (or is translated by)."""
        counts: dict[str, int] = {}
        for item in self._evidence(features):
            keys = self._postings.get(item)
            # An item most recent articles carry (a year, "country:US") finds nothing specific.
            if keys is None or len(keys) > MAX_POSTING:
                continue
            for key in keys:
                counts[key] = counts.get(key, 0) + 1
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_CANDIDATES]
        best: TranslationMatch | None = None
        for key, shared in ranked:
            if shared < 2:
                break
            other = self._articles[key]
            score = translation_score(features, other, window_seconds=self.window_seconds)
            if score >= self.min_score and (best is None or score > best.score):
                best = TranslationMatch(features.key, key, round(score, 4))
        return best

    def add(self, features: ArticleFeatures) -> TranslationMatch | None:
        match = self.find(features)
        self.insert(features)
        return match

    def insert(self, features: ArticleFeatures) -> None:
        # Only what ``translation_score`` reads is kept: the window must stay small.
        features = replace(features, title="", body_terms=(), signature=b"", url=None)
        self._articles[features.key] = features
        for item in self._evidence(features):
            self._postings.setdefault(item, set()).add(features.key)
        heapq.heappush(self._expiry, (features.published, features.key))

    def expire(self, before: float) -> None:
        """Forget articles published before ``before`` (POSIX seconds)."""
        while self._expiry and self._expiry[0][0] < before:
            published, key = heapq.heappop(self._expiry)
            features = self._articles.get(key)
            if features is None or features.published != published:
                continue
            del self._articles[key]
            for item in self._evidence(features):
                keys = self._postings.get(item)
                if keys is not None:
                    keys.discard(key)
                    if not keys:
                        del self._postings[item]


__all__ = ["TranslationIndex", "TranslationMatch", "translation_score"]
