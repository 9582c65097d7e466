"""English people the entity list does not know, told by what the text says of them (issue 14
point 3): appositions, lone speakers, role nouns, portfolios, a place's word after a title; and
runs that must name no one. Through ``understand()`` and ``marsad analyze --json``."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from marsad.cli.main import main
from marsad.models import EntityType
from marsad.understand import (
    Knowledge,
    Understanding,
    find_entity_spans,
    load_knowledge,
    understand,
)


def _people(u: Understanding) -> dict[str, int]:
    return {e.name: e.count for e in u.entities if e.type is EntityType.PERSON}


def _orgs(u: Understanding) -> set[str]:
    return {e.name for e in u.entities if e.type is EntityType.ORGANIZATION}


def test_apposition_after_the_name_and_the_surname_later(knowledge: Knowledge) -> None:
    text = (
        "Quorin Tallwater, a third-year nursing student, organised the vigil. "
        "Tallwater organised a second one a week later."
    )
    people = _people(understand(knowledge, "", text, "en"))
    assert people.get("Quorin Tallwater") == 2, people  # the surname joins the full name


def test_apposition_with_age_and_with_a_role_of(knowledge: Knowledge) -> None:
    text = (
        "Teodor Vasilescu, 54, was released on bail. Ingrid Halvorsen, chief operating officer "
        "of the port, declined to comment."
    )
    people = _people(understand(knowledge, "", text, "en"))
    assert {"Teodor Vasilescu", "Ingrid Halvorsen"} <= set(people), people


def test_role_before_the_comma(knowledge: Knowledge) -> None:
    text = "The bank cut rates again, and its governor, Oluwaseun Adeyemo-Tallwater, left."
    people = _people(understand(knowledge, "", text, "en"))
    assert "Oluwaseun Adeyemo-Tallwater" in people, people


def test_a_role_noun_before_a_name_is_no_apposition(knowledge: Knowledge) -> None:
    """In ", striker Dries Mertens" the role is the next name's title; the run before the comma
    is not a person by it."""
    text = "Belgium fielded Zorvath Quellan, striker Dries Mertens and two others."
    people = _people(understand(knowledge, "", text, "en"))
    assert "Dries Mertens" in people, people
    assert "Zorvath Quellan" not in people, people


def test_a_lone_speaker_confirms_the_full_name(knowledge: Knowledge) -> None:
    text = (
        "A chemistry major at the college, Amneh Jafari heard of the arrest on the radio. "
        "Jafari said she wanted to help."
    )
    people = _people(understand(knowledge, "", text, "en"))
    assert people.get("Amneh Jafari") == 2, people


def test_role_nouns_lower_case_and_opening_a_sentence(knowledge: Knowledge) -> None:
    text = (
        "Socialite Paris Hilton sat beside drummer Chad Smith. Musician Tiziano Lugli and "
        "illustrator Johnnie Walters joined them later."
    )
    u = understand(knowledge, "", text, "en")
    people = _people(u)
    assert {"Paris Hilton", "Chad Smith", "Tiziano Lugli", "Johnnie Walters"} <= set(people)
    assert not any(name.startswith(("Socialite", "Musician")) for name in people), people
    assert not {m.country for m in u.mentions} & {"FR", "TD"}, u.mentions


def test_a_place_word_after_a_title_starts_a_name(knowledge: Knowledge) -> None:
    text = "Dr Amara Okafor, who leads the study, said the results were clear."
    people = _people(understand(knowledge, "", text, "en"))
    assert "Amara Okafor" in people, people


def test_the_portfolio_stays_with_the_title(knowledge: Knowledge) -> None:
    text = (
        "Minister of Education Stefania Giannini said the schools would pay. Later the "
        "Undersecretary for Education Mr. Toccafondi agreed."
    )
    people = _people(understand(knowledge, "", text, "en"))
    assert "Stefania Giannini" in people and "Toccafondi" in people, people
    assert not any("Education" in name for name in people), people


@pytest.mark.parametrize(
    "text",
    [
        "The first FIRST Global robotics competition was held in Washington on Sunday.",
        "She played Lady Cassandra from Doctor Who in the second series.",
        "He will stay behind bars for a long time, UNLESS of course he returns.",
        "The current flag of New Zealand is old. The current New Zealand flag dates from 1902.",
        'Anonymous blogger, "Anon declares war on the Church" was the post\'s title.',
    ],
)
def test_runs_that_name_no_one(knowledge: Knowledge, text: str) -> None:
    u = understand(knowledge, "", text, "en")
    people = _people(u)
    assert not {"Global", "Who", "New", "Anon"} & set(people), people
    assert "UNLESS" not in _orgs(u)


def test_a_museum_is_no_person(knowledge: Knowledge) -> None:
    text = "The prints hang at the Mary & Leigh Block Museum of Art, the curator said."
    people = _people(understand(knowledge, "", text, "en"))
    assert not any("Museum" in name for name in people), people


def test_apposition_through_cli(
    marsad_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.html"
    paragraphs = [
        "Quorin Tallwater, a third-year nursing student, organised the vigil.",
        "Tallwater organised a second one a week later.",
    ]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    page.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Vigil held'
        "</title></head><body><article><h1>Vigil held</h1>"
        f"{body}</article></body></html>",
        encoding="utf-8",
    )
    assert main(["analyze", "--json", str(page)]) == 0
    record = json.loads(capsys.readouterr().out.splitlines()[0])
    by_name = {e["name"]: e for e in record["entities"]}
    assert by_name["Quorin Tallwater"]["type"] == "person"
    assert by_name["Quorin Tallwater"]["count"] == 2


def test_names_listed_with_a_person(knowledge: Knowledge) -> None:
    text = (
        "Photographers who used the camera, such as Ansel Adams, Quorin Tallwater, Zeb "
        "Marrowfield and Helmut Newton, are in the show."
    )
    people = _people(understand(knowledge, "", text, "en"))
    assert {"Quorin Tallwater", "Zeb Marrowfield", "Helmut Newton"} <= set(people), people


def test_a_list_of_commas_alone_is_no_list_of_people(knowledge: Knowledge) -> None:
    """In "John Smith, Quorin Tallwater" there is no "and", so the second run is not told a person."""
    text = "The letter was signed by John Smith, Quorin Tallwater Holdings sent it."
    people = _people(understand(knowledge, "", text, "en"))
    assert "Quorin Tallwater" not in people, people


def test_players_in_a_sports_story(knowledge: Knowledge) -> None:
    text = (
        "Belgium beat Panama 3-0 in their first World Cup match. Zorvath Quellan scored a goal "
        "from a volley after the break, and Brannoc Veldt doubled the lead. In the 90th minute "
        "Ilias Mendrow replaced Osric Talhaven. Penalty appeals were waved away by the referee."
    )
    people = _people(understand(knowledge, "", text, "en"))
    assert {"Zorvath Quellan", "Brannoc Veldt", "Ilias Mendrow", "Osric Talhaven"} <= set(people), (
        people
    )


def test_no_sports_story_no_players(knowledge: Knowledge) -> None:
    """Outside a sports story "scored" says nothing: "Zorvath Quellan scored" could be a firm."""
    text = "Zorvath Quellan scored well in the annual survey of suppliers, the report said."
    people = _people(understand(knowledge, "", text, "en"))
    assert "Zorvath Quellan" not in people, people


def test_world_given_names(knowledge: Knowledge) -> None:
    text = "One Rohingya, Muhammad Amin, reached the shore. Olusegun Bamidele-Tallwater waited."
    people = _people(understand(knowledge, "", text, "en"))
    assert {"Muhammad Amin", "Olusegun Bamidele-Tallwater"} <= set(people), people


def test_a_place_word_ends_a_name_told_by_apposition(knowledge: Knowledge) -> None:
    text = "Valeska Paris, an Australian woman, has claimed that she was held on the ship."
    people = _people(understand(knowledge, "", text, "en"))
    assert "Valeska Paris" in people, people


def test_given_names_before_a_listed_name_are_no_person(knowledge: Knowledge) -> None:
    """Written without its accent the full listed name is still the listed name (its key is
    folded too), and "Luiz Inacio" is never a second person."""
    text = "Brazilian President Luiz Inacio Lula da Silva told reporters the economy was fine."
    spans = find_entity_spans(knowledge, text, "en")
    people = [(text[s.start : s.end], s.id) for s in spans if s.type is EntityType.PERSON]
    assert people == [("Luiz Inacio Lula da Silva", "person:lula-da-silva")], people


def test_accents_folded_only_for_latin_listed_names(knowledge: Knowledge) -> None:
    """Folding the keys of listed names: with and without accents the same person, same span."""
    for text in (
        "Turkish President Recep Tayyip Erdogan met Luiz Inacio Lula da Silva.",
        "Turkish President Recep Tayyip Erdoğan met Luiz Inácio Lula da Silva.",
    ):
        u = understand(knowledge, "", text, "en")
        ids = {e.id for e in u.entities if e.type is EntityType.PERSON}
        assert ids == {"person:recep-tayyip-erdogan", "person:lula-da-silva"}, u.entities
        spans = find_entity_spans(knowledge, text, "en")
        shown = [text[s.start : s.end] for s in spans if s.type is EntityType.PERSON]
        assert [name.startswith(("Recep", "Luiz")) for name in shown] == [True, True], shown


def test_a_place_word_in_a_persons_name_is_no_place(knowledge: Knowledge) -> None:
    """A title or an apposition made the name a person: its place's word is no place, nor is the
    word alone later ("Paris said"), unless a place's preposition stands before it."""
    text = "Dr Amara Okafor, a surgeon in Lagos, said the clinic would reopen. Okafor agreed."
    u = understand(knowledge, "", text, "en")
    assert u.about == ("NG",), u.countries
    assert "ET" not in {m.country for m in u.mentions}, u.mentions  # Amara, a region there
    assert "Amhara" not in {e.name for e in u.entities}, u.entities
    text = (
        "Valeska Paris, an Australian woman, said she was held on the ship. Paris was born in "
        "1977. Paris said she was 14 when she was sent there."
    )
    u = understand(knowledge, "", text, "en")
    assert "FR" not in {m.country for m in u.mentions}, u.mentions
    assert _people(u).get("Valeska Paris") == 3, u.entities
    text = (
        "Valeska Paris, an Australian woman, said she moved to Paris in 1990. Paris said she "
        "loved the city."
    )
    u = understand(knowledge, "", text, "en")
    assert [m.surface for m in u.mentions if m.country == "FR"] == ["Paris"], u.mentions
    assert _people(u).get("Valeska Paris") == 2, u.entities
    # a country's name alone stays the country, though a person bears it
    text = "Valeska Niger, an Australian woman, was held there. Niger has closed its border."
    u = understand(knowledge, "", text, "en")
    assert [m.offset for m in u.mentions if m.country == "NE"] == [text.rindex("Niger")]


def test_paris_alone_in_a_story_about_paris_is_the_city(knowledge: Knowledge) -> None:
    text = (
        "The mayor of Paris announced new bike lanes on Monday. Paris will add 100 km by 2026, "
        "and Paris Hilton, who visited, praised the plan."
    )
    u = understand(knowledge, "", text, "en")
    assert u.about == ("FR",), u.countries
    assert len([m for m in u.mentions if m.country == "FR"]) == 2, u.mentions


def test_a_role_word_opening_a_sentence_is_not_in_the_name(knowledge: Knowledge) -> None:
    text = "Whistleblower Quorin Tallwater spoke first. Veteran Zeb Marrowfield spoke next."
    people = _people(understand(knowledge, "", text, "en"))
    assert {"Quorin Tallwater", "Zeb Marrowfield"} <= set(people), people
    assert not any(name.startswith(("Whistleblower", "Veteran")) for name in people), people


def test_a_listed_name_without_accents_meets_the_text_with_them(tmp_path: Path) -> None:
    """An operator lists "Jose Mujica" plainly; the text writes "José Mujica": one person, the
    listed one. A place's accents are not folded: Salé is no "sale"."""
    extra = tmp_path / "entities.jsonl"
    record = {"id": "person:jose-mujica", "type": "person", "name_en": "Jose Mujica"}
    extra.write_text(json.dumps(record) + "\n", encoding="utf-8")
    knowledge = load_knowledge(extra)
    text = "Former Uruguayan President José Mujica said the houses for sale were too dear."
    u = understand(knowledge, "", text, "en")
    assert [e.id for e in u.entities if e.type is EntityType.PERSON] == ["person:jose-mujica"]
    spans = find_entity_spans(knowledge, text, "en")
    assert [text[s.start : s.end] for s in spans if s.id == "person:jose-mujica"] == ["José Mujica"]
    assert "MA" not in {m.country for m in u.mentions}, u.mentions


def test_words_before_a_title_qualify_it(knowledge: Knowledge) -> None:
    """In "Public Safety Director Steve Noonkester" the words before the title are no person."""
    text = "The late Public Safety Director Dale Brannock said the Harlan Grove Mayor agreed."
    people = _people(understand(knowledge, "", text, "en"))
    assert set(people) == {"Dale Brannock"}, people


def test_a_title_word_may_end_a_name(knowledge: Knowledge) -> None:
    """King, Pope, Boxer end names that a given name begins: "Evan P. King" is one person."""
    text = "Neighbours said Evan P. King, 24, and Sonia Correa Pope had left the town."
    people = _people(understand(knowledge, "", text, "en"))
    assert {"Evan P. King", "Sonia Correa Pope"} <= set(people), people


def test_local_titles_and_party_labels_are_no_part_of_a_name(knowledge: Knowledge) -> None:
    text = (
        "Neighbours of First Selectman Walter Pruitt complained. Republican Gray Tolliver and "
        "Democrat Ann Marsh agreed. Resident Landry Boudreaux said the Republican-dominated "
        "Legislature would act."
    )
    people = _people(understand(knowledge, "", text, "en"))
    assert {"Walter Pruitt", "Gray Tolliver", "Ann Marsh", "Landry Boudreaux"} <= set(people)
    assert not any(
        word in name for name in people for word in ("Selectman", "Republican", "Resident")
    ), people
    assert "dominated Legislature" not in people


def test_a_title_opening_a_sentence_keeps_its_portfolio(knowledge: Knowledge) -> None:
    """In "Director of Public Works Eric Hood said" the title opens the sentence and is also
    written in lower case elsewhere; the portfolio still stays with it."""
    text = (
        "The director spoke first. Director of Public Works Eric Hallam said the road will "
        "close. Judge Thomas B. Haverford of Kent County Circuit Court agreed."
    )
    people = _people(understand(knowledge, "", text, "en"))
    assert {"Eric Hallam", "Thomas B. Haverford"} <= set(people), people


def test_a_name_after_the_is_no_person_unless_it_qualifies_a_noun(knowledge: Knowledge) -> None:
    """A name after "the" ("the Roman Inquisition", "the Oliver Smith Will") is a thing's name; "the Tom Cruise
    video": a person's name qualifying a noun."""
    text = (
        "Galilei died under house arrest ordered by the Roman Inquisition. He was made elector "
        "of the Oliver Smith Will. Fans shared the Tom Cruise video."
    )
    people = _people(understand(knowledge, "", text, "en"))
    assert "Tom Cruise" in people, people
    assert not {"Roman Inquisition", "Oliver Smith Will", "Oliver Smith"} & set(people), people


def test_things_named_like_people(knowledge: Knowledge) -> None:
    text = "The cubs came from Harlan Vista Zoo, near Martin Brennan Parkway, Tom Keller said."
    people = _people(understand(knowledge, "", text, "en"))
    assert set(people) == {"Tom Keller"}, people


def test_more_local_titles_and_sentence_openers(knowledge: Knowledge) -> None:
    text = (
        "Deputy Coroner Gerald Fenwick and Comptroller Susan Combe spoke. Although Brannigan "
        "objected, Like Hollister he voted. Director of Pupil Personnel Rhonda Welker agreed."
    )
    people = set(_people(understand(knowledge, "", text, "en")))
    assert {"Gerald Fenwick", "Susan Combe", "Rhonda Welker"} <= people, people
    assert not any(
        word in name
        for name in people
        for word in ("Coroner", "Comptroller", "Although", "Like", "Pupil")
    ), people


def test_a_title_ending_a_sentence_names_no_one_after_it(knowledge: Knowledge) -> None:
    text = "The panel picked four finalists. Voters will choose in May, officials said."
    people = _people(understand(knowledge, "", text, "en"))
    assert not people, people


def test_campaigns_lotteries_and_divisions_are_no_people(knowledge: Knowledge) -> None:
    text = (
        "The First Amendment Now Campaign backed the National Lottery, Dale Rourke said, and "
        "Harlow Chemical joined the Accelerated Marketing Division."
    )
    u = understand(knowledge, "", text, "en")
    assert set(_people(u)) == {"Dale Rourke"}, _people(u)
    orgs = {e.name for e in u.entities if e.type is EntityType.ORGANIZATION}
    assert {"Harlow Chemical", "Accelerated Marketing Division"} <= orgs, orgs


def test_a_title_case_first_line_is_a_headline(knowledge: Knowledge) -> None:
    """A first line in Title Case names no one by its capitals ("Richard Days Dead At 84");
    a first line in sentence case is read as any sentence."""
    titled = "Richard Days Dead At 84\nThe former mill owner died on Sunday, his family said."
    spans = find_entity_spans(knowledge, titled, "en")
    assert not [s for s in spans if s.type is EntityType.PERSON], spans
    plain = "Dr Dana Whitfield wins science prize\nThe award was given on Sunday."
    spans = find_entity_spans(knowledge, plain, "en")
    assert "Dana Whitfield" in {plain[s.start : s.end] for s in spans}, spans
