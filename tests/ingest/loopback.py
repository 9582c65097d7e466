"""A real HTTP server on 127.0.0.1 for the ingestion tests: routes set by each test.

Each route answers with a ``Reply`` (status, headers, body, optional delay before answering and
optional slow "drip" of the body), or with a function of the request returning one. The server
counts requests per path and the most requests in flight at once, so politeness is measured at
the server, where it matters.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line
    chunks: Iterable[bytes] | None = None  # streamed without Content-Length (connection closes)
    chunk_delay: float = 0.0


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]
    at: float


Handler = Callable[[Seen], Reply]


class LoopbackServer:
    def __init__(self) -> None:
        self.routes: dict[str, Reply | Handler] = {}
        self.hits: Counter[str] = Counter()
        self.log: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def route(self, path: str, reply: Reply | Handler) -> str:
        self.routes[path] = reply
        return self.url(path)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else delayed ACKs add 40 ms per response

            def log_message(self, format: str, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, time.time())
                with server._lock:
                    server.hits[self.path] += 1
                    server.log.append(seen)
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    route = server.routes.get(self.path)
                    if route is None:
                        reply = Reply(404, b"not found")
                    elif isinstance(route, Reply):
                        reply = route
                    else:
                        reply = route(seen)
                    if reply.delay:
                        time.sleep(reply.delay)
                    self._send(reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _send(self, reply: Reply) -> None:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.chunks is None:
                    if "content-length" not in {k.lower() for k in reply.headers}:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    if reply.status != 304:
                        self.wfile.write(reply.body)
                    return
                self.send_header("Connection", "close")
                self.close_connection = True
                self.end_headers()
                for chunk in reply.chunks:
                    self.wfile.write(chunk)
                    self.wfile.flush()
                    if reply.chunk_delay:
                        time.sleep(reply.chunk_delay)

        return _H
