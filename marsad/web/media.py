"""A same-origin media proxy for sources' pictures, as Miniflux has: ``/media/{sig}/{url}``.

Pages never point at another origin (the CSP keeps ``img-src 'self'``): an image URL from a
source is shown as ``/media/<HMAC>/<base64url(url)>``. Only URLs the server signed are fetched
(HMAC-SHA256 with a secret kept in the data directory), through the one fetcher with its SSRF
guard, redirect limit and deadline, capped at ``MAX_IMAGE_BYTES``; only JPEG, PNG, GIF and WebP
are accepted (by the answer's Content-Type *and* by decoding: no SVG, no HTML posing as an
image), decoded with a pixel cap (no decompression bombs), shrunk to ``MAX_SIDE`` and re-encoded
as JPEG, then cached on disk (oldest files dropped past ``CACHE_CAP_BYTES``).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import io
import logging
import os
import secrets
import threading
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image
from starlette.requests import Request
from starlette.responses import Response

from marsad.config import Settings
from marsad.errors import FetchError, MediaError
from marsad.ingest.fetcher import Fetcher

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_SIDE = 960
MAX_PIXELS = 40_000_000  # a 2 GB image, or a bomb, stops here (Pillow raises above 2x this)
CACHE_CAP_BYTES = 256 * 1024 * 1024
ALLOWED_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
IMAGE_ACCEPT = "image/webp,image/jpeg,image/png,image/gif;q=0.9"
SECRET_FILE = "media-secret"
CACHE_DIR = "media-cache"
_FETCH_SECONDS = 15.0


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class MediaProxy:
    """Signs image URLs for pages and serves them from the cache or the source."""

    def __init__(self, settings: Settings, *, secret: bytes | None = None) -> None:
        home = Path(settings.home)
        self.cache_dir = home / CACHE_DIR
        self._secret = secret if secret is not None else self._load_secret(home / SECRET_FILE)
        # Pictures are fetched for a reader, like a browser would: no robots.txt, no delay,
        # but every guard of the fetcher and a small size cap.
        self.settings = settings.replace(
            respect_robots=False,
            per_host_delay=0.0,
            max_body_bytes=MAX_IMAGE_BYTES,
            request_deadline=min(float(settings.request_deadline), _FETCH_SECONDS),
        )
        self._lock = threading.Lock()

    @staticmethod
    def _load_secret(path: Path) -> bytes:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            secret = secrets.token_bytes(32)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(secret)
            return secret

    def _signature(self, url: str) -> str:
        return _b64(hmac.new(self._secret, url.encode("utf-8"), hashlib.sha256).digest()[:16])

    def path_for(self, url: str | None) -> str | None:
        """The same-origin path of an http(s) image URL, or None."""
        if not url or not url.startswith(("http://", "https://")) or len(url) > 2000:
            return None
        if urlsplit(url).path.lower().endswith((".svg", ".svgz")):
            return None  # refused anyway (no SVG from sources): no broken picture on the page
        return f"/media/{self._signature(url)}/{_b64(url.encode('utf-8'))}"

    def verify(self, signature: str, encoded: str) -> str:
        try:
            url = _unb64(encoded).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            raise MediaError("bad media path") from None
        if not hmac.compare_digest(signature.encode(), self._signature(url).encode()):
            raise MediaError("bad media signature")
        return url

    def _cached(self, url: str) -> Path:
        return self.cache_dir / (hashlib.sha256(url.encode("utf-8")).hexdigest() + ".jpg")

    async def image(self, url: str) -> bytes:
        """The shrunk JPEG of ``url``, from the cache or fetched now; MediaError if refused."""
        path = self._cached(url)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            pass
        try:
            async with Fetcher(self.settings) as fetcher:
                result = await fetcher.fetch(url, accept=IMAGE_ACCEPT)
        except FetchError as exc:
            raise MediaError(f"fetch refused or failed: {exc.message}") from None
        content_type = result.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in ALLOWED_TYPES:
            raise MediaError(f"not an allowed image type: {content_type or 'none'}")
        data = await asyncio.to_thread(shrink_image, result.body)
        await asyncio.to_thread(self._store, path, data)
        return data

    def _store(self, path: Path, data: bytes) -> None:
        with self._lock:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            partial.write_bytes(data)
            partial.replace(path)
            self._trim()

    def _trim(self) -> None:
        files = [(p.stat().st_mtime, p.stat().st_size, p) for p in self.cache_dir.glob("*.jpg")]
        total = sum(size for _, size, _ in files)
        for _, size, p in sorted(files):
            if total <= CACHE_CAP_BYTES:
                break
            p.unlink(missing_ok=True)
            total -= size


def shrink_image(data: bytes) -> bytes:
    """Decode (raster formats only, pixel-capped), shrink to MAX_SIDE, re-encode as JPEG."""
    try:
        with Image.open(io.BytesIO(data), formats=sorted(ALLOWED_FORMATS)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise MediaError(f"image too large: {img.width}x{img.height}")
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            rgb = img.convert("RGB")
    except MediaError:
        raise
    except Exception as exc:  # a hostile file may make any decoder raise anything: refuse it
        raise MediaError(f"not a decodable raster image: {type(exc).__name__}: {exc}") from None
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()


async def media_endpoint(request: Request) -> Response:
    from marsad.web.state import web_state

    proxy = web_state(request).media
    if proxy is None:
        return Response("image unavailable", status_code=404, media_type="text/plain")
    try:
        url = proxy.verify(request.path_params["sig"], request.path_params["url"])
        data = await proxy.image(url)
    except MediaError as exc:
        log.info("media refused: %s", exc)
        return Response("image unavailable", status_code=404, media_type="text/plain")
    return Response(
        data,
        media_type="image/jpeg",
        headers={"Cache-Control": "public, max-age=86400, immutable"},
    )


__all__ = ["MediaError", "MediaProxy", "media_endpoint", "shrink_image"]
