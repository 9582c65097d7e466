"""Headless Chromium over the demo site in Arabic and English at 390 and 1280 px: no sideways
scroll, every picture loads through the media proxy, mixed-language text is isolated and labelled.

Uses the demo store, server and browser of ``test_browser`` (its fixtures, same requirements:
Debian's ``chromium`` and ``chromium-driver`` and ``selenium``; missing ones FAIL, never skip).
"""

from __future__ import annotations

import importlib.resources
import time
from collections.abc import Iterator
from typing import Any

import pytest

from marsad.store import Store

from .test_browser import WIDTHS, browser, site  # noqa: F401  (fixtures)

LANGS = ("ar", "en")

# Loads every picture now (lazy ones too), then waits until each is done or failed.
EAGER_IMAGES = (
    "for (const i of document.images) { i.loading = 'eager'; } return document.images.length;"
)
IMAGES_DONE = "return Array.from(document.images).every(i => i.complete);"
BROKEN_IMAGES = (
    "return Array.from(document.images).filter(i => !(i.naturalWidth > 0)).map(i => i.src);"
)
# Text in the other script than the page's must sit in an element with its own ``dir`` (bidi
# isolation), and the title spans of stories and articles must say their language (``lang``)
# consistently with the script they are written in.
MIXED_LANGUAGE = r"""
const page = document.documentElement.lang;
const arabic = /[\u0600-\u06FF]/, latin = /[A-Za-z]{3,}/;
const problems = [];
const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const text = node.textContent.trim();
  if (!text) continue;
  const isArabic = arabic.test(text) && !latin.test(text);
  const isLatin = latin.test(text) && !arabic.test(text);
  const foreign = (page === 'ar' && isLatin) || (page === 'en' && isArabic);
  if (!foreign) continue;
  const el = node.parentElement;
  if (el.closest('svg')) continue;
  const isolated = el.closest('[dir]');
  if (!isolated || isolated === document.documentElement) {
    problems.push('no dir: ' + text.slice(0, 60));
  }
}
for (const span of document.querySelectorAll('a.title > span, .story-card h3 a > span, h1 > span')) {
  const text = span.textContent.trim();
  const lang = span.getAttribute('lang');
  if (!lang) { problems.push('no lang: ' + text.slice(0, 60)); continue; }
  if (arabic.test(text) && !latin.test(text) && lang !== 'ar') problems.push('lang ' + lang + ' on Arabic: ' + text.slice(0, 60));
  if (latin.test(text) && !arabic.test(text) && lang === 'ar') problems.push('lang ar on Latin: ' + text.slice(0, 60));
}
return problems;
"""


def _pages(base: str, store: Store) -> dict[str, str]:
    with store.reading() as r:
        stories = r.list_stories(limit=50)
        story = max(stories, key=lambda s: (s.source_count, s.article_count))
        pictured = [a for a in r.list_articles(limit=200) if a.image]
    assert pictured, "the demo's articles carry lead pictures"
    return {
        "home": f"{base}/",
        "region": f"{base}/regions/north_africa",
        "story": f"{base}/stories/{story.id}",
        "article": f"{base}/articles/{pictured[0].id}",
        "search": f"{base}/search?q=summit",
    }


def _page_views(driver: Any, base: str, store: Store) -> Iterator[tuple[str, str]]:
    """Opens each page in each language at each width; yields ``name/lang@width`` and lang."""
    for width in WIDTHS:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
        )
        for lang in LANGS:
            for name, url in _pages(base, store).items():
                driver.get(url + ("&" if "?" in url else "?") + f"lang={lang}")
                yield f"{name}/{lang}@{width}", lang


def _wait(driver: Any, script: str, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if driver.execute_script(script):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.browser
def test_pages_in_both_languages_and_widths(site: tuple[str, Store], browser: Any) -> None:  # noqa: F811
    base, store = site
    driver = browser
    problems: list[str] = []
    pictures: dict[str, int] = {}
    for where, lang in _page_views(driver, base, store):
        got_lang, got_dir = driver.execute_script(
            "return [document.documentElement.lang, document.documentElement.dir]"
        )
        if (got_lang, got_dir) != (lang, "rtl" if lang == "ar" else "ltr"):
            problems.append(f"{where}: lang={got_lang} dir={got_dir}")
        scroll, inner = driver.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll > inner:
            problems.append(f"{where}: scrolls sideways ({scroll} > {inner})")
        pictures[where] = driver.execute_script(EAGER_IMAGES)
        if not _wait(driver, IMAGES_DONE):
            problems.append(f"{where}: pictures still loading after 20 s")
        broken = driver.execute_script(BROKEN_IMAGES)
        if broken:
            problems.append(f"{where}: {len(broken)} pictures did not load: {broken[:2]}")
        for problem in driver.execute_script(MIXED_LANGUAGE)[:5]:
            problems.append(f"{where}: {problem}")
    assert problems == []
    # pictures are there to load: on the home, region and article pages in every run
    for where, count in pictures.items():
        if where.split("/")[0] in ("home", "region", "article"):
            assert count >= 1, where


# axe-core's rules for contrast, landmarks, names and alt text (WCAG 2 A/AA and the landmark
# best practices); "serious" and "critical" are the impacts the issue counts.
AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'best-practice']}})
  .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))
  .catch(e => done(['axe failed: ' + e]));
"""


def _axe_source() -> str:
    return importlib.resources.files("axe_core_python").joinpath("axe.min.js").read_text("utf-8")


@pytest.mark.browser
def test_pages_have_no_serious_accessibility_violations(
    site: tuple[str, Store],  # noqa: F811
    browser: Any,  # noqa: F811
) -> None:
    base, store = site
    driver = browser
    driver.set_script_timeout(60)
    axe = _axe_source()
    found: list[str] = []
    checked = 0
    for where, _ in _page_views(driver, base, store):
        # Injected through the driver, not a <script> tag: the site's CSP allows no script.
        driver.execute_script(axe)
        violations = driver.execute_async_script(AXE_RUN)
        checked += 1
        found.extend(f"{where}: {v}" for v in violations)
    assert checked == len(WIDTHS) * len(LANGS) * 5
    assert found == []
    # The check can fail: a picture without alt text and a button with no name are reported
    # (both critical).
    driver.execute_script(
        "const m = document.querySelector('main');"
        "m.insertAdjacentHTML('beforeend', '<img src=\"/static/none.png\" width=9 height=9>"
        "<button></button>');"
    )
    spoiled = " ".join(driver.execute_async_script(AXE_RUN))
    assert "image-alt" in spoiled and "button-name" in spoiled
