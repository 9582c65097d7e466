"""The world map: shipped shapes rebuilt from Natural Earth, and the map on home and region pages."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from importlib import resources
from pathlib import Path

import pycountry
import pytest
from starlette.testclient import TestClient

from marsad.store.reads import StoryCard
from marsad.web.app import CONTENT_SECURITY_POLICY
from marsad.web.mapbuild import build_world, dumps, equal_earth
from marsad.web.worldmap import SHADES, count_countries, load_shapes, shade, view_box

from .helpers import NOW, Filled

INPUT = Path(__file__).resolve().parents[1] / "data" / "web" / "countries-110m.json"
PATH_SYNTAX = re.compile(r"^(M-?\d+ -?\d+l(-?\d+)([ -]-?\d+|-\d+)*z)+$")
SVG = re.compile(r'<svg class="world-map" viewBox="([-\d ]+)"[^>]*>(.*?)</svg>', re.S)


def shipped_text() -> str:
    return resources.files("marsad.web").joinpath("world-110m.json").read_text("utf-8")


def test_shipped_shapes_are_what_the_build_gives() -> None:
    built = dumps(build_world(json.loads(INPUT.read_text("utf-8"))))
    assert built == shipped_text(), "rebuild: python -m marsad.web.mapbuild (see its docstring)"


def test_shipped_shapes_are_well_formed_and_small() -> None:
    assert len(shipped_text().encode()) < 100_000
    shapes = load_shapes()
    assert len(shapes.countries) >= 170
    assert "AQ" not in shapes.countries  # Antarctica left out
    for code, shape in shapes.countries.items():
        assert code == "XK" or pycountry.countries.get(alpha_2=code) is not None, code
        assert PATH_SYNTAX.match(shape.d), code
        x0, y0, x1, y1 = shape.box
        assert 0 <= x0 < x1 <= shapes.width and 0 <= y0 < y1 <= shapes.height, code
        a0, b0, a1, b1 = shape.bounds
        assert a0 <= x0 and b0 <= y0 and x1 <= a1 and y1 <= b1, code
    # north is up, east is right: Norway above Egypt, Japan right of Egypt
    assert shapes.countries["NO"].box[3] < shapes.countries["EG"].box[1]
    assert shapes.countries["JP"].box[0] > shapes.countries["EG"].box[2]


def test_equal_earth_reference_points() -> None:
    # Equal Earth's published extent on the unit sphere: x 2.7066 at 180°, y 1.3173 at the pole.
    assert equal_earth(180, 0)[0] == pytest.approx(2.7066, abs=1e-4)
    assert equal_earth(0, 90)[1] == pytest.approx(1.3173, abs=1e-4)
    assert equal_earth(0, 0) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("n", "most", "expected"),
    [(0, 10, 0), (1, 1, SHADES), (1, 100, 1), (100, 100, SHADES), (10, 100, 3), (5, 0, 0)],
    ids=["none", "only", "least", "most", "middle", "empty"],
)
def test_shade_steps(n: int, most: int, expected: int) -> None:
    assert shade(n, most) == expected


def _card(story_id: int, hours_ago: float, countries: tuple[str, ...], articles: int) -> StoryCard:
    seen = NOW - timedelta(hours=hours_ago)
    return StoryCard(story_id, "t", None, seen, seen, articles, 1, countries, ())


def test_counts_only_the_window() -> None:
    stories = [
        _card(1, 1, ("EG", "SD"), 5),
        _card(2, 47, ("EG",), 2),
        _card(3, 49, ("EG", "FR"), 9),  # older than the 48-hour window
    ]
    counts = count_countries(stories, now=NOW)
    assert {c: (n.stories, n.articles) for c, n in counts.items()} == {
        "EG": (2, 7),
        "SD": (1, 5),
    }


def test_region_view_box_zooms_to_its_countries() -> None:
    shapes = load_shapes()
    assert view_box(shapes, None) == (0, 0, shapes.width, shapes.height)
    x, y, w, h = view_box(shapes, ["EG", "LY", "TN", "DZ", "MA"])
    eg = shapes.countries["EG"].box
    assert x <= eg[0] and eg[2] <= x + w and y <= eg[1] and eg[3] <= y + h
    assert w < shapes.width / 3


def _map(html: str) -> tuple[str, str]:
    found = SVG.search(html)
    assert found, "no world map on the page"
    return found.group(1), found.group(2)


def test_home_map_shades_and_links_countries(client: TestClient, filled: Filled) -> None:
    page = client.get("/?lang=en")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    box, svg = _map(page.text)
    assert box == "0 0 1000 444"
    with filled.store.reading() as r:
        expected = count_countries(r.top_stories(now=NOW, limit=300), now=NOW)
    assert expected, "the fixture has recent stories with countries"
    eg = expected["EG"]
    assert (
        f'<a href="/countries/EG"><title>Egypt: {eg.stories} stories, {eg.articles} articles'
        f'</title><path class="m{SHADES}"'
    ) in svg
    assert '<a href="/countries/FR"><title>France: no stories</title><path class="m0"' in svg
    assert "<script" not in svg.lower()
    assert len(re.findall(r'<a href="/countries/[A-Z]{2}">', svg)) >= 170
    # the list beside the map (its text alternative) names the busiest country
    assert re.search(r'class="map-busiest">.*?href="/countries/EG"', page.text, re.S)


def test_home_map_in_arabic(client: TestClient) -> None:
    _, svg = _map(client.get("/?lang=ar").text)
    assert re.search(r'<a href="/countries/EG"><title>مصر: [^<]+</title>', svg)
    assert "<title>فرنسا: لا قصص</title>" in svg


def test_region_page_map_zooms_and_dims_other_countries(client: TestClient) -> None:
    page = client.get("/regions/north_africa?lang=en")
    box, svg = _map(page.text)
    assert box != "0 0 1000 444"
    assert '<a href="/countries/EG"><title>Egypt: ' in svg
    assert re.search(r'<a href="/countries/FR"><title>[^<]*</title><path class="m0 out"', svg)
    assert '"/countries/AU"' not in svg  # far outside the view: not sent
    assert re.search(r'<svg class="world-map"[^>]*aria-label="Map of [^"]*North Africa', page.text)
    # a country page has no map (its place is plain); page 2 of a region neither
    assert not SVG.search(client.get("/countries/EG?lang=en").text)
    assert not SVG.search(client.get("/regions/north_africa?page=2&lang=en").text)
