"""The snapshot's packed layouts (issue 16): a window read back holds what it held, decides the
next articles as the window it was taken of, and saves again what it holds, unpacked or not."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

from marsad.cluster import ClusterOptions, StoryClusterer
from marsad.cluster.snapshot import WindowSnapshot, dump_window, load_window
from marsad.cluster.story import StoryState

from .test_clusterer import HOUR, OIL, SUDAN_1, SUDAN_2, SUDAN_EN, feat, sudan


def _window() -> StoryClusterer:
    """Stories of several members, a copy, a second language, a merged-away name."""
    c = StoryClusterer()
    c.add(sudan("a-1", SUDAN_1, 0))
    c.add(feat("b-1", OIL, HOUR, countries=["SA"]))
    c.add(sudan("c-1", SUDAN_1, 2 * HOUR))  # a copy of a-1
    c.add(sudan("d-2", SUDAN_2, 3 * HOUR))
    c.add(sudan("wire-1", SUDAN_EN, 4 * HOUR, "en"))
    c.add(feat("e-1", OIL, 5 * HOUR, countries=["SA"], url="https://e.example/oil"))
    return c


def _round_trip(c: StoryClusterer, **ids: Any) -> StoryClusterer:
    loaded = load_window(dump_window(WindowSnapshot(c, {}, {}, **ids)), c.options)
    assert loaded is not None
    return loaded.clusterer


def _state(c: StoryClusterer) -> dict[str, Any]:
    dup, tr = c.duplicates, c.translations
    return {
        "stories": c._stories,
        "story_of": c._story_of,
        "postings": c._postings,
        "dup": (dup._entries, dup._expiry, dup._by_url, dup._by_hash, dup._by_sentence),
        "tr": (tr._articles, tr._postings, tr._sizes, tr._expiry, tr._languages),
        "df": c._window.df,
    }


def test_a_window_read_back_holds_what_it_held_and_decides_alike() -> None:
    c = _window()
    again = _round_trip(c)
    assert len(c) == len(again) > 1
    assert _state(again) == _state(c)  # compares every story field, packed ones included
    nxt = [
        sudan("f-2", SUDAN_2, 6 * HOUR),
        feat("g-1", OIL, 7 * HOUR, countries=["SA"]),
        sudan("wire-2", SUDAN_EN, 8 * HOUR, "en"),
    ]
    assert [c.add(f) for f in nxt] == [again.add(f) for f in nxt]
    assert _state(again) == _state(c)


def test_a_story_read_back_unpacks_its_big_parts_only_when_used() -> None:
    again = _round_trip(_window())
    story = next(iter(again._stories.values()))
    assert {"terms", "evidence", "indexed"}.isdisjoint(vars(story))
    assert story.terms and "terms" in vars(story)
    assert "evidence" not in vars(story)


def test_a_window_read_back_saves_its_packed_and_its_changed_stories() -> None:
    c = _window()
    again = _round_trip(c)
    # Touched since the load: the story of a-1 takes a member (its terms change); the oil
    # story is saved again from the parts it was read with, never unpacked.
    for window in (c, again):
        window.add(sudan("h-2", SUDAN_2, 9 * HOUR))
    oil = again._stories[again.story_key_of("b-1") or ""]
    assert "terms" not in vars(oil)
    third = _round_trip(again)
    assert _state(third) == _state(c)
    assert third.add(sudan("i-1", SUDAN_1, 10 * HOUR)) == c.add(sudan("i-1", SUDAN_1, 10 * HOUR))


def test_terms_set_before_they_are_read_are_the_ones_saved() -> None:
    again = _round_trip(_window())
    story = next(iter(again._stories.values()))
    story.terms = {"replaced": 1.0}  # set while still packed: the packed copy is stale
    third = _round_trip(again)
    assert third._stories[story.key].terms == {"replaced": 1.0}


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.marker}",))


def test_code_hidden_in_a_story_is_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    c = _window()
    next(iter(c._stories.values())).aliases.append(_Payload(marker))  # type: ignore[arg-type]
    evil = pickle.dumps(WindowSnapshot(c, {}, {}), protocol=5)
    assert load_window(evil, ClusterOptions()) is None
    assert not marker.exists()


def _damaged(state: tuple[Any, ...]) -> bytes:
    """A snapshot whose first story carries ``state`` instead of its own."""
    c = _window()
    first = next(iter(c._stories))

    class Bad(StoryState):
        def __reduce__(self) -> tuple[Any, ...]:
            return (StoryState, (first, 0.0, 0.0), state)

    c._stories[first].__class__ = Bad
    return dump_window(WindowSnapshot(c, {}, {}))


def test_a_damaged_packed_story_is_refused_when_read_not_when_used() -> None:
    c = _window()
    plain, packed, members = next(iter(c._stories.values())).__getstate__()
    terms_keys, terms_values = packed["terms"]
    cases = [
        ("short",),
        (plain[:-1], packed, members),
        (plain, {**packed, "terms": (terms_keys, terms_values[:-8])}, members),
        (plain, {**packed, "terms": (123, terms_values)}, members),
        (plain, {**packed, "indexed": b"not strings"}, members),
        (plain, packed, [("a-1", 0.0)]),
    ]
    for state in cases:
        assert load_window(_damaged(state), ClusterOptions()) is None, state


def test_has_story_follows_merges_and_expiry_like_story() -> None:
    c = _window()
    keys = [*c._stories, *c._renamed, "story:never"]
    assert [c.has_story(k) for k in keys] == [c.story(k) is not None for k in keys]
    assert not c.has_story("story:never")


def test_a_window_saved_and_kept_decides_as_one_never_saved() -> None:
    saved, plain = _window(), _window()
    articles = [
        sudan("f-2", SUDAN_2, 6 * HOUR),
        feat("g-1", OIL, 7 * HOUR, countries=["SA"]),
        sudan("wire-2", SUDAN_EN, 8 * HOUR, "en"),
        sudan("h-1", SUDAN_1, 9 * HOUR),
    ]
    for f in articles:
        dump_window(WindowSnapshot(saved, {}, {}))  # its stories are left packed
        assert all("terms" not in vars(s) for s in saved._stories.values())
        assert saved.add(f) == plain.add(f)
    assert _state(saved) == _state(plain)
