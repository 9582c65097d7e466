"""The window's compact layout (issue 15): what it keeps per article stays small, and the
bookkeeping that replaced the bigger one (one expiry entry per story, single-story posting
lists as strings) expires, merges and snapshots as before."""

from __future__ import annotations

from marsad.cluster import StoryClusterer
from marsad.cluster.snapshot import WindowSnapshot, dump_window, load_window
from marsad.cluster.story import Member

from .test_clusterer import DAY, HOUR, OIL, SUDAN_1, SUDAN_2, feat, sudan


def test_a_member_is_slotted_and_holds_no_title() -> None:
    member = Member("a", 0.0, "ar")
    assert not hasattr(member, "__dict__")
    assert not hasattr(member, "title")


def test_a_story_has_one_expiry_entry_however_many_members() -> None:
    c = StoryClusterer()
    for n in range(12):
        c.add(sudan(f"s{n}-1", SUDAN_1 if n % 2 else SUDAN_2, n * HOUR))
    assert len(c) == 1
    assert len(c._story_expiry) == 1
    # Far past its expiry the story goes, with its posting lists and members.
    c.add(feat("o-1", OIL, 30 * DAY, countries=["SA"]))
    assert len(c) == 1 and c.story_key_of("s0-1") is None
    assert all(v == "story:o-1" or "story:o-1" in v for v in c._postings.values())


def test_posting_lists_of_one_story_are_strings_and_survive_a_snapshot() -> None:
    c = StoryClusterer()
    c.add(sudan("a-1", SUDAN_1, 0))
    c.add(feat("b-1", OIL, HOUR, countries=["SA"]))
    kinds = {type(v) for v in c._postings.values()}
    assert str in kinds
    again = load_window(dump_window(WindowSnapshot(c, {}, {})), c.options)
    assert again is not None
    restored = again.clusterer
    assert restored._postings == c._postings
    one, two = c.add(sudan("c-2", SUDAN_2, 2 * HOUR)), restored.add(sudan("c-2", SUDAN_2, 2 * HOUR))
    assert one == two and one.story_key == "story:a-1"
