"""Hostile source content never becomes markup; headers lock the page down."""

from __future__ import annotations

from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from .helpers import Filled

# Inline SVG the site draws itself (marsad/web/worldmap.py, marsad/web/sparkline.py).
SITE_SVG = {"world-map", "sparkline"}


class _MarkupAudit(HTMLParser):
    """Collects what a browser would act on: tags, event handlers, link schemes."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg" and dict(attrs).get("class") in SITE_SVG:
            return  # the site's own map and charts (their contents are still audited)
        if tag in ("script", "style", "iframe", "object", "embed", "svg", "img", "base"):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name == "style":
                self.problems.append(f"{tag}[style]")
            if name in ("href", "src", "action") and value:
                scheme = value.strip().lower().split(":", 1)[0] if ":" in value else ""
                if scheme and scheme not in ("http", "https"):
                    self.problems.append(f"{tag}[{name}={value[:30]}]")


def audit(html: str) -> list[str]:
    parser = _MarkupAudit()
    parser.feed(html)
    parser.close()
    return parser.problems


def hostile_paths(filled: Filled) -> list[str]:
    return [
        "/",
        f"/articles/{filled.articles['evil']}",
        f"/stories/{filled.stories['evil']}",
        f"/sources/{filled.sources['evil']}",
        "/sources",
        "/countries/GB",
        "/search?q=" + "<script>alert(1)</script>",
        "/search?q=عنوان",
    ]


def test_no_source_markup_reaches_the_page(client: TestClient, filled: Filled) -> None:
    for path in hostile_paths(filled):
        response = client.get(path)
        assert response.status_code == 200, path
        assert audit(response.text) == [], path
    text = client.get(f"/articles/{filled.articles['evil']}").text
    assert "&lt;script&gt;" in text  # shown as text, escaped
    assert "javascript:alert(4)" not in text  # the article's bad URL is not linked at all


def test_feeds_escape_hostile_titles(client: TestClient, filled: Filled) -> None:
    story = filled.stories["evil"]
    rss = ElementTree.fromstring(client.get(f"/stories/{story}/feeds/rss.xml").content)
    item = rss.find("channel/item")
    assert item is not None
    # Readers treat an RSS description as HTML: once XML-decoded it must hold no markup.
    description = item.findtext("description") or ""
    assert "javascript:alert(3)" in description and audit(description) == []
    assert (item.findtext("title") or "").startswith("<script>")  # title is text in RSS
    assert "javascript:" not in (item.findtext("link") or "")
    atom = ElementTree.fromstring(client.get(f"/stories/{story}/feeds/atom.xml").content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    summary = atom.find("a:entry/a:summary", ns)
    assert summary is not None and summary.get("type") == "text"
    for link in atom.iterfind("a:entry/a:link", ns):
        assert (link.get("href") or "").startswith("http")
    json_body = client.get(f"/stories/{story}/feeds/feed.json").json()
    assert json_body["items"][0]["title"].startswith("<script>")  # text, for text fields
    assert "content_html" not in json_body["items"][0]
    assert json_body["items"][0]["url"].startswith("http://testserver/articles/")


def test_security_headers_on_pages_and_api(client: TestClient) -> None:
    for path in ("/", "/api/v1/stories", "/stories/999999", "/feeds/rss.xml"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp
        assert "script-src" not in csp  # no script allowed at all
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://example.org/a", "http://example.org/a"),
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("javascript:alert(1)", None),
        ("JAVASCRIPT:alert(1)", None),
        (" javascript:alert(1)", None),
        ("java\x00script:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//evil.example/x", None),
        ('http://example.org/"onmouseover="x', None),
        ("", None),
    ],
)
def test_safe_href(url: str, expected: str | None) -> None:
    from marsad.web.render import safe_href

    assert safe_href(url) == expected


def test_sanitize_html_keeps_text_drops_script() -> None:
    from marsad.web.render import sanitize_html

    cleaned = str(
        sanitize_html(
            '<p onclick="x()">نص <a href="javascript:alert(1)">رابط</a>'
            '<script>alert(1)</script><a href="https://ok.example/">ok</a><b>مكسور'
        )
    )
    assert "<script" not in cleaned and "onclick" not in cleaned and "javascript:" not in cleaned
    assert 'href="https://ok.example/"' in cleaned
    assert "نص" in cleaned and "مكسور" in cleaned


def test_audit_catches_what_it_should() -> None:
    assert audit('<p onclick="x">a</p><script></script><a href="javascript:x">b</a>') == [
        "p[onclick]",
        "<script>",
        "a[href=javascript:x]",
    ]
    assert audit("<p>&lt;script&gt; onerror=alert(1)</p>") == []


@given(st.text(max_size=200))
def test_safe_href_only_ever_returns_http_urls(url: str) -> None:
    from marsad.web.render import safe_href

    result = safe_href(url)
    assert result is None or result.lower().startswith(("http://", "https://"))
    if result is not None:
        assert not any(ch in result for ch in ' "<>\n\t')


@given(st.text(max_size=300))
def test_sanitize_html_never_lets_a_handler_through(html: str) -> None:
    from marsad.web.render import sanitize_html

    assert audit(str(sanitize_html(html + "<b onclick=x>y</b>"))) == []
