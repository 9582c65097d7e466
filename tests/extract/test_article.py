"""The public API of the extraction stage, beyond the golden pages."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

import marsad.extract as extract
from marsad.extract import (
    BoilerplateLearner,
    LanguageDetector,
    extract_article,
    extract_page,
    lines_for_learning,
    normalize_line,
)
from marsad.models import ExtractionStatus

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "extract" / "golden"
URL = "https://example.com/news/1"

PLAIN = """example-farm.net

تقدم أخبار المثال الأخبار الإقليمية من كل مكان باللغة العربية لكل القراء.

وزير النقل يفتتح خطا جديدا للقطارات بين المدينتين

افتتح وزير النقل صباح اليوم خطا جديدا للقطارات السريعة بين المدينتين، يختصر زمن الرحلة إلى ساعة واحدة.

وقال الوزير: "هذا الخط بداية شبكة تربط المحافظات كلها".

READ  ممثلة شهيرة تعلن اعتزالها بعد ثلاثين عاما
"""


def test_public_api_is_pinned() -> None:
    assert sorted(extract.__all__) == sorted(
        [
            "DEFAULT_MAX_BYTES",
            "DEFAULT_TIMEOUT",
            "BoilerplateLearner",
            "ExtractedArticle",
            "LanguageDetector",
            "PageHints",
            "clean_text",
            "decode_html",
            "detect_language",
            "extract_article",
            "extract_page",
            "find_arabic_date",
            "lines_for_learning",
            "normalize_line",
            "parse_datetime",
        ]
    )


def test_plain_text_like_a_content_farm_page() -> None:
    result = extract_page(PLAIN.encode(), URL)
    assert result.ok
    assert result.title == "وزير النقل يفتتح خطا جديدا للقطارات بين المدينتين"
    text = result.text or ""
    assert text.startswith("افتتح وزير النقل")
    assert "هذا الخط بداية شبكة" in text
    for junk in ("example-farm.net", "تقدم أخبار المثال", "READ", "ممثلة شهيرة"):
        assert junk not in text


def test_feed_date_is_the_fallback() -> None:
    feed_date = datetime(2024, 1, 2, 3, 4, tzinfo=UTC)
    page = (GOLDEN / "ar01-content-farm.html").read_bytes()
    assert extract_page(page, URL, feed_published=feed_date).published == feed_date
    declared = (GOLDEN / "ar06-jsonld.html").read_bytes()
    assert extract_page(declared, URL, feed_published=feed_date).published != feed_date


def test_learned_boilerplate_is_removed() -> None:
    learner = BoilerplateLearner()
    for i in range(5):
        learner.add(f"فقرة خاصة بالخبر {i}.\nوزارة الري تتفقد المحطات")
    page = (
        "<html><body><article><p>"
        + "أعلنت الوزارة اليوم خطة جديدة للنقل العام في المدينة. " * 3
        + "</p><p>وزارة الري تتفقد المحطات</p></article></body></html>"
    )
    assert "وزارة الري" in (extract_page(page, URL).text or "")
    cleaned = extract_page(page, URL, source_boilerplate=learner.boilerplate())
    assert "وزارة الري" not in (cleaned.text or "")
    assert cleaned.boilerplate_removed == ("وزارة الري تتفقد المحطات",)
    # fed back, the learned line keeps its count
    learner.add(lines_for_learning(cleaned))
    assert normalize_line("وزارة الري تتفقد المحطات") in learner.boilerplate()


def test_extract_article_contract() -> None:
    assert extract_article(b"", URL) is None
    article = extract_article((GOLDEN / "en01-read-more.html").read_bytes(), URL)
    assert article is not None and article.status is ExtractionStatus.OK
    assert article.summary and article.summary.startswith("Dock workers")


def test_extraction_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for page in sorted(GOLDEN.glob("*.html")):
        assert extract_page(page.read_bytes(), URL, detector=LanguageDetector()).ok
