"""The query language, parsed into plain data. Pure: no database, no analyser.

    words               every word must match (BM25 ranks; see ``match`` in ``service``)
    "exact phrase"      the words in this order
    a OR b              either (also ``|`` and Arabic ``أو``)
    -word  -"phrase"    exclude
    source:ID|NAME  country:CODE|NAME  region:NAME  lang:LL  from:DATE  to:DATE  story:ID
                        filters (Arabic field names too: مصدر: بلد: منطقة: لغة: من: الى: قصة:);
                        a value with spaces goes in quotes: country:"United States"

Nothing is ever handed to a database as syntax: words go through the analyser, which keeps only
letters and digits, so FTS5 operators (``NEAR(``, ``*``, ``^``, ``col:``) are plain words or
nothing. Unbalanced quotes close at the end, a dangling ``OR`` or ``-`` is dropped, and an
over-long query is cut (each repair is noted on the result).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from marsad.errors import QueryError

# Longer queries are cut here: 500 characters is several sentences, far past any real search.
MAX_QUERY_CHARS = 500
# At most this many words / phrases / filters are kept; more only slows the database down.
MAX_ITEMS = 32

FILTER_ALIASES: dict[str, str] = {
    "source": "source",
    "src": "source",
    "site": "source",
    "مصدر": "source",
    "المصدر": "source",
    "country": "country",
    "بلد": "country",
    "البلد": "country",
    "دولة": "country",
    "الدولة": "country",
    "region": "region",
    "منطقة": "region",
    "المنطقة": "region",
    "lang": "lang",
    "language": "lang",
    "لغة": "lang",
    "اللغة": "lang",
    "from": "from",
    "since": "from",
    "من": "from",
    "منذ": "from",
    "to": "to",
    "until": "to",
    "الى": "to",
    "إلى": "to",
    "حتى": "to",
    "story": "story",
    "قصة": "story",
    "القصة": "story",
}
OR_WORDS = frozenset({"OR", "|", "أو", "او"})

# A token: optional "-", optional "field:", then a quoted string (maybe unclosed) or a bare run.
_TOKEN_RE = re.compile(
    r"""(?P<neg>[-\u2212])?(?:(?P<field>[^\s:"\u201c\u201d]+):)?"""
    r"""(?:["\u201c\u201d](?P<quoted>[^"\u201c\u201d]*)["\u201c\u201d]?|(?P<bare>[^\s"\u201c\u201d]*))"""
)
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


@dataclass(frozen=True)
class Term:
    """One word or phrase as the person typed it (analysed later)."""

    text: str
    phrase: bool = False


@dataclass(frozen=True)
class Filters:
    """Filters; several values of one filter mean any of them."""

    sources: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    date_from: datetime | None = None
    date_to: datetime | None = None  # exclusive upper bound (the day after ``to:``)
    stories: tuple[int, ...] = ()

    def is_empty(self) -> bool:
        return self == Filters()


@dataclass(frozen=True)
class ParsedQuery:
    """``clauses`` must all match; each clause is a tuple of alternatives (OR)."""

    clauses: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    filters: Filters = Filters()
    notices: tuple[str, ...] = field(default=())


def parse_date(value: str, *, end: bool = False) -> datetime:
    """``2024``, ``2024-05`` or ``2024-05-17`` as UTC; ``end`` gives the exclusive end."""
    m = _DATE_RE.match(value.strip())
    if not m:
        raise QueryError(
            f"not a date: {value!r} (use YYYY-MM-DD)",
            message_ar=f"تاريخ غير صالح: {value!r} (استعمل YYYY-MM-DD)",
        )
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        start = date(year, month, day)
        if not end:
            return datetime(start.year, start.month, start.day, tzinfo=UTC)
        if m[3]:
            stop = date.fromordinal(start.toordinal() + 1)
        elif m[2]:
            stop = date(year + (month == 12), month % 12 + 1, 1)
        else:
            stop = date(year + 1, 1, 1)
    except ValueError:
        raise QueryError(
            f"not a date: {value!r}", message_ar=f"تاريخ غير صالح: {value!r}"
        ) from None
    return datetime(stop.year, stop.month, stop.day, tzinfo=UTC)


def parse_query(query: str) -> ParsedQuery:
    """Parse ``query``; repairs what it can, raises ``QueryError`` for a bad filter value."""
    notices: list[str] = []
    if len(query) > MAX_QUERY_CHARS:
        query = query[:MAX_QUERY_CHARS]
        notices.append(f"query cut to {MAX_QUERY_CHARS} characters")
    if query.count('"') % 2 or (query.count("\u201c") + query.count("\u201d")) % 2:
        notices.append("unbalanced quote closed at the end")
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    filt: dict[str, list[str]] = {}
    pending_or = False
    items = 0
    pos = 0
    text = query.replace("\x00", " ")
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        m = _TOKEN_RE.match(text, pos)
        if m is None or m.end() == pos:  # a lone quote character or similar: skip it
            pos += 1
            continue
        pos = m.end()
        quoted = m["quoted"]
        value = quoted if quoted is not None else (m["bare"] or "")
        fname = m["field"]
        canonical = FILTER_ALIASES.get(fname.lower()) if fname else None
        if fname and canonical is None:
            # An unknown "field:" (FTS column syntax, a URL scheme): search the value alone.
            notices.append(f"unknown filter {fname}: searched as words")
        if canonical is not None:
            if value.strip():
                filt.setdefault(canonical, []).append(value.strip())
            else:
                notices.append(f"empty filter {fname}: ignored")
            continue
        if quoted is None and value in OR_WORDS and not m["neg"]:
            pending_or = bool(groups)
            continue
        if not value.strip():
            continue
        items += 1
        if items > MAX_ITEMS:
            if items == MAX_ITEMS + 1:
                notices.append(f"only the first {MAX_ITEMS} words and phrases are used")
            continue
        term = Term(value.strip(), phrase=quoted is not None)
        if m["neg"]:
            excluded.append(term)
            pending_or = False
        elif pending_or:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
    return ParsedQuery(
        clauses=tuple(tuple(g) for g in groups),
        excluded=tuple(excluded),
        filters=_make_filters(filt),
        notices=tuple(notices),
    )


def _make_filters(raw: dict[str, list[str]]) -> Filters:
    stories: list[int] = []
    for value in raw.get("story", []):
        if not value.isdigit() or len(value) > 12:
            raise QueryError(
                f"story: needs a story number, got {value!r}",
                message_ar=f"story: يحتاج رقم قصة، وصل {value!r}",
            )
        stories.append(int(value))
    dates_from = [parse_date(v) for v in raw.get("from", [])]
    dates_to = [parse_date(v, end=True) for v in raw.get("to", [])]
    return Filters(
        sources=tuple(dict.fromkeys(raw.get("source", []))),
        countries=tuple(dict.fromkeys(raw.get("country", []))),
        regions=tuple(dict.fromkeys(raw.get("region", []))),
        languages=tuple(dict.fromkeys(v.lower() for v in raw.get("lang", []))),
        date_from=max(dates_from) if dates_from else None,
        date_to=min(dates_to) if dates_to else None,
        stories=tuple(dict.fromkeys(stories)),
    )


__all__ = [
    "FILTER_ALIASES",
    "MAX_QUERY_CHARS",
    "Filters",
    "ParsedQuery",
    "Term",
    "parse_date",
    "parse_query",
]
