"""`marsad import` stores local pages and JSON Lines through the pipeline, once."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from marsad.cli.main import main
from marsad.demo.corpus import load_corpus


def test_import_pages_and_jsonl(
    marsad_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = load_corpus()
    routes = corpus.routes("http://demo.example", now=datetime.now(UTC))
    pages = tmp_path / "pages"
    pages.mkdir()
    html_routes = [
        (p, body)
        for p, (ctype, body) in routes.items()
        if ctype.startswith("text/html") and p.count("/") >= 2
    ]
    for n, (_, body) in enumerate(html_routes[:6]):
        (pages / f"{n:02d}.html").write_bytes(body)
    (pages / "broken.html").write_bytes(b"")
    jsonl = tmp_path / "archive.jsonl"
    jsonl.write_text(
        "\n".join(
            [
                json.dumps(
                    {
                        "url": "https://wire.example/a?utm_source=x",
                        "title": "Manila braces for typhoon",
                        "text": "The Philippine capital Manila closed schools on Monday as a typhoon approached Luzon.",
                        "language": "en",
                        "published": "2026-11-28T10:00:00Z",
                    }
                ),
                "{not json",
                json.dumps(
                    {
                        "title": "بلا رابط",
                        "text": "خبر من أرشيف محلي عن القاهرة ومصر دون رابط أصلي.",
                    }
                ),
            ]
        ),
        encoding="utf-8",
    )
    code = main(["import", str(pages), str(jsonl)])
    out, err = capsys.readouterr()
    assert code == 1  # two inputs were bad; the rest was stored
    assert "skipped" in err and "broken.html" in err and "bad JSON" in err
    assert "Traceback" not in err
    stored = int(out.split("imported ")[1].split(" new")[0])
    assert stored >= 7

    assert main(["articles", "list", "--json", "--limit", "100"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    urls = {r["url"] for r in rows}
    assert "https://wire.example/a" in urls  # canonical: tracking parameter dropped
    assert any(r["language"] == "ar" for r in rows)

    # Importing the same inputs again stores nothing new.
    main(["import", str(pages), str(jsonl)])
    out, _ = capsys.readouterr()
    assert out.startswith("imported 0 new articles")
