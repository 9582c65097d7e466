"""Sentence splitting: abbreviations, initials, Arabic, Urdu and Hindi punctuation, long ones."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.translate.sentences import split_paragraphs, split_sentences

CASES = [
    ("plain", "It rained. Roads closed.", ["It rained.", "Roads closed."]),
    (
        "mr-dr",
        "Mr. Biden met Dr. Smith. They talked.",
        ["Mr. Biden met Dr. Smith.", "They talked."],
    ),
    (
        "us-initialism",
        "He flew to the U.S. on Monday. Then home.",
        ["He flew to the U.S. on Monday.", "Then home."],
    ),
    ("number-abbrev", "Item No. 5 sold. It was cheap.", ["Item No. 5 sold.", "It was cheap."]),
    (
        "initial",
        "John F. Kennedy spoke. Crowds cheered.",
        ["John F. Kennedy spoke.", "Crowds cheered."],
    ),
    ("lowercase-after-dot", "It cost approx. ten dollars.", ["It cost approx. ten dollars."]),
    ("question-exclaim", "Why now? Because! Fine.", ["Why now?", "Because!", "Fine."]),
    ("quote-close", 'He said "stop." She left.', ['He said "stop."', "She left."]),
    ("arabic-question", "هل انتهت الحرب؟ لا أحد يعرف.", ["هل انتهت الحرب؟", "لا أحد يعرف."]),
    (
        "arabic-comma-semicolon",
        "قال الوزير، ثم غادر؛ وانتهى الاجتماع.",
        ["قال الوزير، ثم غادر؛ وانتهى الاجتماع."],
    ),
    ("urdu-full-stop", "یہ پہلا جملہ ہے۔ یہ دوسرا ہے۔", ["یہ پہلا جملہ ہے۔", "یہ دوسرا ہے۔"]),
    ("hindi-danda", "यह पहला वाक्य है। यह दूसरा है।", ["यह पहला वाक्य है।", "यह दूसरा है।"]),
    ("decimal", "Growth was 3.5 percent. Good.", ["Growth was 3.5 percent.", "Good."]),
    ("no-end-mark", "Modi, Sharif trade barbs", ["Modi, Sharif trade barbs"]),
    ("empty", "   ", []),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_long_sentence_is_broken_at_clause_marks_within_the_limit() -> None:
    clause = "the minister said that the talks would go on, "
    text = clause * 20 + "and they did."
    pieces = split_sentences(text, max_chars=120)
    assert len(pieces) > 1
    assert all(len(p) <= 120 for p in pieces)
    assert all(p.endswith(",") for p in pieces[:-1])
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")


def test_one_enormous_word_is_cut_hard() -> None:
    pieces = split_sentences("x" * 1000, max_chars=300)
    assert [len(p) for p in pieces] == [300, 300, 300, 100]


def test_paragraphs_are_lines() -> None:
    assert split_paragraphs("One.\n\n  Two.\nThree.\n") == ["One.", "Two.", "Three."]


@given(st.text(alphabet=st.sampled_from(list('ab .?!؟،۔\n"”U.S.Mr')), max_size=300))
def test_splitting_loses_and_adds_nothing_but_whitespace(text: str) -> None:
    pieces = split_sentences(text, max_chars=50)
    assert "".join("".join(pieces).split()) == "".join(text.split())
    assert all(p == p.strip() and p for p in pieces)
    assert all(len(p) <= 50 for p in pieces)
