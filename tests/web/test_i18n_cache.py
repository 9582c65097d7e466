"""Catalogues, language choice and the TTL cache."""

from __future__ import annotations

import threading
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.web.cache import TTLCache
from marsad.web.i18n import Catalogues, choose_language, load_catalogue, parse_accept_language


def test_catalogues_have_the_same_keys_and_no_empty_text() -> None:
    ar, en = load_catalogue("ar"), load_catalogue("en")
    assert set(ar) == set(en)
    assert all(v.strip() for v in ar.values()) and all(v.strip() for v in en.values())


def test_every_template_key_is_in_the_catalogue() -> None:
    import re
    from importlib import resources

    keys = load_catalogue("ar").keys()
    used: set[str] = set()
    for entry in resources.files("marsad.web").joinpath("templates").iterdir():
        used |= set(re.findall(r"""\bt\(["']([a-z_.]+[a-z_])["']""", entry.read_text("utf-8")))
    plural: set[str] = set()
    for entry in resources.files("marsad.web").joinpath("templates").iterdir():
        plural |= set(re.findall(r"""t\.plural\(["']([a-z_.]+)["']""", entry.read_text("utf-8")))
    used |= {f"{key}.{form}" for key in plural for form in ("one", "two", "few", "many", "other")}
    assert used, "no t() calls found"
    assert used <= set(keys), sorted(used - set(keys))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en-US,en;q=0.9", "en"),
        ("ar-EG,ar;q=0.9,en;q=0.8", "ar"),
        ("fr-FR,fr;q=0.9", None),
        ("fr;q=0.9, en;q=0.5, ar;q=0.7", "ar"),
        ("en;q=0", None),
        ("", None),
        ("*", None),
        ("en;q=abc", None),
    ],
)
def test_parse_accept_language(header: str, expected: str | None) -> None:
    assert parse_accept_language(header) == expected


@given(st.text(max_size=300))
def test_parse_accept_language_never_fails(header: str) -> None:
    assert parse_accept_language(header) in (None, "ar", "en")


def test_choose_language_order() -> None:
    assert choose_language("en", "ar", "ar", "ar") == "en"
    assert choose_language("xx", "en", "ar", "ar") == "en"
    assert choose_language(None, None, "en", "ar") == "en"
    assert choose_language(None, None, None, "ar") == "ar"


def test_translator_formats_and_falls_back() -> None:
    tr = Catalogues("ar").translator("en")
    assert tr.plural("count.sources", 3) == "3 sources"
    assert tr.plural("count.articles", 1) == "1 article"
    assert tr.dir == "ltr" and Catalogues("ar").translator("ar").dir == "rtl"
    assert tr("no.such.key") == "no.such.key"


def test_ttl_cache_serves_stale_while_one_refreshes() -> None:
    now = [0.0]
    cache = TTLCache(10, clock=lambda: now[0])
    calls: list[int] = []
    assert cache.get_or_compute("k", lambda: calls.append(1) or "v1") == "v1"
    assert cache.get_or_compute("k", lambda: calls.append(1) or "v2") == "v1"
    assert len(calls) == 1
    now[0] = 11.0
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(5)
        return "v3"

    results: list[str] = []
    worker = threading.Thread(target=lambda: results.append(cache.get_or_compute("k", slow)))
    worker.start()
    started.wait(5)
    # While one caller recomputes, others get the stale value at once.
    t0 = time.monotonic()
    assert cache.get_or_compute("k", lambda: "never") == "v1"
    assert time.monotonic() - t0 < 1
    release.set()
    worker.join(5)
    assert results == ["v3"]
    assert cache.get_or_compute("k", lambda: "never") == "v3"


def test_ttl_cache_bounded_and_failures_not_cached() -> None:
    cache = TTLCache(100, max_entries=2)
    for key in "abc":
        cache.get_or_compute(key, lambda key=key: key)
    assert cache.get_or_compute("a", lambda: "recomputed") == "recomputed"
    with pytest.raises(ValueError):
        cache.get_or_compute("z", lambda: (_ for _ in ()).throw(ValueError("x")))
    assert cache.get_or_compute("z", lambda: "ok") == "ok"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "لا مصادر"),
        (1, "مصدر واحد"),
        (2, "مصدران"),
        (3, "3 مصادر"),
        (10, "10 مصادر"),
        (11, "11 مصدرًا"),
        (99, "99 مصدرًا"),
        (100, "100 مصدر"),
        (103, "103 مصادر"),
    ],
)
def test_arabic_plurals(n: int, expected: str) -> None:
    assert Catalogues("ar").translator("ar").plural("count.sources", n) == expected


def test_concurrent_misses_of_one_key_compute_once() -> None:
    import asyncio

    cache = TTLCache(100)
    calls: list[int] = []

    def slow() -> str:
        calls.append(1)
        time.sleep(0.2)
        return "page"

    async def many() -> list[str]:
        return list(
            await asyncio.gather(*(cache.get_or_compute_async("k", slow) for _ in range(8)))
        )

    assert asyncio.run(many()) == ["page"] * 8
    assert calls == [1]


def test_expired_entry_is_served_stale_and_rebuilt_in_the_background() -> None:
    import asyncio

    now = [0.0]
    cache = TTLCache(10, clock=lambda: now[0])
    versions = iter(["v1", "v2"])

    async def scenario() -> list[str]:
        first = await cache.get_or_compute_async("k", lambda: next(versions))
        now[0] = 10.0  # past the TTL whatever the jitter
        stale = await cache.get_or_compute_async("k", lambda: next(versions))
        await asyncio.gather(*cache._tasks)
        fresh = await cache.get_or_compute_async("k", lambda: "never")
        return [first, stale, fresh]

    assert asyncio.run(scenario()) == ["v1", "v1", "v2"]


def test_entries_never_outlive_the_ttl_and_expire_spread_out() -> None:
    now = [0.0]
    cache = TTLCache(10, clock=lambda: now[0], max_entries=1000)
    for i in range(200):
        cache.get_or_compute(i, lambda: "v")
    now[0] = 8.6  # past the shortest possible life (7.5 s), before the longest (10 s)
    fresh = sum(cache.peek(i)[0] for i in range(200))
    assert 0 < fresh < 200
    now[0] = 10.0
    assert not any(cache.peek(i)[0] for i in range(200))
