"""Exact and near-duplicate detection on a stream: an incremental, expiring MinHash LSH index.

``DuplicateIndex.add(features)`` answers "is this a copy of an article already in the window?"
and then remembers the article. Exact copies are found by canonical URL or normalised-text hash;
near copies and republished copies by LSH over MinHash signatures, verified on the full signature,
and by the sentences they share (a copy under another site's header, intro or footer, or cut
short). The original is the earliest article of a group: a copy points to the group's original,
never to another copy. A near copy of an article by the same outlet (same source or site, and
neither differs) is its ``version`` (an update or a corrected re-post), not a republished copy. The state is only the articles' signatures, so ``insert`` (no checks) rebuilds it
after a restart from the ``article_signatures`` rows.
"""

from __future__ import annotations

import heapq
import logging
import struct
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from marsad.dedup.features import ArticleFeatures
from marsad.dedup.minhash import (
    SIGNATURE_BYTES,
    BandTable,
    band_keys,
    estimated_jaccard,
    signature_array,
)
from marsad.dedup.packed import (
    pack_blobs,
    pack_floats,
    pack_ints,
    unpack_blobs,
    unpack_floats,
    unpack_ints,
)

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
# A one-sentence text is contained in another when, besides the sentence, its lead signature
# is within the other's (``_within``): at most this many of the 128 slots above. On 2,000 random
# ANT pairs an unrelated short text had at least 7; one changed word breaks about one slot.
MAX_SLOTS_ABOVE = 2
# One of the contained text's first sentences must be shared (see ``_contained``): in one
# stream of the ANT sample, all three containment matches without it were unrelated CNN pages
# of one day that share their "related articles" teasers (pieces 11-18 of 21, 7-15 of 16).
LEAD_SENTENCES = 3
# The kind of a near copy by the outlet of its original: an update, not a republished copy.
VERSION = "version"
# Host prefixes that name one outlet's site (``www.x``, ``m.x`` and ``x`` are one outlet).
_SITE_PREFIXES = ("www.", "m.", "amp.", "mobile.")


@dataclass(frozen=True)
class DuplicateMatch:
    """Why ``key`` is a copy: ``kind`` is ``url``, ``text`` (same normalised text), ``near``
    (a republished copy: similar lead or contained sentences) or ``version`` (the same outlet
    again: an update or a corrected re-post of its earlier article, found as ``near`` is)."""

    key: str
    original_key: str
    kind: str
    similarity: float
    # Share of the shorter text's sentences found word for word in the other (``near`` copies
    # found under a wrapper); None when the signatures alone decided.
    containment: float | None = None

    def evidence(self) -> dict[str, object]:
        """Why this is a copy, JSON-ready (``articles.duplicate_evidence``)."""
        method = "near" if self.kind == VERSION else self.kind
        out: dict[str, object] = {"method": method, "similarity": self.similarity}
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
    source: str | None = None
    host: str | None = None
    slot: int = -1  # in the LSH ``BandTable``


def _host(url: str | None, *, intern: bool = False) -> str | None:
    """The outlet's host of ``url`` (lower case, without ``www.`` and the like), or None;
    ``intern``: one string for all of a host's entries."""
    if not url:
        return None
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return None
    for prefix in _SITE_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix) :]
            break
    if not host:
        return None
    return sys.intern(host) if intern else host


def _within(short: bytes, long: bytes) -> bool:
    """The short text's lead shingles are (nearly) all among the long text's lead shingles.

    A MinHash slot holds the least hash of a set, so where ``short`` is a subset of ``long`` the
    long one's value is never larger; an unrelated short text breaks that in about
    ``|short| / |long ∪ short|`` of the slots (random ANT pairs: at least 7 of 128).
    """
    if len(short) != SIGNATURE_BYTES or len(long) != SIGNATURE_BYTES:
        return False
    above = np.count_nonzero(signature_array(long) > signature_array(short))
    return int(above) <= MAX_SLOTS_ABOVE


def _same_outlet(entry: _Entry, features: ArticleFeatures) -> bool:
    """One outlet published both: the same source or the same site, and neither differs.

    Different sources on one host are two outlets (a news aggregator's links, or the demo's
    outlets on one local server); one source carrying several sites is an aggregator feed.
    When neither side has a source (pages imported from files), a host alone does not say
    the outlet is the same (one host can serve several outlets): it stays a copy.
    """
    host = _host(features.url)
    sources = features.source is not None and entry.source is not None
    hosts = host is not None and entry.host is not None
    if (sources and features.source != entry.source) or (hosts and host != entry.host):
        return False
    return sources or (hosts and (features.source is not None or entry.source is not None))


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
        self._bands = BandTable()
        # A few sentences of each article (the ``SAMPLED_SENTENCES`` smallest hashes: chosen by
        # content, so a wrapper added around a text leaves most of them in place).
        self._by_sentence: dict[int, str | list[str]] = {}
        self._expiry: list[tuple[float, str]] = []  # min-heap of (published, key)
        # The last signature looked up, its band keys and their buckets: ``add`` looks them
        # up in ``find`` and again to record the article. Cleared by every change.
        self._probe: tuple[bytes, list[int], list[Sequence[str]]] | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def __getstate__(self) -> dict[str, Any]:
        # The entries as columns (``packed.py``), not one record each; the probe is a cache.
        state = dict(vars(self))
        entries = list(self._entries.values())
        state["_entries"] = (
            list(self._entries),
            pack_floats([e.published for e in entries]),
            pack_blobs([e.signature for e in entries]),
            [e.text_hash for e in entries],
            [e.url for e in entries],
            [e.original for e in entries],
            pack_blobs([e.sentences for e in entries]),
            [e.source for e in entries],
            [e.host for e in entries],
            pack_ints([e.slot for e in entries]),
        )
        state["_expiry"] = (pack_floats([t for t, _ in self._expiry]), [k for _, k in self._expiry])
        state["_probe"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        keys, published, signatures, hashes, urls, originals, sentences, sources, hosts, slots = (
            state["_entries"]
        )
        columns = (
            unpack_floats(published),
            unpack_blobs(signatures),
            hashes,
            urls,
            originals,
            unpack_blobs(sentences),
            sources,
            hosts,
            unpack_ints(slots),
        )
        state["_entries"] = dict(zip(keys, map(_Entry, *columns), strict=True))
        times, expiring = state["_expiry"]
        state["_expiry"] = list(zip(unpack_floats(times), expiring, strict=True))
        vars(self).update(state)

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def original_of(self, key: str) -> str:
        """The original of ``key``'s group (``key`` itself when it is no copy or is unknown)."""
        entry = self._entries.get(key)
        return entry.original if entry is not None and entry.original else key

    def find(self, features: ArticleFeatures) -> DuplicateMatch | None:
        """The best earlier copy of ``features`` in the index, or None (the index is unchanged).

        Exact copies first (URL, then normalised text). Then the lead's signature and the
        sentences each name their best candidate; when they name different originals, the one
        that shares more of the text's own sentences wins: an intro, or a wrapper's boilerplate
        on a short text, can make the lead look like another article's, but the sentences of the
        text itself stay where they were. A near copy of the same outlet's article is a
        ``version`` of it.
        """
        if features.url and features.url in self._by_url:
            return self._match(features.key, self._by_url[features.url], "url", 1.0)
        if features.text_hash and features.text_hash in self._by_hash:
            return self._match(features.key, self._by_hash[features.text_hash], "text", 1.0)
        near = self._nearest(features) if features.signature else None
        mine = frozenset(_unpack(features.sentences))
        hot, counts = self._sentence_candidates(features.key, mine)
        contained = self._contained(features, mine, hot, counts)
        if near is not None:
            sim, key = near
            if (
                contained is None
                or self.original_of(contained[2]) == self.original_of(key)
                or (contained[1], contained[0]) <= self._overlap(mine, hot, key)
            ):
                return self._near(features, key, sim, None)
        if contained is None:
            return None
        share, _, key = contained
        sim = estimated_jaccard(features.signature, self._entries[key].signature)
        return self._near(features, key, sim, round(share, 4))

    def _nearest(self, features: ArticleFeatures) -> tuple[float, str] | None:
        """The most similar lead at or above the threshold: (similarity, key)."""
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
        return None if best is None else (-best[0], best[2])

    def _sentence_candidates(
        self, key: str, mine: frozenset[int]
    ) -> tuple[frozenset[int], dict[str, int]]:
        """The boilerplate among ``mine`` (sampled sentences held by ``HOT_SENTENCE`` articles
        or more) and, per earlier article, how many of ``mine`` it was found by."""
        counts: dict[str, int] = {}
        hot: set[int] = set()
        if len(mine) < 2:
            return frozenset(), counts  # one sentence in common is a coincidence or boilerplate
        for h in mine:
            bucket = self._by_sentence.get(h)
            if bucket is None:
                continue
            if isinstance(bucket, list) and len(bucket) >= HOT_SENTENCE:
                hot.add(h)  # an outlet's boilerplate (a footer, a disclaimer): no evidence
                continue
            for other in (bucket,) if isinstance(bucket, str) else bucket:
                if other != key:
                    counts[other] = counts.get(other, 0) + 1
        return frozenset(hot), counts

    def _overlap(self, mine: frozenset[int], hot: frozenset[int], key: str) -> tuple[int, float]:
        """Sentences of ``mine`` that ``key`` has too, boilerplate left out, and their share of
        the shorter text's sentences."""
        theirs = set(_unpack(self._entries[key].sentences))
        shared = len((mine & theirs) - hot)
        return shared, shared / max(1, min(len(mine), len(theirs)))

    def _contained(
        self,
        features: ArticleFeatures,
        mine: frozenset[int],
        hot: frozenset[int],
        counts: dict[str, int],
    ) -> tuple[float, int, str] | None:
        """A copy under a wrapper (a site header, an intro, a "read also" block, a footer) or
        cut short: most of the shorter text's sentences are in the other, word for word, its
        lead among them. Returns (share of the shorter text's sentences, shared, key)."""
        best: tuple[float, int, str] | None = None
        ordered = _unpack(features.sentences)
        for key, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_CONTAINMENT]:
            entry = self._entries[key]
            their_order = _unpack(entry.sentences)
            theirs = set(their_order)
            common = (mine & theirs) - hot
            shared = len(common)
            shorter = min(len(mine), len(theirs))
            share = shared / shorter
            if len(theirs) == 1:
                # A text of one sentence is contained when all of it is in the other's lead:
                # one shared sentence alone could be a quote or a "read also" line.
                enough = shared == 1 and _within(entry.signature, features.signature)
            else:
                # A short text (two sentences) is contained when both are there.
                enough = shared >= min(MIN_SHARED_SENTENCES, max(2, shorter))
                # The contained text's lead is among them: same-day pages of one site share
                # their "related articles" teasers at the end, and a copy keeps the lead (a
                # republisher may rewrite the dateline of the first sentence).
                lead = their_order if len(theirs) <= len(mine) else ordered
                enough = enough and not common.isdisjoint(lead[:LEAD_SENTENCES])
            if enough and share >= MIN_CONTAINMENT and (best is None or (share, shared) > best[:2]):
                best = (share, shared, key)
        return best

    def _near(
        self, features: ArticleFeatures, found: str, similarity: float, containment: float | None
    ) -> DuplicateMatch:
        """A near copy of ``found``'s original: a ``version`` when the same outlet published
        it (the original decides: a re-post of another outlet's copy is still a copy)."""
        match = self._match(features.key, found, "near", similarity)
        original = self._entries.get(match.original_key)
        kind = VERSION if original is not None and _same_outlet(original, features) else "near"
        return DuplicateMatch(match.key, match.original_key, kind, match.similarity, containment)

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
        # A bucket records at most ``MAX_BUCKET + 1`` articles: one over the limit marks it
        # as boilerplate (``_candidates``).
        keys, buckets = self._band_buckets(features.signature)
        slot = self._bands.add(key, keys, MAX_BUCKET + 1, buckets)
        self._probe = None
        self._entries[key] = _Entry(
            published=features.published,
            signature=features.signature,
            text_hash=features.text_hash,
            url=features.url,
            original=original_key if original_key != key else None,
            sentences=features.sentences,
            source=features.source,
            host=_host(features.url, intern=True),
            slot=slot,
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
        heapq.heappush(self._expiry, (features.published, key))

    def remove(self, key: str) -> None:
        """Forget one article (its copies keep pointing to it as their original)."""
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        self._probe = None
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
        self._bands.discard(entry.slot)

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
        for bucket in self._band_buckets(signature)[1]:
            if len(bucket) <= MAX_BUCKET:
                found.update(bucket)
        return found

    def _band_buckets(self, signature: bytes) -> tuple[list[int], list[Sequence[str]]]:
        """The signature's band keys and the articles recorded under each."""
        probe = self._probe
        if probe is not None and probe[0] == signature:
            return probe[1], probe[2]
        keys = band_keys(signature)
        buckets = self._bands.members(keys)
        self._probe = (signature, keys, buckets)
        return keys, buckets

    def _match(self, key: str, found: str, kind: str, similarity: float) -> DuplicateMatch:
        return DuplicateMatch(key, self.original_of(found), kind, round(similarity, 4))


__all__ = ["DEFAULT_THRESHOLD", "VERSION", "DuplicateIndex", "DuplicateMatch"]
