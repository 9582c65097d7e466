"""People and organisations: titles and roles, given names, derived ids, the shipped list."""

from __future__ import annotations

import subprocess
import sys

import pytest

from marsad.models import EntityType
from marsad.understand import Knowledge, find_entity_spans, understand
from marsad.understand.entities import load_entities, unknown_person_id
from marsad.understand.scan import normalize_key


@pytest.mark.parametrize(
    ("text", "language", "name"),
    [
        ("قال وزير الخارجية الموريتاني محمد سالم ولد مرزوك إن", "ar", "محمد سالم ولد مرزوك"),
        ("وصرح المتحدث باسم وزارة الداخلية خليل الروابدة للصحفيين", "ar", "خليل الروابدة"),
        ("التقى الرئيس الأرجنتيني فرناندو غوميز نظيره", "ar", "فرناندو غوميز"),
        ("Prime Minister Jan Kowalski said on Monday", "en", "Jan Kowalski"),
        ("Foreign Minister Ana Pereira of Portugal met", "en", "Ana Pereira"),
    ],
    ids=["ar-minister-joiner", "ar-spokesman", "ar-president-demonym", "en-pm", "en-fm"],
)
def test_unknown_person_after_a_role(
    knowledge: Knowledge, text: str, language: str, name: str
) -> None:
    spans = find_entity_spans(knowledge, text, language)
    people = [text[s.start : s.end] for s in spans if s.type is EntityType.PERSON]
    assert people == [name]
    person = next(s for s in spans if s.type is EntityType.PERSON)
    assert person.id == unknown_person_id(normalize_key(name))


@pytest.mark.parametrize(
    "text",
    [
        "قال الرئيس إن الحكومة ستعمل",  # a particle after the title
        "وأكد الرئيس التنفيذي للشركة أن الأرباح ارتفعت",  # a role, no name
        "الرئيس يزور المدينة غدا",  # a verb after the title
        "The president said the talks would continue",
    ],
)
def test_no_person_where_none_is_named(knowledge: Knowledge, text: str) -> None:
    spans = find_entity_spans(knowledge, text, None)
    assert [s for s in spans if s.type is EntityType.PERSON] == []


def test_derived_id_is_stable_across_spellings(knowledge: Knowledge) -> None:
    a = understand(knowledge, "", "قال الوزير أحمد الطراونة إن", "ar")
    b = understand(knowledge, "", "وأضاف الوزير أحمد الطراونه أن", "ar")
    ids_a = {e.id for e in a.entities if e.type is EntityType.PERSON}
    ids_b = {e.id for e in b.entities if e.type is EntityType.PERSON}
    assert ids_a == ids_b and len(ids_a) == 1


def test_title_is_not_part_of_a_listed_name(knowledge: Knowledge) -> None:
    text = "استقبل الملك عبد الله الثاني الوفد"
    spans = [s for s in find_entity_spans(knowledge, text, "ar") if s.type is EntityType.PERSON]
    assert [(s.id, text[s.start : s.end]) for s in spans] == [
        ("person:king-abdullah-ii", "عبد الله الثاني")
    ]


def test_organisations_in_both_languages(knowledge: Knowledge) -> None:
    ar = understand(knowledge, "", "اجتمع حلف شمال الأطلسي وصندوق النقد الدولي", "ar")
    en = understand(knowledge, "", "NATO and the International Monetary Fund met", "en")
    ids = {"organization:nato", "organization:imf"}
    assert ids <= {e.id for e in ar.entities} and ids <= {e.id for e in en.entities}


def test_acronym_that_is_a_word_needs_capitals(knowledge: Knowledge) -> None:
    u = understand(knowledge, "", "Who said the WHO would help?", "en")
    assert [e.id for e in u.entities] == ["organization:who"]


def test_shipped_list_is_wide() -> None:
    records = load_entities()
    people = {r.id for r in records if r.type is EntityType.PERSON}
    orgs = {r.id for r in records if r.type is EntityType.ORGANIZATION}
    assert len(people) >= 150 and len(orgs) >= 40
    for must in (
        "person:joe-biden",
        "person:vladimir-putin",
        "person:antony-blinken",
        "person:volodymyr-zelensky",
        "person:ned-price",
        "person:donald-trump",
        "person:benjamin-netanyahu",
        "person:narendra-modi",
        "person:shehbaz-sharif",
        "person:ferdinand-marcos-jr",
        "organization:un",
        "organization:nato",
        "organization:eu",
        "organization:african-union",
        "organization:arab-league",
        "organization:opec",
        "organization:who",
        "organization:imf",
        "organization:world-bank",
        "organization:asean",
    ):
        assert must in people | orgs, must
    for record in records:
        assert record.name_ar and record.name_en, record.id


def test_runtime_needs_no_dev_packages() -> None:
    code = (
        "import sys; import marsad.understand as u; u.load_knowledge(); "
        "print('babel' in sys.modules, 'pycountry' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
