"""`marsad analyze`, in-process, on files and on a real HTTP server on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from marsad.cli.main import main

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "extract" / "golden"


@pytest.fixture
def page_server() -> Iterator[str]:
    body = (GOLDEN / "ar02-related-inside.html").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/news":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_analyze_files_json(
    marsad_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "missing.html")
    good = str(GOLDEN / "ar01-content-farm.html")
    code = main(["analyze", "--json", good, missing])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1  # one input failed
    assert [rec["input"] for rec in lines] == [good, missing]
    ok, bad = lines
    assert ok["status"] == "ok" and ok["language"] == "ar"
    assert "READ" not in ok["text"] and ok["title"].startswith("بايدن وبوتين")
    for key in ("url", "published", "author", "image", "site_name"):
        assert key in ok
    assert bad["status"] == "fetch_failed" and bad["text"] is None


def test_analyze_url(
    marsad_home: Path, page_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["analyze", "--json", f"{page_server}/news", f"{page_server}/gone"])
    ok, gone = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    assert ok["status"] == "ok" and ok["published"] == "2024-03-18T07:30:00+00:00"
    assert ok["author"] == "سارة محمود"
    assert gone["status"] == "fetch_failed"


def test_analyze_text_output(marsad_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(GOLDEN / "en01-read-more.html")]) == 0
    out = capsys.readouterr().out
    assert "Port strike enters second week" in out and "READ MORE" not in out
