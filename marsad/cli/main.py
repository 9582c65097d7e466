"""The `marsad` command: global options, one sub-command per module, errors as one clear line.

Each command lives in its own module under ``marsad.cli`` and exposes ``register(subparsers)``;
handlers get a :class:`CLIContext` and return an exit code. User errors print one line and exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

from marsad.cli.context import CLIContext
from marsad.errors import MarsadError, UserError

# Order is the order in `marsad --help`.
COMMAND_MODULES = (
    "sources",
    "crawl",
    "serve",
    "scheduler",
    "worker",
    "status",
    "tasks",
    "analyze",
    "cluster",
    "import_cmd",
    "search",
    "check",
    "articles",
    "models",
    "demo",
    "users",
    "alerts",
    "config_cmd",
)

EXIT_USER_ERROR = 2
EXIT_FAILURE = 1


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, like every other user error
        self.exit(EXIT_USER_ERROR, f"marsad: error: {message}\n(try `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="marsad",
        description="Marsad (مرصد): a self-hosted news monitor that brings world and regional "
        "news to Arabic readers.",
    )
    parser.add_argument(
        "--config", metavar="FILE", help="TOML settings file (default $MARSAD_HOME/marsad.toml)"
    )
    parser.add_argument(
        "--home", metavar="DIR", help="data directory (setting `home`, env MARSAD_HOME)"
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="database URL (setting `database_url`, env MARSAD_DATABASE_URL)",
    )
    parser.add_argument("--log-level", metavar="LEVEL", help="DEBUG, INFO, WARNING or ERROR")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(f"marsad.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    overrides = {"home": args.home, "database_url": args.database_url, "log_level": args.log_level}
    ctx = CLIContext(config_file=args.config, overrides=overrides)
    try:
        logging.basicConfig(
            level=getattr(logging, ctx.settings.log_level, logging.INFO),
            format="%(levelname)s %(name)s: %(message)s",
            stream=sys.stderr,
        )
        if ctx.settings.log_level != "DEBUG":
            logging.getLogger("alembic").setLevel(logging.WARNING)
        return int(args.handler(ctx, args) or 0)
    except UserError as exc:
        print(f"marsad: error: {exc.message}", file=sys.stderr)
        return EXIT_USER_ERROR
    except MarsadError as exc:
        print(f"marsad: error: {exc.message}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("marsad: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    finally:
        ctx.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
