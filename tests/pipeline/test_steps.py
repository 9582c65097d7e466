"""The pipeline's steps (``marsad.pipeline.steps``): each callable on its own, and the same ones
behind ``marsad import`` (``Pipeline.ingest``) and ``marsad cluster`` (``pipeline.stream``)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from marsad.config import load_settings
from marsad.dedup import ArticleFeatures, features_from_dict
from marsad.demo.corpus import load_corpus
from marsad.extract.langid import LanguageDetector, default_detector
from marsad.models import ExtractionStatus, NewArticle
from marsad.pipeline.importer import import_paths
from marsad.pipeline.process import Pipeline
from marsad.pipeline.steps import (
    Evidence,
    IncomingArticle,
    analyse_step,
    extract_step,
)
from marsad.pipeline.stream import analyse_stream, read_inputs
from marsad.store import open_store
from marsad.understand import Knowledge, load_knowledge

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TEXT = (
    "The Philippine capital Manila closed schools on Monday as typhoon Mawar approached the "
    "island of Luzon, the weather agency said, and ferries to the southern islands were halted."
)


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return default_detector()


@pytest.fixture(scope="module")
def demo_pages() -> list[bytes]:
    """Two demo article pages (dated), one Arabic and one English."""
    routes = load_corpus().routes("http://demo.example", now=datetime.now(UTC))
    pages = [
        body
        for path, (ctype, body) in sorted(routes.items())
        if ctype.startswith("text/html") and not path.endswith("/")
    ]
    arabic = next(p for p in pages if 'lang="ar"' in p.decode("utf-8", "replace")[:500])
    english = next(p for p in pages if 'lang="en"' in p.decode("utf-8", "replace")[:500])
    return [arabic, english]


def test_cluster_groups_on_the_features_import_stores(
    tmp_path: Path,
    demo_pages: list[bytes],
    knowledge: Knowledge,
    detector: LanguageDetector,
) -> None:
    """For the same pages and records, ``marsad cluster``'s features are the stored ones (only
    the window key differs: the stream's names the input's position)."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for n, page in enumerate(demo_pages):
        (inputs / f"{n}.html").write_bytes(page)
    (inputs / "records.jsonl").write_text(
        json.dumps(
            {
                "url": "https://wire.example/typhoon?utm_source=x",
                "title": "Manila braces for typhoon",
                "text": TEXT,
                "language": "en-PH",
                "published": "2026-02-28T10:00:00Z",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    settings = load_settings(env={"MARSAD_HOME": str(tmp_path / "home")})
    store = open_store(f"sqlite:///{tmp_path / 'marsad.db'}")
    try:
        pipeline = Pipeline(store, settings, knowledge=knowledge, detector=detector)
        try:
            summary = import_paths(pipeline, [inputs])
        finally:
            pipeline.close()
        assert (summary.new, summary.failed) == (3, [])
        rows = store.grouped_since(datetime(1970, 1, 1, tzinfo=UTC))
        stored: dict[str, ArticleFeatures] = {}
        for row in rows:
            features = features_from_dict(row.features or {}, row.minhash)
            stored[features.url or ""] = features
    finally:
        store.close()

    streamed = list(analyse_stream(read_inputs([inputs]), knowledge=knowledge, detector=detector))
    assert [r.error for r, _ in streamed] == [None, None, None]
    assert len(stored) == 3
    for record, analysed in streamed:
        assert analysed is not None
        mine = analysed.features
        assert mine.key.endswith(record.input)
        assert replace(mine, key=mine.url or "") == stored[mine.url or ""], record.input
    languages = sorted(r.language or "" for r, _ in streamed)
    assert languages == ["ar", "en", "en"]  # "en-PH" read as the pipeline reads it
    assert "https://wire.example/typhoon" in stored  # canonical URL, as stored


def test_extract_step_page_and_feed_entry(
    detector: LanguageDetector, demo_pages: list[bytes]
) -> None:
    page = extract_step(
        IncomingArticle(url="http://demo.example/a/1", html=demo_pages[0], title="from the feed"),
        fetched_at=datetime.now(UTC),
        detector=detector,
    )
    assert page.page is not None and page.page.ok
    assert page.article.extraction_status is ExtractionStatus.OK
    assert page.article.language == "ar" and page.article.text
    assert page.learned_lines  # what the source's boilerplate learner takes

    entry = extract_step(
        IncomingArticle(
            url="https://wire.example/a",
            title="Manila braces for typhoon",
            summary=TEXT,
            published_at=NOW + timedelta(days=30),  # a typo: a month ahead
            updated_at=NOW - timedelta(hours=1),
        ),
        fetched_at=NOW,
        detector=detector,
    )
    assert entry.page is None and entry.learned_lines == []
    new = entry.article
    assert new.extraction_status is ExtractionStatus.FEED_ONLY
    assert (new.text, new.language) == (TEXT, "en")  # the summary stands in; detected
    assert new.published_at is None and new.updated_at == NOW - timedelta(hours=1)
    assert new.fetched_at == NOW and new.content_hash

    failed = extract_step(
        IncomingArticle(url="https://wire.example/b", title="t\x00", page_status="fetch_failed"),
        fetched_at=NOW,
        detector=detector,
    )
    assert failed.article.extraction_status is ExtractionStatus.FETCH_FAILED
    assert failed.article.title == "t"  # no NUL: PostgreSQL refuses it


def test_analyse_step_defaults_and_evidence(knowledge: Knowledge) -> None:
    new = NewArticle(
        url="https://wire.example/a",
        source_id=7,
        title="Manila braces for typhoon",
        text=TEXT,
        language="en",
        fetched_at=NOW,
    )
    analysed = analyse_step(new, knowledge)
    features = analysed.features
    assert (features.key, features.source) == (new.url, "7")
    assert features.published == NOW.timestamp()  # undated: its fetch time
    assert "PH" in features.countries and "PH" in analysed.understanding.about
    assert analysed.stored.article == new
    assert analysed.stored.minhash == (features.signature or None)
    assert features_from_dict(analysed.stored.features or {}, features.signature) == features

    given = analyse_step(
        new,
        knowledge,
        key="0:x",
        source="wire",
        evidence=Evidence(entities=("e1",), countries=("jp",), translated_title="مانيلا"),
    )
    assert (given.features.key, given.features.source) == ("0:x", "wire")
    assert given.features.entities == ("e1",) and given.features.countries == ("JP",)
    assert given.features.translated_title == "مانيلا"
    # What the store keeps is the understanding's, not the input's claims.
    assert given.stored.countries == analysed.stored.countries


def test_stream_dates_and_errors(
    tmp_path: Path, knowledge: Knowledge, detector: LanguageDetector
) -> None:
    path = tmp_path / "s.jsonl"
    lines = [
        {
            "id": "a",
            "title": "Manila braces for typhoon",
            "text": TEXT,
            "published": "2026-02-28T10:00:00Z",
        },
        {"id": "b", "title": "Typhoon nears Luzon", "text": TEXT},  # undated: after "a"
        {"id": "c", "title": "Far ahead", "text": TEXT, "published": "2027-03-01T00:00:00Z"},
        {"id": "d"},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    (tmp_path / "empty.html").write_bytes(b"")
    (tmp_path / "menu.html").write_bytes(b"<html><body><p>x</p></body></html>")
    got = list(
        analyse_stream(
            read_inputs([path, tmp_path / "empty.html", tmp_path / "menu.html"]),
            knowledge=knowledge,
            detector=detector,
            now=NOW,
        )
    )
    by_input = {r.input: (r, a) for r, a in got}
    first, second, ahead = (by_input[k][1] for k in "abc")
    assert first is not None and second is not None and ahead is not None
    assert second.features.published == first.features.published
    # A date a year after the stream was read is dropped, as the crawler drops it.
    assert ahead.article.published_at is None
    assert by_input["d"][0].error == "no title and no text"
    assert by_input[str(tmp_path / "empty.html")][0].error == "empty file"
    menu = by_input[str(tmp_path / "menu.html")]
    assert menu[1] is None and (menu[0].error or "").startswith("no article in the page")
