"""Cleanup rules: junk goes, sentences of the article stay."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.extract.cleanup import (
    BoilerplateLearner,
    PageHints,
    clean_blocks,
    is_prompt,
    is_related_link,
    normalize_line,
    split_byline,
)


@pytest.mark.parametrize(
    "line",
    [
        "READ  ديزني لا تصدق بشأن ديون مولان للحزب الشيوعي الصيني",
        "READ MORE: Shipping rates jump as ports clog",
        "Read more: Bus fares frozen",
        "Also read: Council approves budget",
        "اقرأ أيضاً: البنك المركزي يبقي أسعار الفائدة",
        "اقرأ أيضا.. المغرب يطلق مناقصة",
        "إقرأ ايضا وزير الري يتفقد المحطات",
        "شاهد أيضا: فيديو من صفاقس",
        "للمزيد من أخبار الثقافة اضغط هنا",
        "أخبار ذات صلة",
        "Related: Bus fares frozen for another year",
    ],
)
def test_related_links_are_caught(line: str) -> None:
    assert is_related_link(line)


@pytest.mark.parametrize(
    "line",
    [
        '"Read my lips: no automation without consultation," the union president said.',
        "وقال القائد: «اقرأ أيضا ما كتبه الجمهور في المدرجات».",
        "اقرأ التفاصيل في تقرير مراسلنا غدا.",
        "Readers wrote in their thousands to complain about the new timetable.",
    ],
)
def test_sentences_are_not_related_links(line: str) -> None:
    assert not is_related_link(line)


@pytest.mark.parametrize(
    "line",
    [
        "تابعونا على تويتر وفيسبوك",
        "Follow us on Facebook",
        "Sign up for our newsletter",
        "Share this:",
    ],
)
def test_prompts(line: str) -> None:
    assert is_prompt(line)


def test_prompt_words_inside_a_sentence_stay() -> None:
    assert not is_prompt("The ministry said it would publish a weekly newsletter from March.")


def test_site_name_tagline_and_headline_go_short_paragraphs_stay() -> None:
    hints = PageHints(title="بايدن وبوتين يجريان مكالمة", site_name="Minufiyah.com")
    blocks = [
        "Minufiyah.com",
        "تقدم عرب نيوز الأخبار الإقليمية من أوروبا باللغة العربية.",
        "بايدن وبوتين يجريان مكالمة هاتفية جو بايدن",
        "أجرى الرئيسان مكالمة استمرت خمسين دقيقة.",
        "نعم.",
        "«لن نتراجع».",
        "READ  ديزني لا تصدق بشأن ديون مولان",
    ]
    assert clean_blocks(blocks, hints) == [
        "أجرى الرئيسان مكالمة استمرت خمسين دقيقة.",
        "نعم.",
        "«لن نتراجع».",
    ]


def test_linked_headline_runs_go_single_inline_link_stays() -> None:
    links = frozenset(
        normalize_line(t) for t in ("أمير الكويت يستقبل رئيس الوزراء", "ارتفاع أسعار النفط")
    )
    blocks = [
        "فقرة أولى من الخبر.",
        "أمير الكويت يستقبل رئيس الوزراء",
        "ارتفاع أسعار النفط",
        "فقرة أخيرة.",
    ]
    assert clean_blocks(blocks, PageHints(link_texts=links)) == [
        "فقرة أولى من الخبر.",
        "فقرة أخيرة.",
    ]
    one = frozenset({normalize_line("ارتفاع أسعار النفط")})
    middle = ["فقرة أولى.", "ارتفاع أسعار النفط", "فقرة أخيرة."]
    assert clean_blocks(middle, PageHints(link_texts=one)) == middle


def test_boilerplate_learner() -> None:
    learner = BoilerplateLearner(min_share=0.3, min_count=3)
    for i in range(10):
        learner.add(f"خبر رقم {i} عن موضوع مختلف.\nحقوق النشر لموقع المثال\nالمصدر: وكالات")
    learned = learner.boilerplate()
    assert normalize_line("حقوق النشر لموقع المثال") in learned
    assert normalize_line("المصدر: وكالات") in learned
    assert not any("خبر رقم" in line for line in learned)
    blocks = ["خبر جديد تماما.", "المصدر: وكالات"]
    assert clean_blocks(blocks, source_boilerplate=learned) == ["خبر جديد تماما."]


def test_learner_needs_min_count() -> None:
    learner = BoilerplateLearner(min_share=0.3, min_count=3)
    learner.add("سطر متكرر")
    learner.add("سطر متكرر")
    assert learner.boilerplate() == frozenset()


@given(st.lists(st.text(max_size=300), max_size=30))
def test_cleanup_never_invents_text(blocks: list[str]) -> None:
    cleaned = clean_blocks([" ".join(b.split()) for b in blocks if b.strip()])
    assert all(any(c in " ".join(b.split()) for b in blocks) for c in cleaned)


@pytest.mark.parametrize(
    ("blocks", "author"),
    [
        (["كتب: محمد علي", "نص الخبر."], "محمد علي"),
        (["نص الخبر.", "بقلم - آسيا العتروس"], "آسيا العتروس"),
        (["By Jane Doe", "Text."], "Jane Doe"),
        (["By Friday the talks had collapsed", "Text."], None),
        (["كتب الوزير رسالة إلى البرلمان يطالب فيها بالتحقيق.", "نص."], None),
    ],
)
def test_split_byline(blocks: list[str], author: str | None) -> None:
    rest, found = split_byline(blocks)
    assert found == author
    assert len(rest) == len(blocks) - (author is not None)
