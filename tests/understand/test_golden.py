"""Golden cases: every file in tests/data/understand states what the article is about."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.understand import Knowledge, understand

CASES = sorted((Path(__file__).parent.parent / "data" / "understand").glob("*.json"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden(knowledge: Knowledge, path: Path) -> None:
    case = json.loads(path.read_text("utf-8"))
    expect = case["expect"]
    u = understand(knowledge, case["title"], case["text"], case.get("language"))
    about = set(u.about)
    mentioned = {m.country for m in u.mentions}
    entity_ids = {e.id for e in u.entities}
    detail = f"about={u.about} countries={u.countries} entities={sorted(entity_ids)}"
    if "about" in expect:
        assert set(expect["about"]) <= about, detail
        if not expect["about"]:
            assert not about, detail
    for code in expect.get("not_about", []):
        assert code not in about, detail
    for code in expect.get("not_mentioned", []):
        assert code not in mentioned, (
            f"{code} mentioned: {[m for m in u.mentions if m.country == code]}"
        )
    for entity_id in expect.get("entities", []):
        assert entity_id in entity_ids, detail
    for region in expect.get("regions", []):
        assert region in u.regions, f"regions={u.regions}"
    for code, kinds in expect.get("mention_kinds", {}).items():
        found = [m for m in u.mentions if m.country == code]
        assert found, f"{code} not mentioned: {u.mentions}"
        assert {m.kind for m in found} <= set(kinds), f"{code}: {found}"
    surfaces = {m.surface for m in u.mentions}
    for surface in expect.get("mention_surfaces", []):
        assert surface in surfaces, f"{surface!r} not among {sorted(surfaces)}"


def test_cases_exist() -> None:
    assert len(CASES) >= 25
