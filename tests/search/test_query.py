"""The query parser: golden cases, bad filter values, and properties over any input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.errors import QueryError
from marsad.search.query import MAX_ITEMS, MAX_QUERY_CHARS, ParsedQuery, Term, parse_query

CASES = json.loads((Path(__file__).parent / "data" / "queries.json").read_text("utf-8"))["cases"]


def _show(term: Term) -> str:
    return f'"{term.text}"' if term.phrase else term.text


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_parse(case: dict) -> None:
    parsed = parse_query(case["query"])
    assert [[_show(t) for t in c] for c in parsed.clauses] == case["clauses"]
    assert [_show(t) for t in parsed.excluded] == case.get("excluded", [])
    assert list(parsed.notices) == case.get("notices", [])
    expected = case.get("filters", {})
    for name in ("sources", "countries", "regions", "languages", "stories"):
        assert list(getattr(parsed.filters, name)) == expected.get(name, []), name
    for name in ("date_from", "date_to"):
        value = getattr(parsed.filters, name)
        assert (value.isoformat() if value else None) == expected.get(name)


@pytest.mark.parametrize(
    "query",
    ["from:yesterday x", "to:2024-13-01 x", "story:abc x", "from:2024-02-30 x"],
    ids=["word-date", "bad-month", "story-word", "bad-day"],
)
def test_bad_filter_values_raise_one_clear_error(query: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(query)
    assert info.value.message and info.value.message_ar


def test_long_query_is_cut_and_noted() -> None:
    parsed = parse_query("كلمة " * 2000)
    assert len(parsed.clauses) == MAX_ITEMS
    assert any(str(MAX_QUERY_CHARS) in n for n in parsed.notices)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600))
def test_any_text_parses_or_raises_query_error(text: str) -> None:
    try:
        parsed = parse_query(text)
    except QueryError:
        return
    assert isinstance(parsed, ParsedQuery)
    assert len(parsed.clauses) + len(parsed.excluded) <= MAX_ITEMS
    assert all(t.text.strip() for c in parsed.clauses for t in c)
