"""Snippets: cut from the original text, highlights on whole original words, any input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.search.snippets import make_snippet
from marsad.text import analyze


def test_clitics_and_diacritics_light_up_in_the_original() -> None:
    text = "قالَ المتحدث إنّ وبالكتابِ القديم صفحات نادرة، وإن الكتاب سيعرض غداً."
    snippet = make_snippet(text, frozenset(analyze("كتاب")), "ar", analyze)
    assert [snippet.text[s:e] for s, e in snippet.highlights] == ["وبالكتابِ", "الكتاب"]
    assert snippet.to_html().count("<mark>") == 2


def test_window_moves_to_the_match_in_a_long_text() -> None:
    text = "كلام عام عن الطقس. " * 200 + "ثم أعلن الوزير استقالته من الحكومة. " + "نهاية. " * 50
    snippet = make_snippet(text, frozenset(analyze("استقالة")), "ar", analyze)
    assert snippet.text.startswith("… ") and "استقالته" in snippet.marked()
    assert len(snippet.text) < 400


def test_html_is_escaped() -> None:
    snippet = make_snippet("<script>x</script> كتاب", frozenset(analyze("كتاب")), "ar", analyze)
    html = snippet.to_html()
    assert "<script>" not in html and "&lt;script&gt;" in html and "<mark>كتاب</mark>" in html


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=2000), st.lists(st.sampled_from(["كتاب", "بوتين", "news", "x"]), max_size=3)
)
def test_highlights_are_inside_the_snippet_and_ordered(text: str, words: list[str]) -> None:
    terms = frozenset(t for w in words for t in analyze(w))
    snippet = make_snippet(text, terms, None, analyze)
    last = 0
    for start, end in snippet.highlights:
        assert last <= start < end <= len(snippet.text)
        last = end
