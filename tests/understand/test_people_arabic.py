"""Arabic people the entity list does not know, after a title or role (issue 14 point 3):
الرئيس، رئيس الوزراء، وزير، المتحدث باسم and the spokesman, chief-of-staff and senator titles;
a bare title names no one. Through ``understand()``."""

from __future__ import annotations

import pytest

from marsad.models import EntityType
from marsad.understand import Knowledge, Understanding, understand


def _people(u: Understanding) -> set[str]:
    return {e.name for e in u.entities if e.type is EntityType.PERSON}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("قال الرئيس الكيني وليام روتو إن بلاده مستعدة للحوار.", "وليام روتو"),
        ("وأكد رئيس الوزراء الإثيوبي آبي أحمد أن السد آمن.", "آبي أحمد"),
        ("وقال وزير المالية الغاني كين أوفوري أتا إن الدين تراجع.", "كين أوفوري أتا"),
        ("وقال المتحدث باسم الجيش الإسرائيلي دانيال هاغاري إن العملية انتهت.", "دانيال هاغاري"),
        (
            "وقال الناطق الرسمي باسم الخارجية القطرية ماجد الأنصاري إن الوساطة مستمرة.",
            "ماجد الأنصاري",
        ),
        ("وقالت الناطقة باسم الحكومة كارين دوبري إن القرار نهائي.", "كارين دوبري"),
        ("وقال رئيس أركان الجيش هرتسي هاليفي إن الحرب طويلة.", "هرتسي هاليفي"),
        ("وقال عضو مجلس الشيوخ الأمريكي ليندسي غراهام إن واشنطن ستدعم.", "ليندسي غراهام"),
    ],
)
def test_a_title_introduces_a_name(knowledge: Knowledge, text: str, name: str) -> None:
    people = _people(understand(knowledge, "", text, "ar"))
    assert name in people, people


def test_a_title_word_is_never_the_name(knowledge: Knowledge) -> None:
    """ "رئيس أركان": أركان is part of the title, not a person called Arkan."""
    text = "وقال رئيس أركان الجيش هرتسي هاليفي إن الحرب طويلة."
    people = _people(understand(knowledge, "", text, "ar"))
    assert not any("أركان" in name for name in people), people


@pytest.mark.parametrize(
    "text",
    [
        "وقالت المتحدثة باسم البيت الأبيض إن الرئيس سيزور المنطقة الأسبوع المقبل.",
        "وقال المتحدث باسم الشرطة إن التحقيق جار.",
        "وقال رئيس الوزراء إن الحكومة ستستقيل.",
        "وأكد الرئيس أن الحكومة ستعمل.",
    ],
)
def test_a_bare_title_names_no_one(knowledge: Knowledge, text: str) -> None:
    people = _people(understand(knowledge, "", text, "ar"))
    assert not people, people


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("قال الوزير الفلسطيني رياض المالكي إن الاحتلال يواصل الاستيطان.", "رياض المالكي"),
        ("وقال وزير الخارجية الفلسطيني رياض المالكي إن المفاوضات متوقفة.", "رياض المالكي"),
        ("وقال محمد المالكي إن الحكومة مستمرة في عملها.", "محمد المالكي"),
    ],
)
def test_a_namesake_of_a_listed_surname_is_another_person(
    knowledge: Knowledge, text: str, name: str
) -> None:
    """A given name before a listed person's surname that is none of his names (رياض, not نوري
    المالكي): another man, kept under his own name, and not the listed man's country."""
    u = understand(knowledge, "", text, "ar")
    ids = {e.id for e in u.entities if e.type is EntityType.PERSON}
    assert "person:nouri-al-maliki" not in ids, u.entities
    assert name in _people(u), u.entities
    assert "IQ" not in {c.country for c in u.countries}, u.countries


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("قال رئيس الوزراء العراقي نوري المالكي إن الحكومة مستمرة.", "person:nouri-al-maliki"),
        ("وقال المالكي إن الحكومة مستمرة في عملها.", "person:nouri-al-maliki"),
        ("قال الرئيس المصري محمد حسني مبارك إن مصر بخير.", "person:hosni-mubarak"),
    ],
)
def test_the_listed_person_with_his_own_names_stays_listed(
    knowledge: Knowledge, text: str, entity: str
) -> None:
    u = understand(knowledge, "", text, "ar")
    ids = [e.id for e in u.entities if e.type is EntityType.PERSON]
    assert ids == [entity], u.entities
