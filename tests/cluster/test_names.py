"""Consonant skeletons: one name in two scripts meets; noise stays bounded."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.cluster import StoryClusterer, story
from marsad.cluster.names import (
    MAX_NAME_KEYS,
    MAX_SKELETON,
    name_keys,
    skeleton,
    title_skeletons,
)
from marsad.dedup import features_from

HOUR = 3600.0


def test_transliterated_names_share_a_skeleton() -> None:
    pairs = [
        ("Fiorentina", "فيورنتينا"),
        ("Sridevi", "سريديفي"),
        ("Manchester", "مانشستر"),
        ("Arsenal", "أرسنال"),
        ("Jenner", "جينر"),
        ("Fujairah", "الفجيرة"),
    ]
    for latin, arabic in pairs:
        assert skeleton(latin) == skeleton(arabic), (latin, arabic)
    assert skeleton("Fiorentina") != skeleton("Arsenal")


def test_name_keys_take_capitalised_latin_words_and_spotted_names() -> None:
    keys = name_keys("Fiorentina captain dies aged 31", "en", ("person:~davide-astori",))
    assert "k:frntn" in keys
    assert "k:str" in keys  # astori, from the spotted name
    assert not any(k.startswith("k:kbtn") for k in keys)  # "captain" is not capitalised
    arabic = name_keys("وفاة قائد فيورنتينا", "ar", ("person:~ديفيد-استوري",))
    assert "k:frntn" in arabic and "k:str" in arabic


@given(st.text(max_size=400), st.sampled_from(["ar", "en", "fr"]))
def test_name_keys_are_bounded_for_any_title(title: str, language: str) -> None:
    keys = name_keys(title, language, ("person:~" + title[:50],))
    assert len(keys) <= MAX_NAME_KEYS
    for key in keys:
        body = key.removeprefix("k:")
        assert 3 <= len(body) <= MAX_SKELETON
        assert set(body) <= set("btdskflmnr")


def test_an_english_report_joins_through_names_its_entities_missed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The Arabic reports carry the names only as spotted ("~") ids, the English one not at
    # all: the skeletons of "Fiorentina" and "Astori" (and the age) carry it across.
    ar_texts = (
        "توفي ديفيد استوري قائد فريق فيورنتينا الإيطالي عن عمر ناهز 31 عاما في غرفته بالفندق "
        "قبل مباراة فريقه أمام أودينيزي، وأعلن النادي تأجيل المباراة حدادا على اللاعب.",
        "نعى نادي فيورنتينا قائده ديفيد استوري الذي رحل عن 31 عاما، وتوالت رسائل التعزية من "
        "لاعبين ومدربين في الدوري الإيطالي، وقررت الرابطة تأجيل مباريات الجولة كلها.",
    )
    ents = ("organization:~فيورنتينا", "person:~ديفيد-استوري", "country:IT")
    ar = [
        features_from(
            f"ar-{n}",
            title=title,
            text=ar_texts[n],
            language="ar",
            published=n * HOUR,
            entities=ents,
            source=f"s{n}",
        )
        for n, title in enumerate(["وفاة مفاجئة لقائد فيورنتينا استوري", "فيورنتينا ينعى استوري"])
    ]
    en = features_from(
        "en-1",
        title="Fiorentina captain Davide Astori dies aged 31",
        text="Davide Astori, the Fiorentina captain, died in his sleep aged 31 before a match "
        "against Udinese; the club postponed the game.",
        language="en",
        published=3 * HOUR,
        entities=("country:IT",),
    )
    joined = StoryClusterer()
    assigned = [joined.add(f) for f in ar]
    assert assigned[1].duplicate_of_key is None and not assigned[1].new_story
    assert joined.add(en).story_key == assigned[0].story_key
    # Without the skeletons the shared age and country are not enough.
    monkeypatch.setattr(story, "NAME_WEIGHT", 0.0)
    apart = StoryClusterer()
    for f in ar:
        apart.add(f)
    assert apart.add(en).new_story


@pytest.mark.parametrize(
    ("one", "other"),
    [("سكريبل", "سكريبال"), ("ترمب", "ترامب"), ("تيلرسون", "تيليرسون"), ("هوكينغ", "هوكينج")],
    ids=["skripal", "trump", "tillerson", "hawking"],
)
def test_two_spellings_of_a_name_share_a_title_term(one: str, other: str) -> None:
    def terms(title: str) -> dict[str, float]:
        f = features_from("k", title=title, text="", language="ar", published=0.0)
        return story.article_term_weights(f)

    a, b = terms(f"تصريحات جديدة بشأن {one}"), terms(f"{other} في قلب الأزمة")
    shared = {t for t in a.keys() & b.keys() if t.startswith(story.SKELETON_PREFIX)}
    assert shared == {story.SKELETON_PREFIX + skeleton(one)}
    assert skeleton(one) in title_skeletons(f"{one} يتحدث", "ar")
    assert title_skeletons("Trump fires Tillerson", "en") == ["trmb", "tlrsn"]  # capitalised only
