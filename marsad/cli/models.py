"""`marsad models`: list and install offline translation models (nothing is downloaded)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from marsad.cli.context import CLIContext, print_json_line
from marsad.translate.packages import PRESETS, ModelInfo, install, list_models, resolve_models_dir


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "models",
        help="list and install offline translation models",
        description="List and install offline translation models. Nothing is downloaded: "
        "install a file or folder you obtained (see the README).",
    )
    msub = p.add_subparsers(dest="models_command", metavar="ACTION")
    msub.required = True

    ls = msub.add_parser(
        "list", help="list installed models", description="List the installed models."
    )
    ls.add_argument("--json", action="store_true", help="JSON Lines, one object per model")
    ls.set_defaults(handler=_list)

    inst = msub.add_parser(
        "install",
        help="install an .argosmodel file or a CTranslate2 model folder",
        description="Install an Argos Translate package (.argosmodel) or a CTranslate2 model "
        "folder (model.bin with source.spm/target.spm or sentencepiece.model) into models_dir.",
    )
    inst.add_argument("path", metavar="FILE", help=".argosmodel file or CTranslate2 model folder")
    inst.add_argument(
        "--source-language",
        metavar="LL",
        action="append",
        default=[],
        help="folder installs: ISO 639-1 code of a language the model translates from (repeatable)",
    )
    inst.add_argument("--name", help="folder installs: the model's name (default: folder name)")
    inst.add_argument(
        "--preset",
        choices=sorted(PRESETS),
        default="opus-mt",
        help="folder installs: the model family, for the tokens it expects (default opus-mt)",
    )
    inst.add_argument(
        "--target-token",
        metavar="TOKEN",
        help="folder installs: sentence-initial target token of multi-target OPUS-MT models, "
        "e.g. '>>ara<<' for opus-mt-tc-big-en-ar",
    )
    inst.add_argument("--replace", action="store_true", help="replace a model of the same name")
    inst.set_defaults(handler=_install)


def _row(info: ModelInfo) -> dict[str, Any]:
    return {
        "name": info.name,
        "engine": info.engine,
        "languages": f"{','.join(info.source_languages)}->{info.target_language}",
        "version": info.version,
        "path": str(info.path),
    }


def _list(ctx: CLIContext, args: argparse.Namespace) -> int:
    models_dir = resolve_models_dir(ctx.settings)
    models = list_models(models_dir)
    if args.json:
        for info in models:
            print_json_line(_row(info))
        return 0
    if not models:
        print(f"no models installed in {models_dir}: see `marsad models install --help`")
        return 0
    for info in models:
        row = _row(info)
        print(f"{row['name']:<32} {row['languages']:<12} {row['engine']:<12} {row['path']}")
    engine = ctx.settings.translate_engine
    if engine == "none":
        print("translation is off: set translate_engine = ctranslate2 or argos to use these")
    return 0


def _install(ctx: CLIContext, args: argparse.Namespace) -> int:
    path = Path(args.path).expanduser()
    options: dict[str, Any] = {"replace": args.replace}
    if path.is_dir():
        options.update(
            source_languages=args.source_language,
            name=args.name,
            preset=args.preset,
            target_token=args.target_token,
        )
    info = install(path, resolve_models_dir(ctx.settings), **options)
    row = _row(info)
    print(f"installed {row['name']} ({row['languages']}, {row['engine']}) in {row['path']}")
    return 0
