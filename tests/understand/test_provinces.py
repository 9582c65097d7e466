"""Provinces and towns the news names often (places_extra.json "provinces"): one id in both
languages, their country, and no reading where the name is an everyday word."""

from __future__ import annotations

import pytest

from marsad.understand import Knowledge, understand


def _places(knowledge: Knowledge, text: str, language: str) -> tuple[list[str], list[str]]:
    result = understand(knowledge, text, "", language)
    ids = [e.id for e in result.entities if e.type.value == "place"]
    return ids, [c.country for c in result.countries]


@pytest.mark.parametrize(
    ("arabic", "english", "country"),
    [
        ("قصف تركي على عفرين", "Turkish shelling of Afrin", "SY"),
        ("غارات على الغوطة الشرقية", "Air strikes on Eastern Ghouta", "SY"),
        ("نزوح جديد في دارفور", "New displacement in Darfur", "SD"),
        ("هجمات في ميندناو", "Attacks in Mindanao", "PH"),
        ("تفجير في بلوشستان", "A bombing in Balochistan", "PK"),
    ],
)
def test_province_has_one_id_in_both_languages(
    knowledge: Knowledge, arabic: str, english: str, country: str
) -> None:
    ar_ids, ar_countries = _places(knowledge, arabic, "ar")
    en_ids, en_countries = _places(knowledge, english, "en")
    assert ar_ids and ar_ids == en_ids
    assert ar_ids[0].startswith("province:")
    assert ar_countries[:1] == en_countries[:1] == [country]


def test_clitics_do_not_hide_a_province(knowledge: Knowledge) -> None:
    assert (
        _places(knowledge, "معارك بعفرين", "ar")[0] == _places(knowledge, "معارك في عفرين", "ar")[0]
    )


def test_russian_duma_is_not_the_syrian_town(knowledge: Knowledge) -> None:
    ids, countries = _places(knowledge, "صوت مجلس الدوما الروسي على القانون", "ar")
    assert not any(i.startswith("province:SY") for i in ids)
    assert "SY" not in countries
