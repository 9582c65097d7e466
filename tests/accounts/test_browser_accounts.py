"""Sign in and follow in headless Chromium against a real uvicorn server (no JavaScript: plain
forms, the session cookie and CSRF tokens do all of it). Needs Debian's chromium and
chromium-driver and selenium; FAILS with the install command when they are missing."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from web.helpers import NOW, fill_store, web_settings

from marsad.store import open_store
from marsad.store.accounts import Accounts
from marsad.web import create_app

from .conftest import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "accounts"


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


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Accounts]]:
    store = open_store(f"sqlite:///{tmp_path / 'marsad.db'}")
    fill_store(store)
    accounts = Accounts(store)
    accounts.add_user("amina", PASSWORD, now=NOW)
    app = create_app(store, web_settings(tmp_path), search_function=None)
    port = _free_port()
    srv = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", accounts
    srv.should_exit = True
    thread.join(10)
    store.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    chromium = _require("chromium")
    chromedriver = _require("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is not installed: `pip install selenium`", pytrace=False)
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option("prefs", {"intl.accept_languages": "ar,en"})
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.mark.browser
def test_sign_in_follow_and_see_it_on_me(server: tuple[str, Accounts], browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    def click_and_load(css: str) -> None:
        """Click and wait until the page it leads to replaced this one: the next look at the
        page must not meet the old one (typing into the old form lost the keys, a race)."""
        element = driver.find_element(By.CSS_SELECTOR, css)  # type: ignore[attr-defined]
        element.click()
        WebDriverWait(driver, 10).until(expected_conditions.staleness_of(element))

    base, accounts = server
    driver = browser
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.get(f"{base}/countries/EG")  # type: ignore[attr-defined]
    click_and_load(".follow-box a")
    assert "/login" in driver.current_url  # type: ignore[attr-defined]
    driver.find_element(By.ID, "login-name").send_keys("amina")  # type: ignore[attr-defined]
    driver.find_element(By.ID, "login-password").send_keys("wrong password")  # type: ignore[attr-defined]
    click_and_load(".login-form button")
    assert driver.find_element(By.CSS_SELECTOR, ".form-error").text  # type: ignore[attr-defined]
    driver.find_element(By.ID, "login-name").send_keys("amina")  # type: ignore[attr-defined]
    driver.find_element(By.ID, "login-password").send_keys(PASSWORD)  # type: ignore[attr-defined]
    click_and_load(".login-form button")
    assert driver.current_url.endswith("/countries/EG")  # type: ignore[attr-defined]
    cookie = driver.get_cookie("marsad_session")  # type: ignore[attr-defined]
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    click_and_load("form.follow-box button")
    assert driver.current_url.endswith("/countries/EG")  # type: ignore[attr-defined]
    assert (
        driver.find_element(By.CSS_SELECTOR, "form.follow-box")
        .get_attribute("action")
        .endswith("/me/unfollow")
    )  # type: ignore[attr-defined]
    click_and_load("a.account-link")
    assert driver.current_url.endswith("/me")  # type: ignore[attr-defined]
    heading = driver.find_element(By.CSS_SELECTOR, ".follow-card h2").text  # type: ignore[attr-defined]
    assert "مصر" in heading
    direction = driver.execute_script("return document.documentElement.dir")  # type: ignore[attr-defined]
    assert direction == "rtl"
    driver.save_screenshot(str(ARTIFACTS / "me.png"))  # type: ignore[attr-defined]
    user = accounts.find_user("amina")
    assert user is not None
    assert [(f.kind, f.target) for f in accounts.list_follows(user.id)] == [("country", "EG")]
    errors = [
        e
        for e in driver.get_log("browser")  # type: ignore[attr-defined]
        # the wrong password's 401 is a "network" entry; a CSP violation would be another
        if e["level"] == "SEVERE" and e.get("source") != "network"
    ]
    assert errors == []
    # Sign out: the session is gone server-side too.
    click_and_load("form.logout button")
    driver.get(f"{base}/me")  # type: ignore[attr-defined]
    assert "/login" in driver.current_url  # type: ignore[attr-defined]
