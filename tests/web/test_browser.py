"""Headless Chromium against a real uvicorn server on loopback: RTL, no overflow, no errors.

Needs Debian's ``chromium`` and ``chromium-driver`` packages and the ``selenium`` package; when
they are missing the test FAILS with the command that installs them (it never skips).
Screenshots land in ``test-artifacts/web/``.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn

from marsad.cli.demo import PORT_FILE, run_demo
from marsad.demo import load_corpus
from marsad.store import Store, open_store
from marsad.web import create_app
from marsad.web.loopback import LoopbackServer

from .helpers import fill_store, web_settings

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
WIDTHS = (390, 1280)
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
)


def _require(binary: str) -> str:
    path = shutil.which(binary)
    if path is None:
        pytest.fail(
            f"{binary} not found: install it with "
            "`apt-get update && apt-get install -y chromium chromium-driver`",
            pytrace=False,
        )
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Store]]:
    """The demo corpus ingested through the real pipeline, plus the hand-made stories."""
    home = tmp_path_factory.mktemp("browser") / "home"
    assert run_demo(home, port=8000, serve_site=False, out=open("/dev/null", "w")) == 0  # noqa: SIM115
    # The outlets served again (as `marsad demo` keeps them while it serves the site): the demo's
    # lead pictures come from them through the media proxy.
    outlets = LoopbackServer(int((home / PORT_FILE).read_text()))
    outlets.set_routes(load_corpus().routes(outlets.base_url, now=datetime.now(UTC)))
    outlets.start()
    store = open_store(f"sqlite:///{home / 'marsad.db'}")
    fill_store(store)
    app = create_app(store, web_settings(home, allow_private_networks=True))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", store
    server.should_exit = True
    thread.join(10)
    store.close()
    outlets.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    chromium = _require("chromium")
    chromedriver = _require("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is not installed: `pip install selenium`", pytrace=False)
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An Arabic reader's browser (the interface follows Accept-Language).
    options.add_experimental_option("prefs", {"intl.accept_languages": "ar,en"})
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def _pages(base: str, store: Store) -> dict[str, str]:
    with store.reading() as r:
        stories = r.list_stories(limit=50)
        story = max(stories, key=lambda s: (s.source_count, s.article_count))
        long_article = max(r.list_articles(limit=200), key=lambda a: len(a.text or ""))
    return {
        "home": f"{base}/",
        "story": f"{base}/stories/{story.id}",
        "article": f"{base}/articles/{long_article.id}",
        "search": f"{base}/search?q=%D9%82%D9%85%D8%A9",
        "source": f"{base}/sources/1",
    }


@pytest.mark.browser
def test_pages_in_headless_chromium(site: tuple[str, Store], browser: object) -> None:
    base, store = site
    driver = browser
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for width in WIDTHS:
        driver.execute_cdp_cmd(  # type: ignore[attr-defined]
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
        )
        for name, url in _pages(base, store).items():
            driver.get(url)  # type: ignore[attr-defined]
            direction = driver.execute_script("return document.documentElement.dir")  # type: ignore[attr-defined]
            lang = driver.execute_script("return document.documentElement.lang")  # type: ignore[attr-defined]
            scroll, inner = driver.execute_script(  # type: ignore[attr-defined]
                "return [document.documentElement.scrollWidth, window.innerWidth]"
            )
            styled = driver.execute_script(  # type: ignore[attr-defined]
                "return getComputedStyle(document.querySelector('.brand')).fontWeight"
            )
            driver.save_screenshot(str(ARTIFACTS / f"{name}-{width}.png"))  # type: ignore[attr-defined]
            if direction != "rtl" or lang != "ar":
                problems.append(f"{name}@{width}: dir={direction} lang={lang}")
            if scroll > inner:
                problems.append(f"{name}@{width}: overflows ({scroll} > {inner})")
            if str(styled) not in ("700", "bold"):
                problems.append(f"{name}@{width}: stylesheet not applied")
            errors = [
                entry["message"]
                for entry in driver.get_log("browser")  # type: ignore[attr-defined]
                if entry["level"] == "SEVERE"
            ]
            if errors:
                problems.append(f"{name}@{width}: console errors {errors}")
    assert problems == []
    assert len(list(ARTIFACTS.glob("*.png"))) >= 2 * 5
