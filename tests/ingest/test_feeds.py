"""Feed parsing: golden fixtures, Arabic encodings, and random input that must never raise."""

from __future__ import annotations

import codecs
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.ingest.feeds import parse_feed
from marsad.ingest.model import ParsedFeed

DATA = Path(__file__).resolve().parent.parent / "data" / "ingest" / "feeds"
BASE = "https://news.example/feed"
FIXTURES = sorted(
    p for p in DATA.iterdir() if p.suffix in (".xml", ".json") and ".expected" not in p.name
)


def _check_entry(entry: Any, expected: dict[str, Any]) -> None:
    for key, value in expected.items():
        if key.endswith("_contains"):
            field = key.removesuffix("_contains")
            assert value in (getattr(entry, field) or ""), (field, getattr(entry, field))
        elif key in ("published", "updated"):
            actual = getattr(entry, key)
            assert actual is not None and actual.tzinfo is not None
            assert actual == datetime.fromisoformat(value), (key, actual)
        else:
            assert getattr(entry, key) == value, (key, getattr(entry, key))


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_golden_feed(path: Path) -> None:
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text("utf-8"))
    parsed = parse_feed(BASE, path.read_bytes(), expected.pop("headers", {}))
    entries = expected.pop("entries")
    if "min_entries" in expected:
        assert len(parsed.entries) >= expected.pop("min_entries")
    else:
        assert len(parsed.entries) == len(entries)
    for entry, want in zip(parsed.entries, entries, strict=False):
        _check_entry(entry, want)
    if "error_contains" in expected:
        assert expected.pop("error_contains") in (parsed.error or "")
    for key, value in expected.items():
        assert getattr(parsed, key) == value, (key, getattr(parsed, key))


ARABIC_TITLE = "أخبار العالم العربي"
ARABIC_ITEM = "انتخابات في مصر وتونس"


def _arabic_feed(prolog_encoding: str | None) -> str:
    decl = f' encoding="{prolog_encoding}"' if prolog_encoding else ""
    return (
        f'<?xml version="1.0"{decl}?>\n<rss version="2.0"><channel><title>{ARABIC_TITLE}</title>'
        f"<link>https://news.example/</link><item><title>{ARABIC_ITEM}</title>"
        "<link>https://news.example/a/1</link></item></channel></rss>"
    )


@pytest.mark.parametrize("encoding", ["windows-1256", "iso-8859-6"])
@pytest.mark.parametrize(
    "declared",
    ["prolog", "header", "both", "header_overrides_wrong_prolog", "undeclared"],
)
def test_arabic_legacy_encodings(encoding: str, declared: str) -> None:
    prolog = {
        "prolog": encoding,
        "header": None,
        "both": encoding,
        "header_overrides_wrong_prolog": "iso-8859-1",
        "undeclared": None,
    }[declared]
    data = _arabic_feed(prolog).encode(encoding)
    assert data != _arabic_feed(prolog).encode("utf-8")  # really a legacy single-byte encoding
    content_type = (
        "text/xml"
        if declared in ("prolog", "undeclared")
        else f"application/rss+xml; charset={encoding}"
    )
    parsed = parse_feed(BASE, data, {"Content-Type": content_type})
    assert parsed.title == ARABIC_TITLE
    assert [e.title for e in parsed.entries] == [ARABIC_ITEM]
    assert parsed.error is None


@pytest.mark.parametrize(
    ("codec", "bom"),
    [
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
    ],
)
def test_byte_order_marks(codec: str, bom: bytes) -> None:
    data = bom + _arabic_feed(None).encode(codec)
    parsed = parse_feed(BASE, data, {"Content-Type": "application/xml"})
    assert parsed.title == ARABIC_TITLE and parsed.entries[0].title == ARABIC_ITEM


def test_utf8_feed_without_declaration_served_as_text_xml() -> None:
    parsed = parse_feed(BASE, _arabic_feed(None).encode("utf-8"), {"Content-Type": "text/xml"})
    assert parsed.title == ARABIC_TITLE and parsed.error is None


def test_json_feed_with_bom_and_unknown_version_is_salvaged() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/9",
        "items": [{"id": "x", "url": "https://a.example/1"}],
    }
    parsed = parse_feed(BASE, codecs.BOM_UTF8 + json.dumps(doc).encode(), {})
    assert len(parsed.entries) == 1 and "unknown JSON Feed version" in (parsed.error or "")


def test_relative_links_resolve_against_feed_url() -> None:
    data = b'<rss version="2.0"><channel><title>t</title><item><link>/x/1</link></item></channel></rss>'
    parsed = parse_feed(
        "https://site.example/feeds/main.xml", data, {"Content-Type": "application/xml"}
    )
    assert parsed.entries[0].link == "https://site.example/x/1"


_FEED_SEEDS = [p.read_bytes() for p in FIXTURES]


@settings(max_examples=150, deadline=None)
@given(
    seed=st.sampled_from(_FEED_SEEDS),
    cut=st.integers(min_value=0, max_value=5000),
    noise=st.binary(max_size=64),
    content_type=st.sampled_from(
        [
            "",
            "text/xml",
            "application/json",
            "application/feed+json",
            "text/html",
            "text/xml; charset=bogus",
        ]
    ),
)
def test_truncated_or_noisy_feeds_never_raise(
    seed: bytes, cut: int, noise: bytes, content_type: str
) -> None:
    data = seed[:cut] + noise
    parsed = parse_feed(BASE, data, {"Content-Type": content_type})
    assert isinstance(parsed, ParsedFeed)
    assert all(e.link is None or e.link.startswith(("http://", "https://")) for e in parsed.entries)


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=2048))
def test_random_bytes_never_raise(data: bytes) -> None:
    assert isinstance(parse_feed(BASE, data, {}), ParsedFeed)


@settings(max_examples=100, deadline=None)
@given(
    doc=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "version",
                        "items",
                        "id",
                        "url",
                        "title",
                        "date_published",
                        "authors",
                        "author",
                        "name",
                        "content_html",
                    ]
                ),
                children,
                max_size=5,
            )
        ),
        max_leaves=30,
    )
)
def test_random_json_feeds_never_raise(doc: object) -> None:
    parsed = parse_feed(BASE, json.dumps(doc).encode(), {"Content-Type": "application/feed+json"})
    assert isinstance(parsed, ParsedFeed)
