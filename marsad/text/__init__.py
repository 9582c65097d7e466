"""Arabic and English text processing: normalisation, tokens, stems, stop words."""

from marsad.text.normalize import normalize_ar

__all__ = ["normalize_ar"]
