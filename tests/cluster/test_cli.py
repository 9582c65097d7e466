"""`marsad cluster` in-process: HTML pages beside JSON Lines, errors, and the input readers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.cli.main import main
from marsad.cluster.stream import parse_time
from marsad.pipeline.stream import read_jsonl

DATA = Path(__file__).resolve().parent.parent / "data" / "cluster"

PAGE = """<html lang="ar"><head><title>زلزال</title>
<meta property="article:published_time" content="2026-02-06T05:00:00Z"></head><body><article>
<h1>زلزال بقوة 7.8 درجات يضرب جنوب تركيا وشمال سوريا</h1>
<p>ضرب زلزال بقوة 7.8 درجات على مقياس ريختر فجر الاثنين جنوب تركيا وشمال سوريا، وأعلنت هيئة
إدارة الكوارث التركية مقتل 1541 شخصا على الأقل في عشر ولايات، فيما قالت السلطات السورية إن 810
أشخاص لقوا حتفهم في حلب وحماة واللاذقية.</p>
<p>وقال مركز رصد الزلازل إن مركز الهزة كان قرب مدينة غازي عنتاب على عمق 17.9 كيلومترا، وتلته
هزات ارتدادية عديدة أقواها بلغت 6.7 درجات. وهرعت فرق الإنقاذ إلى المباني المنهارة بينما تساقط
الثلج على المنطقة.</p></article></body></html>"""


def test_html_page_is_a_copy_of_a_json_lines_article(
    tmp_path: Path, marsad_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "quake.html"
    page.write_text(PAGE, encoding="utf-8")
    assert main(["cluster", str(DATA / "quake.jsonl"), str(page), "--json"]) == 0
    rows = {r["input"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows[str(page)]["duplicate_of"] == "ar-quake-1"
    assert rows[str(page)]["story"] == rows["ar-quake-1"]["story"]


def test_plain_output_names_stories_and_copies(
    marsad_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cluster", str(DATA / "window.jsonl")]) == 0
    out = capsys.readouterr().out
    assert "s1 flood-day1\n" in out.replace("   ", "")
    assert "flood-day1-edit (copy of flood-day1)" in out
    assert "bad-line: no title and no text" in out


def test_missing_file_is_a_user_error(
    tmp_path: Path, marsad_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cluster", str(tmp_path / "nope.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_bad_lines_are_recorded_and_the_stream_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": 1, "title": "t", "text": "x"}\nnot json\n[1]\n\n', encoding="utf-8")
    records = list(read_jsonl(path))
    assert [r.error is None for r in records] == [True, False, False]
    assert records[1].input.endswith(":2") and "bad JSON" in (records[1].error or "")


def test_parse_time_formats() -> None:
    want = datetime(2018, 2, 26, 10, 0, tzinfo=UTC)
    assert parse_time("2018-02-26T10:00:00Z") == want
    assert parse_time("Mon, 26 Feb 2018 14:00:00 +0400") == want
    assert parse_time(want.timestamp()) == want
    assert parse_time("yesterday") is None and parse_time(None) is None


@given(st.one_of(st.text(max_size=80), st.integers(0, 2**31), st.none()))
def test_parse_time_never_raises(value: object) -> None:
    result = parse_time(value)
    assert result is None or result.tzinfo is not None


@given(st.lists(st.text(max_size=300), max_size=5))
def test_read_jsonl_never_raises(lines: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.jsonl"
        path.write_text("\n".join(lines), encoding="utf-8", errors="replace")
        for record in read_jsonl(path):
            assert record.input
