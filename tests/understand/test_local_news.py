"""Local news places through ``understand()``: the town a local paper names, read by evidence.

Each case is written for this test (not taken from an evaluation corpus): a town that shares a
country's or a foreign city's name (Lebanon, Athens, Oxford), a dateline, a longer name holding a
place's name (St. Paris, Indian Lake Road), a town's name that is a person's surname, and the one
country an article names being its top country.
"""

from __future__ import annotations

import pytest

from marsad.understand import Knowledge, understand

# (id, title, text, top country or None for no topic, countries that must not be mentioned)
CASES = [
    (
        "country-name-town-with-county",
        "Lebanon council approves budget",
        "The Lebanon town council met on Tuesday. Residents of Boone County asked the sheriff "
        "about road repairs near Lebanon.",
        "US",
        ["LB"],
    ),
    (
        "country-name-with-countries-named",
        "Talks on the border",
        "Officials from the United States met ministers from Mexico in Los Angeles on Monday.",
        "US",
        [],
    ),
    (
        "lebanon-with-middle-east",
        "Lebanon and Syria sign accord",
        "Lebanese officials said the agreement with Syria would reopen the border near Beirut.",
        "LB",
        ["US"],
    ),
    (
        "shared-town-by-local-cue",
        "Oxford council plans recycling",
        "Councillors in Oxford said the borough would spend £2m on new recycling boxes.",
        "GB",
        ["US"],
    ),
    (
        "shared-town-by-state",
        "Oxford police arrest teenager",
        "Oxford police arrested a 16-year-old on Saturday. The girl lives in Columbus, Ohio.",
        "US",
        ["GB"],
    ),
    (
        "foreign-capital-without-evidence",
        "Protests in Athens",
        "Thousands marched through Athens on Sunday against the new budget.",
        "GR",
        ["US"],
    ),
    (
        "dateline-town",
        "Council to vote on parking",
        "MANSFIELD -- The City Council will vote today on a parking plan for the police station.",
        "US",
        ["GB"],
    ),
    (
        "saint-prefix-is-another-town",
        "Family mourns children",
        "ST. PARIS -- Neighbours gathered on Sunday outside the home in St. Paris, in Champaign "
        "County, where the fire started.",
        "US",
        ["FR"],
    ),
    (
        "street-named-after-a-place",
        "Road work this week",
        "Crews will close Indian Lake Road and Lombardy Drive in Clarke County on Monday.",
        "US",
        ["IN", "IT"],
    ),
    (
        "town-as-surname",
        "Minister wants schools to share space",
        "Education minister Kathleen Wynne said on Friday that school boards should share space "
        "in Ontario. Wynne said the rules would follow a report.",
        "CA",
        ["US"],
    ),
    (
        "new-england-is-not-england",
        "Lawmakers consider apology",
        "Connecticut would be the first state in New England to apologise, lawmakers said.",
        "US",
        ["GB"],
    ),
    (
        "the-philippines",
        "Organ trade",
        "Egypt is under pressure to follow China and the Philippines in outlawing organ sales, "
        "Egyptian officials said.",
        "EG",
        [],
    ),
    (
        "saint-abbreviated-country",
        "Cargo ship sinks",
        "A cargo ship under the flag of St. Kitts and Nevis sank in bad weather on Monday.",
        "KN",
        [],
    ),
    (
        "cultural-demonyms",
        "Fair food",
        "Visitors to the Walker County fair found Italian sausage, Greek food and an Irish pub; "
        "the menu was printed in Spanish.",
        "US",
        ["IT", "GR", "IE", "ES"],
    ),
    (
        "us-highway-is-no-national-mention",
        "Suspect arrested",
        "A Palestine man was arrested near U.S. 79, two miles east of Palestine, according to "
        "the Anderson County sheriff.",
        "US",
        ["PS"],
    ),
    (
        "famous-city-town-by-county",
        "Sales tax booming",
        "Paris collected more sales tax in March, Lamar County officials said; the school "
        "district expects less next year.",
        "US",
        ["FR"],
    ),
    (
        "famous-city-without-local-evidence",
        "Talks resume",
        "Negotiators met in Paris on Monday, and senators in Washington welcomed the talks.",
        "FR",
        [],
    ),
    (
        "american-indians-in-us-local-news",
        "Tribe opens casino",
        "The tribe's new casino opened in Broward County on Friday; American Indians from "
        "across Florida attended, the sheriff said.",
        "US",
        ["IN"],
    ),
    (
        "county-council-is-british",
        "Councils offer business help",
        "Lancaster City Council and Lancashire County Council offer grants of up to £2,500 "
        "to firms in the Lancaster district.",
        "GB",
        ["US"],
    ),
    (
        "tie-goes-to-the-first-named",
        "",
        "Egypt is among the countries listed as hot spots, like China.",
        "EG",
        [],
    ),
    (
        "no-place-but-us-institutions",
        "Deputies arrest teen",
        "A spokesman for the Sheriff's Office said the boy was booked into the county "
        "detention center on Monday.",
        "US",
        [],
    ),
    (
        "no-place-no-institution",
        "Council meets",
        "The council met on Tuesday and approved the budget for the coming year.",
        None,
        [],
    ),
    (
        "lone-town-is-the-top",
        "Chili supper planned",
        "The supper will be held on Thursday at the church. Tickets are six dollars. Volunteers "
        "from the congregation will cook, and the choir will sing. Proceeds go to the youth "
        "programme in Norfolk.",
        "US",
        [],
    ),
]


@pytest.mark.parametrize(
    ("title", "text", "top", "not_mentioned"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_local_news(
    knowledge: Knowledge, title: str, text: str, top: str | None, not_mentioned: list[str]
) -> None:
    u = understand(knowledge, title, text, "en")
    mentioned = {m.country for m in u.mentions if m.country}
    detail = f"about={u.about} mentions={[(m.surface, m.place_id) for m in u.mentions]}"
    if top is None:
        assert not u.about, detail
    else:
        assert u.about[:1] == (top,), detail
    for code in not_mentioned:
        assert code not in mentioned, detail


def test_demonym_of_people_is_kept(knowledge: Knowledge) -> None:
    """Spanish officials are Spain's; only food, shops and languages lose the country."""
    u = understand(knowledge, "", "Spanish officials said the talks would go on.", "en")
    assert "ES" in {m.country for m in u.mentions}


def test_indian_with_india_named_is_india(knowledge: Knowledge) -> None:
    text = "Indian officials met Ohio farmers on Monday, and India agreed to buy more soybeans."
    u = understand(knowledge, "", text, "en")
    assert [m.surface for m in u.mentions if m.country == "IN"] == ["Indian", "India"]


def test_namesake_of_a_listed_person(knowledge: Knowledge) -> None:
    """'Mayor Chuck Blair' is not the listed Tony Blair (and does not make the story British)."""
    u = understand(
        knowledge,
        "Slide closes road",
        "Kanawha County officials closed the road. Mayor Chuck Blair said it would take days.",
        "en",
    )
    assert "person:tony-blair" not in {e.id for e in u.entities}
    assert u.about[:1] == ("US",), u.countries
