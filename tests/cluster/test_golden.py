"""Golden streams (tests/data/cluster/NAME.jsonl + NAME.expected.json) through `marsad cluster`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.cli.main import main

DATA = Path(__file__).resolve().parent.parent / "data" / "cluster"
STREAMS = sorted(DATA.glob("*.jsonl"))


def run_cluster(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:
    code = main(["cluster", *args, "--json"])
    out = capsys.readouterr().out
    assert code == 0
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_there_are_golden_streams() -> None:
    assert len(STREAMS) >= 2


@pytest.mark.parametrize("stream", STREAMS, ids=[p.stem for p in STREAMS])
def test_golden_stream(stream: Path, marsad_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = json.loads(stream.with_suffix(".expected.json").read_text(encoding="utf-8"))
    rows = {row["input"]: row for row in run_cluster(capsys, str(stream))}
    assert sorted(r for r, row in rows.items() if row.get("error")) == sorted(
        expected.get("errors", [])
    )
    story_of = {name: row["story"] for name, row in rows.items() if not row.get("error")}
    grouped = [sorted(group) for group in expected["stories"]]
    assert sorted(name for group in grouped for name in group) == sorted(story_of)
    for group in grouped:
        assert len({story_of[name] for name in group}) == 1, f"split: {group}"
    assert len({story_of[group[0]] for group in grouped}) == len(grouped), "groups joined"
    duplicates = {n: row["duplicate_of"] for n, row in rows.items() if row.get("duplicate_of")}
    assert duplicates == expected["duplicates"]
    translations = {
        n: row["translation_of"] for n, row in rows.items() if row.get("translation_of")
    }
    assert translations == expected["translations"]
