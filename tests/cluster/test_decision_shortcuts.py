"""The clusterer's shortcuts give what the plain computations give, to the bit: the top
candidates without sorting every hit, idf of many terms in one pass, a story's row fields
without its timeline."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from marsad.cluster import StoryClusterer
from marsad.cluster.clusterer import _top_hits
from marsad.cluster.frequencies import WindowFrequencies
from marsad.dedup import features_from


@pytest.mark.parametrize("seed", range(5))
def test_top_hits_are_the_sorted_hits_head(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(300):
        hits = Counter(
            {f"story:{rng.randrange(400)}": rng.randrange(1, 5) for _ in range(rng.randrange(60))}
        )
        n = rng.randrange(1, 25)
        expected = sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
        assert _top_hits(hits, n) == expected


@pytest.mark.parametrize("half_life", [0.0, 86400.0 * 14])
def test_idfs_are_idf_term_by_term(half_life: float) -> None:
    rng = random.Random(3)
    window = WindowFrequencies(
        half_life=half_life,
        background={f"w{i}": rng.randrange(1, 9) for i in range(0, 300, 3)},
        background_scale=0.37,
        background_docs=41.0,
    )
    for n in range(200):
        window.advance(1000.0 + 600 * n)
        terms = {f"w{rng.randrange(300)}" for _ in range(20)}
        window.add(terms, +1, 1000.0 + 600 * n)
    asked = [f"w{i}" for i in range(320)]  # some never seen
    assert window.idfs(asked) == {t: window.idf(t) for t in asked}


def test_a_story_without_members_has_the_row_fields_of_its_view() -> None:
    clusterer = StoryClusterer()
    text = "Rescue boats reached villages cut off by the floods in the Swat valley on Tuesday."
    for n in range(4):
        features = features_from(
            f"https://n{n}.example/a",
            title=f"Floods in the Swat valley ({n})",
            text=f"{text} Witness {n} spoke.",
            language="en",
            published=1_700_000_000.0 + 3600 * n,
            source=f"n{n}.example",
            countries=("PK",),
        )
        key = clusterer.add(features).story_key
    full = clusterer.story(key)
    light = clusterer.story(key, members=False)
    assert full is not None and light is not None and len(full.timeline) == 4
    assert light.timeline == () and light.languages == ()
    for name in ("key", "title_ar", "title", "countries", "regions", "first_seen", "last_seen"):
        assert getattr(light, name) == getattr(full, name)
    assert (light.article_count, light.source_count) == (full.article_count, full.source_count)
