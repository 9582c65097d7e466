"""Inputs found hostile in review: each gives a clear result and the rest of the batch goes on."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from marsad.cli.main import main
from marsad.config import load_settings
from marsad.pipeline.process import IncomingArticle, Pipeline
from marsad.store import Store

PAGE = """<html lang="en"><head><title>{title}</title>
<meta property="og:url" content="{og}"><link rel="canonical" href="{og}"></head>
<body><article><h1>{title}</h1>{body}</article></body></html>"""


def _page(title: str, og: str) -> str:
    body = "".join(
        f"<p>{title}: paragraph {i} with enough words to count as real text.</p>" for i in range(6)
    )
    return PAGE.format(title=title, og=og, body=body)


def test_canonical_pointing_at_home_page_or_other_site_is_ignored(
    store: Store, tmp_path: Path
) -> None:
    pipeline = Pipeline(store, load_settings(env={"MARSAD_HOME": str(tmp_path)}))
    first, created_first = pipeline.ingest(
        IncomingArticle(
            url="https://news.example/a", html=_page("Floods in Sindh", "https://news.example/")
        )
    )
    second, created_second = pipeline.ingest(
        IncomingArticle(
            url="https://news.example/b", html=_page("Budget passes", "https://www.news.example")
        )
    )
    hijack, created_hijack = pipeline.ingest(
        IncomingArticle(
            url="https://farm.example/c", html=_page("Copied", "https://news.example/a")
        )
    )
    assert created_first and created_second and created_hijack
    assert (first.url, second.url, hijack.url) == (
        "https://news.example/a",
        "https://news.example/b",
        "https://farm.example/c",
    )
    # A real canonical on the same site is still followed.
    own, _ = pipeline.ingest(
        IncomingArticle(
            url="https://news.example/d?utm_source=x&id=1",
            html=_page("Own", "https://www.news.example/d"),
        )
    )
    assert own.url == "https://www.news.example/d"


def test_date_far_in_the_future_is_dropped(store: Store, tmp_path: Path) -> None:
    pipeline = Pipeline(store, load_settings(env={"MARSAD_HOME": str(tmp_path)}))
    typo = datetime.now(UTC) + timedelta(days=365 * 100)
    article, _ = pipeline.ingest(
        IncomingArticle(
            url="https://x.example/typo",
            title="A typo in the year",
            text="t " * 50,
            published_at=typo,
        )
    )
    assert article.published_at is None
    soon = datetime.now(UTC) + timedelta(hours=3)  # time zones: still believable
    article, _ = pipeline.ingest(
        IncomingArticle(
            url="https://x.example/tz", title="Ahead by hours", text="t " * 50, published_at=soon
        )
    )
    assert article.published_at is not None


def test_import_goes_on_after_bad_lines(
    marsad_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {
            "url": "https://a.example/1",
            "title": "One",
            "text": "First article text.",
            "published": 1e20,
        },
        {
            "url": "https://a.example/2",
            "title": "Two",
            "text": "Second \x00 text.",
            "language": "portuguese",
        },
        {
            "url": "https://a.example/3",
            "title": "Three",
            "text": "Third article text.",
            "published": "2026-11-28T10:00:00Z",
        },
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text(
        "\n".join(json.dumps(x) for x in lines)
        + '\n{"published": NaN, "title": "x", "text": "y"}\n'
    )
    code = main(["import", str(path)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert out.startswith("imported 4 new articles"), (out, err)
    assert code == 0
    assert main(["articles", "list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    two = next(r for r in rows if r["url"] == "https://a.example/2")
    assert two["language"] in ("en", None)  # "portuguese" is not a language code: detected instead
    assert next(r for r in rows if r["url"] == "https://a.example/1")["published_at"] is None


def test_crawl_once_exits_non_zero_when_every_source_failed(
    marsad_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sources", "add", "http://127.0.0.1:9/feed.xml"]) == 0  # nothing listens there
    code = main(["crawl", "--once"])
    out = capsys.readouterr().out
    assert code == 1 and "1 failed" in out
