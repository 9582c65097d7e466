"""Run the site with uvicorn and the crawl scheduler in the same process and event loop.

The scheduler (``marsad.pipeline.crawl.run_scheduler``) does its database work on a worker
thread, so pages keep being served while a pass runs; after each pass the page caches are
cleared so readers see new stories at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import uvicorn

from marsad.config import Settings
from marsad.pipeline.crawl import run_scheduler
from marsad.store import Store
from marsad.web.app import create_app

log = logging.getLogger(__name__)

# How long to wait for a crawl pass to wind down on shutdown before cancelling it outright.
SCHEDULER_STOP_SECONDS = 10.0


async def serve_async(
    store: Store,
    settings: Settings,
    *,
    host: str,
    port: int,
    crawl: bool = True,
    on_started: Callable[[str], None] | None = None,
) -> None:
    """Serve until interrupted (or ``server.should_exit``), crawling in the background."""
    app = create_app(store, settings)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=str(settings.log_level).lower(),
        access_log=False,
        lifespan="off",
        server_header=False,
        **proxy_options(settings),
    )
    server = uvicorn.Server(config)
    control: SchedulerControl | None = None
    if crawl:

        def after_pass(summary: object) -> None:
            app.state.web.pages.clear()
            app.state.web.data.clear()
            log.info("crawl pass done: %s", summary)

        control = SchedulerControl(run_scheduler, store, settings, after_pass)
        control.start()
        app.state.web.wake_crawler = control.wake

    async def announce() -> None:
        while not server.started and not server.should_exit:
            await asyncio.sleep(0.05)
        if server.started and on_started is not None:
            on_started(f"http://{_url_host(host)}:{port}/")

    announcer = asyncio.create_task(announce())
    try:
        await server.serve()
    finally:
        announcer.cancel()
        if control is not None:
            await control.stop()


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's proxy-header options from ``trusted_proxies``. Empty (the default): no
    X-Forwarded-* header is believed, the client is the connection's peer. uvicorn's own
    default believes them from 127.0.0.1 and ::1, so anything on the same host (or a proxy
    that passes a client's header on) could choose the address the login limits count by."""
    trusted = [p.strip() for p in str(settings.trusted_proxies or "").split(",") if p.strip()]
    if not trusted:
        return {"proxy_headers": False, "forwarded_allow_ips": []}
    return {"proxy_headers": True, "forwarded_allow_ips": trusted}


class SchedulerControl:
    """Runs ``run_scheduler`` as a task; ``wake`` restarts it so due sources are polled now.

    Restarting is safe: a crawl pass is idempotent (see ``marsad.pipeline.crawl``).
    """

    def __init__(
        self,
        scheduler: Callable[..., Any],
        store: Store,
        settings: Settings,
        on_pass: Callable[[Any], None],
    ) -> None:
        self._scheduler = scheduler
        self._store = store
        self._settings = settings
        self._on_pass = on_pass
        self._stop = asyncio.Event()
        self._task: asyncio.Task[Any] | None = None
        self._restarting: asyncio.Task[Any] | None = None

    def start(self) -> None:
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(
            self._scheduler(self._store, self._settings, self._stop, on_pass=self._on_pass),
            name="marsad-scheduler",
        )

    def wake(self) -> None:
        """Called from a request handler on the server's loop."""
        if self._restarting is None or self._restarting.done():
            self._restarting = asyncio.get_running_loop().create_task(self._restart())

    async def _restart(self) -> None:
        await self.stop()
        self.start()

    async def stop(self) -> None:
        self._stop.set()
        task, self._task = self._task, None
        if task is None:
            return
        try:
            await asyncio.wait_for(task, SCHEDULER_STOP_SECONDS)
        except (TimeoutError, asyncio.CancelledError):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        except Exception:
            log.exception("the crawl scheduler stopped with an error")


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def serve(
    store: Store,
    settings: Settings,
    *,
    host: str,
    port: int,
    crawl: bool = True,
    on_started: Callable[[str], None] | None = None,
) -> None:
    """Blocking form of :func:`serve_async` (what ``marsad serve`` and ``marsad demo`` call)."""
    asyncio.run(
        serve_async(store, settings, host=host, port=port, crawl=crawl, on_started=on_started)
    )


__all__ = ["SchedulerControl", "serve", "serve_async"]
