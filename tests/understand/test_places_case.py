"""A name the article also writes in lower case, as a word, is that word where it opens a
sentence or the headline (its capital is the sentence's). Written for this test."""

from __future__ import annotations

from marsad.understand import Knowledge, understand


def _mentioned(u: object) -> set[str]:
    return {m.country for m in u.mentions if m.country}  # type: ignore[attr-defined]


def test_a_headline_word_written_lower_case_in_the_body(knowledge: Knowledge) -> None:
    u = understand(
        knowledge,
        "Turkey dinner for the homeless",
        "Volunteers served turkey and stuffing to 300 people at the shelter on Thursday.",
        "en",
    )
    assert "TR" not in _mentioned(u)
    assert u.about == ()


def test_a_sentence_opening_word_written_lower_case_elsewhere(knowledge: Knowledge) -> None:
    text = "The shop sells fine china and glass. China is where most of it is made, she said."
    u = understand(knowledge, "A shop on Main Street", text, "en")
    assert "CN" not in _mentioned(u)


def test_the_name_keeps_its_capital_mid_sentence(knowledge: Knowledge) -> None:
    u = understand(
        knowledge,
        "Turkey and Syria talk",
        "Officials said Turkey would host the talks; the turkey farm nearby was closed.",
        "en",
    )
    assert "TR" in _mentioned(u)  # mid-sentence, capitalised: the country
    assert u.about[:1] == ("TR",)
