"""Sitemaps, OPML, autodiscovery and canonical URLs: pure parsers, golden cases, fuzzing."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.ingest.discover import discover_feeds, find_canonical, html_to_text
from marsad.ingest.opml import OpmlOutline, build_opml, parse_opml
from marsad.ingest.sitemaps import ParsedSitemap, parse_sitemap
from marsad.ingest.urls import canonicalize_url

NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>https://news.example/2024/05/14/gaza</loc>
    <news:news>
      <news:publication><news:name>Example</news:name><news:language>ar</news:language></news:publication>
      <news:publication_date>2024-05-14T09:00:00+03:00</news:publication_date>
      <news:title>هدنة في غزة</news:title>
    </news:news>
    <image:image><image:loc>https://img.news.example/g.jpg</image:loc></image:image>
  </url>
  <url><loc>/relative/path</loc><lastmod>2024-05-13</lastmod></url>
  <url><loc>javascript:alert(1)</loc></url>
</urlset>""".encode()

SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://news.example/sitemap-old.xml</loc><lastmod>2023-01-01</lastmod></sitemap>
  <sitemap><loc>https://news.example/sitemap-news.xml</loc><lastmod>2024-05-14T10:00:00Z</lastmod></sitemap>
</sitemapindex>"""


def test_news_sitemap() -> None:
    parsed = parse_sitemap("https://news.example/sitemap.xml", NEWS_SITEMAP)
    assert parsed.is_news and not parsed.is_index and parsed.error is None
    first, second = parsed.entries
    assert first.link == "https://news.example/2024/05/14/gaza"
    assert first.title == "هدنة في غزة" and first.language == "ar"
    assert first.published == datetime(2024, 5, 14, 6, 0, tzinfo=UTC)
    assert first.image == "https://img.news.example/g.jpg"
    assert second.link == "https://news.example/relative/path"
    assert second.updated == datetime(2024, 5, 13, tzinfo=UTC)


def test_gzip_sitemap_and_index() -> None:
    parsed = parse_sitemap("https://news.example/s.xml.gz", gzip.compress(NEWS_SITEMAP))
    assert len(parsed.entries) == 2
    index = parse_sitemap("https://news.example/index.xml", SITEMAP_INDEX)
    assert index.is_index and index.sitemaps == (
        "https://news.example/sitemap-news.xml",
        "https://news.example/sitemap-old.xml",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty body"),
        (b"<html><body>hi</body></html>", "not a sitemap"),
        (gzip.compress(b"\0" * 60_000_000)[:-10] + b"garbage!!!", "gzip"),
        (b"\x1f\x8b broken", "gzip"),
    ],
    ids=["empty", "html", "gzip-bomb-or-corrupt", "bad-gzip"],
)
def test_bad_sitemaps_say_why(data: bytes, message: str) -> None:
    assert message in (parse_sitemap("https://x.example/s", data).error or "")


def test_entity_expansion_is_not_performed() -> None:
    evil = b"""<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY x SYSTEM "file:///etc/passwd">]>
<urlset><url><loc>https://x.example/&c;&x;</loc></url></urlset>"""
    parsed = parse_sitemap("https://x.example/s", evil)
    assert all("root:" not in (e.link or "") and len(e.link or "") < 200 for e in parsed.entries)


OPML = """<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0"><head><title>قائمتي</title></head><body>
  <outline text="Arabic news" title="Arabic news">
    <outline type="rss" text="الجزيرة" xmlUrl="https://www.aljazeera.net/feed" htmlUrl="https://www.aljazeera.net/" language="ar-QA"/>
    <outline type="rss" text="BBC" xmlUrl="http://feeds.bbci.co.uk/news/rss.xml"/>
  </outline>
  <outline type="rss" text="bad" xmlUrl="file:///etc/passwd"/>
  <outline text="folder without feeds"/>
</body></opml>""".encode()


def test_parse_opml_nested_folders() -> None:
    parsed = parse_opml(OPML)
    assert parsed.title == "قائمتي"
    assert [o.url for o in parsed.outlines] == [
        "https://www.aljazeera.net/feed",
        "http://feeds.bbci.co.uk/news/rss.xml",
    ]
    first = parsed.outlines[0]
    assert first.title == "الجزيرة" and first.site_url == "https://www.aljazeera.net/"
    assert first.language == "ar" and first.category == "Arabic news"
    assert "1 outline(s)" in (parsed.error or "")


def test_opml_round_trip_keeps_kind_and_country() -> None:
    outlines = [
        OpmlOutline(url="https://a.example/feed", title="أ", language="ar", country="EG"),
        OpmlOutline(url="https://b.example/news-sitemap.xml", kind="sitemap"),
        OpmlOutline(url="https://c.example/story", kind="page", site_url="https://c.example/"),
    ]
    again = parse_opml(build_opml(outlines))
    assert again.error is None
    assert [(o.url, o.kind, o.title, o.language, o.country) for o in again.outlines] == [
        ("https://a.example/feed", "feed", "أ", "ar", "EG"),
        ("https://b.example/news-sitemap.xml", "sitemap", None, None, None),
        ("https://c.example/story", "page", None, None, None),
    ]


def test_not_opml() -> None:
    assert "not OPML" in (parse_opml(b"<rss/>").error or "")
    assert parse_opml(b"").error == "empty body"


HOME = b"""<!doctype html><html><head>
<link rel="canonical" href="/ar/news/123">
<link rel="alternate" type="application/atom+xml" href="/atom.xml" title="Atom">
<link rel="alternate" type="application/rss+xml" href="https://news.example/rss.xml">
<link rel="alternate" hreflang="en" href="/en/">
<link rel="stylesheet" href="/s.css">
</head><body></body></html>"""


def test_discover_feeds_prefers_rss_and_resolves() -> None:
    assert discover_feeds("https://news.example/ar/", HOME) == (
        "https://news.example/rss.xml",
        "https://news.example/atom.xml",
    )
    assert discover_feeds("https://x.example/", b"") == ()


def test_find_canonical() -> None:
    assert find_canonical("https://news.example/ar/x", HOME) == "https://news.example/ar/news/123"
    assert find_canonical("https://news.example/", b"<html><head></head></html>") is None


def test_html_to_text() -> None:
    assert html_to_text("<p>اجتمع <b>القادة</b></p><script>x()</script>") == "اجتمع القادة"
    assert html_to_text(None) is None and html_to_text("plain") == "plain"


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTPS://News.Example/a?utm_source=x&utm_medium=rss&id=5#top",
            "https://news.example/a?id=5",
        ),
        ("https://news.example:443/a?fbclid=abc", "https://news.example/a"),
        ("http://news.example:8080/a?gclid=1&b=2&mc_cid=3", "http://news.example:8080/a?b=2"),
        ("https://news.example", "https://news.example/"),
        (
            "https://news.example/a?q=%D8%B9%D8%B1%D8%A8&x=a+b",
            "https://news.example/a?q=%D8%B9%D8%B1%D8%A8&x=a+b",
        ),
        ("https://مثال.example/خبر", "https://xn--mgbh0fb.example/خبر"),
        ("ftp://news.example/a", None),
        ("mailto:x@y", None),
        ("", None),
        ("https://news.example:99999/", None),
    ],
)
def test_canonicalize_url(url: str, canonical: str | None) -> None:
    assert canonicalize_url(url) == canonical


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=3000), gz=st.booleans())
def test_document_parsers_never_raise(data: bytes, gz: bool) -> None:
    payload = gzip.compress(data) if gz else data
    assert isinstance(parse_sitemap("https://x.example/s", payload), ParsedSitemap)
    parse_opml(data)
    discover_feeds("https://x.example/", data)
    find_canonical("https://x.example/", data)


@settings(max_examples=100, deadline=None)
@given(seed=st.sampled_from([NEWS_SITEMAP, SITEMAP_INDEX, OPML, HOME]), cut=st.integers(0, 2000))
def test_truncated_documents_never_raise(seed: bytes, cut: int) -> None:
    parse_sitemap("https://x.example/s", seed[:cut])
    parse_opml(seed[:cut])
    discover_feeds("https://x.example/", seed[:cut])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_canonicalize_never_raises(text: str) -> None:
    result = canonicalize_url(text, "https://base.example/dir/")
    assert result is None or result.startswith(("http://", "https://"))
