"""Re-ranking features read from a candidate's stored terms: proximity, coverage, title, bm25. Pure.

Used to re-rank the best few candidates (``marsad.search.service``), on the terms both backends
store (FTS5 columns, tsvector positions and weights), so both apply the same factors:

- proximity: BM25 and ts_rank_cd count terms anywhere in the body, while an answer usually holds
  the query's words within a sentence or two;
- coverage: the share of the query's clauses an article matches, a soft bonus in place of
  ranking every article with all the words above every article without;
- title: the share of the clauses found in the title; a headline that names the query's words
  is about them, beyond what the title's BM25 weight says;
- bm25: FTS5's formula, for PostgreSQL, whose ts_rank_cd has no IDF, saturation or length.

Only the query's terms are kept of a document (``StoredDoc``), with their positions: reading a
whole tsvector in Python cost ~0.9 ms per article. Figures: the constants in the service.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

Alt = tuple[str, ...]
Hit = tuple[int, str]  # (position in the field, term)
FIELDS = ("title", "body", "names")
# tsvector weight letters of the fields (marsad.search.terms.tsvector_literal).
_WEIGHT_FIELD = {"A": "title", "B": "body", "C": "names"}
_POSITION_RE = re.compile(r"(\d+)([A-D]?)")


@dataclass(frozen=True)
class StoredDoc:
    """What re-ranking needs of one indexed article."""

    length: int  # terms in every field, as FTS5's bm25 counts them
    hits: Mapping[str, Sequence[Hit]]  # field -> the query's terms in it, by position

    def terms_in(self, *fields: str) -> set[str]:
        return {term for f in fields for _, term in self.hits.get(f, ())}


def doc_from_columns(title: str, body: str, names: str, wanted: Collection[str]) -> StoredDoc:
    """From the FTS5 columns (analysed terms joined by spaces)."""
    hits: dict[str, list[Hit]] = {}
    length = 0
    for field, text in zip(FIELDS, (title, body, names), strict=True):
        terms = text.split()
        length += len(terms)
        hits[field] = [(i, t) for i, t in enumerate(terms) if t in wanted]
    return StoredDoc(length, hits)


def doc_from_tsvector(text: str, wanted: Collection[str]) -> StoredDoc:
    """From a tsvector's text form (``'word':3A,17B ...``), as ``tsvector_literal`` wrote it.

    Lexemes are analysed terms (letters and digits), so commas and ``':`` only separate
    positions and entries: the length is counted from them without parsing every entry.
    """
    length = text.count("':") + text.count(",")
    hits: dict[str, list[Hit]] = {f: [] for f in FIELDS}
    if wanted:
        pattern = "|".join(re.escape(t) for t in sorted(wanted, key=len, reverse=True))
        for m in re.finditer(rf"'({pattern})':([0-9A-D,]+)", text):
            for pos, weight in _POSITION_RE.findall(m.group(2)):
                field = _WEIGHT_FIELD.get(weight or "D")
                if field is not None:
                    hits[field].append((int(pos), m.group(1)))
    return StoredDoc(length, {f: sorted(h) for f, h in hits.items()})


def best_window(hits: Sequence[Hit], width: int) -> int:
    """The most distinct terms among ``hits`` within any ``width`` consecutive positions."""
    best = 0
    counts: Counter[str] = Counter()
    first = 0
    for pos, term in hits:
        counts[term] += 1
        while hits[first][0] <= pos - width:
            old = hits[first][1]
            counts[old] -= 1
            if not counts[old]:
                del counts[old]
            first += 1
        best = max(best, len(counts))
    return best


def clause_share(clauses: Sequence[Sequence[Alt]], present: Collection[str]) -> float:
    """The share of ``clauses`` with an alternative whose terms are all in ``present``."""
    if not clauses:
        return 0.0
    found = sum(1 for clause in clauses if any(all(t in present for t in a) for a in clause))
    return found / len(clauses)


def phrase_count(hits: Sequence[Hit], alt: Alt) -> int:
    """How often the terms of ``alt`` occur at consecutive positions among ``hits``."""
    if len(alt) == 1:
        return sum(1 for _, t in hits if t == alt[0])
    at = set(hits)
    return sum(
        1
        for pos, t in hits
        if t == alt[0] and all((pos + k, alt[k]) in at for k in range(1, len(alt)))
    )


def bm25_idf(documents: int, matching: int) -> float:
    """FTS5's IDF: ln((N - n + 0.5) / (n + 0.5)), and 1e-6 where that is not positive."""
    idf = math.log((documents - matching + 0.5) / (matching + 0.5))
    return idf if idf > 0 else 1e-6


def bm25(
    doc: StoredDoc,
    weights: Mapping[str, float],
    idf: Mapping[Alt, float],
    avg_length: float,
    *,
    k1: float = 1.2,
    b: float = 0.75,
) -> float:
    """FTS5's ``bm25()``: per phrase, hits weighted by field and summed, then saturated; the
    length is the document's (every field), over ``avg_length``."""
    norm = k1 * (1 - b + b * doc.length / avg_length) if avg_length > 0 else k1
    score = 0.0
    for alt, alt_idf in idf.items():
        freq = sum(w * phrase_count(doc.hits.get(f, ()), alt) for f, w in weights.items())
        if freq:
            score += alt_idf * freq * (k1 + 1) / (freq + norm)
    return score


__all__ = [
    "FIELDS",
    "StoredDoc",
    "best_window",
    "bm25",
    "bm25_idf",
    "clause_share",
    "doc_from_columns",
    "doc_from_tsvector",
    "phrase_count",
]
