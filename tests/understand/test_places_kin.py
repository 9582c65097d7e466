"""A place's name right after a noun of kin is a person's name ("her daughter, Brittany");
after a preposition it is the place again ("his son in Jordan"). Written for this test."""

from __future__ import annotations

import pytest

from marsad.understand import Knowledge, understand


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("A woman accused of killing her daughter, Brittany, in 2007 will appear in court.", "FR"),
        ("He is survived by his wife Georgia and two sons, the family said.", "GE"),
        ("The couple named their baby Victoria after her grandmother.", "AU"),
    ],
)
def test_a_name_after_a_kin_noun_is_a_person(knowledge: Knowledge, text: str, country: str) -> None:
    u = understand(knowledge, "Court date set", text, "en")
    assert country not in {m.country for m in u.mentions}
    assert not [m for m in u.mentions if m.kind in ("state", "country")]


def test_a_place_after_kin_and_a_preposition_stays(knowledge: Knowledge) -> None:
    u = understand(knowledge, "Family waits", "Her son in Jordan called on Monday.", "en")
    assert "JO" in {m.country for m in u.mentions}
