"""``extract_article``: one fetched page in, the article (text and metadata) out.

Steps, in order: bound the input (size, binary, encoding; plain text becomes paragraphs) ->
parse once with lxml -> read the declared metadata (JSON-LD, OpenGraph, meta tags), trafilatura's
cheap metadata helpers and the link-only blocks -> trafilatura's fast pass on a copy of the tree
(its full pass only when the fast one finds little or a menu) -> our cleanup (cleanup.py) ->
dates (declared, htmldate, Arabic month names, the feed's date, htmldate's extensive search) ->
language of text and title.

Bounded time: extraction runs in a worker thread and the caller waits at most ``timeout``
seconds. Python cannot kill a thread, so a page that overruns keeps its worker busy until
trafilatura returns; the size cap (``max_bytes``) and lxml's depth limit (256) keep that finite.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, replace
from datetime import datetime
from html import escape as html_escape
from urllib.parse import urljoin, urlsplit

from lxml.etree import LxmlError
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.utils import load_html

from marsad.extract.cleanup import (
    PageHints,
    clean_blocks,
    normalize_line,
    split_blocks,
    split_byline,
)
from marsad.extract.decode import decode_html
from marsad.extract.langid import LanguageDetector, default_detector
from marsad.extract.metadata import (
    PageMetadata,
    find_arabic_date,
    guess_date_extensively,
    guess_metadata,
    read_page_metadata,
)
from marsad.ingest.plaintext import BIDI_CONTROLS, strip_bidi_controls
from marsad.models import ExtractionStatus

log = logging.getLogger(__name__)

# 10 MiB, the fetcher's default max_body_bytes: the largest real news pages we saw (inline
# scripts and SVG) are 3-4 MiB; beyond 10 MiB parsing alone takes seconds.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_TIMEOUT = 5.0
# An article shorter than this (characters of cleaned text) is no article (a stub, a gallery).
MIN_TEXT_CHARS = 40
# A fast-pass text shorter than this gets trafilatura's full pass (see _trafilatura_text).
# 800 measured best of 800/1500/2000 (bench/extract, every 3rd trafilatura-eval page): AEB F1
# 0.965 at 1.07x bare time, trafilatura-eval F1 0.921 at 1.08x; 2000 cost 1.25-1.3x for no gain.
RETRY_BELOW_CHARS = 800
# A fast-pass text of at least MENU_MIN_LINES lines, more than MENU_SHORT_SHARE of them under
# MENU_LINE_CHARS characters, is a menu (AEB page f6ac15...: 300 menu entries, 0.16 F1); real
# articles, even with lists, stay under a third of such lines on AEB and trafilatura-eval.
MENU_MIN_LINES = 20
MENU_LINE_CHARS = 25
MENU_SHORT_SHARE = 0.6
# Lead taken from the text when the page declares no description.
MAX_LEAD_CHARS = 400
_BLOCK_TAGS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div", "td", "dd", "dt"})
_INLINE_TAGS = frozenset({"strong", "b", "em", "i", "span", "u", "font", "small"})
_MAX_LINKS = 3000
_MIN_LINK_CHARS = 12  # "Home", "Next" are navigation, handled by trafilatura; headlines are longer
_DATE_HOLDERS_XPATH = (
    "//time | //*[contains(@class, 'date') or contains(@class, 'time') "
    "or contains(@class, 'publish') or contains(@class, 'meta')]"
)
_BYLINE_PREFIX_RE = re.compile(
    r"^\s*(?:by|written\s+by|بقلم|كتب|كتبت|كتبه|تحرير|إعداد|اعداد|تقرير|حوار|متابعة)\b\s*[:\-–—]?\s*",
    re.IGNORECASE,
)
_MARKUP_RE = re.compile(r"<\s*(?:!doctype|html|head|body|div|p|article|meta|title)\b", re.I)
_SNIFF_CHARS = 5000
_SENTENCE_END_RE = re.compile(r"[.!?؟:]\s*[\"»”']?\s*$")
MAX_HEADLINE_CHARS = 200
_ZWNJ = "\u200c"
# trafilatura drops every non-printable character (ZWNJ, private use); this printable alchemical
# symbol survives it and no news page uses it.
_ZWNJ_STANDIN = "\U0001f76c"
# C0 controls, and the bidi embedding/override/isolate controls (see marsad.ingest.plaintext);
# the fields are cleaned again at the end, for those spelled as character references.
_CONTROL_RE = re.compile(f"[\x00-\x08\x0b\x0e-\x1f{BIDI_CONTROLS}]")
_TITLE_SEPARATORS_RE = re.compile(r"\s+[|\-–—:»«·•]\s+")
# Trafilatura options, tuned on bench/extract/aeb.py and treval.py (figures in aeb.py's
# docstring): comments are never the article; tables are (results, schedules); favor_precision
# lost recall (AEB F1 0.964 full pass, 0.946 with the fast pass) and favor_recall let menus in.
_TRAFILATURA_OPTIONS = {
    "include_comments": False,
    "include_tables": True,
    "with_metadata": False,  # see metadata.guess_metadata
    "favor_recall": False,
    "favor_precision": False,
}


@dataclass(frozen=True)
class ExtractedArticle:
    """What one page gave. ``status`` says whether it holds an article (``ok``) and, if not,
    why (``reason``, a short English phrase). Dates are aware UTC; language is ISO 639-1."""

    url: str
    status: ExtractionStatus
    reason: str | None = None
    title: str | None = None
    text: str | None = None  # paragraphs separated by blank lines
    summary: str | None = None
    author: str | None = None
    published: datetime | None = None
    modified: datetime | None = None
    image: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    language: str | None = None
    title_language: str | None = None
    encoding: str | None = None
    # a problem that did not stop extraction (a declared charset that lied), for the record
    warning: str | None = None
    # lines removed because the source's learned boilerplate holds them (see lines_for_learning)
    boilerplate_removed: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status is ExtractionStatus.OK


def lines_for_learning(article: ExtractedArticle) -> list[str]:
    """What to feed the source's ``BoilerplateLearner.add``: the text's blocks plus the learned
    lines this extraction removed (without them, learned lines would fade out of the counts)."""
    blocks = [b for b in (article.text or "").split("\n\n") if b.strip()]
    return blocks + list(article.boilerplate_removed)


def extract_article(
    html: str | bytes,
    url: str,
    *,
    feed_published: datetime | None = None,
    source_boilerplate: frozenset[str] = frozenset(),
    timeout: float | None = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    detector: LanguageDetector | None = None,
    declared_charset: str | None = None,
) -> ExtractedArticle | None:
    """The article in ``html`` fetched from ``url``, or None when the page holds none.

    The contract of the extraction issue; :func:`extract_page` is the same call that always
    returns a result carrying its ``status`` (the crawler records it, never drops a page).
    """
    result = extract_page(
        html,
        url,
        feed_published=feed_published,
        source_boilerplate=source_boilerplate,
        timeout=timeout,
        max_bytes=max_bytes,
        detector=detector,
        declared_charset=declared_charset,
    )
    return result if result.ok else None


def extract_page(
    html: str | bytes,
    url: str,
    *,
    feed_published: datetime | None = None,
    source_boilerplate: frozenset[str] = frozenset(),
    timeout: float | None = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    detector: LanguageDetector | None = None,
    declared_charset: str | None = None,
) -> ExtractedArticle:
    """Extract within ``timeout`` seconds (None: no limit). Never raises for bad input.
    ``declared_charset``: the HTTP header's charset, if any (a page's own meta tag is read)."""

    def work() -> ExtractedArticle:
        return _extract(
            html,
            url,
            feed_published,
            source_boilerplate,
            max_bytes,
            detector or default_detector(),
            declared_charset,
        )

    if timeout is None:
        return _guarded(work, url)
    box: list[ExtractedArticle] = []
    worker = threading.Thread(
        target=lambda: box.append(_guarded(work, url)), name="marsad-extract", daemon=True
    )
    worker.start()
    worker.join(timeout)
    if box:
        return box[0]
    log.warning("extraction of %s passed %.1fs", url, timeout)
    return ExtractedArticle(
        url=url,
        status=ExtractionStatus.TIMEOUT,
        reason=f"extraction took longer than {timeout:g}s",
        published=feed_published,
    )


def _guarded(work: object, url: str) -> ExtractedArticle:
    try:
        return work()  # type: ignore[operator, no-any-return]
    except (ValueError, TypeError, LookupError, RecursionError, MemoryError, LxmlError) as exc:
        # trafilatura and lxml raise these on hostile markup; the batch goes on.
        log.info("extraction of %s failed: %r", url, exc)
        return ExtractedArticle(url=url, status=ExtractionStatus.BAD_INPUT, reason=repr(exc)[:200])


def _extract(
    html: str | bytes,
    url: str,
    feed_published: datetime | None,
    source_boilerplate: frozenset[str],
    max_bytes: int,
    detector: LanguageDetector,
    declared_charset: str | None = None,
) -> ExtractedArticle:
    size = len(html) if isinstance(html, bytes) else len(html) * 2  # chars -> rough bytes
    failed = ExtractedArticle(url=url, status=ExtractionStatus.BAD_INPUT, published=feed_published)
    if size > max_bytes:
        return replace(failed, reason=f"page larger than {max_bytes} bytes")
    decoded = decode_html(html, declared_charset)
    if decoded.problem:
        return replace(failed, reason=f"{decoded.problem} input")
    # trafilatura deletes zero-width non-joiners, which Persian and Urdu spell with
    # ("بین‌المللی" is not "بینالمللی"): a stand-in survives and is turned back.
    text = _CONTROL_RE.sub("", decoded.text).replace(_ZWNJ, _ZWNJ_STANDIN)
    if not text.strip():
        return replace(failed, reason="empty input")
    plain = not _MARKUP_RE.search(text[:_SNIFF_CHARS])
    if plain:
        text = plain_text_to_html(text)
    tree = load_html(text)
    if tree is None:
        return replace(failed, reason="not HTML")
    meta = read_page_metadata(tree)
    guessed = guess_metadata(tree, url, meta)
    hints_links = link_only_texts(tree)
    raw_text = _trafilatura_text(tree, url).replace(_ZWNJ_STANDIN, _ZWNJ)
    site_name = meta.site_name or guessed.site_name
    title = _spelled_as_page(_pick_title(meta, guessed.title, site_name), tree, meta)
    if title:
        title = title.replace(_ZWNJ_STANDIN, _ZWNJ)
    hints = PageHints(
        title=title,
        site_name=site_name,
        hostname=urlsplit(url).hostname,
        description=meta.description,
        link_texts=hints_links,
    )
    learned_hits: list[str] = []
    cleaned = clean_blocks(split_blocks(raw_text), hints, source_boilerplate, learned_hits)
    blocks, byline = split_byline(cleaned)
    if plain and not title and len(blocks) > 1 and _looks_like_headline(blocks[0]):
        title, blocks = blocks[0], blocks[1:]  # a saved text opens with its headline
    body = "\n\n".join(blocks)
    published = (
        meta.published
        or guessed.date
        or find_arabic_date(_date_zone_text(tree, body))
        or feed_published
        or guess_date_extensively(tree, url)
    )
    author = clean_author(guessed.author or meta.author or byline)
    lang = _language(detector, title, body, meta.lang_hint)
    result = ExtractedArticle(
        url=url,
        status=ExtractionStatus.OK,
        title=title,
        text=body or None,
        summary=_lead(meta.description, blocks),
        author=author,
        published=published,
        modified=meta.modified,
        image=_absolute(url, meta.image),
        canonical_url=_absolute(url, meta.canonical_url) or url,
        site_name=site_name,
        language=lang,
        # the body's language is the best hint for a short title
        title_language=detector.detect(title, lang or meta.lang_hint) if title else None,
        encoding=decoded.encoding,
        warning=decoded.note,
        boilerplate_removed=tuple(learned_hits),
    )
    result = _put_back_zwnj(result)
    if len(body) < MIN_TEXT_CHARS:
        return replace(result, status=ExtractionStatus.NO_ARTICLE, reason="no article text found")
    return result


def _put_back_zwnj(result: ExtractedArticle) -> ExtractedArticle:
    """The ZWNJ stand-in turned back, and no bidi control left (``&#x202e;`` in the markup)."""
    changes = {
        name: strip_bidi_controls(value.replace(_ZWNJ_STANDIN, _ZWNJ))
        for name in ("title", "text", "summary", "author", "site_name")
        if isinstance(value := getattr(result, name), str)
        and (_ZWNJ_STANDIN in value or any(ch in value for ch in BIDI_CONTROLS))
    }
    return replace(result, **changes) if changes else result  # type: ignore[arg-type]


def plain_text_to_html(text: str) -> str:
    """Plain text (a saved article, a paste) as a page of paragraphs: blank lines separate them."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    body = "".join(f"<p>{html_escape(p)}</p>" for p in paragraphs)
    return f"<html><body><article>{body}</article></body></html>"


def _looks_like_headline(block: str) -> bool:
    return len(block) <= MAX_HEADLINE_CHARS and not _SENTENCE_END_RE.search(block)


def _trafilatura_text(tree: HtmlElement, url: str) -> str:
    """Trafilatura's fast pass; its full pass (readability and jusText compared) only when the
    fast one found little. Calibrated on AEB and trafilatura-eval (bench/extract): the fast
    pass alone scores higher on AEB news pages and costs half; the full pass wins back the
    pages where the fast one misses the body, and those give short texts."""
    document = bare_extraction(tree, url=url, fast=True, **_TRAFILATURA_OPTIONS)  # type: ignore[arg-type]
    text = getattr(document, "text", None) or ""
    menu_like = _looks_like_menu(text)
    if len(text) < RETRY_BELOW_CHARS or menu_like:
        document = bare_extraction(tree, url=url, fast=False, **_TRAFILATURA_OPTIONS)  # type: ignore[arg-type]
        fuller = getattr(document, "text", None) or ""
        if len(fuller) > len(text) or (menu_like and len(fuller) >= MIN_TEXT_CHARS):
            text = fuller
    return text


def _looks_like_menu(text: str) -> bool:
    """Mostly very short lines: the fast pass took a navigation menu for the article."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < MENU_MIN_LINES:
        return False
    short = sum(1 for line in lines if len(line) < MENU_LINE_CHARS)
    return short > MENU_SHORT_SHARE * len(lines)


def link_only_texts(tree: HtmlElement) -> frozenset[str]:
    """Normalised texts of blocks that are one link and nothing else (linked headlines)."""
    found: set[str] = set()
    for count, anchor in enumerate(tree.iter("a")):
        if count >= _MAX_LINKS:
            break
        if anchor.tail and anchor.tail.strip():
            continue  # text after the link: a link inside a sentence
        parent = anchor.getparent()
        if parent is not None and parent.text and parent.text.strip():
            continue  # text before the link
        anchor_text = " ".join(anchor.text_content().split())
        if len(anchor_text) < _MIN_LINK_CHARS:
            continue
        # climb through inline wrappers (<p><strong><a>) to the block holding the link
        for _ in range(3):
            if parent is None or parent.tag not in _INLINE_TAGS:
                break
            parent = parent.getparent()
        if parent is None or parent.tag not in _BLOCK_TAGS:
            continue
        if " ".join(parent.text_content().split()) == anchor_text:
            found.add(normalize_line(anchor_text))
    return frozenset(found)


def _spelled_as_page(title: str | None, tree: HtmlElement, meta: PageMetadata) -> str | None:
    """trafilatura's title cleaning drops the ZWNJ stand-in: take the page's own spelling."""
    if not title:
        return title
    candidates = [meta.title, tree.findtext(".//h1"), tree.findtext(".//title")]
    for candidate in candidates:
        if not candidate or _ZWNJ_STANDIN not in candidate:
            continue
        for part in [candidate, *_TITLE_SEPARATORS_RE.split(candidate)]:
            spelled = " ".join(part.split())
            if spelled.replace(_ZWNJ_STANDIN, "") == title:
                return spelled
    return title


def clean_author(author: str | None) -> str | None:
    """An author name without the byline words around it ("بقلم:", "كتب -", "By")."""
    if not author:
        return None
    name = _BYLINE_PREFIX_RE.sub("", author).strip(" :-–—|،,")
    return name or None


def _pick_title(meta: PageMetadata, extracted: str | None, site_name: str | None) -> str | None:
    """Trafilatura's title (it already cuts most site-name suffixes), else the declared one;
    a leading or trailing "| Site Name" left over is cut."""
    title = extracted or meta.title
    if not title:
        return None
    if site_name:
        site_key = normalize_line(site_name)
        separators = list(_TITLE_SEPARATORS_RE.finditer(title))
        if separators:
            last, first = separators[-1], separators[0]
            if normalize_line(title[last.end() :]) == site_key:
                title = title[: last.start()]
            elif normalize_line(title[: first.start()]) == site_key:
                title = title[first.end() :]
    return title.strip() or None


def _date_zone_text(tree: HtmlElement, body: str) -> str:
    """Where a page prints its date: time elements, date/meta-classed elements, the body's top."""
    pieces: list[str] = []
    for element in tree.xpath(_DATE_HOLDERS_XPATH)[:30]:
        pieces.append(element.get("datetime") or "")
        pieces.append(element.text_content()[:200])
    pieces.append(body[:3000])
    return "\n".join(pieces)


def _language(
    detector: LanguageDetector, title: str | None, body: str, hint: str | None
) -> str | None:
    # Long bodies decide alone; short ones lean on the title too.
    sample = body[:1000] if len(body) >= 200 else f"{title or ''}\n{body}"
    return detector.detect(sample.replace("\n", " "), hint)


def _lead(description: str | None, blocks: list[str]) -> str | None:
    if description and len(description) >= MIN_TEXT_CHARS:
        return description
    if not blocks:
        return description
    first = blocks[0]
    return first if len(first) <= MAX_LEAD_CHARS else first[:MAX_LEAD_CHARS].rsplit(" ", 1)[0] + "…"


def _absolute(base: str, link: str | None) -> str | None:
    if not link:
        return None
    absolute = urljoin(base, link.strip())
    return absolute if absolute.startswith(("http://", "https://")) else None
