"""The demo's Australian and Canadian fire stories are filed under their own countries and
regions (issue 14: New South Wales and British Columbia were read as the United Kingdom, so the
demo listed them under Europe)."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from marsad.understand import Knowledge, understand

ARTICLES = [
    json.loads(line)
    for line in resources.files("marsad.demo")
    .joinpath("data")
    .joinpath("articles.jsonl")
    .read_text("utf-8")
    .splitlines()
    if line.strip()
]
FIRES = {"australia-fires": ("AU", "oceania"), "canada-wildfire": ("CA", "americas")}
CASES = [a for a in ARTICLES if a["story"] in FIRES]


def test_the_fire_stories_are_in_the_demo() -> None:
    assert {a["story"] for a in CASES} == set(FIRES)
    assert len(CASES) >= 5


@pytest.mark.parametrize("article", CASES, ids=[a["slug"] for a in CASES])
def test_fire_story_top_country_and_region(knowledge: Knowledge, article: dict) -> None:
    country, region = FIRES[article["story"]]
    text = "\n\n".join(article["paragraphs"])
    u = understand(knowledge, article["title"], text, article["language"])
    assert u.about and u.about[0] == country, u.countries
    assert u.regions and u.regions[0] == region, u.regions
    assert "europe" not in u.regions, u.regions
