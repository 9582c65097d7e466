"""Translated copies: linked by numbers and entities in order, across languages only."""

from __future__ import annotations

from marsad.dedup import TranslationIndex, features_from, translation_score

EN = (
    "Secretary of State Antony Blinken met Ukrainian President Volodymyr Zelensky in Kyiv on "
    "Thursday and announced $2.5 billion in new military aid, including 59 Bradley vehicles and "
    "90 Stryker carriers. Russian President Vladimir Putin said on Friday the aid would prolong "
    "the war, which the United Nations says has displaced 14 million people."
)
AR = (
    "التقى وزير الخارجية الأمريكي أنتوني بلينكن الرئيس الأوكراني فولوديمير زيلينسكي في كييف يوم "
    "الخميس وأعلن مساعدات عسكرية جديدة بقيمة 2.5 مليار دولار تشمل 59 مركبة برادلي و90 ناقلة "
    "سترايكر. وقال الرئيس الروسي فلاديمير بوتين الجمعة إن المساعدات ستطيل أمد الحرب التي تقول "
    "الأمم المتحدة إنها شردت 14 مليون شخص."
)
PEOPLE = ["person:antony-blinken", "person:volodymyr-zelensky", "person:vladimir-putin"]
DAY = 86400.0


def en(published: float = 0.0, **kw):
    args = dict(title="Blinken in Kyiv", text=EN, language="en", published=published)
    args.update(entities=PEOPLE, countries=["UA", "US", "RU"])
    args.update(kw)
    return features_from("en", **args)


def ar(published: float = 3600.0, key: str = "ar", **kw):
    args = dict(title="بلينكن في كييف", text=AR, language="ar", published=published)
    args.update(entities=PEOPLE, countries=["UA", "US", "RU"])
    args.update(kw)
    return features_from(key, **args)


def test_translation_is_linked_to_its_original() -> None:
    index = TranslationIndex()
    assert index.add(en()) is None
    match = index.add(ar())
    assert match is not None and match.original_key == "en" and match.score >= 0.9


def test_same_language_is_never_a_translation() -> None:
    assert translation_score(ar(key="a1"), ar(key="a2")) == 0.0


def test_too_far_apart_in_time_is_no_translation() -> None:
    assert translation_score(en(), ar(published=5 * DAY)) == 0.0


def test_entities_in_another_order_and_other_numbers_are_no_translation() -> None:
    other_text = "قال بوتين إن بلينكن وزيلينسكي التقيا مرتين في 2023 وإن 3 اتفاقات وقعت."
    other = ar(text=other_text, entities=list(reversed(PEOPLE)))
    assert translation_score(en(), other) < 0.6


def test_translated_title_is_evidence_when_an_engine_is_present() -> None:
    short_en = features_from(
        "e", title="Floods kill dozens in Libya", text="", language="en", published=0
    )
    short_ar = features_from(
        "a",
        title="فيضانات تقتل العشرات في ليبيا",
        text="",
        language="ar",
        published=60,
    )
    assert translation_score(short_en, short_ar) == 0.0
    with_engine = features_from(
        "e",
        title="Floods kill dozens in Libya",
        text="",
        language="en",
        published=0,
        translated_title="فيضانات تقتل العشرات في ليبيا",
    )
    assert translation_score(with_engine, short_ar) >= 0.9


def test_expiry() -> None:
    index = TranslationIndex()
    index.add(en())
    index.expire(10.0)
    assert len(index) == 0 and index.add(ar()) is None
