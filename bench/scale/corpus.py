"""The scale bench's loopback corpus: feeds of article pages, served fast (bare asyncio).

Run as ``python -m bench.scale.corpus PORT_FILE --feeds F --items M --empty E``; it binds a free
port on 127.0.0.1, writes it to PORT_FILE and serves until killed:

- ``/feed/<i>.xml`` (i < F): RSS 2.0 of M items linking to ``/a/<i>/<j>``, with an ETag
  (``If-None-Match`` gets 304);
- ``/a/<i>/<j>``: an Arabic article page, one of a few dozen stories, worded by its outlet (no
  two pages are copies);
- ``/empty/<i>.xml`` (i < E): an RSS feed without items, with an ETag (the unchanged feeds).
"""

from __future__ import annotations

import argparse
import asyncio
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

BASE = datetime.now(UTC).replace(microsecond=0)
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
STORIES = 40
# Each story's own words (a place, an actor, an event), shared by its reports.
SUBJECTS = [
    "الفيضانات النهر الوادي الإنقاذ القرى",
    "الانتخابات الاقتراع البرلمان المرشحين الأصوات",
    "الزلزال الهزة المباني الانهيار الضحايا",
    "القمح الحصاد الجفاف المزارعين الأسعار",
    "المباراة النهائي الملعب الهدف البطولة",
    "المفاوضات الوزراء الاتفاق الحدود الهدنة",
    "الميزانية الضرائب العجز الحكومة الديون",
    "الحرائق الغابات الرياح الدفاع المدني",
]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 6)))


def story_of(i: int, j: int, items: int) -> int:
    return (i * items + j) % STORIES


def article(i: int, j: int, items: int) -> tuple[str, bytes]:
    story = story_of(i, j, items)
    rng = random.Random(story)
    own_words = [_word(rng) for _ in range(8)]  # the story's names
    subject = SUBJECTS[story % len(SUBJECTS)].split() + own_words
    rng = random.Random(i * 100_003 + j)
    title = " ".join(subject[:3] + own_words[:2] + [_word(rng) for _ in range(3)])
    paragraphs = []
    for _ in range(6):
        words = [rng.choice(subject) if rng.random() < 0.3 else _word(rng) for _ in range(30)]
        paragraphs.append(f"<p>{' '.join(words)}.</p>")
    html = (
        f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}'
        f"</title></head><body><article><h1>{title}</h1>{''.join(paragraphs)}</article></body></html>"
    )
    return title, html.encode("utf-8")


def feed(port: int, i: int, items: int) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>مصدر {i}</title><link>http://127.0.0.1:{port}/</link>",
    ]
    for j in range(items):
        title, _ = article(i, j, items)
        when = format_datetime(BASE - timedelta(minutes=3 * j + i % 60))
        parts.append(
            f"<item><title>{title}</title><link>http://127.0.0.1:{port}/a/{i}/{j}</link>"
            f"<guid>s{i}-{j}</guid><pubDate>{when}</pubDate></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


class Corpus(asyncio.Protocol):
    def __init__(self, args: argparse.Namespace, port: int, cache: dict[str, bytes]) -> None:
        self.args, self.port, self.cache = args, port, cache
        self.buffer = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            self.respond(head)

    def _body(self, path: str) -> tuple[bytes, str] | None:
        parts = path.strip("/").split("/")
        try:
            if parts[0] == "feed" and len(parts) == 2 and int(parts[1][:-4]) < self.args.feeds:
                return feed(self.port, int(parts[1][:-4]), self.args.items), "application/rss+xml"
            if parts[0] == "empty" and len(parts) == 2 and int(parts[1][:-4]) < self.args.empty:
                return feed(self.port, int(parts[1][:-4]), 0), "application/rss+xml"
            if parts[0] == "a" and len(parts) == 3:
                return article(int(parts[1]), int(parts[2]), self.args.items)[1], "text/html"
        except ValueError:
            return None
        return None

    def respond(self, head: bytes) -> None:
        lines = head.decode("latin-1").split("\r\n")
        first = lines[0].split(" ")
        path = first[1] if len(first) > 1 else "/"
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        etag = f'"{abs(hash(path)) % 10**9}"'
        found = self.cache.get(path)
        if found is None:
            made = self._body(path)
            if made is not None:
                found = self.cache[path] = made[0]
                self.cache["type:" + path] = made[1].encode()
        if found is None:
            status, body, extra = 404, b"not found", ""
        elif headers.get("if-none-match") == etag:
            status, body, extra = 304, b"", f"ETag: {etag}\r\n"
        else:
            kind = self.cache["type:" + path].decode()
            status, body = 200, found
            extra = f"ETag: {etag}\r\nContent-Type: {kind}; charset=utf-8\r\n"
        reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}[status]
        length = "" if status == 304 else f"Content-Length: {len(body)}\r\n"
        self.transport.write(  # type: ignore[attr-defined]
            f"HTTP/1.1 {status} {reason}\r\n{extra}{length}\r\n".encode() + body
        )


async def serve(args: argparse.Namespace) -> None:
    loop = asyncio.get_running_loop()
    cache: dict[str, bytes] = {}
    holder: dict[str, int] = {}
    server = await loop.create_server(
        lambda: Corpus(args, holder["port"], cache), "127.0.0.1", 0, backlog=1024
    )
    holder["port"] = server.sockets[0].getsockname()[1]
    args.port_file.write_text(str(holder["port"]))
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port_file", type=Path)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=5)
    parser.add_argument("--empty", type=int, default=0)
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
