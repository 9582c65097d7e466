"""Lead pictures of the demo articles: small JPEGs drawn with Pillow, the same bytes every run.

Real outlets publish raster lead images (JPEG, PNG, WebP), and Marsad's media proxy accepts
only those (an SVG from a source is refused), so the demo draws one per article instead of
shipping files: a skyline over hills under a sky whose colour is the story's (every article
of one event shares a palette) and whose shapes come from the article's slug. Nothing random is
left to the clock: the same article gives the same bytes, so ``DemoCorpus.routes`` stays pure.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import random

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 640, 360
# Quality 70 keeps a picture near 10 KB: flat shapes need no more, and the proxy re-encodes.
JPEG_QUALITY = 70


def _seed(text: str) -> int:
    # Not hash(): that changes with PYTHONHASHSEED, and the bytes must not.
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def _rgb(hue: float, saturation: float, lightness: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb(hue % 1.0, lightness, saturation)
    return round(r * 255), round(g * 255), round(b * 255)


def draw_picture(story: str, slug: str) -> Image.Image:
    """The picture of article ``slug`` of event ``story`` (an RGB image, WIDTH x HEIGHT)."""
    hue = (_seed(story) % 360) / 360
    rng = random.Random(_seed(slug))
    img = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(img)
    horizon = int(HEIGHT * rng.uniform(0.55, 0.7))
    for y in range(horizon):  # the sky: light at the horizon, deeper above
        draw.line([(0, y), (WIDTH, y)], fill=_rgb(hue, 0.55, 0.35 + 0.4 * y / horizon))
    sun_x, sun_y, sun_r = rng.randint(60, WIDTH - 60), rng.randint(40, horizon - 60), 28
    draw.ellipse(
        [sun_x - sun_r, sun_y - sun_r, sun_x + sun_r, sun_y + sun_r],
        fill=_rgb(hue + 0.12, 0.9, 0.8),
    )
    for layer in range(3):  # hills, farther ones paler
        top = horizon - 50 + layer * 35
        points = [(0, HEIGHT)]
        for x in range(0, WIDTH + 80, 80):
            points.append((x, top + rng.randint(-25, 25)))
        points.append((WIDTH, HEIGHT))
        draw.polygon(points, fill=_rgb(hue + 0.3, 0.35, 0.42 - layer * 0.1))
    x = rng.randint(0, 40)
    while x < WIDTH:  # a skyline on the nearest hill
        w, h = rng.randint(18, 46), rng.randint(30, 120)
        base = horizon + 40
        draw.rectangle([x, base - h, x + w, base + 40], fill=_rgb(hue + 0.5, 0.15, 0.18))
        x += w + rng.randint(4, 30)
    return img


def picture_jpeg(story: str, slug: str) -> bytes:
    """The picture as JPEG bytes (baseline, no metadata: the same bytes for the same article)."""
    out = io.BytesIO()
    draw_picture(story, slug).save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


__all__ = ["HEIGHT", "JPEG_QUALITY", "WIDTH", "draw_picture", "picture_jpeg"]
