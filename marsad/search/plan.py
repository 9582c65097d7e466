"""From a parsed query to index terms, and from terms to each backend's match syntax. Pure.

A clause is a tuple of alternatives (OR); an alternative is a tuple of terms (more than one: a
phrase). The FTS5 and tsquery texts are built only from analysed terms, which are letters and
digits, so a query can never inject database syntax.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from marsad.search.query import ParsedQuery, Term
from marsad.search.terms import clean_terms, entity_term

Alt = tuple[str, ...]
Clause = tuple[Alt, ...]
Analyse = Callable[[str, str | None], list[str]]
# Entity names are matched on up to four consecutive query words ("رجب طيب أردوغان").
MAX_NAME_WORDS = 4


@dataclass(frozen=True)
class QueryPlan:
    clauses: tuple[Clause, ...]
    excluded: tuple[Alt, ...]
    highlight_terms: frozenset[str]  # the words' terms (not entity tokens), for snippets

    @property
    def has_text(self) -> bool:
        return bool(self.clauses)


def analyse_terms(parsed: ParsedQuery, analyse: Analyse) -> tuple[list[list[Alt]], list[Alt]]:
    """Each term analysed; terms that analyse to nothing (stop words, punctuation) drop out."""

    def alt(term: Term) -> Alt:
        return tuple(clean_terms(analyse(term.text, None)))

    clauses = [[a for a in (alt(t) for t in c) if a] for c in parsed.clauses]
    excluded = [a for a in (alt(t) for t in parsed.excluded) if a]
    return [c for c in clauses if c], excluded


def name_keys(clauses: list[list[Alt]]) -> set[str]:
    """Every key that could name an entity: each alternative, and runs of single words."""
    keys = {" ".join(a) for c in clauses for a in c}
    singles = [c[0] if len(c) == 1 else None for c in clauses]
    for i in range(len(singles)):
        run: list[str] = []
        for j in range(i, min(i + MAX_NAME_WORDS, len(singles))):
            if singles[j] is None:
                break
            run.extend(singles[j] or ())
            keys.add(" ".join(run))
    return keys


def build_plan(
    clauses: list[list[Alt]], excluded: list[Alt], names: Mapping[str, tuple[str, ...]]
) -> QueryPlan:
    """Add entity alternatives: ``names`` maps a key to the ids of the entities it names.

    A run of single words that names an entity becomes one clause (the words as a phrase, or
    the entity); an alternative that names an entity gains the entity as another alternative.
    """
    highlight = frozenset(t for c in clauses for a in c for t in a)
    merged: list[list[Alt]] = []
    i = 0
    while i < len(clauses):
        best = 0
        for j in range(min(len(clauses), i + MAX_NAME_WORDS), i + 1, -1):
            run = clauses[i:j]
            if all(len(c) == 1 for c in run):
                key = " ".join(t for c in run for t in c[0])
                if key in names:
                    best = j
                    break
        if best:
            merged.append([tuple(t for c in clauses[i:best] for t in c[0])])
            i = best
        else:
            merged.append(list(clauses[i]))
            i += 1
    out: list[Clause] = []
    for clause in merged:
        alts = list(dict.fromkeys(clause))
        for a in clause:
            for entity_id in names.get(" ".join(a), ()):
                alts.append((entity_term(entity_id),))
        out.append(tuple(dict.fromkeys(alts)))
    return QueryPlan(tuple(out), tuple(dict.fromkeys(excluded)), highlight)


# -- SQLite FTS5 ---------------------------------------------------------------------------
def _fts_alt(alt: Alt) -> str:
    return '"' + " ".join(alt) + '"'


def _fts_clause(clause: Clause) -> str:
    if len(clause) == 1:
        return _fts_alt(clause[0])
    return "(" + " OR ".join(_fts_alt(a) for a in clause) + ")"


def fts5_match(plan: QueryPlan, *, any_term: bool = False) -> str:
    """The FTS5 MATCH expression: clauses joined by AND (or every alternative by OR)."""
    if any_term:
        alts = dict.fromkeys(a for c in plan.clauses for a in c)
        positive = " OR ".join(_fts_alt(a) for a in alts)
    else:
        positive = " AND ".join(_fts_clause(c) for c in plan.clauses)
    if plan.excluded:
        return f"({positive}) NOT ({' OR '.join(_fts_alt(a) for a in plan.excluded)})"
    return positive


def fts5_any(alts: tuple[Alt, ...]) -> str:
    return " OR ".join(_fts_alt(a) for a in alts)


# -- PostgreSQL tsquery --------------------------------------------------------------------
def _pg_lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _pg_alt(alt: Alt) -> str:
    if len(alt) == 1:
        return _pg_lexeme(alt[0])
    return "(" + " <-> ".join(_pg_lexeme(t) for t in alt) + ")"


def _pg_clause(clause: Clause) -> str:
    if len(clause) == 1:
        return _pg_alt(clause[0])
    return "(" + " | ".join(_pg_alt(a) for a in clause) + ")"


def tsquery_text(plan: QueryPlan, *, any_term: bool = False) -> str:
    """The same expression as a ``tsquery`` literal (cast, never parsed by a configuration)."""
    if any_term:
        alts = dict.fromkeys(a for c in plan.clauses for a in c)
        positive = " | ".join(_pg_alt(a) for a in alts)
    else:
        positive = " & ".join(_pg_clause(c) for c in plan.clauses)
    if plan.excluded:
        return f"({positive}) & !({' | '.join(_pg_alt(a) for a in plan.excluded)})"
    return positive


def tsquery_any(alts: tuple[Alt, ...]) -> str:
    return " | ".join(_pg_alt(a) for a in alts)


__all__ = [
    "QueryPlan",
    "analyse_terms",
    "build_plan",
    "fts5_any",
    "fts5_match",
    "name_keys",
    "tsquery_any",
    "tsquery_text",
]
