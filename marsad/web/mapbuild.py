"""Build the world map's shipped shapes (``marsad/web/world-110m.json``) from Natural Earth.

Source: Natural Earth 1:110m Admin 0 countries (public domain, naturalearthdata.com) as TopoJSON
in the npm package ``world-atlas`` 2.0.2 (ISC licence, Mike Bostock), file
``countries-110m.json``. Rebuild with::

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    .venv/bin/python -m marsad.web.mapbuild /tmp/package/countries-110m.json \
        > marsad/web/world-110m.json

The input is kept unchanged as ``tests/data/web/countries-110m.json`` (with its licence), so
``tests/web/test_worldmap.py`` checks that the shipped file is what this build gives. The build is done once, not at run time: the site reads path strings
ready to paste into its inline SVG (``marsad.web.worldmap``).

Projection: Equal Earth (Šavrič, Patterson and Jenny 2018), an equal-area projection, so a
country's shaded area is its true size; Antarctica is left out and the map cut at 60°S.
Coordinates are rounded to whole units of a ``WIDTH``-wide view box and written as relative
path commands; consecutive points that round to the same unit are dropped, and so are rings
that collapse below three points.
"""

from __future__ import annotations

import itertools
import json
import math
import sys
from typing import Any

import pycountry

WIDTH = 1000
SOUTH_CUT = -60.0  # degrees: nothing the news is about lies further south but Antarctica
# ISO 3166-1 has no code for these Natural Earth units; each is drawn with the country that
# ISO (and Marsad's gazetteer) counts it in, or under the code in common use (Kosovo).
UNIT_CODES = {"N. Cyprus": "CY", "Somaliland": "SO", "Kosovo": "XK"}
LEFT_OUT = {"AQ"}

_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Equal Earth x, y (unit sphere; y grows northwards) of a point in degrees."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(_M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


_X_MAX = equal_earth(180.0, 0.0)[0]
_Y_MAX = equal_earth(0.0, 90.0)[1]
_Y_CUT = equal_earth(0.0, SOUTH_CUT)[1]
SCALE = WIDTH / (2 * _X_MAX)
HEIGHT = round((_Y_MAX - _Y_CUT) * SCALE)


def _to_view(lon: float, lat: float) -> tuple[int, int]:
    x, y = equal_earth(lon, max(lat, SOUTH_CUT))
    return round((x + _X_MAX) * SCALE), round((_Y_MAX - y) * SCALE)


def _decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """TopoJSON's quantised, delta-encoded arcs as lists of (lon, lat)."""
    (kx, ky), (dx, dy) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for qx, qy in arc:
            x += qx
            y += qy
            points.append((x * kx + dx, y * ky + dy))
        arcs.append(points)
    return arcs


def _ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        # each arc starts where the previous one ended
        points.extend(arc if not points else arc[1:])
    return points


def _unwrap(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Longitudes made continuous, then held to the map's edge: a ring crossing 180° (Russia's
    Chukotka, Fiji) would otherwise draw a line across the whole map; the sliver past the edge
    lies flat on it instead."""
    out: list[tuple[float, float]] = []
    shift = 0.0
    for n, (lon, lat) in enumerate(ring):
        if n and lon + shift - out[-1][0] > 180:
            shift -= 360
        elif n and lon + shift - out[-1][0] < -180:
            shift += 360
        out.append((lon + shift, lat))
    return [(min(180.0, max(-180.0, lon)), lat) for lon, lat in out]


def _path(ring: list[tuple[float, float]]) -> tuple[str, list[tuple[int, int]]]:
    view: list[tuple[int, int]] = []
    for lon, lat in _unwrap(ring):
        point = _to_view(lon, lat)
        if not view or point != view[-1]:
            view.append(point)
    if len(view) > 1 and view[0] == view[-1]:
        view.pop()
    if len(view) < 3:
        return "", []
    parts = [f"M{view[0][0]} {view[0][1]}l"]
    numbers: list[str] = []
    for (x0, y0), (x1, y1) in itertools.pairwise(view):
        numbers += [str(x1 - x0), str(y1 - y0)]
    text = numbers[0]
    for n in numbers[1:]:
        text += n if n.startswith("-") else " " + n  # a minus sign already separates
    parts.append(text + "z")
    return "".join(parts), view


def _area(view: list[tuple[int, int]]) -> float:
    return abs(
        sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(view, view[1:] + view[:1], strict=True))
        / 2
    )


def _code(geometry: dict[str, Any]) -> str | None:
    name = geometry.get("properties", {}).get("name", "")
    if name in UNIT_CODES:
        return UNIT_CODES[name]
    found = pycountry.countries.get(numeric=str(geometry.get("id", "")))
    return found.alpha_2 if found is not None else None


def build_world(topology: dict[str, Any]) -> dict[str, Any]:
    """The shipped map: view box size, and per ISO alpha-2 code its path, the box of its
    largest polygon (``box``: region pages zoom to their countries' main land, not to far
    islands) and of all of it (``all``: what a zoomed view must draw)."""
    arcs = _decode_arcs(topology)
    countries: dict[str, dict[str, Any]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = _code(geometry)
        if code is None or code in LEFT_OUT:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        entry = countries.setdefault(code, {"d": "", "box": None, "area": 0.0, "all": None})
        for polygon in polygons:
            for n, indexes in enumerate(polygon):
                d, view = _path(_ring(arcs, indexes))
                if not d:
                    continue
                entry["d"] += d
                xs, ys = [p[0] for p in view], [p[1] for p in view]
                seen = entry["all"] or [min(xs), min(ys), max(xs), max(ys)]
                entry["all"] = [
                    min(seen[0], *xs),
                    min(seen[1], *ys),
                    max(seen[2], *xs),
                    max(seen[3], *ys),
                ]
                area = _area(view) if n == 0 else 0.0  # rings after the first are holes
                if area > entry["area"]:
                    entry["area"] = area
                    entry["box"] = [min(xs), min(ys), max(xs), max(ys)]
    shapes = {
        code: {"d": entry["d"], "box": entry["box"], "all": entry["all"]}
        for code, entry in sorted(countries.items())
        if entry["d"]
    }
    return {
        "source": "Natural Earth 1:110m countries (public domain) via world-atlas 2.0.2 (ISC); "
        "built by marsad.web.mapbuild",
        "width": WIDTH,
        "height": HEIGHT,
        "countries": shapes,
    }


def dumps(world: dict[str, Any]) -> str:
    """The shipped file's text: one country a line, so a rebuild's diff is readable."""
    head = {k: v for k, v in world.items() if k != "countries"}
    lines = [json.dumps(head, ensure_ascii=False)[:-1] + ', "countries": {']
    items = list(world["countries"].items())
    for i, (code, shape) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        lines.append(f"{json.dumps(code)}: {json.dumps(shape, separators=(',', ':'))}{comma}")
    lines.append("}}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m marsad.web.mapbuild countries-110m.json > out.json\n")
        return 2
    with open(args[0], encoding="utf-8") as fh:
        topology = json.load(fh)
    sys.stdout.write(dumps(build_world(topology)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["HEIGHT", "WIDTH", "build_world", "dumps", "equal_earth", "main"]
