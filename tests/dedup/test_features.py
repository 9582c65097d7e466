"""Features: hashing, signatures, serialisation round trips."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from marsad.dedup import content_hash, features_from, features_from_dict, features_to_dict
from marsad.dedup.features import comparable_words
from marsad.dedup.minhash import SIGNATURE_BYTES, estimated_jaccard
from marsad.text import normalize_ar

TEXT = (
    "أعلنت وزارة الصحة الفلسطينية مقتل 27 شخصا وإصابة 140 آخرين في غارات جوية على مدينة رفح "
    "جنوب قطاع غزة خلال الليل، وقالت إن بين القتلى تسعة أطفال."
)


def test_content_hash_ignores_spelling_variants_and_spacing() -> None:
    plain = "أعلنت الوزارة  مقتل ٢٧ شخصاً"
    variant = "اعلنت الوزاره مقتل 27 شخصا"
    assert content_hash(plain) == content_hash(variant)
    assert content_hash(plain) != content_hash("اعلنت الوزاره مقتل 28 شخصا")


def test_features_hold_terms_numbers_and_signature() -> None:
    f = features_from(
        "k1",
        title="غارات على رفح",
        text=TEXT,
        language="ar",
        published=datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
        entities=["place:rafah", "place:rafah", "org:who"],
        countries=["ps"],
    )
    assert f.published == datetime(2026, 1, 2, 3, 4, tzinfo=UTC).timestamp()
    assert f.numbers == ("27", "140")
    assert f.entities == ("place:rafah", "org:who")
    assert f.countries == ("PS",)
    assert len(f.signature) == SIGNATURE_BYTES
    assert f.text_hash == content_hash(TEXT)
    assert f.title_terms and f.body_terms


def test_short_text_gets_no_signature_and_no_hash() -> None:
    f = features_from("k", title="عاجل", text="انفجار في بيروت", language="ar", published=None)
    assert f.signature == b"" and f.text_hash is None


def test_signature_similarity_tracks_edits() -> None:
    a = features_from("a", title="", text=TEXT, language="ar", published=0)
    edited = TEXT.replace("تسعة أطفال", "تسعة أطفال وثلاث نساء، بحسب مصادر طبية")
    b = features_from("b", title="", text=edited, language="ar", published=0)
    other = features_from(
        "c",
        title="",
        text="ارتفعت أسعار النفط في الأسواق العالمية بعد قرار أوبك خفض الإنتاج "
        "بمقدار مليون برميل يوميا اعتبارا من الشهر المقبل",
        language="ar",
        published=0,
    )
    assert estimated_jaccard(a.signature, a.signature) == 1.0
    assert estimated_jaccard(a.signature, b.signature) > 0.6
    assert estimated_jaccard(a.signature, other.signature) < 0.1


def test_dict_round_trip_is_json() -> None:
    f = features_from(
        "k", title="t", text=TEXT, language="ar", published=5.0, entities=["e:1"], url="u"
    )
    data = json.loads(json.dumps(features_to_dict(f)))
    assert features_from_dict(data, f.signature) == f


@given(
    title=st.text(max_size=200),
    text=st.text(max_size=2000),
    language=st.sampled_from(["ar", "en", None, "fr"]),
)
def test_features_never_crash_and_round_trip(title: str, text: str, language: str | None) -> None:
    f = features_from("k", title=title, text=text, language=language, published=None)
    assert features_from_dict(json.loads(json.dumps(features_to_dict(f))), f.signature) == f


_NON_WORD = re.compile(r"[^\w\s]+")


@given(st.text(max_size=300))
def test_comparable_words_are_normalize_ar_words(text: str) -> None:
    assert comparable_words(text) == _NON_WORD.sub(" ", normalize_ar(text)).split()


def test_comparable_words_fold_presentation_forms_and_digits() -> None:
    assert comparable_words("\ufefb\u0633\u0644\u0627\u0645، ١٢٣!") == ["لاسلام", "123"]
