"""Index terms: the analyser's output made safe for both backends, and entity tokens.

Pure functions. ``marsad.text.analyze`` gives the terms; here they are cut at every character that
is not a letter or digit (``3.5`` -> ``3`` ``5``), because FTS5's unicode61 tokenizer would cut
them there anyway and PostgreSQL must see exactly the same terms. Entities become one opaque term
each (``zent`` + a hash of the entity id), so they never collide with a word of any language.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from marsad.text import analyze

# Letters and digits only: what unicode61 keeps inside a token (categories L* and N*).
_NOT_TERM_CHAR_RE = re.compile(r"[\W_]+")
ENTITY_TERM_PREFIX = "zent"
# Bounds for hostile or huge inputs: the title is short in any real feed; bodies past ~10,000
# terms (roughly 60,000 characters of Arabic) add nothing to ranking but cost index space, and
# PostgreSQL positions stop at 16,383.
MAX_TITLE_TERMS = 200
MAX_BODY_TERMS = 10_000
MAX_BODY_CHARS = 80_000


def clean_terms(terms: list[str]) -> list[str]:
    """Split each analyser term at non-letter/digit characters; drop empty pieces."""
    # Whole-list string operations in C: a loop over the terms was a tenth of indexing time.
    joined = " ".join(terms)
    if joined.replace(" ", "").isalnum():
        parts = joined.split()
        if len(parts) == len(terms):  # no term was empty or held a space
            return parts
    return [p for p in _NOT_TERM_CHAR_RE.split(joined) if p]


def text_terms(text: str | None, language: str | None, limit: int) -> list[str]:
    """Analysed, cleaned terms of ``text``, at most ``limit`` of them."""
    if not text:
        return []
    return clean_terms(analyze(text[: limit * 12], language))[:limit]


def entity_term(entity_id: str) -> str:
    """The one index term that stands for an entity, whatever language names it."""
    digest = hashlib.blake2b(entity_id.encode("utf-8"), digest_size=8).hexdigest()
    return ENTITY_TERM_PREFIX + digest


def name_key(name: str, language: str | None = None) -> str:
    """The lookup key of an entity name: its analysed terms joined by one space."""
    return " ".join(clean_terms(analyze(name, language)))


@dataclass(frozen=True)
class DocumentTerms:
    """What the index holds for one article."""

    article_id: int
    title: tuple[str, ...]
    body: tuple[str, ...]
    names: tuple[str, ...]


def document_terms(
    article_id: int,
    title: str | None,
    text: str | None,
    language: str | None,
    entity_ids: tuple[str, ...] = (),
) -> DocumentTerms:
    """Analyse one article for the index (title and body apart, plus its entities)."""
    body = (text or "")[:MAX_BODY_CHARS]
    return DocumentTerms(
        article_id=article_id,
        title=tuple(text_terms(title, language, MAX_TITLE_TERMS)),
        body=tuple(text_terms(body, language, MAX_BODY_TERMS)),
        names=tuple(dict.fromkeys(entity_term(e) for e in entity_ids)),
    )


def _tsv_lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(doc: DocumentTerms) -> str:
    """A PostgreSQL ``tsvector`` literal of the document: positions and weights A/B/C.

    Title terms take positions 1..n, body terms start two past the title, names after the body;
    the gaps keep a phrase from matching across two fields, as FTS5 columns do.
    """
    positions: dict[str, list[str]] = {}
    pos = 0
    for weight, terms in (("A", doc.title), ("B", doc.body), ("C", doc.names)):
        pos += 1
        for term in terms:
            pos += 1
            # PostgreSQL stores at most 256 positions per lexeme and clamps past 16,383.
            slot = positions.setdefault(term, [])
            if len(slot) < 256 and pos <= 16383:
                slot.append(f"{pos}{weight}")
            elif not slot:
                slot.append(f"16383{weight}")
    return " ".join(f"{_tsv_lexeme(t)}:{','.join(p)}" for t, p in positions.items())


__all__ = [
    "ENTITY_TERM_PREFIX",
    "DocumentTerms",
    "clean_terms",
    "document_terms",
    "entity_term",
    "name_key",
    "text_terms",
    "tsvector_literal",
]
