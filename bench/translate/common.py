"""Shared pieces of the translation benches: the tiny models, the articles, the golden cases.

The articles are the English bodies of the Zyte article-extraction benchmark
(``$MARSAD_EVAL_DATA/aeb/ground-truth.json``). The golden name-fidelity sentences are the ones
the unit tests use (``tests/data/translate/``, written for Marsad, not evaluation data).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from bench.common import REPO, eval_data_dir
from marsad.translate.engines import InstalledModels
from marsad.translate.evaluate import FidelityCase
from marsad.translate.packages import install_model_dir
from marsad.translate.protect import NameTable
from marsad.translate.tinymodel import build_model_dir

TEST_DATA = REPO / "tests" / "data" / "translate"


def aeb_articles(limit: int | None = None) -> list[tuple[str, str]]:
    """(url, body) of the AEB articles, in file order."""
    data = json.loads((eval_data_dir() / "aeb" / "ground-truth.json").read_text("utf-8"))
    items = [(v["url"], v["articleBody"]) for v in data.values() if v.get("articleBody")]
    return items[:limit] if limit else items


def golden_cases() -> list[FidelityCase]:
    lines = (TEST_DATA / "fidelity.jsonl").read_text("utf-8").splitlines()
    return [FidelityCase.from_json(json.loads(line)) for line in lines if line.strip()]


def golden_names() -> NameTable:
    pairs = []
    for line in (TEST_DATA / "names.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            source, arabic = line.split("\t")
            pairs.append((source, arabic))
    return NameTable.from_mapping(pairs)


def tiny_models(work: Path | None = None, quantization: str = "int8", size: str = "tiny") -> Path:
    """A models_dir holding a random en/fr->ar model (``size`` tiny or base, see tinymodel)."""
    work = work or Path(tempfile.mkdtemp(prefix="marsad-bench-"))
    folder = build_model_dir(work / f"{size}-{quantization}", quantization=quantization, size=size)
    models = work / f"models-{quantization}"
    install_model_dir(folder, models, source_languages=["en", "fr"], preset="plain")
    return models


def tiny_translator(models: Path, compute_type: str) -> InstalledModels:
    return InstalledModels(models, engine="ctranslate2", device="cpu", compute_type=compute_type)
