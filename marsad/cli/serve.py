"""`marsad serve`: run the web site, feeds, API and crawl scheduler in one process."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from marsad.cli.context import CLIContext
from marsad.errors import UserError


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "serve",
        help="run the web site, feeds, API and crawl scheduler",
        description="Run the web site, feeds, API and crawl scheduler in one process, on the "
        "store MARSAD_HOME / MARSAD_DATABASE_URL point at.",
    )
    p.add_argument("--host", help="address to listen on (setting `host`, default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port to listen on (setting `port`, default 8000)")
    p.add_argument("--no-crawl", action="store_true", help="serve only; do not poll the sources")
    p.set_defaults(handler=_serve)


def check_port(port: int) -> int:
    if not 0 < port < 65536:
        raise UserError(f"--port must be between 1 and 65535, got {port}")
    return port


def _serve(ctx: CLIContext, args: argparse.Namespace) -> int:
    from marsad.web.server import serve

    settings = ctx.settings
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per fetch is noise here
    host = args.host or settings.host
    port = check_port(args.port if args.port is not None else settings.port)
    store = ctx.store

    def started(url: str) -> None:
        print(f"Marsad is serving at {url}  (Ctrl+C to stop)", flush=True)

    try:
        serve(store, settings, host=host, port=port, crawl=not args.no_crawl, on_started=started)
    except KeyboardInterrupt:
        pass
    except SystemExit:  # uvicorn exits when it cannot bind
        raise UserError(
            f"could not listen on {host}:{port} (is the port in use?)",
            message_ar=f"تعذّر الاستماع على {host}:{port} (هل المنفذ مشغول؟)",
        ) from None
    print("stopped", file=sys.stderr)
    return 0
