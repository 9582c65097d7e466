"""The README tour works on the demo: `marsad demo` fills the home every command uses, then each
command of the tour's first block, read from README.md itself, prints the demo's data."""

from __future__ import annotations

import argparse
import json
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from marsad.cli.context import CLIContext
from marsad.cli.demo import PORT_FILE, demo_home
from marsad.cli.main import main

README = Path(__file__).resolve().parents[2] / "README.md"


def tour_commands() -> list[list[str]]:
    """The `marsad ...` lines of the first sh block under "## A short tour", as argv lists."""
    text = README.read_text("utf-8")
    section = text[text.index("## A short tour") :]
    block = section[section.index("```sh\n") + 6 :]
    block = block[: block.index("```")]
    assert "make demo" in block
    commands = [shlex.split(line, comments=True) for line in block.splitlines()]
    return [argv[1:] for argv in commands if argv and argv[0] == "marsad"]


def _json_lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def _check_sources_list(out: str, home: Path) -> None:
    lines = [line for line in out.splitlines() if "articles" in line]
    assert len(lines) == 10  # the ten demo outlets
    assert all("http://127.0.0.1:" in line for line in lines)
    assert all(int(line.split()[3]) > 0 for line in lines)  # each has articles


def _check_articles_list(out: str, home: Path) -> None:
    titles = out.splitlines()[0::2]
    assert len(titles) == 5 and all(line.split()[0].isdigit() for line in titles)
    assert "(no title)" not in out


def _check_search(out: str, home: Path) -> None:
    if out.lstrip().startswith("{"):
        hits = _json_lines(out)
        assert hits and all(
            h["title"] and str(h["url"]).startswith("http://127.0.0.1:") for h in hits
        )
    else:
        assert "results" in out.splitlines()[0] and not out.startswith("0 results")
        assert "http://127.0.0.1:" in out


def _check_models_list(out: str, home: Path) -> None:
    assert str(home / "models") in out  # the demo home's model folder, empty by default


def _check_config(out: str, home: Path) -> None:
    assert str(home) in out
    assert "allow_private_networks" in out


def _check_sources_remove(out: str, home: Path) -> None:
    assert out.startswith("removed source 10: http://127.0.0.1:")
    assert "articles are kept" in out


CHECKS: dict[tuple[str, str], Callable[[str, Path], None]] = {
    ("sources", "list"): _check_sources_list,
    ("articles", "list"): _check_articles_list,
    ("search", ""): _check_search,
    ("models", "list"): _check_models_list,
    ("config", ""): _check_config,
    ("sources", "remove"): _check_sources_remove,
}


def _check_for(argv: list[str]) -> Callable[[str, Path], None]:
    key = (
        argv[0],
        argv[1] if len(argv) > 1 and argv[0] in ("sources", "articles", "models") else "",
    )
    assert key in CHECKS, f"a tour command without a check: marsad {' '.join(argv)}"
    return CHECKS[key]


def test_the_readme_tour_prints_demo_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("MARSAD_HOME", str(home))
    monkeypatch.delenv("MARSAD_DATABASE_URL", raising=False)
    monkeypatch.delenv("MARSAD_CONFIG", raising=False)
    # No --home: the demo takes $MARSAD_HOME like every other command.
    assert main(["demo", "--no-serve"]) == 0
    assert f"data directory {home}" in capsys.readouterr().out
    commands = tour_commands()
    assert len(commands) >= 6
    for argv in commands:
        check = _check_for(argv)
        code = main(argv)
        captured = capsys.readouterr()
        assert code == 0, (argv, captured.err)
        assert captured.out.strip(), argv
        check(captured.out, home)
    # a second demo run reuses the demo home (it is marked as one)
    assert (home / PORT_FILE).exists()


def test_demo_refuses_a_home_it_did_not_create(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "real"
    monkeypatch.setenv("MARSAD_HOME", str(home))
    monkeypatch.delenv("MARSAD_DATABASE_URL", raising=False)
    assert main(["sources", "add", "https://example.org/feed.xml"]) == 0  # a real instance
    capsys.readouterr()
    assert main(["demo", "--no-serve"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("marsad: error:") and "--fresh" in err
    assert not (home / "marsad.toml").exists()  # nothing written into the real home
    assert main(["sources", "list"]) == 0
    assert capsys.readouterr().out.count("articles") == 1


def test_demo_home_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARSAD_HOME", str(tmp_path / "env-home"))
    ctx = CLIContext()

    def args(**given: object) -> argparse.Namespace:
        return argparse.Namespace(**{"fresh": False, "demo_home": None, **given})

    assert demo_home(ctx, args()) == tmp_path / "env-home"
    assert demo_home(ctx, args(demo_home=str(tmp_path / "x"))) == tmp_path / "x"
    fresh = demo_home(ctx, args(fresh=True))
    assert fresh.is_dir() and fresh.name.startswith("marsad-demo-") and not any(fresh.iterdir())
    fresh.rmdir()


def test_sources_remove_takes_an_id_or_a_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MARSAD_HOME", str(tmp_path))
    monkeypatch.delenv("MARSAD_DATABASE_URL", raising=False)
    assert main(["sources", "add", "https://example.org/a.xml"]) == 0
    assert main(["sources", "add", "https://example.org/b.xml"]) == 0
    capsys.readouterr()
    assert main(["sources", "remove", "1"]) == 0
    assert capsys.readouterr().out.startswith("removed source 1: https://example.org/a.xml")
    assert main(["sources", "remove", "https://example.org/b.xml"]) == 0
    assert capsys.readouterr().out.startswith("removed source 2: https://example.org/b.xml")
    assert main(["sources", "remove", "7"]) == 2
    assert "unknown source: 7" in capsys.readouterr().err
    assert main(["sources", "remove", "not a url"]) == 2
    assert capsys.readouterr().err.startswith("marsad: error:")


LEADERS_PAGE = """<html><head><title>Leaders meet</title></head><body><article>
<h1>Summit of leaders in Geneva</h1>
<p>President Emmanuel Macron of France, Chancellor Olaf Scholz of Germany, Prime Minister Giorgia
Meloni of Italy, Prime Minister Pedro Sanchez of Spain, President Joe Biden of the United States,
Prime Minister Keir Starmer of Britain, President Xi Jinping of China and President Vladimir Putin
of Russia met in Geneva with the United Nations, NATO, the World Bank, the International Monetary
Fund, the European Union and the African Union.</p>
<p>Officials from Japan, India, Brazil, Canada, Egypt and Turkey also attended the meeting, which
lasted for three days in the Swiss city. They discussed trade, climate and security at length.</p>
</article></body></html>"""


def test_analyze_text_output_lists_every_entity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MARSAD_HOME", str(tmp_path))
    page = tmp_path / "page.html"
    page.write_text(LEADERS_PAGE, encoding="utf-8")
    assert main(["analyze", str(page), "--json"]) == 0
    entities = json.loads(capsys.readouterr().out)["entities"]
    assert len(entities) > 12
    assert main(["analyze", str(page)]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("entities:"))
    assert line.count("(") == len(entities)  # every one, where it stopped at 12
    assert all(e["name"] in line for e in entities)
