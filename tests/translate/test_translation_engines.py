"""The CTranslate2 engine on a tiny model built in the test: real loading, tokenising, batching."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from marsad.config import load_settings
from marsad.errors import TranslationError
from marsad.translate.engines import (
    CTranslate2Translator,
    InstalledModels,
    NoneTranslator,
    Translator,
    default_compute_type,
    open_translator,
    resolve_device,
)
from marsad.translate.packages import install_model_dir


@pytest.fixture
def installed(tiny_model_dir: Path, tmp_path: Path) -> Path:
    models = tmp_path / "models"
    install_model_dir(tiny_model_dir, models, source_languages=["en", "fr"], preset="plain")
    return models


def test_none_engine_translates_nothing_and_says_so() -> None:
    none = NoneTranslator()
    assert isinstance(none, Translator)
    assert none.for_language("en") is None
    with pytest.raises(TranslationError, match="translation is off"):
        none.translate_batch(["hello"], "en")


@pytest.mark.parametrize("compute_type", ["int8", "float32"])
def test_ctranslate2_batch_returns_one_string_per_input(installed: Path, compute_type: str) -> None:
    engine = InstalledModels(
        installed, engine="ctranslate2", device="cpu", compute_type=compute_type
    )
    chosen = engine.for_language("en")
    assert isinstance(chosen, CTranslate2Translator)
    assert (chosen.engine, chosen.model, chosen.compute_type) == (
        "ctranslate2",
        "tiny-en-ar",
        compute_type,
    )
    texts = ["Biden said on Monday that talks would resume.", "Hello.", "x" * 5000]
    out = chosen.translate_batch(texts, "en")
    assert len(out) == 3 and all(isinstance(t, str) and t for t in out)
    assert chosen.translate_batch([], "en") == []
    # Deterministic: greedy-ish beam search on fixed weights gives the same output twice.
    assert chosen.translate_batch(texts[:1], "en") == out[:1]


def test_installed_models_route_by_language(installed: Path) -> None:
    engine = InstalledModels(installed, engine="ctranslate2", device="cpu")
    assert engine.for_language("fr") is engine.for_language("en")  # one model, loaded once
    assert engine.for_language("ur") is None
    assert engine.for_language("en", "fr") is None
    assert InstalledModels(installed, engine="argos").for_language("en") is None
    with pytest.raises(TranslationError, match="no ctranslate2 model installed for ur"):
        engine.translate_batch(["x"], "ur")


def test_a_broken_model_is_a_translation_error(installed: Path) -> None:
    (installed / "tiny-en-ar" / "model.bin").write_bytes(b"not a model")
    engine = InstalledModels(installed, engine="ctranslate2", device="cpu")
    with pytest.raises(TranslationError, match="cannot load model"):
        engine.translate_batch(["Hello."], "en")


def test_open_translator_follows_the_settings(installed: Path, tmp_path: Path) -> None:
    settings = load_settings(env={}, overrides={"home": str(tmp_path)})
    assert isinstance(open_translator(settings), NoneTranslator)
    settings = settings.replace(translate_engine="ctranslate2", models_dir=installed)
    engine = open_translator(settings)
    assert engine.for_language("en") is not None
    assert engine.model == "tiny-en-ar"


def test_device_choice() -> None:
    assert resolve_device("cpu") == "cpu"
    assert resolve_device("cuda") == "cuda"
    assert resolve_device("auto") in ("cpu", "cuda")
    assert default_compute_type("cpu") == "int8"
    assert default_compute_type("cuda") == "int8_float16"


def test_target_prefix_is_stripped_from_the_output(tiny_model_dir: Path, tmp_path: Path) -> None:
    # An NLLB-style install asks for a target prefix; the tiny vocabulary has "▁" as a piece.
    models = tmp_path / "models"
    folder = tmp_path / "copy"
    shutil.copytree(tiny_model_dir, folder)
    info = install_model_dir(folder, models, source_languages=["en"], preset="plain")
    info = type(info)(**{**info.__dict__, "target_prefix": ("▁",), "source_suffix": ("</s>",)})
    engine = CTranslate2Translator(info, device="cpu")
    prefixed = engine.translate_batch(["Hello there."], "en")
    assert isinstance(prefixed[0], str)
