"""The public API: shape, ids shared across languages, operators' entities, hostile input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import marsad.understand as understand_pkg
from marsad.errors import ConfigError
from marsad.models import REGIONS, EntityType
from marsad.text import normalize_ar
from marsad.understand import Knowledge, load_knowledge, understand, understanding_to_json
from marsad.understand.entities import parse_entities, unknown_person_id
from marsad.understand.scan import clitic_variants, fast_normalize, normalize_key


def test_public_api_is_pinned() -> None:
    assert understand_pkg.__all__ == [
        "EntityMention",
        "EntitySpan",
        "Knowledge",
        "PlaceMention",
        "Understanding",
        "find_entity_spans",
        "load_knowledge",
        "understand",
        "understanding_to_json",
    ]


def test_same_id_across_languages(knowledge: Knowledge) -> None:
    ids = set()
    for title, language in (
        ("بوتين يستقبل أردوغان", "ar"),
        ("Putin meets Erdogan", "en"),
        ("Poutine reçoit Erdogan", "fr"),
    ):
        u = understand(knowledge, title, "", language)
        ids.add(tuple(sorted(e.id for e in u.entities if e.type is EntityType.PERSON)))
    assert ids == {("person:recep-tayyip-erdogan", "person:vladimir-putin")}


def test_entity_lookup_has_names_in_both_languages(knowledge: Knowledge) -> None:
    putin = knowledge.entity("person:vladimir-putin")
    assert putin is not None and putin.type is EntityType.PERSON
    languages = {n.language for n in putin.names}
    assert {"ar", "en", "fr"} <= languages
    france = knowledge.entity("country:FR")
    assert france is not None and france.name_ar == "فرنسا" and france.name_en == "France"
    assert knowledge.entity("person:nobody-at-all") is None
    derived = knowledge.entity(unknown_person_id("جان دو"))
    assert derived is not None and derived.name_ar == "جان دو"


def test_every_country_has_one_region(knowledge: Knowledge) -> None:
    region_of = knowledge.gazetteer.region_of
    assert len(region_of) >= 249
    assert set(region_of.values()) <= set(REGIONS)
    assert region_of["EG"] == "north_africa" and region_of["TR"] == "middle_east"
    assert region_of["SN"] == "africa" and region_of["PK"] == "south_asia"


def test_json_shape(knowledge: Knowledge) -> None:
    u = understand(knowledge, "الرئيس الفرنسي يزور الجزائر", "وصل ماكرون إلى الجزائر.", "ar")
    data = understanding_to_json(u)
    json.dumps(data, ensure_ascii=False)
    assert data["countries"][0] == "DZ"
    assert "FR" in data["countries"]
    assert data["regions"][0] == "north_africa"
    assert {"name", "type", "id"} <= set(data["entities"][0])
    first = data["mentions"][0]
    assert first["surface"] == "الفرنسي" and first["field"] == "title" and first["offset"] == 7


def test_offsets_point_at_the_surface(knowledge: Knowledge) -> None:
    text = "وقال مسؤولون في وبغداد، ولندن وللعراق إن الوضع هادئ في عُمان."
    u = understand(knowledge, "", text, "ar")
    assert [m.country for m in u.mentions] == ["IQ", "GB", "IQ", "OM"]
    for m in u.mentions:
        assert text[m.offset : m.offset + len(m.surface)] == m.surface


def test_operator_entities_extend_the_list(tmp_path: Path) -> None:
    extra = tmp_path / "entities.jsonl"
    extra.write_text(
        "\n".join(
            [
                json.dumps(
                    {
                        "id": "person:salma-example",
                        "type": "person",
                        "name_en": "Salma Example",
                        "name_ar": "سلمى إكزامبل",
                        "country": "EG",
                    },
                    ensure_ascii=False,
                ),
                "this is not json",
                json.dumps({"id": "bad id with spaces", "type": "person", "name_en": "X"}),
                json.dumps(
                    {
                        "id": "person:vladimir-putin",
                        "type": "person",
                        "names": {"de": ["Wladimir Putin"]},
                    }
                ),
            ]
        ),
        encoding="utf-8",
    )
    knowledge = load_knowledge(extra)
    u = understand(knowledge, "سلمى إكزامبل في القاهرة", "Wladimir Putin sagte...", None)
    ids = {e.id for e in u.entities}
    assert {"person:salma-example", "person:vladimir-putin"} <= ids
    putin = knowledge.entity("person:vladimir-putin")
    assert putin is not None and putin.name_ar == "فلاديمير بوتين"


def test_parse_entities_skips_bad_lines() -> None:
    lines = [
        '{"id": "organization:x", "type": "organization", "name_en": "X Org"}',
        "[1, 2]",
        '{"id": "organization:y", "type": "spaceship", "name_en": "Y"}',
        "",
    ]
    assert [r.id for r in parse_entities(lines, "test")] == ["organization:x"]


def test_clitic_variants() -> None:
    variants = {v for v, _ in clitic_variants(normalize_key("العراق"))}
    assert {"العراق", "والعراق", "بالعراق", "للعراق", "وللعراق"} <= variants
    adjective = {v for v, _ in clitic_variants(normalize_key("فرنسي"), adjective=True)}
    assert {"فرنسي", "الفرنسي", "والفرنسي", "للفرنسي"} <= adjective
    assert clitic_variants("france") == [("france", 0)]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400), st.text(max_size=60))
def test_never_crashes_and_offsets_hold(knowledge: Knowledge, text: str, title: str) -> None:
    u = understand(knowledge, title, text, None)
    for m in u.mentions:
        source = title if m.field == "title" else text
        assert source[m.offset : m.offset + len(m.surface)] == m.surface
    for c in u.countries:
        assert c.score >= 0


@given(st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), max_size=12))
def test_fast_normalize_agrees_with_normalize_ar(word: str) -> None:
    word = "".join(ch for ch in word if ch.isalnum()) or "x"
    assert fast_normalize(word) == normalize_ar(word).replace(" ", "")


def test_fast_normalize_plain_letters() -> None:
    for code in range(0x0621, 0x064B):
        ch = chr(code)
        assert fast_normalize("ب" + ch + "ب") == normalize_ar("ب" + ch + "ب").replace(" ", "")


def test_missing_entities_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_knowledge(tmp_path / "missing.jsonl")


def test_long_hostile_input_is_bounded(knowledge: Knowledge) -> None:
    text = ("فرنسا " + "\u064b" * 50 + " ,;!? ") * 20_000  # ~1.2 MB of marks and punctuation
    u = understand(knowledge, text[:5000], text, None)
    assert u.about == ("FR",)
