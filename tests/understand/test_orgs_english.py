"""English organisations beyond the entity list (issue 14 point 3): bodies known by a role of
(chief executive of X), industry head words, a plural's possessive inside the name, "Centre for",
clubs whose both words are places, the sides of a result. Through ``understand()``."""

from __future__ import annotations

from marsad.models import EntityType
from marsad.understand import Knowledge, Understanding, understand


def _orgs(u: Understanding) -> set[str]:
    return {e.name for e in u.entities if e.type is EntityType.ORGANIZATION}


def test_a_role_of_a_body(knowledge: Knowledge) -> None:
    text = "The chief executive of Quellmark Fargate resigned on Monday after the vote."
    orgs = _orgs(understand(knowledge, "", text, "en"))
    assert "Quellmark Fargate" in orgs, orgs


def test_industry_head_words(knowledge: Knowledge) -> None:
    text = "Tallwater Steel will merge with Ostrava Petroleum, the firms said."
    orgs = _orgs(understand(knowledge, "", text, "en"))
    assert {"Tallwater Steel", "Ostrava Petroleum"} <= orgs, orgs


def test_a_plurals_possessive_inside_the_name(knowledge: Knowledge) -> None:
    text = "The leader of the Democratic Workers' Front and the Progressive People's Party met."
    orgs = _orgs(understand(knowledge, "", text, "en"))
    assert "Progressive People's Party" in orgs, orgs
    assert "Party" not in orgs


def test_a_possessive_of_a_body_still_splits(knowledge: Knowledge) -> None:
    """Youngspiration's Baggio Leung: a body's possessive is not part of a longer name."""
    text = "Voters chose Demosisto's Nathan Law over his rivals."
    u = understand(knowledge, "", text, "en")
    assert not any("Nathan" in name for name in _orgs(u)), _orgs(u)


def test_centre_for_is_a_body(knowledge: Knowledge) -> None:
    text = "The chairman of the Australian Centre for Control of Iodine Deficiency, says so."
    u = understand(knowledge, "", text, "en")
    assert "Australian Centre for Control of Iodine Deficiency" in _orgs(u), _orgs(u)
    people = {e.name for e in u.entities if e.type is EntityType.PERSON}
    assert not people, people


def test_a_club_whose_words_are_both_places(knowledge: Knowledge) -> None:
    text = "Bayern Munich signed the defender on Tuesday for a club record fee."
    u = understand(knowledge, "", text, "en")
    assert "Bayern Munich" in _orgs(u), _orgs(u)
    # the club's places are part of its name, not mentions of Bavaria and Munich
    assert {m.kind for m in u.mentions if m.country == "DE"} == {"in_name"}, u.mentions


def test_the_sides_of_a_result(knowledge: Knowledge) -> None:
    text = "Arsenal beat Leeds United 3-1 at home on Saturday, with Saka scoring twice."
    orgs = _orgs(understand(knowledge, "", text, "en"))
    assert {"Arsenal", "Leeds United"} <= orgs, orgs


def test_no_score_no_side(knowledge: Knowledge) -> None:
    """Without a score "beat" is any verb: "Halloran beat the odds" names no body."""
    text = "Against every forecast, Halloran beat the odds and kept her seat."
    orgs = _orgs(understand(knowledge, "", text, "en"))
    assert "Halloran" not in orgs, orgs


def test_a_role_of_a_body_is_no_body(knowledge: Knowledge) -> None:
    text = "The Senate Majority Leader disagreed, and Last March Parliament voted again."
    orgs = _orgs(understand(knowledge, "", text, "en"))
    assert not any("Leader" in name or "March" in name for name in orgs), orgs


def test_a_watchdog_is_no_person(knowledge: Knowledge) -> None:
    text = "Experts at Prison Conditions Watch said the report was flawed."
    u = understand(knowledge, "", text, "en")
    assert "Prison Conditions Watch" in _orgs(u), _orgs(u)
    assert not any(e.type is EntityType.PERSON for e in u.entities), u.entities


def test_traded_names_are_no_people(knowledge: Knowledge) -> None:
    """Firms named after people rise and fall like shares: Morgan Stanley is no person."""
    text = "Shares of Tallwater Jones rose 3% while Goldman Sachs and Morgan Stanley fell."
    u = understand(knowledge, "", text, "en")
    people = {e.name for e in u.entities if e.type is EntityType.PERSON}
    assert not people & {"Tallwater Jones", "Goldman Sachs", "Morgan Stanley"}, people


def test_a_shouted_text_names_no_body(knowledge: Knowledge) -> None:
    """A text in capitals: its words are no acronyms ("NEAR CITY HALL"), while real acronyms
    in a normal text still are."""
    shouted = understand(
        knowledge, "", "BREAKING: POLICE SAY SUSPECT ARRESTED NEAR CITY HALL", "en"
    )
    assert not _orgs(shouted), _orgs(shouted)
    normal = understand(knowledge, "", "The QXRT board and the ZLMB panel met on Monday.", "en")
    assert {"QXRT", "ZLMB"} <= _orgs(normal), _orgs(normal)


def test_a_title_after_a_body_starts_a_person(knowledge: Knowledge) -> None:
    """In "Superior Court Chief Judge Lawton Stephens" the body ends at its last head word, the
    title is no one's, the person follows it."""
    text = (
        "The motion was denied by Brackett County Superior Court Chief Judge Elena Vasquez, "
        "and Harwell Police Department Public Information Officer Dana Kirby said so."
    )
    u = understand(knowledge, "", text, "en")
    people = {e.name for e in u.entities if e.type is EntityType.PERSON}
    assert {"Elena Vasquez", "Dana Kirby"} <= people, people
    assert "Harwell Police Department" in _orgs(u), _orgs(u)
    assert not any("Judge" in name or "Officer" in name for name in _orgs(u) | people)


def test_datelines_and_bylines_in_capitals_are_no_acronyms(knowledge: Knowledge) -> None:
    """Words in capitals side by side ("BY KENT MALLETT", "ROCKY HILL -") or one opening a
    dateline ("HUDSON --") are no bodies; an acronym beside a two-letter country one is."""
    text = (
        "Council approves budget\nBY KENT MALLETT Advocate Reporter\n"
        "HUDSON -- The QXRT board met on Monday. ISLE OF PALMS \u2014 The US ZLMB agreed."
    )
    orgs = _orgs(understand(knowledge, "", text, "en"))
    assert not orgs & {"KENT", "MALLETT", "HUDSON", "ISLE", "PALMS"}, orgs
    assert {"QXRT", "ZLMB"} <= orgs, orgs


def test_labels_and_common_acronyms_are_no_bodies(knowledge: Knowledge) -> None:
    text = "NOTICE: The QXRT says a GPA of 2.5 and a DUI arrest bar players, the NGO said."
    orgs = _orgs(understand(knowledge, "", text, "en"))
    assert orgs == {"QXRT"}, orgs


def test_competitions_are_no_bodies(knowledge: Knowledge) -> None:
    text = "Brackwater Albion reached the Champions League final and lead the Premier League."
    orgs = _orgs(understand(knowledge, "", text, "en"))
    assert not {"Champions League", "Premier League"} & orgs, orgs


def test_companies_by_industry_and_after_based(knowledge: Knowledge) -> None:
    """Energy, Metals, Racing end firms' names; "St. Louis-based" is not part of the name."""
    text = "St. Louis-based Harwick Energy said Gabriel Metals and Rock Racing would pay."
    u = understand(knowledge, "", text, "en")
    assert {"Harwick Energy", "Gabriel Metals", "Rock Racing"} <= _orgs(u), _orgs(u)
    assert not any(e.type is EntityType.PERSON for e in u.entities), u.entities


def test_hometowns_and_sentence_openers_are_no_bodies(knowledge: Knowledge) -> None:
    """In "Leo Drexler of Annville" the name is a hometown; "Board members" and "Elsewhere" open a
    sentence; "Claudia Mowbray of Demosisto" still names a body."""
    text = (
        "Mourners included Leo Drexler of Annville and Mindy Carr of Brockville. Board members "
        "met later. Elsewhere, Claudia Mowbray of Demosisto said so."
    )
    orgs = _orgs(understand(knowledge, "", text, "en"))
    assert not orgs & {"Annville", "Brockville", "Board", "Elsewhere"}, orgs
    assert "Demosisto" in orgs, orgs
