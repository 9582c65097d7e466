"""Tiny models built here, offline, once per test session (a few seconds).

``tiny_model_dir`` is an operator-style CTranslate2 folder (int8) with source.spm/target.spm;
``argos_package`` is the same kind of model packaged as an ``.argosmodel`` zip. Their weights
are random: the output is junk, which is what the name-protection tests need to be honest.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import pytest

from marsad.translate.engines import InstalledModels
from marsad.translate.packages import install_model_dir
from marsad.translate.protect import NameTable
from marsad.translate.tinymodel import build_argos_package, build_model_dir

DATA = Path(__file__).resolve().parent.parent / "data" / "translate"


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_model_dir(tmp_path_factory.mktemp("tiny") / "tiny-en-ar", quantization="int8")


@pytest.fixture(scope="session")
def argos_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("argos")
    return build_argos_package(work / "translate-en_ar-tiny.argosmodel", work / "build")


@pytest.fixture(scope="session")
def name_table() -> NameTable:
    pairs = []
    for line in (DATA / "names.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            source, arabic = line.split("\t")
            pairs.append((source, arabic))
    return NameTable.from_mapping(pairs)


@pytest.fixture(scope="session")
def tiny_models(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models_dir with the tiny model installed for en and fr (CTranslate2 folder)."""
    models = tmp_path_factory.mktemp("models")
    install_model_dir(tiny_model_dir, models, source_languages=["en", "fr"], preset="plain")
    return models


@pytest.fixture(scope="session")
def tiny_translator(tiny_models: Path) -> InstalledModels:
    return InstalledModels(tiny_models, engine="ctranslate2", device="cpu")


class WordByWordTranslator:
    """A deterministic engine for tests: a small English->Arabic word list, unknown words
    (placeholders included) copied as they are, the way real models copy numbers. It exists to
    show the placeholder path working end to end; the tiny random model shows the fallback."""

    engine = "test-words"
    model = "word-list-1"
    WORDS: ClassVar[dict[str, str]] = {
        "met": "التقى",
        "in": "في",
        "said": "قال",
        "on": "يوم",
        "Monday": "الاثنين",
    }

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def for_language(
        self, source_lang: str, target_lang: str = "ar"
    ) -> WordByWordTranslator | None:
        return self if source_lang in ("en", "fr") and target_lang == "ar" else None

    def translate_batch(
        self, texts: Sequence[str], source_lang: str, target_lang: str = "ar"
    ) -> list[str]:
        self.calls.append(list(texts))
        return [" ".join(self.WORDS.get(w, w) for w in t.split()) for t in texts]


@pytest.fixture
def word_translator() -> WordByWordTranslator:
    return WordByWordTranslator()
