"""Document frequencies for the clusterer's idf and the rarity of its evidence.

``WindowFrequencies`` counts, for each term and evidence item, the articles that carry it. With a
half-life the counts fade instead of leaving with their articles, so idf remembers weeks while
stories are held for days; a ``DocumentFrequencies`` background (older articles, counted by
``document_frequencies``) can steady a young or sparse window.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from marsad.cluster.story import article_evidence_weights, article_term_weights
from marsad.dedup.features import ArticleFeatures

DAY = 86400.0
RESCALE_EVERY = DAY  # stream time between two rescalings of faded document frequencies
FADED_COUNT = 0.5  # a term whose faded count falls below half an article is forgotten


@dataclass(frozen=True)
class DocumentFrequencies:
    """Document frequencies of terms and evidence items over a corpus of past articles: a
    background for the window's own counts (``document_frequencies`` builds one)."""

    df: Mapping[str, int]
    docs: int


def document_frequencies(features: Iterable[ArticleFeatures]) -> DocumentFrequencies:
    """Count, for each term and evidence item, the articles that carry it."""
    df: Counter[str] = Counter()
    docs = 0
    for f in features:
        df.update({*article_term_weights(f), *article_evidence_weights(f)})
        docs += 1
    return DocumentFrequencies(dict(df), docs)


@dataclass
class WindowFrequencies:
    """Document frequencies of terms and evidence items, for idf and rarity.

    With a half-life, every article's counts fade by half each ``half_life`` seconds instead of
    leaving with the article: idf remembers weeks of articles while stories are held for days,
    and no article's terms need keeping for its expiry. Without one, counts leave with their
    articles (``add(terms, -1)``). Stored counts are in units of an article added at ``_t0``;
    they are rescaled (and the faded ones dropped) once a day of stream time.

    A background (articles from before the stream) counts as ``background_docs`` articles
    spread like the background corpus: it steadies idf and rarity when the window is small (a
    young window, a small deployment, a sparse sample) and fades beside a window of thousands.
    """

    half_life: float = 0.0  # seconds; 0: a hard window
    background: Mapping[str, int] = field(default_factory=dict)
    background_scale: float = 0.0  # pseudo-articles per background article
    background_docs: float = 0.0  # the background's weight in articles
    df: dict[str, float] = field(default_factory=dict)
    docs: float = 0.0
    _t0: float | None = None
    _now: float = 0.0
    _fade: float = 1.0  # what a stored count is worth now

    def advance(self, now: float) -> None:
        """Move the clock (stream time, never backwards)."""
        if now <= self._now:
            return
        self._now = now
        if not self.half_life or self._t0 is None:
            return
        if now - self._t0 >= RESCALE_EVERY:
            self._rescale()
        else:
            self._fade = 0.5 ** ((now - self._t0) / self.half_life)

    def _rescale(self) -> None:
        assert self._t0 is not None
        fade = 0.5 ** ((self._now - self._t0) / self.half_life)
        self.df = {t: c * fade for t, c in self.df.items() if c * fade >= FADED_COUNT}
        self.docs *= fade
        self._t0, self._fade = self._now, 1.0

    def add(self, terms: Iterable[str], sign: int, published: float = 0.0) -> None:
        if self.half_life:
            if sign < 0:
                return  # counts fade instead of leaving
            if self._t0 is None:
                self._t0 = self._now
            # Worth 1 at ``published``, so 2 ** ((published - t0) / half_life) in stored units.
            weight = 0.5 ** ((self._t0 - min(published, self._now)) / self.half_life)
        else:
            weight = sign
        self.docs += weight
        df = self.df
        for term in terms:
            count = df.get(term, 0.0) + weight
            if self.half_life or count > 0.5:
                df[term] = count
            else:
                df.pop(term, None)  # hard window: the last article carrying it left

    def count(self, term: str) -> float:
        """Articles carrying ``term``: the window's plus the background's share."""
        return self.df.get(term, 0.0) * self._fade + self.background_scale * self.background.get(
            term, 0
        )

    @property
    def total(self) -> float:
        return self.docs * self._fade + self.background_docs

    def idf(self, term: str) -> float:
        return math.log((self.total + 1) / (self.count(term) + 1)) + 1.0

    def idfs(self, terms: Iterable[str]) -> dict[str, float]:
        """``idf`` of each term, the same floats, in one pass (the clusterer asks for an
        article's sixty-odd terms several times a decision)."""
        df, fade = self.df.get, self._fade
        background, scale = self.background.get, self.background_scale
        total, log = self.total + 1, math.log
        return {
            t: log(total / (df(t, 0.0) * fade + scale * background(t, 0) + 1)) + 1.0 for t in terms
        }


__all__ = ["DocumentFrequencies", "WindowFrequencies", "document_frequencies"]
