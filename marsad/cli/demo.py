"""`marsad demo`: the demo corpus served as real feeds, ingested, then served.

The corpus (``marsad.demo.corpus``) is served from an in-process loopback HTTP server, so the
real fetcher, parsers and pipeline run over it (``crawl_once``), exactly as for a real outlet.

Where: the same home every other command uses (``--home``, ``$MARSAD_HOME``, else the platform
default), so that after ``make demo`` the README tour's commands read the demo's data. A demo
never writes into a real instance: a home holding a database that no demo run created is refused
(``--fresh`` takes a new temporary directory instead). A demo home is marked by the file that
remembers its feed server's port.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from marsad.cli.context import CLIContext
from marsad.cli.serve import check_port
from marsad.config import Settings, load_settings
from marsad.errors import UserError
from marsad.models import SourceKind
from marsad.store import Store, open_store
from marsad.web.loopback import LoopbackServer

# The corpus server is on loopback and serves one host: no politeness delay is needed, and a
# few requests in parallel keep the first ingest to seconds.
DEMO_SETTINGS = {
    "allow_private_networks": True,
    "per_host_delay": 0.0,
    "per_host_concurrency": 8,
}
PROGRESS_SECONDS = 0.5


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "demo",
        help="start an instance with the demo corpus and serve it",
        description="Serve the demo corpus as real feeds on loopback, ingest it through the real "
        "pipeline into the data directory every command uses (--home, MARSAD_HOME, else the "
        "platform default), then serve the site. A data directory with a database the demo "
        "did not create is refused; --fresh uses a new temporary directory.",
    )
    p.add_argument("--port", type=int, default=8000, help="port of the web site (default 8000)")
    p.add_argument(
        "--home",
        dest="demo_home",
        metavar="DIR",
        help="data directory for the demo instance (default: the usual home, as for every command)",
    )
    p.add_argument(
        "--fresh",
        action="store_true",
        help="use a new temporary data directory (the tour's commands then need MARSAD_HOME)",
    )
    p.add_argument("--no-serve", action="store_true", help="ingest the corpus, then exit")
    p.set_defaults(handler=_demo)


def _write_instance_config(home: Path) -> None:
    config = home / "marsad.toml"
    if not config.exists():
        lines = ["# Written by `marsad demo`: the demo's feeds come from a loopback server."]
        for key, value in DEMO_SETTINGS.items():
            rendered = str(value).lower() if isinstance(value, bool) else repr(value)
            lines.append(f"{key} = {rendered}")
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")


def demo_settings(home: Path, port: int) -> Settings:
    _write_instance_config(home)
    return load_settings(
        config_file=home / "marsad.toml",
        overrides={"home": str(home), "database_url": "", "port": port, **DEMO_SETTINGS},
    )


def add_demo_sources(store: Store, corpus: Any, base_url: str) -> int:
    """Add each outlet's feed (or news sitemap) as a source; re-point those of an earlier run."""
    existing = {urlsplit(s.url).path: s for s in store.list_sources()}
    added = 0
    for outlet in corpus.outlets:
        url = base_url.rstrip("/") + outlet.feed_path()
        kind = SourceKind.SITEMAP if outlet.feed_kind == "sitemap" else SourceKind.FEED
        earlier = existing.get(outlet.feed_path())
        if earlier is not None:
            if earlier.url != url and urlsplit(earlier.url).hostname == "127.0.0.1":
                store.update_source(earlier.id, url=url)
            continue
        store.add_source(
            url, kind, title=outlet.name, language=outlet.language, country=outlet.country
        )
        added += 1
    return added


async def _ingest_with_progress(store: Store, settings: Settings, out: Any) -> Any:
    from marsad.pipeline.crawl import crawl_once

    started = time.monotonic()
    before = await asyncio.to_thread(store.count_articles)
    crawl = asyncio.ensure_future(crawl_once(store, settings, all_sources=True))
    shown = -1
    while not crawl.done():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(crawl), PROGRESS_SECONDS)
        count = await asyncio.to_thread(store.count_articles) - before
        if count != shown:
            out.write(f"\r  ingesting… {count} articles ({time.monotonic() - started:.1f} s)")
            out.flush()
            shown = count
    out.write("\n")
    return crawl.result()


PORT_FILE = "demo-feeds.port"


def _start_feeds_server(home: Path) -> LoopbackServer:
    """The corpus server, on the same port as the last run in ``home`` when it is free.

    Article URLs contain the port, so a second run on another port would store every article
    again under new URLs.
    """
    port_file = home / PORT_FILE
    try:
        remembered = int(port_file.read_text().strip())
    except (OSError, ValueError):
        remembered = 0
    try:
        server = LoopbackServer(remembered)
    except OSError:
        server = LoopbackServer(0)
    port_file.write_text(server.base_url.rsplit(":", 1)[1] + "\n")
    return server


def run_demo(home: Path, *, port: int, serve_site: bool, out: Any = None) -> int:
    """Ingest the demo corpus into ``home`` and (unless ``serve_site`` is False) serve it."""
    out = out or sys.stdout
    from marsad.demo.corpus import load_corpus

    home.mkdir(parents=True, exist_ok=True)
    settings = demo_settings(home, port)
    corpus = load_corpus()
    feeds = _start_feeds_server(home)
    feeds.set_routes(corpus.routes(feeds.base_url, now=datetime.now(UTC)))
    feeds.start()
    store = open_store(settings.effective_database_url)
    try:
        out.write(f"Marsad demo: data directory {home}\n")
        out.write(
            f"  demo outlets served at {feeds.base_url}/ ({len(corpus.outlets)} outlets, "
            f"{len(corpus.articles)} articles)\n"
        )
        added = add_demo_sources(store, corpus, feeds.base_url)
        out.write(f"  {added} sources added\n")
        summary = asyncio.run(_ingest_with_progress(store, settings, out))
        out.write(
            f"  crawled {getattr(summary, 'sources', '?')} sources: "
            f"{getattr(summary, 'new_articles', '?')} new articles, "
            f"{getattr(summary, 'failed', 0)} failed sources, "
            f"{getattr(summary, 'page_failures', 0)} failed pages "
            f"in {getattr(summary, 'seconds', 0.0):.1f} s\n"
        )
        for url, message in list(getattr(summary, "errors", []) or [])[:10]:
            out.write(f"    error: {url}: {message}\n")
        out.write(f"  stored: {store.count_articles()} articles\n")
        out.flush()
        if not serve_site:
            return 0
        from marsad.web.server import serve

        def started(url: str) -> None:
            out.write(f"\nMarsad demo is ready: open {url}  (Ctrl+C to stop)\n")
            out.flush()

        try:
            serve(store, settings, host="127.0.0.1", port=port, on_started=started)
        except KeyboardInterrupt:
            pass
        except SystemExit:
            raise UserError(
                f"could not listen on 127.0.0.1:{port} (is the port in use? try --port)",
                message_ar=f"تعذّر الاستماع على المنفذ {port} (هل هو مشغول؟ جرّب --port)",
            ) from None
        return 0
    finally:
        store.close()
        feeds.stop()


def check_demo_home(home: Path) -> None:
    """Refuse a home whose database no demo run created: the demo adds loopback sources and
    writes ``allow_private_networks = true`` into the home's config, which a real instance
    must never get by accident."""
    if (home / "marsad.db").exists() and not (home / PORT_FILE).exists():
        raise UserError(
            f"{home} already holds a Marsad database that the demo did not create; the demo "
            "does not write into it. Run `marsad demo --fresh` (a new temporary directory) or "
            "`marsad demo --home DIR`",
            message_ar=f"المجلد {home} فيه قاعدة بيانات لمرصد لم ينشئها العرض التجريبي، ولن "
            "يكتب العرض فيها. شغّل `marsad demo --fresh` (مجلد مؤقت جديد) أو "
            "`marsad demo --home DIR`",
        )


def demo_home(ctx: CLIContext, args: argparse.Namespace) -> Path:
    if args.fresh:
        return Path(tempfile.mkdtemp(prefix="marsad-demo-"))
    if args.demo_home:
        return Path(args.demo_home)
    return Path(ctx.settings.home)


def _demo(ctx: CLIContext, args: argparse.Namespace) -> int:
    port = check_port(args.port)
    # One line per fetched page would bury the progress line.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    home = demo_home(ctx, args)
    check_demo_home(home)
    if os.environ.get("MARSAD_DATABASE_URL"):
        print(
            "note: MARSAD_DATABASE_URL is set, but the demo uses SQLite in its home; unset it "
            "to run the README tour against the demo"
        )
    if args.fresh:
        print(f"note: a fresh home; for the tour, first run: export MARSAD_HOME={home}")
    return run_demo(home, port=port, serve_site=not args.no_serve)
