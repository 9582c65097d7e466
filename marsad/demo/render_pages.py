"""HTML of the demo outlets: article pages shaped like real news sites, home pages, robots.txt.

Pages carry what real ones do and what Marsad's extractor has to see through: navigation, a
byline, a figure, the body in ``<p>`` elements, a newsletter box, a "Read more" block, a footer,
OpenGraph tags and a JSON-LD ``NewsArticle``. Every text is escaped.
"""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING

from marsad.demo import pictures

if TYPE_CHECKING:
    from marsad.demo.corpus import DemoArticle, DemoCorpus, Outlet

RELATED_LINKS = 3

# Interface words of the two languages the outlets write in.
_WORDS = {
    "ar": {
        "nav": ("الرئيسية", "العالم", "الشرق الأوسط", "اقتصاد", "رياضة", "ثقافة"),
        "read_more": "اقرأ أيضا",
        "by": "بقلم",
        "published": "نشر في",
        "newsletter": "اشترك في نشرتنا اليومية لتصلك أهم الأخبار صباح كل يوم.",
        "subscribe": "اشترك",
        "rights": "جميع الحقوق محفوظة",
        "latest": "آخر الأخبار",
        "share": "شارك",
    },
    "en": {
        "nav": ("Home", "World", "Politics", "Business", "Sport", "Culture"),
        "read_more": "Read more",
        "by": "By",
        "published": "Published",
        "newsletter": "Sign up for our morning briefing: the day's essential news in your inbox.",
        "subscribe": "Subscribe",
        "rights": "All rights reserved",
        "latest": "Latest news",
        "share": "Share",
    },
}


def article_path(outlet: Outlet, article: DemoArticle) -> str:
    return f"{outlet.path}/news/{article.slug}.html"


def image_path(outlet: Outlet, article: DemoArticle) -> str:
    return f"{outlet.path}/images/{article.slug}.jpg"


def _words(outlet: Outlet) -> dict:
    return _WORDS["ar" if outlet.language == "ar" else "en"]


def _dir(language: str) -> str:
    return "rtl" if language == "ar" else "ltr"


def _header(outlet: Outlet, base: str) -> str:
    nav = "".join(
        f'<li><a href="{escape(base + outlet.path)}/#s{i}">{escape(label)}</a></li>'
        for i, label in enumerate(_words(outlet)["nav"])
    )
    return (
        f'<header class="site-header"><a class="logo" href="{escape(base + outlet.path)}/">'
        f'{escape(outlet.name)}</a><p class="tagline">{escape(outlet.tagline)}</p>'
        f'<nav class="main-nav"><ul>{nav}</ul></nav></header>'
    )


def _footer(outlet: Outlet, year: int) -> str:
    words = _words(outlet)
    return (
        f'<footer class="site-footer"><p>&copy; {year} {escape(outlet.name)}. '
        f"{escape(words['rights'])}.</p></footer>"
    )


def _feed_link(outlet: Outlet, base: str) -> str:
    kind = {
        "rss": "application/rss+xml",
        "atom": "application/atom+xml",
        "json": "application/feed+json",
    }.get(outlet.feed_kind)
    if kind is None:
        return ""
    return (
        f'<link rel="alternate" type="{kind}" title="{escape(outlet.name)}" '
        f'href="{escape(base + outlet.feed_path())}">'
    )


def summary(article: DemoArticle, limit: int = 200) -> str:
    """The lead paragraph cut to ``limit`` characters at a word boundary."""
    lead = article.paragraphs[0]
    if len(lead) <= limit:
        return lead
    return lead[:limit].rsplit(" ", 1)[0] + "…"


def related(article: DemoArticle, siblings: list[DemoArticle]) -> list[DemoArticle]:
    """Other articles of the outlet for "Read more": same story first, then the newest."""
    others = [a for a in siblings if a.slug != article.slug]
    same = [a for a in others if a.story == article.story]
    rest = [a for a in others if a.story != article.story]
    return (same + rest)[:RELATED_LINKS]


def article_page(
    outlet: Outlet, article: DemoArticle, siblings: list[DemoArticle], base: str
) -> bytes:
    """The article's HTML page."""
    words = _words(outlet)
    url = base + article_path(outlet, article)
    image = base + image_path(outlet, article)
    published = article.published.isoformat().replace("+00:00", "Z")
    description = summary(article)
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": description,
        "datePublished": published,
        "dateModified": published,
        "inLanguage": article.language,
        "author": {"@type": "Person", "name": article.author},
        "publisher": {"@type": "Organization", "name": outlet.name, "url": base + outlet.path},
        "image": [image],
        "mainEntityOfPage": url,
    }
    body = "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
    more = "".join(
        f'<li><a href="{escape(base + article_path(outlet, r))}">{escape(r.title)}</a></li>'
        for r in related(article, siblings)
    )
    html = f"""<!DOCTYPE html>
<html lang="{article.language}" dir="{_dir(article.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(article.title)} | {escape(outlet.name)}</title>
<meta name="description" content="{escape(description)}">
<meta name="author" content="{escape(article.author)}">
<link rel="canonical" href="{escape(url)}">
{_feed_link(outlet, base)}
<meta property="og:type" content="article">
<meta property="og:site_name" content="{escape(outlet.name)}">
<meta property="og:title" content="{escape(article.title)}">
<meta property="og:description" content="{escape(description)}">
<meta property="og:url" content="{escape(url)}">
<meta property="og:image" content="{escape(image)}">
<meta property="og:image:alt" content="{escape(article.image)}">
<meta property="og:locale" content="{"ar_AR" if article.language == "ar" else "en_US"}">
<meta property="article:published_time" content="{published}">
<meta property="article:author" content="{escape(article.author)}">
<script type="application/ld+json">{_json_ld(ld)}</script>
</head>
<body>
{_header(outlet, base)}
<main>
<article class="story">
<h1 class="headline">{escape(article.title)}</h1>
<div class="byline"><span class="author">{escape(words["by"])} {escape(article.author)}</span>
<time datetime="{published}">{escape(words["published"])} {article.published:%Y-%m-%d %H:%M} UTC</time></div>
<figure><img src="{escape(image)}" alt="{escape(article.image)}" width="{pictures.WIDTH}" height="{pictures.HEIGHT}">
<figcaption>{escape(article.image)}</figcaption></figure>
<div class="article-body">
{body}
</div>
<div class="share">{escape(words["share"])}: <a href="#">X</a> <a href="#">Facebook</a> <a href="#">WhatsApp</a></div>
</article>
<aside class="newsletter"><p>{escape(words["newsletter"])}</p><button type="button">{escape(words["subscribe"])}</button></aside>
<aside class="related"><h2>{escape(words["read_more"])}</h2><ul>{more}</ul></aside>
</main>
{_footer(outlet, article.published.year)}
</body>
</html>
"""
    return html.encode("utf-8")


def _json_ld(data: dict) -> str:
    # "</script" or "<!--" inside a script element would end or confuse it: JSON lets us write
    # the markup characters as \u escapes instead.
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def home_page(outlet: Outlet, articles: list[DemoArticle], base: str) -> bytes:
    """The outlet's front page: its latest articles, newest first."""
    words = _words(outlet)
    items = "".join(
        f'<li><a href="{escape(base + article_path(outlet, a))}">{escape(a.title)}</a>'
        f"<p>{escape(summary(a, 140))}</p></li>"
        for a in articles
    )
    year = articles[0].published.year if articles else 2026
    html = f"""<!DOCTYPE html>
<html lang="{outlet.language}" dir="{_dir(outlet.language)}">
<head>
<meta charset="utf-8">
<title>{escape(outlet.name)}</title>
{_feed_link(outlet, base)}
</head>
<body>
{_header(outlet, base)}
<main><h1>{escape(words["latest"])}</h1><ul class="latest">{items}</ul></main>
{_footer(outlet, year)}
</body>
</html>
"""
    return html.encode("utf-8")


def image_jpeg(article: DemoArticle) -> bytes:
    """The article's lead picture: a small JPEG drawn for it (``marsad.demo.pictures``)."""
    return pictures.picture_jpeg(article.story, article.slug)


def robots(corpus: DemoCorpus, base: str) -> bytes:
    """robots.txt allowing everything and naming the news sitemaps."""
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Sitemap: {base}{o.feed_path()}" for o in corpus.outlets if o.feed_kind == "sitemap"]
    return ("\n".join(lines) + "\n").encode("utf-8")


__all__ = [
    "article_page",
    "article_path",
    "home_page",
    "image_jpeg",
    "image_path",
    "related",
    "robots",
    "summary",
]
