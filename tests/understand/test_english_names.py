"""English people and organisations the entity list does not know (issue 14), through
``understand()`` and ``marsad analyze --json``."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from marsad.cli.main import main
from marsad.models import EntityType
from marsad.understand import Knowledge, understand

TEXT = (
    "Myanmar leader Aung San Suu Kyi met Brazilian President Luiz Inácio Lula da Silva and "
    "Crown Prince Mohammed bin Salman on Monday, while Dr Ngozi Okonjo-Iweala spoke for the "
    "World Trade Organization. Energy minister Tariq Farouk Hamdan of the Oakland Harbour "
    "Authority also attended. Later Suu Kyi said the talks had gone well, and Lula agreed. "
    "The European Commission president called for calm. In football, Manchester United beat "
    "Real Madrid, and Cuba Gooding Jr. and Paris Hilton watched from the stands."
)


def _names(u: object, kind: EntityType) -> dict[str, tuple[str, int]]:
    return {e.name: (e.id, e.count) for e in u.entities if e.type is kind}  # type: ignore[attr-defined]


def test_people_whole_and_joined(knowledge: Knowledge) -> None:
    u = understand(knowledge, "Leaders meet in Riyadh", TEXT, "en")
    people = _names(u, EntityType.PERSON)
    assert "Aung San Suu Kyi" in people and people["Aung San Suu Kyi"][1] == 2  # + "Suu Kyi"
    assert "Luiz Inácio Lula da Silva" in people and people["Luiz Inácio Lula da Silva"][1] == 2
    assert "Mohammed bin Salman" in people
    assert "Ngozi Okonjo-Iweala" in people
    assert "Tariq Farouk Hamdan" in people
    assert "Paris Hilton" in people
    # no chip is a role phrase or holds a title
    for name in people:
        assert name[:1].isupper() and "president" not in name.lower(), name
        assert not name.lower().startswith(("dr ", "crown", "president", "leader")), name


def test_organisations_and_clubs(knowledge: Knowledge) -> None:
    u = understand(knowledge, "Leaders meet in Riyadh", TEXT, "en")
    orgs = _names(u, EntityType.ORGANIZATION)
    assert {"Manchester United", "Real Madrid", "Oakland Harbour Authority"} <= set(orgs), orgs
    assert "European Commission" in orgs  # the known body, not "commission president"
    mentioned = {m.country for m in u.mentions}
    assert not mentioned & {"CU", "FR"}, u.mentions  # Cuba Gooding Jr., Paris Hilton


def test_surname_only_after_full_name(knowledge: Knowledge) -> None:
    u = understand(knowledge, "", "Smith said the plan would work.", "en")
    assert not _names(u, EntityType.PERSON)  # a lone surname names no one yet


def test_names_through_cli(
    marsad_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.html"
    body = "".join(f"<p>{html.escape(p)}.</p>" for p in TEXT.split(". "))
    page.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Leaders meet in '
        "Riyadh</title></head><body><article><h1>Leaders meet in Riyadh</h1>"
        f"{body}</article></body></html>",
        encoding="utf-8",
    )
    assert main(["analyze", "--json", str(page)]) == 0
    record = json.loads(capsys.readouterr().out.splitlines()[0])
    by_name = {e["name"]: e for e in record["entities"]}
    assert by_name["Aung San Suu Kyi"]["type"] == "person"
    assert by_name["Aung San Suu Kyi"]["count"] == 2
    assert by_name["Manchester United"]["type"] == "organization"
    assert not any("president" in e["name"].lower() for e in record["entities"])


def test_person_glued_to_a_body_is_cut_out(knowledge: Knowledge) -> None:
    """A name that is not a census given name still leaves the body's run: "Refugee Council
    Enver Solomon", "Jann Wenner of Rolling Stone Magazine" (a person by a given name or a title
    only, so Jann Wenner is left unnamed rather than made part of the magazine)."""
    text = (
        "The chief executive of the Refugee Council Enver Solomon said the plan was cruel. "
        "Later Jann Wenner of Rolling Stone Magazine agreed with him."
    )
    u = understand(knowledge, "", text, "en")
    orgs = _names(u, EntityType.ORGANIZATION)
    people = _names(u, EntityType.PERSON)
    assert "Refugee Council" in orgs and "Rolling Stone Magazine" in orgs, orgs
    assert "Enver Solomon" in people, people
    assert not any("Jann" in name or "Enver" in name for name in orgs), orgs
