"""The LSH bucket table (``minhash.BandTable``) against a plain dict of lists, through merges,
purges and a pickle round trip."""

from __future__ import annotations

import pickle
import random

import pytest

from marsad.dedup.minhash import BandTable


def _reference_members(table: dict[int, list[str]], keys: list[int]) -> list[list[str]]:
    return [sorted(table.get(k, [])) for k in keys]


@pytest.mark.parametrize("merge_every", [1, 7, 64, 1 << 15], ids=lambda n: f"merge{n}")
def test_band_table_matches_a_dict_of_lists(merge_every: int) -> None:
    rng = random.Random(merge_every)
    bands = BandTable()
    bands.MERGE_EVERY = merge_every
    reference: dict[int, list[str]] = {}
    slots: dict[str, int] = {}
    keys_of: dict[str, list[int]] = {}
    limit = 4
    for step in range(3000):
        if slots and rng.random() < 0.4:
            name = rng.choice(sorted(slots))
            bands.discard(slots.pop(name))
            for key in keys_of.pop(name):
                if name in reference.get(key, []):
                    reference[key].remove(name)
        else:
            name = f"a{step}"
            keys = [rng.randrange(-40, 40) * 2**40 for _ in range(rng.randrange(0, 5))]
            counts = [len(reference.get(k, [])) for k in keys]
            for key, count in zip(keys, counts, strict=True):
                if count < limit:
                    reference.setdefault(key, []).append(name)
            slots[name] = bands.add(name, keys, limit)
            keys_of[name] = keys
        if step % 500 == 250:
            bands = pickle.loads(pickle.dumps(bands, protocol=5))
        probe = [rng.randrange(-40, 40) * 2**40 for _ in range(6)]
        assert [sorted(m) for m in bands.members(probe)] == _reference_members(reference, probe)


def test_band_table_empty_and_unknown_keys() -> None:
    bands = BandTable()
    assert bands.members([]) == []
    assert [list(m) for m in bands.members([1, -(2**63)])] == [[], []]
    slot = bands.add("x", [5, 5], 2)
    assert bands.members([5]) == [["x", "x"]]
    bands.discard(slot)
    bands.discard(slot)
    assert [list(m) for m in bands.members([5])] == [[]]
