"""A fast loopback server for the ingestion bench: N feeds of M items each, with ETag support.

Run as ``python -m bench.ingest.feed_server PORT_FILE [--feeds N] [--items M]``; it binds a free
port on 127.0.0.1, writes it to PORT_FILE and serves until killed. ``/feed/<i>.xml`` is an RSS
2.0 feed whose items link to ``/a/<i>/<j>``; a request carrying the feed's ETag in
``If-None-Match`` gets ``304``. Bare asyncio (HTTP/1.1 keep-alive) so the server, not the client,
is never the bottleneck on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

BASE = datetime(2024, 5, 14, 12, 0, tzinfo=UTC)


def feed_body(port: int, i: int, items: int) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>مصدر {i}</title><link>http://127.0.0.1:{port}/</link><ttl>30</ttl>",
    ]
    for j in range(items):
        when = format_datetime(BASE - timedelta(minutes=17 * j + i))
        parts.append(
            f"<item><title>خبر رقم {j} من المصدر {i}: اجتماع وزراء الخارجية العرب</title>"
            f"<link>http://127.0.0.1:{port}/a/{i}/{j}?utm_source=rss</link>"
            f'<guid isPermaLink="false">s{i}-item-{j}</guid><pubDate>{when}</pubDate>'
            f"<description>&lt;p&gt;ملخص الخبر {j} من المصدر {i}، مع تفاصيل عن الاجتماع "
            "والقرارات التي صدرت عنه.&lt;/p&gt;</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


class FeedServer(asyncio.Protocol):
    def __init__(self, port: int, feeds: int, items: int, cache: dict[int, bytes]) -> None:
        self.port, self.feeds, self.items, self.cache = port, feeds, items, cache
        self.buffer = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            self.respond(head)

    def respond(self, head: bytes) -> None:
        lines = head.decode("latin-1").split("\r\n")
        path = lines[0].split(" ")[1] if len(lines[0].split(" ")) > 1 else "/"
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        status, body, extra = 404, b"not found", ""
        if path.startswith("/feed/") and path.endswith(".xml"):
            try:
                i = int(path[6:-4])
            except ValueError:
                i = -1
            if 0 <= i < self.feeds:
                etag = f'"f{i}-v1"'
                if headers.get("if-none-match") == etag:
                    status, body = 304, b""
                else:
                    body = self.cache.get(i) or self.cache.setdefault(
                        i, feed_body(self.port, i, self.items)
                    )
                    status = 200
                extra = f"ETag: {etag}\r\nContent-Type: application/rss+xml; charset=utf-8\r\n"
        reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}[status]
        length = "" if status == 304 else f"Content-Length: {len(body)}\r\n"
        self.transport.write(  # type: ignore[attr-defined]
            f"HTTP/1.1 {status} {reason}\r\n{extra}{length}\r\n".encode() + body
        )


async def serve(port_file: Path, feeds: int, items: int) -> None:
    loop = asyncio.get_running_loop()
    cache: dict[int, bytes] = {}
    holder: dict[str, int] = {}
    server = await loop.create_server(
        lambda: FeedServer(holder["port"], feeds, items, cache), "127.0.0.1", 0
    )
    holder["port"] = server.sockets[0].getsockname()[1]
    port_file.write_text(str(holder["port"]))
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port_file", type=Path)
    parser.add_argument("--feeds", type=int, default=5000)
    parser.add_argument("--items", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(serve(args.port_file, args.feeds, args.items))


if __name__ == "__main__":
    main()
