"""A TCP proxy on loopback between Marsad and PostgreSQL that a test can cut and restore.

The database stays up; only the path to it breaks, the way a network fault or a stopped server
looks from Marsad's side:

    from pgproxy import TCPProxy, target_of   # tests/ is on sys.path (tests/conftest.py)

    with TCPProxy(target_of(pg_url)) as proxy:
        store = open_store(proxy.rewrite_url(pg_url))
        ...
        proxy.cut()       # live connections are reset, new ones refused (ECONNREFUSED)
        ...               # expect StorageUnavailable / 503
        proxy.restore()   # listens again on the same port
        ...               # expect recovery

``cut(refuse=False)`` keeps accepting but closes each connection at once (a server that accepts
and then drops), for the other way a database "refuses". Threads only: no event loop to share
with the code under test.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType
from urllib.parse import urlsplit, urlunsplit

_CHUNK = 65536


class TCPProxy:
    """Forward 127.0.0.1:<port> to ``target``; ``cut()`` and ``restore()`` break and mend it."""

    def __init__(self, target: tuple[str, int], *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.target = target
        self.host = host
        self.port = port
        self._lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._dropping = False  # accept then close at once (cut with refuse=False)
        self.connections_made = 0

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> TCPProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(128)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._thread = threading.Thread(
            target=self._accept_loop, args=(listener,), name="pgproxy-accept", daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop_listening()
        self._drop_connections()

    def __enter__(self) -> TCPProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- the switch -----------------------------------------------------------------------
    def cut(self, *, refuse: bool = True) -> None:
        """Reset every live connection; new ones are refused (or accepted and dropped)."""
        if refuse:
            self._stop_listening()
        else:
            self._dropping = True
        self._drop_connections()

    def restore(self) -> None:
        """Forward again, on the same port."""
        self._dropping = False
        if self._listener is None:
            self.start()

    @property
    def live_connections(self) -> int:
        with self._lock:
            return len(self._conns) // 2

    def rewrite_url(self, url: str) -> str:
        """``url`` (postgresql://user@host:port/db?...) pointed at this proxy instead."""
        parts = urlsplit(url)
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = f"{userinfo}@" if userinfo else ""
        return urlunsplit(parts._replace(netloc=f"{netloc}{self.host}:{self.port}"))

    # -- plumbing -------------------------------------------------------------------------
    def _stop_listening(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _drop_connections(self) -> None:
        with self._lock:
            conns, self._conns = list(self._conns), set()
        for sock in conns:
            # SO_LINGER 0: close with RST, as a dead network path or killed server looks.
            with contextlib.suppress(OSError):
                sock.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                )
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def _accept_loop(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # listener closed by cut() or close()
            if self._dropping:
                with contextlib.suppress(OSError):
                    client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns.update((client, upstream))
                self.connections_made += 1
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pump, args=(src, dst), name="pgproxy-pump", daemon=True
                ).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(_CHUNK)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._conns.discard(src)
                self._conns.discard(dst)
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()


def target_of(url: str) -> tuple[str, int]:
    """(host, port) of a postgresql:// URL, for ``TCPProxy(target_of(pg_url))``."""
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 5432


__all__ = ["TCPProxy", "target_of"]
