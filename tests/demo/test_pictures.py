"""The demo's lead pictures: raster files the media proxy accepts, shown on the demo's pages."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from starlette.testclient import TestClient

from marsad.cli.demo import PORT_FILE, demo_settings, run_demo
from marsad.demo import load_corpus
from marsad.demo.pictures import HEIGHT, WIDTH, picture_jpeg
from marsad.demo.render_pages import image_path
from marsad.store import open_store
from marsad.web import create_app
from marsad.web.loopback import LoopbackServer

BASE = "http://127.0.0.1:8765"
MEDIA_SRC = re.compile(r'<img class="thumb" src="(/media/[^"]+)" alt="([^"]*)"')


def test_every_article_has_a_small_jpeg_the_same_each_run() -> None:
    corpus = load_corpus()
    routes = corpus.routes(BASE)
    sizes = []
    for article in corpus.articles:
        content_type, body = routes[image_path(corpus.outlet(article.outlet), article)]
        assert content_type == "image/jpeg"
        with Image.open(io.BytesIO(body)) as img:
            assert (img.format, img.size) == ("JPEG", (WIDTH, HEIGHT))
        assert body == picture_jpeg(article.story, article.slug)  # reproducible
        sizes.append(len(body))
    assert max(sizes) < 30_000, max(sizes)
    # each article its own picture
    assert len({routes[p][1] for p in routes if p.endswith(".jpg")}) == len(corpus.articles)


def test_article_pages_name_the_picture_with_alt_text() -> None:
    corpus = load_corpus()
    routes = corpus.routes(BASE)
    article = corpus.articles[0]
    outlet = corpus.outlet(article.outlet)
    page = routes[f"{outlet.path}/news/{article.slug}.html"][1].decode("utf-8")
    image = BASE + image_path(outlet, article)
    assert f'<meta property="og:image" content="{image}">' in page
    assert 'property="og:image:alt"' in page
    assert f'<img src="{image}" alt="' in page


@pytest.fixture(scope="module")
def demo_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A demo store ingested by ``run_demo`` and the site over it with the demo's settings, the
    outlets served again on their port, as ``marsad demo`` keeps them while it serves the site."""
    home: Path = tmp_path_factory.mktemp("demo-pictures") / "home"
    assert run_demo(home, port=8000, serve_site=False, out=open("/dev/null", "w")) == 0  # noqa: SIM115
    outlets = LoopbackServer(int((home / PORT_FILE).read_text()))
    outlets.set_routes(load_corpus().routes(outlets.base_url, now=datetime.now(UTC)))
    outlets.start()
    settings = demo_settings(home, 8000)
    store = open_store(settings.effective_database_url)
    try:
        with TestClient(create_app(store, settings, search_function=None)) as client:
            yield client
    finally:
        store.close()
        outlets.stop()


def test_demo_home_shows_pictures_through_the_proxy(demo_client: TestClient) -> None:
    home = demo_client.get("/")
    assert home.status_code == 200
    pictures = MEDIA_SRC.findall(home.text)
    assert len(pictures) >= 5, home.text[:2000]
    for src, alt in pictures[:3]:
        assert alt.strip()
        answer = demo_client.get(src)
        assert answer.status_code == 200, src
        assert answer.headers["content-type"] == "image/jpeg"
        with Image.open(io.BytesIO(answer.content)) as img:
            assert img.format == "JPEG" and img.width > 0


def test_demo_lists_and_articles_show_pictures(demo_client: TestClient) -> None:
    region = demo_client.get("/regions/south_asia")
    assert MEDIA_SRC.search(region.text), "no picture on a region page"
    home = demo_client.get("/")
    article_id = re.search(r'href="/articles/(\d+)"', home.text)
    assert article_id
    page = demo_client.get(f"/articles/{article_id.group(1)}")
    lead = re.search(r'<figure class="lead-image"><img src="(/media/[^"]+)"', page.text)
    assert lead, "no lead picture on the article page"
    assert demo_client.get(lead.group(1)).headers["content-type"] == "image/jpeg"
