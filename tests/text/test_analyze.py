"""analyze and stop words: the one analyser for documents and queries."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import marsad.text
from marsad.text import Analyzer, AnalyzerOptions, analyze, is_stopword
from marsad.text.lexicon import STOPWORDS_AR, STOPWORDS_EN

STOPWORD_CASES = [
    ("ar-preposition", "في", "ar", True),
    ("ar-preposition-hamza", "إلى", "ar", True),
    ("ar-with-conjunction", "وهو", "ar", True),
    ("ar-with-preposition", "بماذا", "ar", True),
    ("ar-relative", "الذي", "ar", True),
    ("ar-joined-question", "ماهي", "ar", True),
    ("ar-content-word", "الفيضانات", "ar", False),
    ("ar-country", "مصر", "ar", False),
    ("en-article", "the", "en", True),
    ("en-capitalised", "The", "en", True),
    ("en-us-is-a-country", "us", "en", False),
    ("en-may-is-a-month", "may", "en", False),
    ("en-content-word", "floods", "en", False),
    ("other-language", "the", "fr", False),
]


@pytest.mark.parametrize(
    ("token", "language", "expected"),
    [c[1:] for c in STOPWORD_CASES],
    ids=[c[0] for c in STOPWORD_CASES],
)
def test_is_stopword(token: str, language: str, expected: bool) -> None:
    assert is_stopword(token, language) is expected


def test_stopword_lists_loaded() -> None:
    assert len(STOPWORDS_AR) > 150
    assert len(STOPWORDS_EN) > 120


ANALYZE_CASES = [
    (
        "arabic-sentence",
        "قال وزير الخارجية إن الفيضانات في باكستان أودت بحياة المئات",
        None,
        ["وزير", "خارج", "فيض", "باكستان", "اودت", "حيا", "مي"],
    ),
    ("english-sentence", "The floods in Pakistan were deadly", None, ["flood", "pakistan", "dead"]),
    ("mixed", "بايدن Biden 2026", None, ["بايدن", "biden", "2026"]),
    ("accents-folded", "São Paulo", None, ["sao", "paulo"]),
    ("french-not-stemmed", "les élections", "fr", ["les", "elections"]),
    ("only-stopwords", "في من إلى the of", None, []),
    ("empty", "", None, []),
]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [c[1:] for c in ANALYZE_CASES],
    ids=[c[0] for c in ANALYZE_CASES],
)
def test_analyze(text: str, language: str | None, expected: list[str]) -> None:
    assert analyze(text, language) == expected


QUERY_FORM_CASES = [
    ("article", "الكتاب", "كتاب"),
    ("diacritics", "كِتَاب", "كتاب"),
    ("hamza", "أوكرانيا", "اوكرانيا"),
    ("teh-marbuta", "الحكومة", "حكومه"),
    ("alef-maksura", "مستشفى", "مستشفي"),
]


@pytest.mark.parametrize(
    ("a", "b"), [c[1:] for c in QUERY_FORM_CASES], ids=[c[0] for c in QUERY_FORM_CASES]
)
def test_query_forms_meet(a: str, b: str) -> None:
    assert analyze(a) == analyze(b) != []


def test_language_given_or_detected_agree_for_arabic_and_english() -> None:
    text = "أعلنت الحكومة الباكستانية حالة الطوارئ. The government declared an emergency."
    assert analyze(text) == analyze(text, "ar") == analyze(text, "en")


def test_analyser_options() -> None:
    text = "المعلمين في المدارس"
    assert Analyzer(AnalyzerOptions(arabic_stemmer="none", stopwords=False)).analyze(text) == [
        "المعلمين",
        "في",
        "المدارس",
    ]
    snowball = Analyzer(AnalyzerOptions(arabic_stemmer="snowball")).analyze(text)
    assert "في" not in snowball and len(snowball) == 2
    with pytest.raises(ValueError):
        Analyzer(AnalyzerOptions(arabic_stemmer="porter"))


def test_analyze_is_deterministic_across_analysers() -> None:
    text = "والفلسطينيون في غزة ولبنان بالأمس " * 3
    assert Analyzer().analyze(text) == Analyzer().analyze(text) == analyze(text)


def test_public_api() -> None:
    assert sorted(marsad.text.__all__) == [
        "Analyzer",
        "AnalyzerOptions",
        "analyze",
        "extract_numbers",
        "is_arabic",
        "is_stopword",
        "normalize_ar",
        "shingles",
        "split_clitics",
        "stem_ar",
        "stem_en",
        "tokenize",
    ]


@settings(max_examples=300)
@given(st.text(), st.sampled_from([None, "ar", "en", "fr"]))
def test_analyze_never_raises(text: str, language: str | None) -> None:
    terms = analyze(text, language)
    assert all(isinstance(t, str) and t for t in terms)


@given(st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), max_size=60))
def test_analyze_arabic_block_never_raises(text: str) -> None:
    analyze(text)
