"""`marsad search` in-process, on a real SQLite file under MARSAD_HOME."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from search_corpus import populate

from marsad.cli.main import main
from marsad.store import open_store


@pytest.fixture
def home_with_corpus(marsad_home: Path) -> Path:
    store = open_store(f"sqlite:///{marsad_home / 'marsad.db'}")
    populate(store)
    store.close()
    return marsad_home


def test_json_lines(home_with_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "الكتاب", "--json", "--limit", "5"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert {x["url"] for x in lines} == {
        "https://news.example/library",
        "https://news.example/books_fair",
    }
    for line in lines:
        assert set(line) >= {"url", "title", "score", "story", "snippet"}
        assert line["score"] > 0


def test_text_output_and_limit(home_with_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "بوتين", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 results") and out.count("https://news.example/") == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["search", "--", "- OR"], "nothing to search for"),
        (["search", "country:Atlantis"], "unknown country"),
        (["search", "x", "--limit", "0"], "--limit"),
    ],
    ids=["only-operators", "bad-country", "bad-limit"],
)
def test_user_errors_are_one_line(
    home_with_corpus: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_reindex(home_with_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "--reindex"]) == 0
    assert "indexed 7 articles" in capsys.readouterr().out
