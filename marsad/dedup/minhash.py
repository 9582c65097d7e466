"""MinHash signatures of word shingles, as bytes, and their banding for LSH.

Library choice, measured by ``python -m bench.dedup.run`` on the ANT sample (same shingles, same
index, per CPU second on one core): rensa's Rust MinHash signs 7.3x faster than datasketch
(37,200 vs 5,100 signatures/s) with the same recall on the ANT duplicate groups (1.0 on edited
copies for both); end to end, where normalisation dominates, rensa makes the path 1.6-2.4x
faster (two runs on a shared machine). Signatures are stored as little-endian uint32 arrays
(``NUM_PERM * 4`` bytes) so the index, the store and a restart depend on neither library's
objects.

Shingles are word bigrams of the normalised lead (``features.SIGNATURE_WORDS``). Calibrated on
the ANT duplicate groups (``bench/dedup``): bigrams separate edited copies from random pairs
better than trigrams or 5-grams (over whole texts the least similar edited copy falls from 0.41
to 0.37 and 0.33 while random pairs stay below 0.05 for all three).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import rensa

NUM_PERM = 128
SHINGLE_SIZE = 2
SEED = 20180201  # fixed forever: stored signatures must stay comparable across restarts
SIGNATURE_BYTES = NUM_PERM * 4
# LSH banding: 32 bands of 4 rows. The S-curve 1-(1-J^4)^32 passes a pair of Jaccard 0.62 (the
# 5th percentile of edited ANT copies' leads) with probability 0.99, the least similar (0.48) with
# 0.83, and a random ANT pair (J < 0.05) with < 0.0002; candidates are then verified on the
# full signature. More bands would catch more of the weakest edits at the cost of memory (each
# band is one dict entry per article in the window).
BANDS = 32
ROWS = NUM_PERM // BANDS


def word_shingles(words: Sequence[str], size: int = SHINGLE_SIZE) -> list[str]:
    """Space-joined word n-grams; a text shorter than ``size`` gives one shingle of all of it."""
    if len(words) <= size:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]


def minhash_signature(words: Sequence[str]) -> bytes:
    """The MinHash signature (rensa) of the word shingles of already-normalised ``words``."""
    shingles = word_shingles(words)
    if not shingles:
        return b""
    mh = rensa.RMinHash(num_perm=NUM_PERM, seed=SEED)
    mh.update(shingles)
    return np.asarray(mh.digest(), dtype="<u4").tobytes()


def signature_array(signature: bytes) -> np.ndarray:
    """The signature bytes as a uint32 vector (a view, no copy)."""
    return np.frombuffer(signature, dtype="<u4")


def estimated_jaccard(a: bytes, b: bytes) -> float:
    """Fraction of equal MinHash slots: an unbiased estimate of the shingles' Jaccard."""
    if len(a) != SIGNATURE_BYTES or len(b) != SIGNATURE_BYTES:
        return 0.0
    return float(np.count_nonzero(signature_array(a) == signature_array(b))) / NUM_PERM


def band_keys(signature: bytes) -> list[int]:
    """One hashable key per band (band index folded in, so one dict serves all bands)."""
    if len(signature) != SIGNATURE_BYTES:
        return []
    rows = np.frombuffer(signature, dtype="<u8").reshape(BANDS, ROWS // 2)
    # Two uint64 words per band; fold them and the band index into one Python int.
    return [hash((band, int(row[0]), int(row[1]))) for band, row in enumerate(rows.tolist())]


class BandTable:
    """LSH buckets: for each band key, the articles recorded under it (a multimap).

    A dict of Python ints held about 2.2 KB per article (32 int objects and dict slots); here
    the bulk is two sorted numpy arrays (band key, article slot: 12 bytes an entry), with the
    latest additions in a small dict merged in every ``MERGE_EVERY`` entries. A removed
    article's slot is forgotten at once (its entries stop counting) and its entries are purged
    from the arrays once they are a quarter of them.
    """

    MERGE_EVERY = 1 << 15  # entries in the dict before a merge (about 1,000 articles)

    def __init__(self) -> None:
        self._keys = np.empty(0, dtype=np.int64)
        self._slots = np.empty(0, dtype=np.int32)
        self._recent: dict[int, int | list[int]] = {}  # one slot as a plain int
        # The entries of ``_recent`` in the order they came, ready to become arrays.
        self._new_keys: list[int] = []
        self._new_slots: list[int] = []
        self._names: dict[int, str] = {}  # live slot -> article key
        self._next = 0
        self._dead = 0  # slots removed since the last purge

    def members(self, keys: Sequence[int]) -> list[Sequence[str]]:
        """For each band key, the live articles recorded under it."""
        out: list[Sequence[str]] = [()] * len(keys)  # no list made for an empty bucket
        if not keys:
            return out
        names, recent, table = self._names, self._recent, self._keys
        if len(table):
            query = np.fromiter(keys, np.int64, len(keys))
            lo = table.searchsorted(query)
            # Most bands are in no other article: one search, and a second only for a hit.
            hits = np.flatnonzero(table[np.minimum(lo, len(table) - 1)] == query).tolist()
            for i in hits:
                start = int(lo[i])
                end = int(table.searchsorted(query[i], "right"))
                slots = self._slots[start:end].tolist()
                out[i] = [name for slot in slots if (name := names.get(slot)) is not None]
        for i, key in enumerate(keys):
            found = recent.get(key)
            if found is None:
                continue
            more = [
                name
                for slot in ((found,) if isinstance(found, int) else found)
                if (name := names.get(slot)) is not None
            ]
            if more:
                out[i] = [*out[i], *more]
        return out

    def add(
        self,
        name: str,
        keys: Sequence[int],
        limit: int,
        members: Sequence[Sequence[str]] | None = None,
    ) -> int:
        """Record ``name`` under each key that holds fewer than ``limit`` live articles
        (``members``: what ``members(keys)`` says now, when the caller has it); returns its
        slot (for ``discard``)."""
        counts = [len(found) for found in (self.members(keys) if members is None else members)]
        slot = self._next
        self._next += 1
        self._names[slot] = name
        kept = [key for key, count in zip(keys, counts, strict=True) if count < limit]
        recent = self._recent
        for key in kept:
            found = recent.get(key)
            if found is None:
                recent[key] = slot
            elif isinstance(found, int):
                recent[key] = [found, slot]
            else:
                found.append(slot)
        self._new_keys.extend(kept)
        self._new_slots.extend([slot] * len(kept))
        if len(self._new_keys) >= self.MERGE_EVERY:
            self._merge()
        return slot

    def discard(self, slot: int) -> None:
        """Forget an article: its entries no longer count."""
        if self._names.pop(slot, None) is not None:
            self._dead += 1
            if self._dead * BANDS > max(self.MERGE_EVERY, len(self._keys) // 4):
                self._purge()

    def _merge(self) -> None:
        keys = np.array(self._new_keys, dtype=np.int64)
        slots = np.array(self._new_slots, dtype=np.int32)
        order = np.argsort(keys, kind="stable")
        keys, slots = keys[order], slots[order]
        at = np.searchsorted(self._keys, keys, "right")
        self._keys = np.insert(self._keys, at, keys)
        self._slots = np.insert(self._slots, at, slots)
        self._recent, self._new_keys, self._new_slots = {}, [], []

    def _purge(self) -> None:
        live = np.fromiter(self._names, np.int32, len(self._names))
        keep = np.isin(self._slots, live)
        self._keys, self._slots = self._keys[keep], self._slots[keep]
        names = self._names
        for key, slots in list(self._recent.items()):
            found = [s for s in ((slots,) if isinstance(slots, int) else slots) if s in names]
            if not found:
                del self._recent[key]
            else:
                self._recent[key] = found[0] if len(found) == 1 else found
        pairs = [(k, s) for k, s in zip(self._new_keys, self._new_slots, strict=True) if s in names]
        self._new_keys = [k for k, _ in pairs]
        self._new_slots = [s for _, s in pairs]
        self._dead = 0

    def __getstate__(self) -> dict[str, Any]:
        # Bytes, not arrays: the snapshot's unpickler builds no numpy objects.
        state = dict(vars(self))
        state["_keys"], state["_slots"] = self._keys.tobytes(), self._slots.tobytes()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        state["_keys"] = np.frombuffer(state["_keys"], dtype=np.int64).copy()
        state["_slots"] = np.frombuffer(state["_slots"], dtype=np.int32).copy()
        vars(self).update(state)


__all__ = [
    "BANDS",
    "NUM_PERM",
    "ROWS",
    "SHINGLE_SIZE",
    "SIGNATURE_BYTES",
    "BandTable",
    "band_keys",
    "estimated_jaccard",
    "minhash_signature",
    "signature_array",
    "word_shingles",
]
