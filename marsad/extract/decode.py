"""Bytes from the web to text: BOMs, declared charsets that lie, windows-1256, binary junk.

Order of evidence (the same idea as the WHATWG encoding sniffing, kept small):

1. a byte-order mark (UTF-8, UTF-16) wins;
2. strict UTF-8: a page that decodes as UTF-8 *is* UTF-8 whatever it declares (legacy code pages
   almost never form valid multi-byte UTF-8 by chance, and "charset=windows-1256" on a UTF-8 page
   is the commonest lie on Arabic sites);
3. the charset declared in ``<meta charset>`` / ``http-equiv`` (or by the HTTP header, passed as
   ``declared``), if Python knows it and it decodes;
4. charset-normalizer's best guess; last resort UTF-8 with replacement characters.

Binary data (images, PDFs, archives served as HTML) is refused by looking at the first bytes.

When a declaration loses (rule 2 over 3, or 4 over a declaration that does not decode), the
disagreement is said in ``Decoded.note``: the page was mislabelled, and its reader should know.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{1,40})""", re.IGNORECASE
)
# Signatures of formats that are not HTML (checked on the first bytes).
_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"Rar!",
    b"RIFF",
    b"\x00\x00\x00",
    b"OggS",
    b"ID3",
    b"\x7fELF",
    b"MZ",
)
_SNIFF_BYTES = 4096
# Share of control bytes (other than tab, CR, LF, FF, ESC) in the first 4 KiB above which the
# input is binary; HTML in any ASCII-compatible encoding has none, UTF-16 is caught by its BOM.
_MAX_CONTROL_SHARE = 0.05
_CONTROL_BYTES = frozenset(set(range(32)) - {9, 10, 12, 13, 27})
# Names people write that Python spells differently.
_ALIASES = {
    "windows-1256": "cp1256",
    "win-1256": "cp1256",
    "arabic": "iso8859-6",
    "x-user-defined": "cp1252",
    "iso-8859-1": "cp1252",  # browsers treat latin-1 as windows-1252
    "latin1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
}


@dataclass(frozen=True)
class Decoded:
    """The text of a page, the encoding used, or why there is none (``problem``)."""

    text: str
    encoding: str | None
    problem: str | None = None
    note: str | None = None  # a declared charset that did not fit the bytes, and what was used


def looks_binary(data: bytes) -> bool:
    """True when the first bytes are those of a non-text format or full of control bytes."""
    head = data[:_SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if head.lstrip().startswith(_BINARY_MAGIC):
        return True
    if not head:
        return False
    controls = sum(1 for b in head if b in _CONTROL_BYTES)
    return controls / len(head) > _MAX_CONTROL_SHARE


def charset_from_content_type(content_type: str) -> str | None:
    """The ``charset`` parameter of an HTTP Content-Type header, as written (or None)."""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes, as a Python codec name (or None)."""
    match = _META_CHARSET_RE.search(data[:_SNIFF_BYTES])
    if not match:
        return None
    return codec_name(match.group(1).decode("ascii", "ignore"))


def codec_name(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None when Python does not know it."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(data: bytes | str, declared: str | None = None) -> Decoded:
    """Decode a fetched page; never raises. ``declared``: the HTTP header's charset, if any."""
    if isinstance(data, str):
        return Decoded(data, None)
    if not data.strip():
        return Decoded("", None, "empty")
    if data.startswith(codecs.BOM_UTF8):
        return Decoded(data[3:].decode("utf-8", "replace"), "utf-8")
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return Decoded(data[2:].decode(name, "replace"), name)
    if looks_binary(data):
        return Decoded("", None, "binary")
    labels = [codec_name(declared), declared_charset(data)]
    said = next((label for label in labels if label), None)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        note = None
        if said and said != "utf-8" and not data.isascii():
            note = f"declared {said} but the bytes are UTF-8; read as UTF-8"
        return Decoded(text, "utf-8", note=note)
    for label in labels:
        if label and label not in ("utf-8", "utf-16", "utf-32"):
            try:
                return Decoded(data.decode(label), label)
            except (UnicodeDecodeError, LookupError):
                continue
    # Mostly UTF-8 with a few broken bytes (truncated multi-byte sequences): keep UTF-8.
    lossy = data.decode("utf-8", "replace")
    if lossy.count("\ufffd") <= max(3, len(lossy) // 1000):
        return Decoded(lossy, "utf-8")
    guess = from_bytes(data[:200_000]).best()
    if guess is not None and guess.encoding:
        note = None
        if said and said != guess.encoding:
            note = f"declared {said} does not fit the bytes; read as {guess.encoding} (detected)"
        return Decoded(data.decode(guess.encoding, "replace"), guess.encoding, note=note)
    return Decoded(lossy, "utf-8")
