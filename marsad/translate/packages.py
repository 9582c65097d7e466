"""Installed translation models: install from a local file or folder, list, pick one per language.

Nothing here downloads anything. The operator obtains a model (see the README) and installs it:

* an Argos Translate package (``.argosmodel``: a zip holding one folder with ``metadata.json``,
  a CTranslate2 ``model/`` folder and ``sentencepiece.model``) -> ``install_argos_package``;
* a CTranslate2 model folder (``model.bin``, its vocabulary, ``source.spm`` and ``target.spm``
  or one ``sentencepiece.model``), e.g. OPUS-MT converted with ``ct2-transformers-converter``
  -> ``install_model_dir``.

Each installed model is a folder ``<models_dir>/<name>/`` with a ``marsad-model.json`` manifest
saying its engine, languages, files and the tokens the model family expects around a sentence.
We read Argos packages ourselves rather than depend on the ``argostranslate`` package, which
pulls in stanza and torch (gigabytes) for sentence splitting we do ourselves.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from marsad.config import Settings
from marsad.errors import TranslationError, UserError

MANIFEST = "marsad-model.json"
# Bounds on an archive we unpack (it comes from the operator, but may have come from anywhere):
# the largest OPUS-MT tc-big model is ~240 MB in int8, NLLB-200 distilled 1.3B ~1.4 GB in int8.
MAX_PACKAGE_BYTES = 4 * 1024**3
MAX_PACKAGE_FILES = 200
_NAME_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_LANG_OK = re.compile(r"^[a-z]{2,3}$")

# Tokens each model family wants around a sentence (see the CTranslate2 guides for each).
# opus-mt: Marian models end the source with </s>; multi-target ones (tc-big en-ar) start it
# with a target token such as >>ara<<. nllb: source language token + </s>, target prefix arb_Arab.
PRESETS: dict[str, dict[str, list[str]]] = {
    "plain": {"source_prefix": [], "source_suffix": [], "target_prefix": []},
    "opus-mt": {"source_prefix": [], "source_suffix": ["</s>"], "target_prefix": []},
    "nllb": {"source_prefix": [], "source_suffix": ["</s>"], "target_prefix": ["arb_Arab"]},
}
# ISO 639-1 -> FLORES-200 codes NLLB uses for its source-language token (the languages Marsad's
# sources are mostly in; extend as needed).
NLLB_CODES = {
    "en": "eng_Latn",
    "fr": "fra_Latn",
    "es": "spa_Latn",
    "de": "deu_Latn",
    "ru": "rus_Cyrl",
    "ur": "urd_Arab",
    "hi": "hin_Deva",
    "bn": "ben_Beng",
    "tl": "tgl_Latn",
    "id": "ind_Latn",
    "ms": "zsm_Latn",
    "tr": "tur_Latn",
    "fa": "pes_Arab",
    "zh": "zho_Hans",
    "pt": "por_Latn",
    "it": "ita_Latn",
}


@dataclass(frozen=True)
class ModelInfo:
    """One installed model, as its manifest describes it."""

    name: str
    engine: str  # "ctranslate2" or "argos" (both run on CTranslate2 + SentencePiece)
    source_languages: tuple[str, ...]
    target_language: str
    model_dir: str  # relative to the model's folder
    source_spm: str
    target_spm: str
    source_prefix: tuple[str, ...] = ()
    source_suffix: tuple[str, ...] = ()
    target_prefix: tuple[str, ...] = ()
    # Per-language source prefix, for many-to-one models that want the source language named
    # (NLLB: "urd_Arab"); replaces ``source_prefix`` for that language.
    language_tokens: tuple[tuple[str, str], ...] = ()
    version: str = ""
    origin: str = ""
    installed_at: str = ""
    path: Path = field(default=Path(), compare=False)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("path")
        data["language_tokens"] = dict(self.language_tokens)
        return data

    def source_prefix_for(self, source_lang: str) -> tuple[str, ...]:
        """The tokens put before a sentence in ``source_lang``."""
        token = dict(self.language_tokens).get(source_lang)
        return (token,) if token else self.source_prefix

    @classmethod
    def from_json(cls, data: dict[str, Any], path: Path) -> ModelInfo:
        try:
            return cls(
                name=str(data["name"]),
                engine=str(data["engine"]),
                source_languages=tuple(str(x) for x in data["source_languages"]),
                target_language=str(data.get("target_language", "ar")),
                model_dir=str(data.get("model_dir", ".")),
                source_spm=str(data["source_spm"]),
                target_spm=str(data["target_spm"]),
                source_prefix=tuple(data.get("source_prefix", ())),
                source_suffix=tuple(data.get("source_suffix", ())),
                target_prefix=tuple(data.get("target_prefix", ())),
                language_tokens=tuple(
                    (str(k), str(v)) for k, v in dict(data.get("language_tokens", {})).items()
                ),
                version=str(data.get("version", "")),
                origin=str(data.get("origin", "")),
                installed_at=str(data.get("installed_at", "")),
                path=path,
            )
        except (KeyError, TypeError) as exc:
            raise TranslationError(f"{path / MANIFEST}: bad manifest ({exc})") from None


def resolve_models_dir(settings: Settings) -> Path:
    """Where models live: the ``models_dir`` setting, or ``$MARSAD_HOME/models`` when unset."""
    return settings.effective_models_dir


def _check_name(name: str) -> str:
    if not _NAME_OK.match(name):
        raise UserError(f"bad model name {name!r}: use letters, digits, '.', '_' and '-'")
    return name


def _check_languages(codes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    out = tuple(c.strip().lower() for c in codes if c.strip())
    if not out or any(not _LANG_OK.match(c) for c in out):
        raise UserError(f"bad language codes {codes!r}: use ISO 639-1 codes such as en, ur, tl")
    return out


def _write_manifest(info: ModelInfo) -> None:
    (info.path / MANIFEST).write_text(
        json.dumps(info.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _safe_members(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The archive's entries, refusing absolute paths, '..', links and zip bombs."""
    members = zf.infolist()
    if len(members) > MAX_PACKAGE_FILES:
        raise UserError(f"package has {len(members)} entries; at most {MAX_PACKAGE_FILES}")
    total = 0
    for m in members:
        p = PurePosixPath(m.filename)
        if p.is_absolute() or ".." in p.parts or "\\" in m.filename:
            raise UserError(f"package entry {m.filename!r} escapes the package folder")
        if (m.external_attr >> 16) & 0o170000 == 0o120000:
            raise UserError(f"package entry {m.filename!r} is a symbolic link")
        total += m.file_size
    if total > MAX_PACKAGE_BYTES:
        raise UserError(f"package unpacks to {total} bytes; at most {MAX_PACKAGE_BYTES}")
    return members


def _find_spm(folder: Path) -> tuple[str, str]:
    if (folder / "source.spm").is_file() and (folder / "target.spm").is_file():
        return "source.spm", "target.spm"
    if (folder / "sentencepiece.model").is_file():
        return "sentencepiece.model", "sentencepiece.model"
    raise UserError(
        f"{folder}: no SentencePiece model (source.spm + target.spm, or sentencepiece.model)"
    )


def _check_ct2_dir(folder: Path) -> None:
    if not (folder / "model.bin").is_file():
        raise UserError(f"{folder}: no model.bin: not a CTranslate2 model folder")


def install_argos_package(package: Path, models_dir: Path, *, replace: bool = False) -> ModelInfo:
    """Unpack an ``.argosmodel`` file into ``models_dir`` and write its manifest."""
    try:
        zf = zipfile.ZipFile(package)
    except (OSError, zipfile.BadZipFile) as exc:
        raise UserError(f"{package}: not a readable .argosmodel (zip) file: {exc}") from None
    with zf, tempfile.TemporaryDirectory(dir=_ensure(models_dir)) as tmp:
        members = _safe_members(zf)
        metadata_entries = [m for m in members if PurePosixPath(m.filename).name == "metadata.json"]
        if len(metadata_entries) != 1:
            raise UserError(f"{package}: expected one metadata.json, found {len(metadata_entries)}")
        root = PurePosixPath(metadata_entries[0].filename).parent
        try:
            metadata = json.loads(zf.read(metadata_entries[0]).decode("utf-8"))
            from_code, to_code = str(metadata["from_code"]), str(metadata["to_code"])
        except (ValueError, KeyError, TypeError) as exc:
            raise UserError(f"{package}: bad metadata.json ({exc})") from None
        zf.extractall(tmp, members=members)
        unpacked = Path(tmp) / root
        _check_ct2_dir(unpacked / "model")
        if not (unpacked / "sentencepiece.model").is_file():
            raise UserError(f"{package}: no sentencepiece.model in the package")
        name = _check_name(
            str(root) if str(root) not in ("", ".") else f"translate-{from_code}_{to_code}"
        )
        target = _place(unpacked, models_dir / name, replace=replace)
        info = ModelInfo(
            name=name,
            engine="argos",
            source_languages=_check_languages([from_code]),
            target_language=to_code,
            model_dir="model",
            source_spm="sentencepiece.model",
            target_spm="sentencepiece.model",
            version=str(metadata.get("package_version", "")),
            origin=package.name,
            installed_at=_now(),
            path=target,
        )
        _write_manifest(info)
        return info


def install_model_dir(
    folder: Path,
    models_dir: Path,
    *,
    source_languages: list[str],
    name: str | None = None,
    preset: str = "opus-mt",
    target_token: str | None = None,
    replace: bool = False,
) -> ModelInfo:
    """Copy a CTranslate2 model folder into ``models_dir`` and write its manifest.

    ``preset`` names the tokens the model family wants (``opus-mt``, ``nllb``, ``plain``);
    ``target_token`` is the sentence-initial target token of multi-target OPUS-MT models
    (``>>ara<<`` for opus-mt-tc-big-en-ar).
    """
    if not folder.is_dir():
        raise UserError(f"{folder}: not a folder")
    if preset not in PRESETS:
        raise UserError(f"unknown preset {preset!r}: one of {', '.join(PRESETS)}")
    _check_ct2_dir(folder)
    source_spm, target_spm = _find_spm(folder)
    languages = _check_languages(source_languages)
    tokens = PRESETS[preset]
    prefix = [target_token] if target_token else list(tokens["source_prefix"])
    language_tokens: tuple[tuple[str, str], ...] = ()
    if preset == "nllb":
        unknown = [code for code in languages if code not in NLLB_CODES]
        if unknown:
            raise UserError(
                f"no NLLB code known for {', '.join(unknown)}; known: {', '.join(NLLB_CODES)}"
            )
        language_tokens = tuple((code, NLLB_CODES[code]) for code in languages)
    name = _check_name(name or folder.resolve().name)
    with tempfile.TemporaryDirectory(dir=_ensure(models_dir)) as tmp:
        staged = Path(tmp) / "model"
        shutil.copytree(folder, staged, symlinks=False)
        target = _place(staged, models_dir / name, replace=replace)
    info = ModelInfo(
        name=name,
        engine="ctranslate2",
        source_languages=languages,
        target_language="ar",
        model_dir=".",
        source_spm=source_spm,
        target_spm=target_spm,
        source_prefix=tuple(prefix),
        source_suffix=tuple(tokens["source_suffix"]),
        target_prefix=tuple(tokens["target_prefix"]),
        language_tokens=language_tokens,
        origin=str(folder),
        installed_at=_now(),
        path=target,
    )
    _write_manifest(info)
    return info


def install(path: Path, models_dir: Path, **options: Any) -> ModelInfo:
    """Install an ``.argosmodel`` file or a CTranslate2 model folder."""
    if path.is_dir():
        return install_model_dir(path, models_dir, **options)
    if path.is_file():
        return install_argos_package(path, models_dir, replace=bool(options.get("replace")))
    raise UserError(f"{path}: no such file or folder")


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _place(staged: Path, target: Path, *, replace: bool) -> Path:
    if target.exists():
        if not replace:
            raise UserError(f"model {target.name!r} is already installed (use --replace)")
        shutil.rmtree(target)
    shutil.move(str(staged), str(target))
    return target


def list_models(models_dir: Path) -> list[ModelInfo]:
    """Installed models (folders with a readable manifest), by name. Broken ones are skipped."""
    if not models_dir.is_dir():
        return []
    out: list[ModelInfo] = []
    for manifest in sorted(models_dir.glob(f"*/{MANIFEST}")):
        try:
            out.append(
                ModelInfo.from_json(json.loads(manifest.read_text("utf-8")), manifest.parent)
            )
        except (OSError, ValueError, TranslationError):
            continue
    return out


def pick_model(
    models: list[ModelInfo], source_lang: str, target_lang: str = "ar", *, engine: str | None = None
) -> ModelInfo | None:
    """The model for ``source_lang`` -> ``target_lang``; a dedicated model (one source language)
    wins over a many-to-one model such as NLLB; ties go to the name."""
    candidates = [
        m
        for m in models
        if source_lang in m.source_languages
        and m.target_language == target_lang
        and engine in (None, m.engine)
    ]
    candidates.sort(key=lambda m: (len(m.source_languages), m.name))
    return candidates[0] if candidates else None


def find_model(
    models_dir: Path, source_lang: str, target_lang: str = "ar", *, engine: str | None = None
) -> ModelInfo | None:
    """The installed model for a language pair (see ``pick_model``)."""
    return pick_model(list_models(models_dir), source_lang, target_lang, engine=engine)
