"""Packed columns for the window's snapshot: what goes in comes out, in order, or fails."""

from __future__ import annotations

import math

import pytest

from marsad.dedup.packed import (
    check_strings,
    check_weights,
    pack_blobs,
    pack_postings,
    pack_strings,
    pack_weights,
    unpack_blobs,
    unpack_postings,
    unpack_strings,
    unpack_weights,
)


@pytest.mark.parametrize(
    "strings",
    [[], [""], ["a"], ["", ""], ["t:حرب", "e:person:x", ""], ["has\0nul", "b"]],
    ids=["none", "one-empty", "one", "two-empty", "mixed", "nul"],
)
def test_strings_come_back_as_they_went(strings: list[str]) -> None:
    packed = pack_strings(strings)
    assert unpack_strings(packed) == strings
    assert check_strings(packed) == len(strings)


def test_weights_keep_their_order_and_exact_values() -> None:
    weights = {"b": 1.0 + math.log(3), "a": 0.1 + 0.2, "c": -0.0, "d": 1e-300}
    again = unpack_weights(pack_weights(weights))
    assert list(again.items()) == list(weights.items())
    assert math.copysign(1.0, again["c"]) == -1.0


@pytest.mark.parametrize(
    "packed",
    [("a\0b", b"\0" * 8), (["a"], b""), (1, b""), ("a", "not bytes"), ("a",)],
    ids=["fewer-values", "no-values", "keys-not-strings", "values-not-bytes", "no-tuple"],
)
def test_damaged_weights_are_refused(packed: object) -> None:
    with pytest.raises(ValueError):
        check_weights(packed)


def test_blobs_and_postings_come_back() -> None:
    blobs = [b"", b"abc", b"\0" * 512, b"x"]
    assert unpack_blobs(pack_blobs(blobs)) == blobs
    joined, lengths = pack_blobs(blobs)
    with pytest.raises(ValueError):
        unpack_blobs((joined[:-1], lengths))
    postings: dict[str, str | set[str]] = {"one": "s1", "two": {"s1", "s2"}, "single": {"s3"}}
    assert unpack_postings(pack_postings(postings)) == postings
    items, sizes, flat = pack_postings(postings)
    with pytest.raises(ValueError):
        unpack_postings((items, sizes, flat[:-1]))
