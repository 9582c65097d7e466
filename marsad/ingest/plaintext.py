"""Plain-text fields from the web without bidi controls.

A title, author or source name is shown inside markup we do not own the direction of: a
``<title>``, an RSS ``<title>``, a JSON string, a list of headlines. The embedding, override and
isolate controls (U+202A-U+202E, U+2066-U+2069) open a scope that reaches past the end of the
field when it is not closed, so one hostile headline opening with U+202E reverses what follows
it on the page, or makes a link read as another ("Trojan Source", CVE-2021-42574). No headline needs them:
our pages set ``dir`` themselves. They are removed from every plain-text field at ingest and
extraction.

Kept on purpose: U+200E LEFT-TO-RIGHT MARK, U+200F RIGHT-TO-LEFT MARK and U+061C ARABIC LETTER
MARK. They are zero-width letters with a direction, not scopes: they cannot spill past the
field or reorder text around it, and Arabic writers use them where a Latin word or a number sits
at the end of a sentence (an RLM after "iPhone 15") so the full stop lands on the right side.
Removing them would damage real text to stop nothing.
"""

from __future__ import annotations

from typing import overload

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_DROP = dict.fromkeys(map(ord, BIDI_CONTROLS))


@overload
def strip_bidi_controls(text: str) -> str: ...
@overload
def strip_bidi_controls(text: None) -> None: ...
def strip_bidi_controls(text: str | None) -> str | None:
    """``text`` without embedding, override and isolate controls (None stays None)."""
    if not text:
        return text
    return text.translate(_DROP)


__all__ = ["BIDI_CONTROLS", "strip_bidi_controls"]
