"""Keep names, numbers and dates right through machine translation.

Machine translation garbles proper names (it guesses a transliteration, or translates "Bush" as a
shrub) and sometimes numbers. Before a sentence goes to the model, ``protect`` replaces every
known name, number and date with a placeholder; after, ``restore`` puts the canonical Arabic form
in its place: the Arabic name from the entity gazetteer (Biden -> بايدن), the number as written,
the date with an Arabic month name. When the model mangles a placeholder (drops it, repeats it),
``restore`` returns ``None`` and the caller falls back to translating the stretches between the
protected spans on their own and joining them around the protected forms (``pieces``): the names
are then right whatever the model does, at some cost in fluency.

Placeholders are five-digit numbers starting at 90001 (``9`` then four digits). Numbers are what
translation models copy most faithfully, and every real number in the source is itself replaced,
so no source number can collide with one. ``restore`` also reads them back when the model wrote
them in Arabic-Indic digits or with a thousands separator ("90,001", "٩٠٠٠١").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

import ahocorasick

SlotKind = Literal["name", "number", "date"]

_PLACEHOLDER_BASE = 90000
_MAX_SLOTS = 9999  # placeholders are 9xxxx
_PLACEHOLDER_FOUND = re.compile(
    r"(?<![0-9\u0660-\u0669])[9\u0669]([0-9\u0660-\u0669])[,.\u066c\u066b]?([0-9\u0660-\u0669]{3})(?![0-9\u0660-\u0669])"
)
_ARABIC_INDIC = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
_NUMBER = re.compile(
    r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\w)|(?<![\w.,])\d+(?:[.,]\d+)?(?!\w)"
)
_ORDINAL = r"(?:st|nd|rd|th|er|e)?"  # 5th, 1er (French), 2e


def _load_months() -> tuple[tuple[str, ...], dict[str, int]]:
    data = json.loads(
        resources.files("marsad.translate").joinpath("data/months.json").read_text("utf-8")
    )
    index: dict[str, int] = {}
    for months in data["names"].values():
        for number, forms in enumerate(months):
            for form in forms:
                index[form] = number
                index[form.capitalize()] = number  # French/Spanish ones start a sentence too
    # English lower-case forms are words too ("may", "march", "dec"): only capitalised ones count.
    for forms in data["names"]["en"]:
        for form in forms:
            index.pop(form, None)
    return tuple(data["ar"]), index


_MONTHS_AR, _MONTH_INDEX = _load_months()
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTH_INDEX), key=len, reverse=True))
_DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    # 5 May 2025, 5th May, 2025, 1er mai 2025
    re.compile(
        rf"(?<!\w)(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:de\s+)?(?P<month>{_MONTH_ALT})\.?"
        rf"(?:,?\s+(?:de\s+)?(?P<year>\d{{4}}))?(?!\w)"
    ),
    # May 5, 2025 / May 5
    re.compile(
        rf"(?<!\w)(?P<month>{_MONTH_ALT})\.?\s+(?P<day>\d{{1,2}}){_ORDINAL}"
        rf"(?:,?\s+(?P<year>\d{{4}}))?(?!\w)"
    ),
    # May 2025
    re.compile(rf"(?<!\w)(?P<month>{_MONTH_ALT})\.?\s+(?P<year>\d{{4}})(?!\w)"),
)


@dataclass(frozen=True)
class NameTable:
    """Names to keep right: source-language name -> canonical Arabic name.

    Build it from a plain mapping (``NameTable.from_mapping({"Biden": "بايدن"})``) or from the
    entity gazetteer (``marsad.translate.names_from_knowledge``). Matching is case-sensitive, on
    whole words, longest name first ("Joe Biden" before "Biden").
    """

    names: tuple[tuple[str, str], ...] = ()
    _automaton: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str] | Iterable[tuple[str, str]]) -> NameTable:
        pairs = mapping.items() if isinstance(mapping, Mapping) else mapping
        clean = tuple(
            sorted(
                {(s.strip(), a.strip()) for s, a in pairs if s and s.strip() and a and a.strip()}
            )
        )
        automaton = ahocorasick.Automaton()
        for source, arabic in clean:
            automaton.add_word(source, (source, arabic))
        if clean:
            automaton.make_automaton()
        return cls(names=clean, _automaton=automaton if clean else None)

    def __len__(self) -> int:
        return len(self.names)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Non-overlapping whole-word matches: (start, end, arabic), left to right."""
        if self._automaton is None:
            return []
        found: list[tuple[int, int, str]] = []
        for end_index, (source, arabic) in self._automaton.iter_long(text):
            start, end = end_index - len(source) + 1, end_index + 1
            if start > 0 and text[start - 1].isalnum():
                continue
            if end < len(text) and text[end].isalnum():
                continue
            found.append((start, end, arabic))
        return found


EMPTY_NAMES = NameTable.from_mapping({})


@dataclass(frozen=True)
class Slot:
    """One protected span: its placeholder, what the source said and what goes back in."""

    token: str
    kind: SlotKind
    source: str
    target: str


@dataclass(frozen=True)
class Protected:
    """A sentence with its names, numbers and dates replaced by placeholders."""

    text: str
    slots: tuple[Slot, ...] = ()

    def pieces(self) -> list[str | Slot]:
        """The text cut at its placeholders: plain stretches and slots, in order."""
        if not self.slots:
            return [self.text]
        by_token = {s.token: s for s in self.slots}
        out: list[str | Slot] = []
        pos = 0
        for match in re.finditer("|".join(by_token), self.text):
            out.append(self.text[pos : match.start()])
            out.append(by_token[match.group(0)])
            pos = match.end()
        out.append(self.text[pos:])
        return [p for p in out if not isinstance(p, str) or p]


def format_date_ar(day: str | None, month: int, year: str | None) -> str:
    """A date with the Arabic month name: "5 مايو 2025", "مايو 2025", "5 مايو"."""
    parts = [str(int(day))] if day else []
    parts.append(_MONTHS_AR[month])
    if year:
        parts.append(year)
    return " ".join(parts)


def _spans(text: str, names: NameTable) -> list[tuple[int, int, SlotKind, str]]:
    """Protected spans, non-overlapping, earliest first; names win, then dates, then numbers."""
    taken: list[tuple[int, int, SlotKind, str]] = [
        (s, e, "name", ar) for s, e, ar in names.find(text)
    ]

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _, _ in taken)

    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if free(m.start(), m.end()):
                month = _MONTH_INDEX[m.group("month").rstrip(".")]
                day = m.groupdict().get("day")
                taken.append(
                    (m.start(), m.end(), "date", format_date_ar(day, month, m.group("year")))
                )
    for m in _NUMBER.finditer(text):
        if free(m.start(), m.end()):
            taken.append((m.start(), m.end(), "number", m.group(0)))
    return sorted(taken)


def protect(text: str, names: NameTable = EMPTY_NAMES) -> Protected:
    """Replace known names, dates and numbers in ``text`` with placeholders."""
    spans = _spans(text, names)[:_MAX_SLOTS]
    if not spans:
        return Protected(text=text)
    out: list[str] = []
    slots: list[Slot] = []
    pos = 0
    for number, (start, end, kind, target) in enumerate(spans, start=1):
        token = str(_PLACEHOLDER_BASE + number)
        out.append(text[pos:start])
        out.append(token)
        slots.append(Slot(token=token, kind=kind, source=text[start:end], target=target))
        pos = end
    out.append(text[pos:])
    return Protected(text="".join(out), slots=tuple(slots))


def restore(translated: str, protected: Protected) -> str | None:
    """Put the Arabic forms back in place of the placeholders in ``translated``.

    Returns ``None`` when the model lost, repeated or invented a placeholder: the caller then
    falls back to translating around the protected spans (see ``Protected.pieces``).
    """
    if not protected.slots:
        return translated if not _PLACEHOLDER_FOUND.search(translated) else None
    by_token = {s.token: s for s in protected.slots}
    seen: dict[str, int] = {}
    ok = True

    def put_back(match: re.Match[str]) -> str:
        nonlocal ok
        token = ("9" + match.group(1) + match.group(2)).translate(_ARABIC_INDIC)
        slot = by_token.get(token)
        if slot is None:
            ok = False
            return match.group(0)
        seen[token] = seen.get(token, 0) + 1
        return slot.target

    result = _PLACEHOLDER_FOUND.sub(put_back, translated)
    if not ok or len(seen) != len(by_token) or any(n != 1 for n in seen.values()):
        return None
    return result
