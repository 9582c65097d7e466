"""`marsad config` and `marsad migrate`."""

from __future__ import annotations

import argparse
import json
from typing import Any

from marsad.cli.context import CLIContext
from marsad.config import ENV_PREFIX, SETTINGS
from marsad.store import create_engine, migrate


def register(sub: Any) -> None:
    c = sub.add_parser(
        "config",
        help="print the effective settings",
        description="Print the effective settings and where each can be set.",
    )
    c.add_argument("--json", action="store_true", help="one JSON object")
    c.add_argument("--help-settings", action="store_true", help="describe every setting")
    c.set_defaults(handler=_config)
    m = sub.add_parser(
        "migrate",
        help="create or upgrade the database schema",
        description="Create or upgrade the database schema (also done automatically on first use).",
    )
    m.set_defaults(handler=_migrate)


def _config(ctx: CLIContext, args: argparse.Namespace) -> int:
    values = ctx.settings.as_dict()
    values["effective_database_url"] = ctx.settings.effective_database_url
    if args.json:
        print(json.dumps(values, ensure_ascii=False, indent=2))
        return 0
    for s in SETTINGS:
        print(f"{s.name} = {values[s.name]!r}")
        if args.help_settings:
            print(f"    {s.help} (env {ENV_PREFIX}{s.name.upper()}, type {s.type.__name__})")
    print(f"# database: {values['effective_database_url']}")
    return 0


def _migrate(ctx: CLIContext, args: argparse.Namespace) -> int:
    engine = create_engine(ctx.settings.effective_database_url)
    try:
        before, after = migrate(engine)
    finally:
        engine.dispose()
    if before == after:
        print(f"database already at revision {after}")
    else:
        print(f"database migrated from {before or 'empty'} to {after}")
    return 0
