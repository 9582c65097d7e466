"""Highlighted snippets over the ORIGINAL text. Pure.

The index holds analysed terms, so each original word is analysed on its own and compared with
the query's terms: "بالكتاب" lights up for the query "كتاب", "Putin's" for "putin". Only the start
of a long body is scanned (news puts the point first) to keep a page of hits cheap.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from marsad.search.results import Snippet
from marsad.search.terms import clean_terms

# A word: letters and digits with the Arabic marks inside or after them (harakat, tatweel), so
# a highlight covers "وبالكتابِ" whole; "Putin's" is one word.
_WORD_RE = re.compile(
    r"(?:[^\W_]|[\u0610-\u061a\u064b-\u065f\u0670\u0640])+"
    r"(?:['\u2019](?:[^\W_]|[\u064b-\u065f])+)?"
)
# 6,000 characters is the lead of nearly every news article (ANT mean body 1,660 characters);
# scanning further costs ~1 ms per hit and rarely finds a better window.
SCAN_CHARS = 6_000
WINDOW_WORDS = 32

Analyse = Callable[[str, str | None], list[str]]

# A cheap skeleton of a word (one ``str.translate``): no diacritics, tatweel, hamza or invisible
# marks; one alef, yeh and heh. A word is analysed only when a query term could be inside its
# skeleton, which spares ~95% of the analyser calls on a page of hits.
_SKELETON = str.maketrans(
    {
        **{chr(c): None for c in range(0x0610, 0x061B)},
        **{chr(c): None for c in range(0x064B, 0x0660)},
        "\u0670": None,
        "\u0640": None,
        "\u0621": None,
        "\u200c": None,
        "\u200d": None,
        "\u200f": None,
        "\u0622": "\u0627",
        "\u0623": "\u0627",
        "\u0625": "\u0627",
        "\u0671": "\u0627",
        "\u0649": "\u064a",
        "\u0626": "\u064a",
        "\u0624": "\u0648",
        "\u0629": "\u0647",
    }
)


def _probes(query_terms: frozenset[str]) -> tuple[str, ...]:
    """Substrings to look for: a term minus its last letter (stemmers rewrite word ends)."""
    return tuple({t[:-1] if len(t) > 3 else t for t in query_terms if t})


def make_snippet(
    text: str | None,
    query_terms: frozenset[str],
    language: str | None,
    analyse: Analyse,
    *,
    window_words: int = WINDOW_WORDS,
    cache: dict[str, bool] | None = None,
) -> Snippet:
    """The window of ``window_words`` words holding the most distinct query terms, marked.

    ``cache`` (word -> matches) may be shared across the hits of one search.
    """
    truncated = len(text or "") > SCAN_CHARS
    text = (text or "")[:SCAN_CHARS]
    words = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]
    if not words:
        return Snippet(text.strip()[:300])
    cache = {} if cache is None else cache
    probes = _probes(query_terms)
    matched_terms: list[frozenset[str]] = []
    for _, _, word in words:
        key = word.lower()
        hit = cache.get(key)
        if hit is None:
            skeleton = key.translate(_SKELETON)
            if not any(p in skeleton for p in probes):
                cache[key] = False
                hit = False
        if hit is None or hit:
            terms = frozenset(clean_terms(analyse(word, language))) & query_terms
            cache[key] = bool(terms)
            matched_terms.append(terms)
        else:
            matched_terms.append(frozenset())
    best_start, best_score = 0, -1
    for i in range(len(words)):
        if i and not matched_terms[i]:
            continue  # a best window always starts on a match (or at the very start)
        window = matched_terms[i : i + window_words]
        distinct = len(frozenset().union(*window))
        score = distinct * 100 + sum(1 for m in window if m)
        if score > best_score:
            best_start, best_score = i, score
    # Start a few words before the first match so it reads in context.
    start_idx = max(0, best_start - 4) if best_start else 0
    end_idx = min(len(words), start_idx + window_words)
    # From the text's start when the window does (keeping a leading quote or bracket).
    begin = words[start_idx][0] if start_idx else 0
    finish = words[end_idx - 1][1] if end_idx < len(words) else len(text.rstrip())
    prefix = "… " if start_idx > 0 else ""
    suffix = " …" if end_idx < len(words) or truncated else ""
    body = text[begin:finish].replace("\n", " ")
    highlights = tuple(
        (len(prefix) + s - begin, len(prefix) + e - begin)
        for (s, e, _), m in zip(
            words[start_idx:end_idx], matched_terms[start_idx:end_idx], strict=True
        )
        if m
    )
    return Snippet(prefix + body + suffix, highlights)


__all__ = ["SCAN_CHARS", "make_snippet"]
