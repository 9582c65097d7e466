"""One sense per article: a name paired with its state ("ATHENS, Ga.") or a state paired with
its town ("Athens, Georgia") is read so everywhere in the article. Written for this test."""

from __future__ import annotations

from marsad.understand import Knowledge, understand


def _readings(u: object, surface: str) -> set[str | None]:
    return {m.country for m in u.mentions if m.surface.lower() == surface}  # type: ignore[attr-defined]


def test_the_headlines_town_follows_the_dateline(knowledge: Knowledge) -> None:
    u = understand(
        knowledge, "Athens man arrested", "ATHENS, Ga. - Police arrested a man on Monday.", "en"
    )
    assert _readings(u, "athens") == {"US"}
    assert u.about == ("US",)


def test_a_later_mention_follows_the_pair(knowledge: Knowledge) -> None:
    text = (
        "The university in Athens, Georgia, opened a new library. Students in Athens said it "
        "was the largest in Georgia."
    )
    u = understand(knowledge, "New library opens", text, "en")
    assert _readings(u, "athens") == {"US"}
    assert _readings(u, "georgia") == {"US"}
    assert "GR" not in {m.country for m in u.mentions}


def test_a_name_paired_two_ways_is_judged_alone(knowledge: Knowledge) -> None:
    text = (
        "Athens, Ga., is twinned with Athens, Greece. The mayor flew to Athens on Monday to "
        "meet Greek officials."
    )
    u = understand(knowledge, "Sister cities", text, "en")
    assert {"US", "GR"} <= _readings(u, "athens")


def test_a_persons_name_keeps_its_shape(knowledge: Knowledge) -> None:
    text = "The film was shot in Paris, Texas. Paris Hilton did not attend the premiere."
    u = understand(knowledge, "Premiere in Texas", text, "en")
    assert len([m for m in u.mentions if m.surface == "Paris"]) == 1
    assert "FR" not in {m.country for m in u.mentions}
