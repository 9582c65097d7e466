"""When to poll a source next, and when to give up on it for now. Pure functions.

The interval comes from, in order of authority: the publisher's hints (RSS ``ttl``, the
syndication module's ``sy:updatePeriod``/``sy:updateFrequency``) as a floor, the observed
publishing rate (median gap between recent entries), the configured default; always clamped to
[``poll_interval_min``, ``poll_interval_max``]. Failures back off exponentially from the
interval, bounded by the maximum; a server's ``Retry-After`` is honoured as a floor. A source with
no success for ``pause_after_hours`` is paused (never deleted) and says why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from statistics import median

# Poll about twice per typical gap between entries, so a new item waits half a gap on average.
RATE_FACTOR = 0.5
# Look at this many most recent entry dates: enough for a stable median, recent enough to follow
# changes in a publisher's rhythm (a feed usually carries 10-50 items).
RATE_WINDOW = 20


@dataclass(frozen=True)
class PollPolicy:
    """The scheduling settings (seconds), taken from ``Settings``."""

    default: int = 1800
    minimum: int = 300
    maximum: int = 86400
    pause_after_hours: float = 72.0

    @classmethod
    def from_settings(cls, settings: object) -> PollPolicy:
        return cls(
            default=int(getattr(settings, "poll_interval", 1800)),
            minimum=int(getattr(settings, "poll_interval_min", 300)),
            maximum=int(getattr(settings, "poll_interval_max", 86400)),
            pause_after_hours=float(getattr(settings, "pause_after_hours", 72.0)),
        )

    def clamp(self, seconds: float) -> int:
        return int(min(self.maximum, max(self.minimum, seconds)))


def observed_interval(published: Iterable[datetime | None]) -> float | None:
    """Half the median gap between the most recent entry dates, or None with fewer than 3."""
    times = sorted((t for t in published if t is not None), reverse=True)[:RATE_WINDOW]
    if len(times) < 3:
        return None
    gaps = [(a - b).total_seconds() for a, b in pairwise(times)]
    gaps = [g for g in gaps if g > 0]
    if not gaps:
        return None
    return median(gaps) * RATE_FACTOR


def success_interval(
    policy: PollPolicy,
    *,
    ttl_seconds: int | None = None,
    update_period_seconds: int | None = None,
    published: Iterable[datetime | None] = (),
) -> int:
    """Seconds until the next poll after a successful fetch."""
    interval: float = observed_interval(published) or policy.default
    hint = max(ttl_seconds or 0, update_period_seconds or 0)
    if hint:
        # The publisher promises nothing new sooner than this; polling faster is wasted.
        interval = max(interval, hint)
    return policy.clamp(interval)


def failure_interval(
    policy: PollPolicy, failure_count: int, *, retry_after: float | None = None
) -> int:
    """Seconds until the next try after ``failure_count`` consecutive failures (>= 1)."""
    base = policy.clamp(policy.default)
    backoff = base * (2 ** max(0, min(failure_count - 1, 16)))
    if retry_after:
        backoff = max(backoff, retry_after)
    return policy.clamp(backoff)


def should_pause(
    policy: PollPolicy,
    *,
    now: datetime,
    last_success_at: datetime | None,
    created_at: datetime | None,
    failure_count: int,
) -> bool:
    """True when a source has failed without a success for ``pause_after_hours``."""
    if failure_count <= 0:
        return False
    since = last_success_at or created_at
    if since is None:
        return False
    return now - since >= timedelta(hours=policy.pause_after_hours)


def pause_reason(policy: PollPolicy, last_error: str | None) -> str:
    """The reason recorded on a paused source."""
    return (
        f"paused after {policy.pause_after_hours:g} hours without a successful fetch; "
        f"last error: {last_error or 'unknown'}"
    )


__all__ = [
    "PollPolicy",
    "failure_interval",
    "observed_interval",
    "pause_reason",
    "should_pause",
    "success_interval",
]
