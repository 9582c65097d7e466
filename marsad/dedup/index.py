"""Exact and near-duplicate detection on a stream: an incremental, expiring MinHash LSH index.

``DuplicateIndex.add(features)`` answers "is this a copy of an article already in the window?"
and then remembers the article. Exact copies are found by canonical URL or normalised-text hash;
near copies and republished copies by LSH over MinHash signatures, verified on the full signature.
The original is the earliest article of a group: a copy points to the group's original, never to
another copy. The state is only the articles' signatures, so ``insert`` (no checks) rebuilds it
after a restart from the ``article_signatures`` rows.
"""

from __future__ import annotations

import heapq
import logging
import struct
from dataclasses import dataclass

from marsad.dedup.features import ArticleFeatures
from marsad.dedup.minhash import band_keys, estimated_jaccard

log = logging.getLogger(__name__)

# Calibrated on ANT with word-bigram MinHash of 150-word leads (bench/dedup/run.py): edited
# re-crawls of one URL (same_url_text_differs) have Jaccard >= 0.48, random ANT pairs < 0.05,
# and the unrelated same-day CNN pages that share "related articles" tails reach 0.30-0.44.
DEFAULT_THRESHOLD = 0.4
# A band shared by more articles than this is boilerplate (a cookie notice, an agency footer);
# it is not used to find candidates, so one hot band cannot make every query quadratic.
MAX_BUCKET = 64
# Containment (a copy under a wrapper, or cut short): the share of the shorter text's sentences
# (``features.sentence_hashes``) that the other has word for word, and how many at least.
# Calibrated with ``python -m bench.dedup.containment`` on the ANT duplicate groups with added
# wrappers and on random ANT pairs (figures there).
MIN_CONTAINMENT = 0.6
MIN_SHARED_SENTENCES = 3
SAMPLED_SENTENCES = 6
MAX_CONTAINMENT = 20  # candidates verified per article
HOT_SENTENCE = 8  # a sampled sentence in this many articles is boilerplate


@dataclass(frozen=True)
class DuplicateMatch:
    """Why ``key`` is a copy: ``kind`` is ``url``, ``text`` (same normalised text) or ``near``."""

    key: str
    original_key: str
    kind: str
    similarity: float
    # Share of the shorter text's sentences found word for word in the other (``near`` copies
    # found under a wrapper); None when the signatures alone decided.
    containment: float | None = None

    def evidence(self) -> dict[str, object]:
        """Why this is a copy, JSON-ready (``articles.duplicate_evidence``)."""
        out: dict[str, object] = {"method": self.kind, "similarity": self.similarity}
        if self.containment is not None:
            out.update(method="containment", containment=self.containment)
        return out


@dataclass(slots=True)
class _Entry:
    published: float
    signature: bytes
    text_hash: str | None
    url: str | None
    original: str | None  # the key of the original when this entry is a copy
    sentences: bytes = b""


def _unpack(sentences: bytes) -> tuple[int, ...]:
    count = len(sentences) // 4
    return struct.unpack(f"<{count}I", sentences[: count * 4])


def _sampled(sentences: bytes) -> list[int]:
    return sorted(set(_unpack(sentences)))[:SAMPLED_SENTENCES]


class DuplicateIndex:
    """Articles of the window by URL, text hash and LSH band; see the module docstring."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self._entries: dict[str, _Entry] = {}
        self._by_url: dict[str, str] = {}
        self._by_hash: dict[str, str] = {}
        self._bands: dict[int, str | list[str]] = {}
        # A few sentences of each article (the ``SAMPLED_SENTENCES`` smallest hashes: chosen by
        # content, so a wrapper added around a text leaves most of them in place).
        self._by_sentence: dict[int, str | list[str]] = {}
        self._expiry: list[tuple[float, str]] = []  # min-heap of (published, key)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def original_of(self, key: str) -> str:
        """The original of ``key``'s group (``key`` itself when it is no copy or is unknown)."""
        entry = self._entries.get(key)
        return entry.original if entry is not None and entry.original else key

    def find(self, features: ArticleFeatures) -> DuplicateMatch | None:
        """The best earlier copy of ``features`` in the index, or None (the index is unchanged)."""
        if features.url and features.url in self._by_url:
            return self._match(features.key, self._by_url[features.url], "url", 1.0)
        if features.text_hash and features.text_hash in self._by_hash:
            return self._match(features.key, self._by_hash[features.text_hash], "text", 1.0)
        if not features.signature:
            return self._contained(features)
        # Equal similarities go to the earliest article, then the smallest key: the candidates
        # are a set, whose order changes with PYTHONHASHSEED, so without this two processes (a
        # crawl killed and rerun, a second holder) could pick different originals.
        best: tuple[float, float, str] | None = None
        for candidate in self._candidates(features.signature):
            if candidate == features.key:
                continue
            entry = self._entries[candidate]
            sim = estimated_jaccard(features.signature, entry.signature)
            if sim < self.threshold:
                continue
            rank = (-sim, entry.published, candidate)
            if best is None or rank < best:
                best = rank
        if best is not None:
            return self._match(features.key, best[2], "near", -best[0])
        return self._contained(features)

    def _contained(self, features: ArticleFeatures) -> DuplicateMatch | None:
        """A copy under a wrapper (a site header, an intro, a "read also" block, a footer) or
        cut short: most of the shorter text's sentences are in the other, word for word."""
        mine = _unpack(features.sentences)
        if len(set(mine)) < 2:
            return None  # one sentence in common is a coincidence or a boilerplate line
        counts: dict[str, int] = {}
        hot: set[int] = set()
        for h in set(mine):
            bucket = self._by_sentence.get(h)
            if bucket is None:
                continue
            if isinstance(bucket, list) and len(bucket) >= HOT_SENTENCE:
                hot.add(h)  # an outlet's boilerplate (a footer, a disclaimer): no evidence
                continue
            for key in (bucket,) if isinstance(bucket, str) else bucket:
                if key != features.key:
                    counts[key] = counts.get(key, 0) + 1
        best: tuple[float, int, str] | None = None
        mine_set = set(mine)
        for key, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_CONTAINMENT]:
            theirs = set(_unpack(self._entries[key].sentences))
            shared = len((mine_set & theirs) - hot)
            shorter = min(len(mine_set), len(theirs))
            share = shared / shorter
            # A short text (two sentences) is contained when both are there.
            enough = shared >= min(MIN_SHARED_SENTENCES, max(2, shorter))
            if enough and share >= MIN_CONTAINMENT and (best is None or (share, shared) > best[:2]):
                best = (share, shared, key)
        if best is None:
            return None
        share, _, key = best
        sim = estimated_jaccard(features.signature, self._entries[key].signature)
        match = self._match(features.key, key, "near", sim)
        return DuplicateMatch(match.key, match.original_key, "near", sim, round(share, 4))

    def add(self, features: ArticleFeatures) -> DuplicateMatch | None:
        """``find`` then remember the article (as a copy when it is one)."""
        match = self.find(features)
        self.insert(features, match.original_key if match else None)
        return match

    def insert(self, features: ArticleFeatures, original_key: str | None = None) -> None:
        """Remember an article without checking it (restoring stored state)."""
        key = features.key
        if key in self._entries:
            self.remove(key)
        self._entries[key] = _Entry(
            published=features.published,
            signature=features.signature,
            text_hash=features.text_hash,
            url=features.url,
            original=original_key if original_key != key else None,
            sentences=features.sentences,
        )
        for h in _sampled(features.sentences):
            bucket = self._by_sentence.get(h)
            if bucket is None:
                self._by_sentence[h] = key
            elif isinstance(bucket, str):
                if bucket != key:
                    self._by_sentence[h] = [bucket, key]
            elif len(bucket) < MAX_BUCKET and key not in bucket:
                bucket.append(key)
        if features.url:
            self._by_url.setdefault(features.url, key)
        if features.text_hash:
            self._by_hash.setdefault(features.text_hash, key)
        for band in band_keys(features.signature):
            bucket = self._bands.get(band)
            if bucket is None:
                self._bands[band] = key
            elif isinstance(bucket, str):
                self._bands[band] = [bucket, key]
            elif len(bucket) < MAX_BUCKET + 1:
                bucket.append(key)
        heapq.heappush(self._expiry, (features.published, key))

    def remove(self, key: str) -> None:
        """Forget one article (its copies keep pointing to it as their original)."""
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        if entry.url and self._by_url.get(entry.url) == key:
            del self._by_url[entry.url]
        if entry.text_hash and self._by_hash.get(entry.text_hash) == key:
            del self._by_hash[entry.text_hash]
        for h in _sampled(entry.sentences):
            found = self._by_sentence.get(h)
            if found == key:
                del self._by_sentence[h]
            elif isinstance(found, list) and key in found:
                found.remove(key)
        for band in band_keys(entry.signature):
            bucket = self._bands.get(band)
            if bucket == key:
                del self._bands[band]
            elif isinstance(bucket, list) and key in bucket:
                bucket.remove(key)
                if len(bucket) == 1:
                    self._bands[band] = bucket[0]

    def expire(self, before: float) -> list[str]:
        """Forget articles published before ``before`` (POSIX seconds); returns their keys."""
        gone: list[str] = []
        while self._expiry and self._expiry[0][0] < before:
            published, key = heapq.heappop(self._expiry)
            entry = self._entries.get(key)
            if entry is not None and entry.published == published:
                self.remove(key)
                gone.append(key)
        return gone

    def _candidates(self, signature: bytes) -> set[str]:
        found: set[str] = set()
        for band in band_keys(signature):
            bucket = self._bands.get(band)
            if bucket is None:
                continue
            if isinstance(bucket, str):
                found.add(bucket)
            elif len(bucket) <= MAX_BUCKET:
                found.update(bucket)
        return found

    def _match(self, key: str, found: str, kind: str, similarity: float) -> DuplicateMatch:
        return DuplicateMatch(key, self.original_of(found), kind, round(similarity, 4))


__all__ = ["DEFAULT_THRESHOLD", "DuplicateIndex", "DuplicateMatch"]
