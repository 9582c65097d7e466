"""Sparklines: a story's articles per hour (one line per language) and a source's articles per
day over the last 14 days, as small inline SVGs.

No JavaScript and nothing the CSP forbids: colours come from classes in ``/static/style.css``.
Each chart is ``role="img"`` with an ``aria-label`` (and a ``<title>``, its tooltip) that says
the numbers in words, so a screen reader hears what the line shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from html import escape
from typing import TYPE_CHECKING

from markupsafe import Markup

from marsad.models import Article

if TYPE_CHECKING:
    from marsad.web.formats import Formats
    from marsad.web.i18n import Translator

# A story's chart covers at most its last week, hour by hour (168 points stay legible at
# 30 rem); older hours of a long-running story are left out, and the label says from when.
STORY_MAX_HOURS = 168
SOURCE_DAYS = 14
# Articles a source page reads for its chart (newest first) when its first page does not reach
# back 14 days; past this the chart says it shows only the newest ones. 700 covers a source
# publishing 50 a day (the 100k bench store's sources publish about 17).
SOURCE_SCAN = 700
HEIGHT = 40
STEP = 6  # view box units between two points


@dataclass(frozen=True)
class Series:
    key: str  # language code, or "" for a source's single line
    counts: tuple[int, ...]


def _when(article: Article) -> datetime | None:
    value = article.published_at or article.created_at
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def hourly_series(
    articles: Iterable[Article],
) -> tuple[datetime | None, list[Series]]:
    """Per language, articles per hour from the first article's hour (or the last week's start)
    to the last one's; the start hour and the series, Arabic first then English then the rest."""
    dated = [(w, a.language or "") for a in articles if (w := _when(a)) is not None]
    if not dated:
        return None, []
    last = max(w for w, _ in dated).replace(minute=0, second=0, microsecond=0)
    first = min(w for w, _ in dated).replace(minute=0, second=0, microsecond=0)
    first = max(first, last - timedelta(hours=STORY_MAX_HOURS - 1))
    hours = int((last - first).total_seconds() // 3600) + 1
    counts: dict[str, list[int]] = {}
    for when, lang in dated:
        index = int((when - first).total_seconds() // 3600)
        if 0 <= index < hours:
            counts.setdefault(lang, [0] * hours)[index] += 1
    order = sorted(counts, key=lambda code: (code != "ar", code != "en", code))
    return first, [Series(code, tuple(counts[code])) for code in order]


def daily_series(
    articles: Iterable[Article], *, now: datetime, zone: tzinfo, days: int = SOURCE_DAYS
) -> tuple[datetime, Series]:
    """Articles per day (in the display time zone) for the ``days`` days ending today."""
    today = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    first = today - timedelta(days=days - 1)
    counts = [0] * days
    for article in articles:
        when = _when(article)
        if when is None:
            continue
        index = (when.astimezone(zone).date() - first.date()).days
        if 0 <= index < days:
            counts[index] += 1
    return first, Series("", tuple(counts))


def covers_days(
    articles: Sequence[Article], limit: int, *, now: datetime, days: int = SOURCE_DAYS
) -> bool:
    """Whether ``articles`` (newest first, read with ``limit``) hold every article of the last
    ``days`` days: fewer than the limit came back, or the oldest is older than the window."""
    if len(articles) < limit:
        return True
    oldest = _when(articles[-1])
    return oldest is not None and oldest < now - timedelta(days=days)


def _points(counts: Sequence[int], top: int) -> str:
    values = list(counts) if len(counts) > 1 else [counts[0], counts[0]]
    return " ".join(
        f"{i * STEP},{HEIGHT - 2 - round((HEIGHT - 4) * v / top) if top else HEIGHT - 2}"
        for i, v in enumerate(values)
    )


def render_sparkline(series: Sequence[Series], label: str) -> Markup:
    """The chart as inline SVG: one polyline per series, its class ``spark-<key>``."""
    if not series:
        return Markup("")
    length = max(len(s.counts) for s in series)
    top = max((max(s.counts) for s in series), default=0)
    width = max(length - 1, 1) * STEP
    lines = "".join(
        f'<polyline class="spark-{escape(s.key or "all")}" points="{_points(s.counts, top)}" '
        'vector-effect="non-scaling-stroke"/>'
        for s in series
    )
    text = escape(label)
    return Markup(
        f'<svg class="sparkline" viewBox="0 -1 {width} {HEIGHT + 2}" preserveAspectRatio="none" '
        f'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{text}">'
        f"<title>{text}</title>{lines}</svg>"
    )


def story_sparkline(
    articles: Sequence[Article],
    tr: Translator,
    fmt: Formats,
    language_name: Callable[[str], str],
) -> dict[str, object] | None:
    """The story page's chart and its legend, or None for a story without dated articles."""
    first, series = hourly_series(articles)
    if first is None:
        return None
    end = first + timedelta(hours=len(series[0].counts) - 1)
    lines = ("؛ " if tr.lang == "ar" else "; ").join(
        tr(
            "spark.story_line",
            language=language_name(s.key),
            total=tr.plural("count.articles", sum(s.counts)),
            peak=fmt.number(max(s.counts)),
        )
        for s in series
    )
    label = tr(
        "spark.story_label",
        start=f"{fmt.date(first)} {fmt.time(first)}",
        end=f"{fmt.date(end)} {fmt.time(end)}",
        lines=lines,
    )
    return {
        "svg": render_sparkline(series, label),
        "legend": [(s.key, language_name(s.key), sum(s.counts)) for s in series],
    }


def source_sparkline(
    articles: Sequence[Article], tr: Translator, fmt: Formats, *, now: datetime, partial: bool
) -> dict[str, object]:
    """The source page's chart of the last 14 days."""
    first, series = daily_series(articles, now=now, zone=fmt.zone)
    end = first + timedelta(days=SOURCE_DAYS - 1)
    days = ("، " if tr.lang == "ar" else ", ").join(fmt.number(n) for n in series.counts)
    label = tr(
        "spark.source_label",
        start=fmt.date(first),
        end=fmt.date(end),
        total=tr.plural("count.articles", sum(series.counts)),
        peak=fmt.number(max(series.counts)),
        days=days,
    )
    if partial:
        label += " " + tr("spark.source_partial", n=fmt.number(len(articles)))
    return {"svg": render_sparkline([series], label), "total": sum(series.counts)}


__all__ = [
    "SOURCE_DAYS",
    "SOURCE_SCAN",
    "STORY_MAX_HOURS",
    "Series",
    "covers_days",
    "daily_series",
    "hourly_series",
    "render_sparkline",
    "source_sparkline",
    "story_sparkline",
]
