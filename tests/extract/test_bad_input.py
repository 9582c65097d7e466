"""Hostile pages: each gives a status, never an exception, within the time bound."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.extract import decode_html, extract_article, extract_page
from marsad.models import ExtractionStatus

URL = "https://example.com/a"
PARAGRAPH = "<p>" + "أعلنت الوزارة اليوم خطة جديدة للنقل العام في المدينة. " * 4 + "</p>"


def test_empty_input() -> None:
    for data in (b"", "", b"   \n"):
        result = extract_page(data, URL)
        assert result.status is ExtractionStatus.BAD_INPUT
        assert extract_article(data, URL) is None


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + bytes(range(256)) * 50,
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 4000,
        bytes(range(32)) * 200,
    ],
)
def test_binary_input(data: bytes) -> None:
    result = extract_page(data, URL)
    assert result.status is ExtractionStatus.BAD_INPUT
    assert "binary" in (result.reason or "")


def test_fifty_megabyte_page_is_refused_fast() -> None:
    page = b"<html><body>" + b"<p>word word word</p>" * (50 * 1024 * 1024 // 21) + b"</body></html>"
    started = time.perf_counter()
    result = extract_page(page, URL)
    assert result.status is ExtractionStatus.BAD_INPUT
    assert "larger" in (result.reason or "")
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("depth", [300, 100_000])
def test_deeply_nested_markup(depth: int) -> None:
    # lxml stops at depth 256: the page yields no article, quickly, and nothing crashes
    page = "<html><body>" + "<div>" * depth + PARAGRAPH + "</div>" * depth + "</body></html>"
    started = time.perf_counter()
    result = extract_page(page, URL, timeout=10)
    assert result.status in {ExtractionStatus.OK, ExtractionStatus.NO_ARTICLE}
    assert time.perf_counter() - started < 5


def test_timeout_gives_a_status() -> None:
    page = "<html><body>" + PARAGRAPH * 3000 + "</body></html>"
    result = extract_page(page, URL, timeout=0.001)
    assert result.status is ExtractionStatus.TIMEOUT
    assert "longer than" in (result.reason or "")


def test_page_without_article() -> None:
    result = extract_page("<html><body><nav><a href='/'>Home</a></nav></body></html>", URL)
    assert result.status in {ExtractionStatus.NO_ARTICLE, ExtractionStatus.BAD_INPUT}


def test_windows_1256_without_declaration() -> None:
    page = (
        "<html><head><title>خبر</title></head><body>" + PARAGRAPH * 3 + "</body></html>"
    ).encode("cp1256")
    result = extract_page(page, URL)
    assert result.status is ExtractionStatus.OK
    assert "أعلنت الوزارة" in (result.text or "")


def test_declared_utf8_but_windows_1256_bytes() -> None:
    page = (
        "<html><head><meta charset='utf-8'></head><body>" + PARAGRAPH * 3 + "</body></html>"
    ).encode("cp1256")
    assert "أعلنت الوزارة" in decode_html(page).text


def test_utf16_with_bom() -> None:
    page = "\ufeff<html><body>" + PARAGRAPH * 3 + "</body></html>"
    assert "أعلنت الوزارة" in decode_html(page.encode("utf-16")).text


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_never_crash(data: bytes) -> None:
    result = extract_page(data, URL, timeout=None)
    assert isinstance(result.status, ExtractionStatus)


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=2000))
def test_random_text_never_crash(data: str) -> None:
    result = extract_page(f"<html><body><p>{data}</p></body></html>", URL, timeout=None)
    assert isinstance(result.status, ExtractionStatus)
