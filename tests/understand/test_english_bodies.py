"""English organisations the entity list does not know, told by their context (issue 14 point
3): a body named beside its officials or members, a person's body ("Mary Jones of Quellpoint",
"Quellpoint's Mary Jones"), "the Church", national teams in a sports story; and the capitalised
phrases that are no body."""

from __future__ import annotations

import pytest

from marsad.models import EntityType
from marsad.understand import Knowledge, understand


def _bodies(u: object) -> dict[str, int]:
    return {e.name: e.count for e in u.entities if e.type is EntityType.ORGANIZATION}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "body", "count"),
    [
        pytest.param(
            "Zorvath officials said the claims were false. Critics say Zorvath hides its money.",
            "Zorvath",
            2,
            id="officials-then-repeated",
        ),
        pytest.param(
            "He left the Velmar Order in May. Members of the Velmar Order live in ships.",
            "Velmar Order",
            2,
            id="members-of-and-left-the",
        ),
        pytest.param(
            "Mary Jones of Quellpoint said the vote was fair.", "Quellpoint", 1, id="person-of"
        ),
        pytest.param(
            "Quellpoint's Mary Jones said the vote was fair.", "Quellpoint", 1, id="possessive"
        ),
        pytest.param(
            "Her lawyer said the Church denied every claim.", "Church", 1, id="the-head-alone"
        ),
        pytest.param(
            "XJTV Director Jane Doe said the show would go on.", "XJTV", 1, id="acronym-title"
        ),
        pytest.param(
            "The study was published in the journal Corvanta Reports yesterday.",
            "Corvanta Reports",
            1,
            id="kind-noun",
        ),
        pytest.param(
            "Officials said the Tribune cited three cases.", "Tribune", 1, id="the-newspaper"
        ),
        pytest.param(
            "Whitmore told LA Weekly that the case was closed.", "LA Weekly", 1, id="LA-particle"
        ),
    ],
)
def test_body_found_by_context(knowledge: Knowledge, text: str, body: str, count: int) -> None:
    bodies = _bodies(understand(knowledge, "", text, "en"))
    assert bodies.get(body) == count, bodies


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Chinese officials said the talks went well.", id="demonym-officials"),
        pytest.param("Republican members of the panel voted no.", id="party-adjective"),
        pytest.param("Church leaders met on Monday to pray.", id="head-without-the"),
        pytest.param(
            "Her lawyer said the Council on Foreign Relations met.", id="head-starts-a-name"
        ),
        pytest.param("Fans came to the XJTV Summer Festival in June.", id="acronym-of-an-event"),
        pytest.param("John Smith of Boston said the vote was fair.", id="person-of-a-place"),
        pytest.param(
            "The prize went to the US team. Corvanta Reports demo opens today.",
            id="kind-noun-in-another-sentence",
        ),
    ],
)
def test_capitalised_phrase_is_no_body(knowledge: Knowledge, text: str) -> None:
    bodies = _bodies(understand(knowledge, "", text, "en"))
    for wrong in (
        "Chinese",
        "Republican",
        "Church",
        "Council",
        "XJTV",
        "Boston",
        "Corvanta Reports",
    ):
        assert wrong not in bodies, bodies


SPORT = (
    "Sweden beat South Korea 1 - 0 in the World Cup in Russia. The goalkeeper saved a penalty "
    "and the referee checked the video before Sweden scored the only goal of the match. "
    "Belgium 3 - 0 Panama: the striker scored twice for Belgium."
)


def test_national_teams_in_a_sports_story(knowledge: Knowledge) -> None:
    u = understand(knowledge, "", SPORT, "en")
    bodies = _bodies(u)
    assert {"Sweden", "South Korea", "Belgium", "Panama"} <= set(bodies), bodies
    assert bodies["Sweden"] == 2
    assert "Russia" not in bodies  # where the cup is played, a place
    places = {e.name for e in u.entities if e.type is EntityType.PLACE}
    assert "Russia" in places and "Sweden" not in places
    assert {"SE", "KR", "RU"} <= {m.country for m in u.mentions}  # still mentions


def test_no_team_outside_a_sports_story(knowledge: Knowledge) -> None:
    text = "Sweden defeated the motion at the United Nations, and Panama won a seat on the panel."
    bodies = _bodies(understand(knowledge, "", text, "en"))
    assert "Sweden" not in bodies and "Panama" not in bodies, bodies
