"""Organisations by head word and people introduced by a demonym or a speech verb."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.models import EntityType
from marsad.understand import Knowledge, find_entity_spans
from marsad.understand.orgs import ORG_PREFIX, org_id
from marsad.understand.scan import normalize_key


def _found(knowledge: Knowledge, text: str, language: str, kind: EntityType) -> list[str]:
    spans = find_entity_spans(knowledge, text, language)
    return [text[s.start : s.end] for s in spans if s.type is kind]


@pytest.mark.parametrize(
    ("text", "language", "names"),
    [
        ("دعا زعيم حزب العمال الكردستاني إلى وقف النار", "ar", ["حزب العمال الكردستاني"]),
        ("قال رئيس البنك المركزي الأوروبي امس إن", "ar", ["البنك المركزي الأوروبي"]),
        ("والناطق باسم حركة فتح أحمد عبد الرحمن", "ar", ["حركة فتح"]),
        ("أعلنت شركة انرون الأمريكية إفلاسها", "ar", ["انرون"]),
        ("قالت صحيفة ديلي تلغراف إن", "ar", ["ديلي تلغراف"]),
        ("فاز فريق فيراري بلقب الموسم", "ar", ["فيراري"]),
        ('وقالت صحيفة "الصنداي تايمز" إن الفيديو', "ar", ["الصنداي تايمز"]),
        (
            "The Ministry of Defence said Acme Holdings Inc would pay",
            "en",
            ["Ministry of Defence", "Acme Holdings Inc"],
        ),
        ("Students at Harvard University protested", "en", ["Harvard University"]),
        (
            "Israeli troops entered the West Bank, the Bank of England said",
            "en",
            ["Bank of England"],
        ),
    ],
    ids=[
        "ar-party",
        "ar-central-bank",
        "ar-movement-then-person",
        "ar-company-kind-noun",
        "ar-newspaper",
        "ar-team",
        "ar-quoted-name",
        "en-ministry-inc",
        "en-university",
        "en-west-bank-is-a-place",
    ],
)
def test_organisation_by_head_word(
    knowledge: Knowledge, text: str, language: str, names: list[str]
) -> None:
    assert _found(knowledge, text, language, EntityType.ORGANIZATION) == names


@pytest.mark.parametrize(
    "text",
    [
        "وصنفت الولايات المتحدة الحزب منظمة إرهابية",  # an adjective after the head
        "في تحقيقاتهم في انهيار شركة الطاقة",  # a description after a kind noun
        "وقال الحزب إنه سيشارك",  # a definite head with a verb after it
        "قال مسؤول في وزارة الداخلية إن",  # a ministry of some state is no one body
    ],
)
def test_no_organisation_where_none_is_named(knowledge: Knowledge, text: str) -> None:
    assert _found(knowledge, text, "ar", EntityType.ORGANIZATION) == []


def test_organisation_id_is_derived_and_resolvable(knowledge: Knowledge) -> None:
    spans = find_entity_spans(knowledge, "دعا زعيم حزب العمال الكردستاني", "ar")
    org = next(s for s in spans if s.type is EntityType.ORGANIZATION)
    assert org.id == org_id(normalize_key("حزب العمال الكردستاني"))
    entity = knowledge.entity(org.id)
    assert entity is not None and entity.type is EntityType.ORGANIZATION
    assert entity.name_ar == "حزب العمال الكردستاني"


def test_place_inside_an_organisation_is_not_a_place_entity(knowledge: Knowledge) -> None:
    text = "ألقى محاضرة في جامعة القاهرة أمس"
    assert _found(knowledge, text, "ar", EntityType.ORGANIZATION) == ["جامعة القاهرة"]
    assert _found(knowledge, text, "ar", EntityType.PLACE) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("وحل ثانيا والياباني هاروكي موراكامي", ["هاروكي موراكامي"]),
        ("بعد تصادمه مع البرازيلي روبنز باريكيلو", ["روبنز باريكيلو"]),
        ("وقال جون ماكين إن الحرب", ["جون ماكين"]),
        ("سدد اللاعب سعيد العويران الكرة", ["سعيد العويران"]),
    ],
    ids=["demonym-with-wa", "demonym-after-particle", "speech-verb", "role-given-name-surname"],
)
def test_person_introduced_without_a_title(
    knowledge: Knowledge, text: str, names: list[str]
) -> None:
    assert _found(knowledge, text, "ar", EntityType.PERSON) == names


@pytest.mark.parametrize(
    "text",
    [
        "رفع العلم العراقي فوق المبنى",  # a demonym after a noun is its adjective
        "قالت مجلة فوربز الأمريكية عام 2005",  # same, after a name
        "وقال مسؤول كبير إن",  # a generic speaker
        "قال شهود عيان إن",
    ],
)
def test_no_person_from_adjectives_or_generic_speakers(knowledge: Knowledge, text: str) -> None:
    assert _found(knowledge, text, "ar", EntityType.PERSON) == []


def test_first_name_joins_a_listed_person(knowledge: Knowledge) -> None:
    text = "استقبل الرئيس الروسي فلاديمير بوتين الوفد"
    spans = find_entity_spans(knowledge, text, "ar")
    people = [(text[s.start : s.end], s.id) for s in spans if s.type is EntityType.PERSON]
    assert people == [("فلاديمير بوتين", "person:vladimir-putin")]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="حزب منظمة شركة البنك الحركة Bank Party Inc of the و،.-0123", max_size=80))
def test_org_finder_never_crashes_and_spans_are_in_text(knowledge: Knowledge, text: str) -> None:
    for span in find_entity_spans(knowledge, text, None):
        assert 0 <= span.start < span.end <= len(text)
        if span.type is EntityType.ORGANIZATION and span.id.startswith(ORG_PREFIX):
            assert text[span.start : span.end].strip()
