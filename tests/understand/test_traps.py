"""Trap classes of issue 14 through ``understand()`` and through ``marsad analyze --json``.

The trap lines (tests/data/understand/traps-dev.jsonl and traps-test.jsonl) say which countries a
sentence names and which look-alikes it does not (New South Wales is not Wales, Paris Hilton is
not France, turkey the bird is not Turkey); ``bench.understand`` counts them too.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from marsad.cli.main import main
from marsad.understand import Knowledge, understand

DATA = Path(__file__).resolve().parent.parent / "data" / "understand"
CASES = [
    (split, n, json.loads(line))
    for split in ("dev", "test")
    for n, line in enumerate((DATA / f"traps-{split}.jsonl").read_text("utf-8").splitlines())
    if line.strip() and not line.startswith("#")
]


def _mentioned(u: object) -> set[str]:
    return {
        m.country
        for m in u.mentions  # type: ignore[attr-defined]
        if m.country and m.kind not in ("team", "in_name")
    }


@pytest.mark.parametrize("case", [c for _, _, c in CASES], ids=[f"{s}{n}" for s, n, _ in CASES])
def test_trap_line(knowledge: Knowledge, case: dict[str, object]) -> None:
    u = understand(knowledge, str(case["title"]), str(case["text"]), str(case["language"]))
    mentioned = _mentioned(u)
    detail = f"about={u.about} mentions={[(m.surface, m.country) for m in u.mentions]}"
    assert set(case["countries"]) <= mentioned, detail  # type: ignore[arg-type]
    assert not mentioned & set(case["not_countries"]), detail  # type: ignore[arg-type]
    if case.get("top"):
        assert u.about and u.about[0] == case["top"], detail


# one case per trap class, through the command line on an HTML page
CLI_CASES = {
    "longest-match": (
        "Bushfires threaten homes across New South Wales",
        "Firefighters in New South Wales battled more than 40 blazes on Tuesday as temperatures "
        "soared across the state, and residents near Newcastle were told to leave.",
        "AU",
        "GB",
    ),
    "abbreviation": (
        "U.S. Treasury answers new tariffs",
        "The U.S. Treasury said on Friday that it would answer the new tariffs with measures of "
        "its own, and officials in Washington said talks would go on.",
        "US",
        None,
    ),
    "town-state": (
        "Jazz festival fills Athens, Georgia",
        "The festival in Athens, Georgia, drew visitors from across the South this weekend, and "
        "organisers said the crowds were the largest in its history.",
        "US",
        "GR",
    ),
    "person-name": (
        "Cuba Gooding Jr. joins courtroom drama filming in Los Angeles",
        "Actor Cuba Gooding Jr. has joined the cast of a courtroom drama filming in Los Angeles, "
        "the studio said on Monday; shooting starts next month.",
        "US",
        "CU",
    ),
    "ambiguity": (
        "Georgia's governor signs the budget bill in Atlanta",
        "The governor of Georgia signed the budget bill in Atlanta on Thursday after the state "
        "senate passed it with a large majority.",
        "US",
        "GE",
    ),
    "arabic-clitic": (
        "حرائق في نيو ساوث ويلز الأسترالية",
        "اندلعت أربعون حريقا في ولاية نيو ساوث ويلز الأسترالية، وقالت السلطات بأستراليا إن "
        "الرياح القوية تزيد الخطر على البلدات.",
        "AU",
        "GB",
    ),
}


@pytest.mark.parametrize("name", sorted(CLI_CASES))
def test_trap_class_through_cli(
    name: str, marsad_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    title, text, top, absent = CLI_CASES[name]
    lang = "ar" if any("\u0600" <= c <= "\u06ff" for c in title) else "en"
    page = tmp_path / "page.html"
    paragraphs = "".join(f"<p>{html.escape(text)}</p>" for _ in range(3))
    page.write_text(
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>'
        f"{html.escape(title)}</title></head><body><article><h1>{html.escape(title)}</h1>"
        f"{paragraphs}</article></body></html>",
        encoding="utf-8",
    )
    assert main(["analyze", "--json", str(page)]) == 0
    record = json.loads(capsys.readouterr().out.splitlines()[0])
    assert record["countries"][:1] == [top], record["country_scores"]
    if absent:
        assert absent not in {m["country"] for m in record["mentions"]}, record["mentions"]
