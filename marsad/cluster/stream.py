"""Helpers for grouping a stream outside the pipeline: dates as inputs give them, the
understanding stage as a callable (the cluster bench's), the story tracker.

Reading ``marsad cluster``'s inputs and grouping them lives in ``marsad.pipeline.stream``: it
runs the pipeline's own extract and analyse steps (``marsad.pipeline.steps``), so a stream is
grouped on the features the pipeline would store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from marsad.cluster.recheck import StoryTracker
from marsad.understand import load_knowledge, understand

# (entity ids in order, country codes ranked, regions) for (title, text, language).
Understander = Callable[[str, str, str], tuple[Sequence[str], Sequence[str], Sequence[str]]]


def parse_time(value: Any) -> datetime | None:
    """ISO 8601, RFC 2822 or POSIX seconds; None when absent or unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):  # 1e20, NaN: unreadable, not fatal
            return None
    text = str(value).strip()[:64]
    for parse in (
        lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")),
        parsedate_to_datetime,
    ):
        try:
            parsed = parse(text)
        except (ValueError, TypeError, IndexError):
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def load_understander() -> Understander:
    """The understanding stage as a callable: (entity ids, countries about, regions)."""
    knowledge = load_knowledge()

    def run(title: str, text: str, language: str) -> tuple[list[str], list[str], list[str]]:
        result = understand(knowledge, title, text, language)
        return [e.id for e in result.entities], list(result.about), list(result.regions)

    return run


__all__ = ["StoryTracker", "Understander", "load_understander", "parse_time"]
