"""Query plans: entity names merge words, and nothing but analysed terms reaches the database."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.search import plan as p
from marsad.search.query import parse_query
from marsad.search.terms import clean_terms, document_terms, entity_term, tsvector_literal
from marsad.text import analyze

# An FTS5 expression we build: quoted runs of letters/digits, parentheses and AND / OR / NOT.
_FTS_SAFE_RE = re.compile(r'^(?:"[^\W_]+(?: [^\W_]+)*"|\(|\)| AND | OR | NOT )+$')
_TSQ_SAFE_RE = re.compile(r"^(?:'[^\W_]+'|\(|\)| & | \| | <-> |!)+$")


def _plan(query: str, names: dict[str, tuple[str, ...]] | None = None) -> p.QueryPlan:
    clauses, excluded = p.analyse_terms(parse_query(query), analyze)
    return p.build_plan(clauses, excluded, names or {})


def test_words_and_phrases_compile_for_both_backends() -> None:
    plan = _plan('"الحرب في أوكرانيا" روسيا OR موسكو -ترامب')
    war, ukraine = analyze("الحرب")[0], analyze("أوكرانيا")[0]
    fts = p.fts5_match(plan)
    assert f'"{war} {ukraine}"' in fts and " OR " in fts and " NOT " in fts
    tsq = p.tsquery_text(plan)
    assert f"'{war}' <-> '{ukraine}'" in tsq and " | " in tsq and "!(" in tsq


def test_entity_name_run_becomes_one_clause_with_the_entity() -> None:
    key = " ".join(clean_terms(analyze("فلاديمير بوتين")))
    plan = _plan("فلاديمير بوتين يزور", {key: ("Q7747",)})
    assert len(plan.clauses) == 2
    assert (entity_term("Q7747"),) in plan.clauses[0]
    assert entity_term("Q7747") not in plan.highlight_terms


def test_tsvector_literal_keeps_fields_apart_and_escapes() -> None:
    doc = document_terms(1, "بوتين", "يزور مصر", "ar", ("Q7747",))
    literal = tsvector_literal(doc)
    assert "A" in literal and "B" in literal and f"'{entity_term('Q7747')}':" in literal
    assert "'" not in "".join(doc.title + doc.body)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_query_compiles_to_safe_syntax(text: str) -> None:
    try:
        plan = _plan(text)
    except Exception as exc:  # only our own QueryError may come out
        assert type(exc).__name__ == "QueryError"
        return
    if not plan.has_text:
        return
    for any_term in (False, True):
        assert _FTS_SAFE_RE.match(p.fts5_match(plan, any_term=any_term))
        assert _TSQ_SAFE_RE.match(p.tsquery_text(plan, any_term=any_term))


def test_clean_terms_cuts_at_every_non_letter_digit() -> None:
    """Same pieces as cutting term by term at every character that is not a letter or digit."""
    import random
    import re

    rng = random.Random(8)
    alphabet = ["ab", "حكوم", "3", "5", "x_y", "3.5", "a-b", " ", "", "é", "٣", "..", "q r"]
    for _ in range(500):
        terms = [rng.choice(alphabet) for _ in range(rng.randint(0, 8))]
        expected = [p for term in terms for p in re.split(r"[\W_]+", term) if p]
        assert clean_terms(terms) == expected, terms
