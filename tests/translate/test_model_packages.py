"""Installing models: .argosmodel packages and CTranslate2 folders, through `marsad models`."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from marsad.cli.main import main
from marsad.errors import UserError
from marsad.translate.engines import InstalledModels
from marsad.translate.packages import (
    MANIFEST,
    find_model,
    install_argos_package,
    install_model_dir,
    list_models,
)


def test_cli_installs_and_lists_an_argos_package(
    marsad_home: Path, argos_package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "list"]) == 0
    assert "no models installed" in capsys.readouterr().out

    assert main(["models", "install", str(argos_package)]) == 0
    out = capsys.readouterr().out
    assert "installed translate-en_ar-tiny (en->ar, argos)" in out

    assert main(["models", "list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows == [
        {
            "name": "translate-en_ar-tiny",
            "engine": "argos",
            "languages": "en->ar",
            "version": "0.1",
            "path": str(marsad_home / "models" / "translate-en_ar-tiny"),
        }
    ]
    # Installing twice needs --replace.
    assert main(["models", "install", str(argos_package)]) == 2
    assert "already installed" in capsys.readouterr().err
    assert main(["models", "install", "--replace", str(argos_package)]) == 0


def test_installed_argos_package_translates(argos_package: Path, tmp_path: Path) -> None:
    info = install_argos_package(argos_package, tmp_path / "models")
    assert (info.path / "model" / "model.bin").is_file()
    engine = InstalledModels(tmp_path / "models", engine="argos", device="cpu")
    out = engine.translate_batch(["Officials in Manila said 12 people died."], "en")
    assert len(out) == 1 and out[0]


def test_cli_installs_a_ctranslate2_folder(
    marsad_home: Path, tiny_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["models", "install", str(tiny_model_dir), "--source-language", "en"]
    assert main([*args, "--target-token", ">>ara<<", "--name", "opus-tiny"]) == 0
    assert "installed opus-tiny (en->ar, ctranslate2)" in capsys.readouterr().out
    manifest = json.loads((marsad_home / "models" / "opus-tiny" / MANIFEST).read_text())
    assert manifest["source_prefix"] == [">>ara<<"]
    assert manifest["source_suffix"] == ["</s>"]
    assert manifest["source_spm"] == "source.spm"
    assert main(["models", "install", str(tiny_model_dir)]) == 2  # no --source-language
    assert "language" in capsys.readouterr().err


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


META = json.dumps({"from_code": "en", "to_code": "ar"}).encode()


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"pkg/metadata.json": META, "../evil.txt": b"x"}, "escapes"),
        ({"/etc/evil": b"x", "pkg/metadata.json": META}, "escapes"),
        ({"pkg/sentencepiece.model": b"x"}, "one metadata.json"),
        ({"pkg/metadata.json": b"{not json"}, "bad metadata"),
        ({"pkg/metadata.json": META, "pkg/sentencepiece.model": b"x"}, "no model.bin"),
    ],
    ids=["dot-dot", "absolute", "no-metadata", "bad-metadata", "no-model"],
)
def test_bad_packages_are_refused(tmp_path: Path, entries: dict[str, bytes], message: str) -> None:
    package = _zip(tmp_path / "bad.argosmodel", entries)
    with pytest.raises(UserError, match=message):
        install_argos_package(package, tmp_path / "models")
    assert list_models(tmp_path / "models") == []
    assert not (tmp_path / "evil.txt").exists()


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.argosmodel"
    bad.write_bytes(b"hello")
    with pytest.raises(UserError, match="not a readable"):
        install_argos_package(bad, tmp_path / "models")


def test_a_symlink_entry_is_refused(tmp_path: Path) -> None:
    package = tmp_path / "link.argosmodel"
    with zipfile.ZipFile(package, "w") as zf:
        zf.writestr("pkg/metadata.json", META)
        link = zipfile.ZipInfo("pkg/model")
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "/etc")
    with pytest.raises(UserError, match="symbolic link"):
        install_argos_package(package, tmp_path / "models")


def test_dedicated_model_wins_over_many_to_one(tiny_model_dir: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    install_model_dir(tiny_model_dir, models, source_languages=["en", "fr", "ur"], name="multi")
    install_model_dir(tiny_model_dir, models, source_languages=["ur"], name="urdu")
    assert find_model(models, "ur").name == "urdu"
    assert find_model(models, "en").name == "multi"
    assert find_model(models, "tl") is None
    (models / "urdu" / MANIFEST).write_text("{broken")
    assert [m.name for m in list_models(models)] == ["multi"]


def test_nllb_preset_names_each_source_language(tiny_model_dir: Path, tmp_path: Path) -> None:
    info = install_model_dir(
        tiny_model_dir, tmp_path / "m", source_languages=["ur", "hi"], preset="nllb", name="nllb"
    )
    assert info.source_prefix_for("ur") == ("urd_Arab",)
    assert info.source_prefix_for("hi") == ("hin_Deva",)
    assert info.target_prefix == ("arb_Arab",)
    assert list_models(tmp_path / "m")[0].language_tokens == info.language_tokens
    with pytest.raises(UserError, match="no NLLB code known for xx"):
        install_model_dir(tiny_model_dir, tmp_path / "m", source_languages=["xx"], preset="nllb")


def test_cli_list_shows_name_languages_engine_and_path(
    marsad_home: Path, argos_package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "install", str(argos_package)]) == 0
    capsys.readouterr()
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    line = out.splitlines()[0].split()
    assert line == [
        "translate-en_ar-tiny",
        "en->ar",
        "argos",
        str(marsad_home / "models" / "translate-en_ar-tiny"),
    ]
    assert "translation is off" in out
    assert main(["models", "install", str(marsad_home / "missing.argosmodel")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
