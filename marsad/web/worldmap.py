"""The world map of the home and region pages: where the news of the last two days is about.

Server-rendered inline SVG, no JavaScript (the CSP allows none, and needs nothing more for an
inline ``<svg>``: colours come from classes in ``/static/style.css``). Shapes are the shipped
``world-110m.json`` (Natural Earth 1:110m, public domain; built by ``marsad.web.mapbuild``):
ready-made path strings keyed by ISO alpha-2, so a page only joins strings. Each country the
gazetteer knows is a link to its page, titled with its name and counts; countries are shaded in
five steps of story count. Counts come from the stories the home page reads anyway
(``Reads.top_stories`` over its 48-hour window), so the map costs no query of its own there;
region pages share one such read through the data cache (``shared_counts``).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from importlib import resources
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from marsad.store.reads import TOP_WINDOW_HOURS, StoryCard

if TYPE_CHECKING:
    from marsad.web.i18n import Translator
    from marsad.web.state import WebState

SHADES = 5
# Stories read for the map: every story of the window up to the store's own candidate cap.
MAP_STORIES = 300
# Region pages zoom to their countries' main land with this margin (view box units).
ZOOM_MARGIN = 12
# A region box is widened to at least this aspect ratio so the map keeps a sensible shape.
MIN_ASPECT = 1.6


@dataclass(frozen=True)
class Shape:
    d: str
    box: tuple[int, int, int, int]  # the largest polygon's box (what a region view frames)
    bounds: tuple[int, int, int, int]  # every polygon's (what a region view must draw)


@dataclass(frozen=True)
class WorldShapes:
    width: int
    height: int
    countries: dict[str, Shape]


@functools.cache
def load_shapes() -> WorldShapes:
    """The shipped shapes (about 45 KB), parsed once per process: they never change."""
    raw = json.loads(resources.files("marsad.web").joinpath("world-110m.json").read_text("utf-8"))
    return WorldShapes(
        width=int(raw["width"]),
        height=int(raw["height"]),
        countries={
            code: Shape(str(s["d"]), tuple(s["box"]), tuple(s["all"]))  # type: ignore[arg-type]
            for code, s in raw["countries"].items()
        },
    )


@dataclass(frozen=True)
class CountryCount:
    stories: int
    articles: int


def count_countries(
    stories: Iterable[StoryCard], *, now: datetime, hours: int = TOP_WINDOW_HOURS
) -> dict[str, CountryCount]:
    """Stories and articles per country among the stories seen in the last ``hours``."""
    since = now - timedelta(hours=hours)
    stories_of: dict[str, int] = {}
    articles_of: dict[str, int] = {}
    for story in stories:
        if story.last_seen is None or story.last_seen < since:
            continue
        for code in set(story.countries):
            stories_of[code] = stories_of.get(code, 0) + 1
            articles_of[code] = articles_of.get(code, 0) + story.article_count
    return {c: CountryCount(n, articles_of[c]) for c, n in stories_of.items()}


def shade(n: int, most: int) -> int:
    """0 for no story; else 1..SHADES on a log scale up to the busiest country (a few countries
    carry most of the news, so a linear scale would leave the rest one pale colour)."""
    if n <= 0 or most <= 0:
        return 0
    if most == 1:
        return SHADES
    return 1 + min(SHADES - 1, int((SHADES - 1) * math.log(n) / math.log(most) + 0.5))


def view_box(shapes: WorldShapes, focus: Sequence[str] | None) -> tuple[int, int, int, int]:
    """The whole world, or the main land of the ``focus`` countries with a margin."""
    boxes = [shapes.countries[c].box for c in focus or () if c in shapes.countries]
    if not boxes:
        return 0, 0, shapes.width, shapes.height
    x0 = min(b[0] for b in boxes) - ZOOM_MARGIN
    y0 = min(b[1] for b in boxes) - ZOOM_MARGIN
    x1 = max(b[2] for b in boxes) + ZOOM_MARGIN
    y1 = max(b[3] for b in boxes) + ZOOM_MARGIN
    w, h = x1 - x0, y1 - y0
    if w < h * MIN_ASPECT:
        grow = int(h * MIN_ASPECT) - w
        x0, w = x0 - grow // 2, w + grow
    return x0, y0, w, h


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def render_map(
    shapes: WorldShapes,
    counts: dict[str, CountryCount],
    *,
    label: str,
    name_of: Callable[[str], str],
    known: Callable[[str], bool],
    describe: Callable[[str, CountryCount | None], str],
    focus: Sequence[str] | None = None,
) -> Markup:
    """The map as inline SVG markup.

    ``label`` names the map; ``describe(code, count)`` is a country's tooltip (its ``<title>``,
    also its accessible name); ``known(code)`` says whether the site has a page for it.
    """
    most = max((c.stories for c in counts.values()), default=0)
    inside = set(focus or ())
    x, y, w, h = view_box(shapes, focus)
    parts = [
        f'<svg class="world-map" viewBox="{x} {y} {w} {h}" '
        f'xmlns="http://www.w3.org/2000/svg" role="group" aria-label="{escape(label)}">'
    ]
    for code, shape in shapes.countries.items():
        if focus and not _overlaps(shape.bounds, (x, y, x + w, y + h)):
            continue  # outside a region's view: not drawn, not sent
        count = counts.get(code)
        level = shade(count.stories if count else 0, most)
        cls = f"m{level}" + (" out" if inside and code not in inside else "")
        if not known(code):
            parts.append(f'<path class="{cls}" d="{shape.d}"/>')
            continue
        parts.append(
            f'<a href="/countries/{code}"><title>{escape(describe(code, count))}</title>'
            f'<path class="{cls}" d="{shape.d}"/></a>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def busiest(counts: dict[str, CountryCount], limit: int = 8) -> list[tuple[str, CountryCount]]:
    """The countries with the most stories (then articles), for the list under the map."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1].stories, -kv[1].articles, kv[0]))
    return ranked[:limit]


def shared_counts(st: WebState) -> dict[str, CountryCount]:
    """The counts for pages that do not read the recent stories themselves (region pages):
    computed from one ``top_stories`` read and kept in the data cache, so a region page pays
    that read at most once per cache period whatever the region and language."""

    def compute() -> dict[str, CountryCount]:
        now = st.clock()
        with st.store.reading() as r:
            return count_countries(r.top_stories(now=now, limit=MAP_STORIES), now=now)

    return st.data.get_or_compute("map_counts", compute)  # type: ignore[no-any-return]


def map_context(
    st: WebState,
    tr: Translator,
    counts: dict[str, CountryCount],
    *,
    region: str | None = None,
) -> dict[str, Any]:
    """What a page's map block needs: the SVG and the busiest countries (for the list beside it,
    which is also the map's text alternative)."""
    shapes = load_shapes()
    focus = st.geo.region_countries(region) if region else None
    if focus is not None:
        inside = set(focus)
        counts = {c: n for c, n in counts.items() if c in inside}

    def name_of(code: str) -> str:
        return st.geo.country_name(code, tr.lang)

    def describe(code: str, count: CountryCount | None) -> str:
        if count is None:
            return tr("map.country_none", name=name_of(code))
        return tr(
            "map.country",
            name=name_of(code),
            stories=tr.plural("count.stories", count.stories),
            articles=tr.plural("count.articles", count.articles),
        )

    label = tr("map.region_label", region=tr(f"region.{region}")) if region else tr("map.label")
    svg = render_map(
        shapes,
        counts,
        label=label,
        name_of=name_of,
        known=lambda code: st.geo.country(code) is not None,
        describe=describe,
        focus=focus,
    )
    return {"svg": svg, "busiest": busiest(counts)}


__all__ = [
    "MAP_STORIES",
    "SHADES",
    "CountryCount",
    "Shape",
    "WorldShapes",
    "busiest",
    "count_countries",
    "load_shapes",
    "map_context",
    "render_map",
    "shade",
    "shared_counts",
    "view_box",
]
