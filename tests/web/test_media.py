"""The media proxy: pictures shown same-origin through signed /media URLs, fetched by the real
fetcher from a real loopback server, shrunk and cached on disk; everything else refused cleanly."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from starlette.testclient import TestClient

from marsad.models import ExtractionStatus, NewArticle
from marsad.web import create_app
from marsad.web.app import CONTENT_SECURITY_POLICY
from marsad.web.loopback import LoopbackServer
from marsad.web.media import MAX_IMAGE_BYTES, MAX_SIDE

from .helpers import NOW, Filled, web_settings


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` (a decompression bomb's header)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
    )


@pytest.fixture
def origin() -> Iterator[LoopbackServer]:
    server = LoopbackServer(0)
    server.set_routes(
        {
            "/pic.png": ("image/png", _png(2000, 1000)),
            "/page.html": ("text/html; charset=utf-8", b"<html><body>hello</body></html>"),
            "/fake.png": ("image/png", b"<html><script>alert(1)</script></html>"),
            "/logo": ("image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
            "/bomb.png": ("image/png", _png_header_only(60000, 60000)),
            "/huge.jpg": ("image/jpeg", b"\xff\xd8" + b"\0" * (MAX_IMAGE_BYTES + 10)),
        }
    )
    server.start()
    yield server
    server.stop()


def _client(filled: Filled, home: Path, *, private: bool) -> TestClient:
    settings = web_settings(home, allow_private_networks=private)
    app = create_app(filled.store, settings, clock=lambda: NOW, search_function=None)
    return TestClient(app, raise_server_exceptions=False)


def _add_pictured(filled: Filled, image: str) -> int:
    article, _ = filled.store.add_article(
        NewArticle(
            url="http://ar.example.org/2026/pictured",
            source_id=filled.sources["ar"],
            title="صورة من القمة",
            summary="وزراء المياه في صورة جماعية بعد الاتفاق.",
            image=image,
            language="ar",
            published_at=NOW,
            extraction_status=ExtractionStatus.OK,
        )
    )
    return article.id


def _media_path(html: str) -> str:
    start = html.index('src="/media/') + len('src="')
    return html[start : html.index('"', start)]


def test_pictures_come_through_the_proxy_shrunk_and_cached(
    filled: Filled, tmp_path: Path, origin: LoopbackServer
) -> None:
    article_id = _add_pictured(filled, f"{origin.base_url}/pic.png")
    with _client(filled, tmp_path, private=True) as client:
        home = client.get("/").text
        assert origin.base_url not in home  # no other origin on the page
        path = _media_path(home)
        assert 'alt="صورة من القمة"' in home  # alt text, and the lead paragraph beside it
        assert "وزراء المياه في صورة جماعية بعد الاتفاق." in home
        response = client.get(path)
        assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
        shown = Image.open(io.BytesIO(response.content))
        assert shown.format == "JPEG" and max(shown.size) == MAX_SIDE
        assert len(list((tmp_path / "media-cache").glob("*.jpg"))) == 1
        page = client.get(f"/articles/{article_id}").text
        assert page.count(f'src="{path}"') == 1  # the lead image
        assert f'<meta property="og:image" content="http://testserver{path}">' in page
        assert client.get("/").headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "img-src 'self'" in CONTENT_SECURITY_POLICY
        origin.stop()  # from the disk cache now
        assert client.get(path).content == response.content


@pytest.mark.parametrize("name", ["page.html", "fake.png", "logo", "bomb.png", "huge.jpg"])
def test_what_is_not_a_safe_raster_image_is_refused(
    filled: Filled, tmp_path: Path, origin: LoopbackServer, name: str
) -> None:
    _add_pictured(filled, f"{origin.base_url}/{name}")
    with _client(filled, tmp_path, private=True) as client:
        response = client.get(_media_path(client.get("/").text))
        assert response.status_code == 404 and response.text == "image unavailable"
        assert not list((tmp_path / "media-cache").glob("*.jpg"))


def test_private_addresses_are_refused_by_the_fetchers_guard(
    filled: Filled, tmp_path: Path, origin: LoopbackServer
) -> None:
    # 127.0.0.1 is what a redirect to loopback reaches too: the guard checks every connection.
    _add_pictured(filled, f"{origin.base_url}/pic.png")
    with _client(filled, tmp_path, private=False) as client:
        response = client.get(_media_path(client.get("/").text))
        assert response.status_code == 404
        assert not list((tmp_path / "media-cache").glob("*.jpg"))


def test_svg_urls_get_no_picture_at_all(filled: Filled, tmp_path: Path) -> None:
    _add_pictured(filled, "https://cdn.example.org/images/logo.SVG")
    with _client(filled, tmp_path, private=True) as client:
        assert 'src="/media/' not in client.get("/").text


def test_only_signed_urls_are_fetched(
    filled: Filled, tmp_path: Path, origin: LoopbackServer
) -> None:
    _add_pictured(filled, f"{origin.base_url}/pic.png")
    with _client(filled, tmp_path, private=True) as client:
        path = _media_path(client.get("/").text)
        _, _, sig, encoded = path.split("/")
        forged = f"/media/{'A' * len(sig)}/{encoded}"
        assert client.get(forged).status_code == 404
        assert client.get(f"/media/{sig}/not-base64!").status_code == 404
        assert not list((tmp_path / "media-cache").glob("*.jpg"))
        assert client.get(path).status_code == 200
