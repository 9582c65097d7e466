"""Columns of a window's records as a few strings and byte strings, for its snapshot.

A 100,000-article window is millions of small objects (strings, floats, records); pickled one
by one they took seconds each way (issue 16). Packed here, a column is one joined string, one
byte string of machine floats or integers, or one list whose items pickle as references to
strings already written: the pickler and the unpickler walk a few large objects instead.

Strings are joined with NUL (``SEP``); a column that holds one is kept as a plain list (names
and terms from the web are not trusted to be free of it). Unpacked strings are interned, so a
story read back shares its terms with the rest of the window, as the features' interned terms
did before the snapshot.
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Collection, Hashable, Mapping, Sequence
from itertools import accumulate
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

SEP = "\0"

PackedStrings = str | list[str]
PackedWeights = tuple[PackedStrings, bytes]  # keys, their float64 values
# Posting lists: their items, each list's size (-1: one key as a plain string), all keys.
PackedPostings = tuple[list[K], bytes, list[str]]
_ONE = -1


def pack_strings(strings: Collection[str]) -> PackedStrings:
    """``strings`` (in their order) as one NUL-joined string (a list when one holds a NUL)."""
    if not strings:
        return []  # "" would read back as one empty string
    joined = SEP.join(strings)
    if joined.count(SEP) != len(strings) - 1:
        return list(strings)
    return joined


def unpack_strings(packed: PackedStrings) -> list[str]:
    """The strings ``pack_strings`` packed, interned."""
    if isinstance(packed, str):
        return list(map(sys.intern, packed.split(SEP)))
    if not isinstance(packed, list):
        raise TypeError(f"not a packed string column: {type(packed).__name__}")
    return list(map(sys.intern, packed))


def pack_floats(values: Collection[float]) -> bytes:
    """Little-endian float64s: exact, so sums over them read back as they were."""
    return struct.pack(f"<{len(values)}d", *values)


def unpack_floats(data: bytes) -> tuple[float, ...]:
    return struct.unpack(f"<{len(data) // 8}d", data)


def pack_ints(values: Collection[int]) -> bytes:
    return struct.pack(f"<{len(values)}q", *values)


def unpack_ints(data: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(data) // 8}q", data)


def pack_weights(weights: dict[str, float]) -> PackedWeights:
    """A dict of weights as its keys and its values, in its order (sums over it keep theirs)."""
    return pack_strings(weights), pack_floats(weights.values())


def check_strings(packed: object) -> int:
    """How many strings ``packed`` holds; ValueError when it is no packed string column (a
    column unpacked later, when first used, is checked when it is read)."""
    if isinstance(packed, str):
        return packed.count(SEP) + 1
    if isinstance(packed, list) and all(isinstance(s, str) for s in packed):
        return len(packed)
    raise ValueError("not a packed string column")


def check_weights(packed: object) -> None:
    """ValueError unless ``packed`` is what ``pack_weights`` makes, keys and values as many."""
    if not (isinstance(packed, tuple) and len(packed) == 2 and isinstance(packed[1], bytes)):
        raise ValueError("not packed weights")
    if check_strings(packed[0]) * 8 != len(packed[1]):
        raise ValueError("packed weights: keys and values differ in number")


def unpack_weights(packed: PackedWeights) -> dict[str, float]:
    keys, values = packed
    return dict(zip(unpack_strings(keys), unpack_floats(values), strict=True))


def pack_blobs(blobs: Sequence[bytes]) -> tuple[bytes, bytes]:
    """Byte strings as their concatenation and their lengths."""
    return b"".join(blobs), pack_ints(list(map(len, blobs)))


def unpack_blobs(packed: tuple[bytes, bytes]) -> list[bytes]:
    joined, lengths = packed
    ends = list(accumulate(unpack_ints(lengths)))
    if (ends[-1] if ends else 0) != len(joined):
        raise ValueError("packed byte strings do not add up")
    return [joined[start:end] for start, end in zip([0, *ends], ends, strict=False)]


def pack_postings(postings: Mapping[K, str | set[str]]) -> PackedPostings[K]:
    """Posting lists (a set of keys, or one key as a string) as one flat list of keys: a set
    pickled alone costs an opcode and a frame of its own, and most lists are short."""
    flat: list[str] = []
    sizes: list[int] = []
    for keys in postings.values():
        if isinstance(keys, str):
            flat.append(keys)
            sizes.append(_ONE)
        else:
            flat.extend(keys)
            sizes.append(len(keys))
    return list(postings), pack_ints(sizes), flat


def unpack_postings(packed: PackedPostings[K]) -> dict[K, str | set[str]]:
    items, sizes, flat = packed
    values: list[str | set[str]] = []
    at = 0
    for size in unpack_ints(sizes):
        if size == _ONE:
            values.append(flat[at])
            at += 1
        else:
            values.append(set(flat[at : at + size]))
            at += size
    if at != len(flat):
        raise ValueError("packed posting lists do not add up")
    return dict(zip(items, values, strict=True))


__all__ = [
    "PackedPostings",
    "PackedStrings",
    "PackedWeights",
    "check_strings",
    "check_weights",
    "pack_blobs",
    "pack_floats",
    "pack_ints",
    "pack_postings",
    "pack_strings",
    "pack_weights",
    "unpack_blobs",
    "unpack_floats",
    "unpack_ints",
    "unpack_postings",
    "unpack_strings",
    "unpack_weights",
]
