"""A tiny in-process HTTP server on loopback that serves a fixed set of routes.

``marsad demo`` serves the demo corpus through it so the real fetcher, parsers and pipeline run
against real HTTP; tests use it the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

Routes = Mapping[str, tuple[str, bytes]]


class LoopbackServer:
    """Serve ``routes`` (path -> (content type, body)) on 127.0.0.1; start() then stop()."""

    def __init__(self, port: int = 0) -> None:
        self._routes: Routes = {}

        def routes_of() -> Routes:
            return self._routes

        class Handler(BaseHTTPRequestHandler):
            server_version = "MarsadDemo/1"

            def _answer(self, with_body: bool) -> None:
                path = urlsplit(self.path).path
                found = routes_of().get(path)
                if found is None:
                    self.send_response(404)
                    self.send_header("Content-Type", "text/plain; charset=utf-8")
                    self.send_header("Content-Length", "9")
                    self.end_headers()
                    if with_body:
                        self.wfile.write(b"not found")
                    return
                content_type, body = found
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if with_body:
                    self.wfile.write(body)

            def do_GET(self) -> None:
                self._answer(True)

            def do_HEAD(self) -> None:
                self._answer(False)

            def log_message(self, format: str, *args: object) -> None:  # quiet
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def set_routes(self, routes: Routes) -> None:
        self._routes = dict(routes)

    def start(self) -> LoopbackServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="marsad-loopback", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


__all__ = ["LoopbackServer", "Routes"]
