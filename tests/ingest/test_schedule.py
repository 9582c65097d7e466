"""Poll scheduling: hints, observed rate, bounded back-off, pausing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from marsad.ingest.schedule import (
    PollPolicy,
    failure_interval,
    observed_interval,
    pause_reason,
    should_pause,
    success_interval,
)

POLICY = PollPolicy(default=1800, minimum=300, maximum=86400, pause_after_hours=72)
NOW = datetime(2024, 5, 14, 12, 0, tzinfo=UTC)


def _every(minutes: float, n: int = 10) -> list[datetime]:
    return [NOW - timedelta(minutes=minutes * i) for i in range(n)]


def test_default_without_hints_or_dates() -> None:
    assert success_interval(POLICY) == 1800


def test_busy_feed_is_polled_faster_quiet_feed_slower() -> None:
    assert success_interval(POLICY, published=_every(20)) == 600  # half the gap
    assert success_interval(POLICY, published=_every(2)) == 300  # clamped to the minimum
    assert success_interval(POLICY, published=_every(60 * 24 * 7)) == 86400  # clamped to max
    assert observed_interval(_every(20, n=2)) is None  # too few dates to judge


@pytest.mark.parametrize(
    ("ttl", "period", "expected"),
    [(3600, None, 3600), (None, 7200, 7200), (60, None, 600), (3600, 900, 3600)],
)
def test_publisher_hints_are_a_floor(ttl: int | None, period: int | None, expected: int) -> None:
    assert (
        success_interval(
            POLICY, ttl_seconds=ttl, update_period_seconds=period, published=_every(20)
        )
        == expected
    )


def test_failure_backoff_is_exponential_and_bounded() -> None:
    values = [failure_interval(POLICY, n) for n in range(1, 12)]
    assert values[:4] == [1800, 3600, 7200, 14400]
    assert values[-1] == 86400 and values == sorted(values)
    assert failure_interval(POLICY, 1, retry_after=5000) == 5000
    assert failure_interval(POLICY, 1, retry_after=10**9) == 86400


def test_pause_after_hours_without_success() -> None:
    recent = NOW - timedelta(hours=10)
    old = NOW - timedelta(hours=80)
    assert not should_pause(
        POLICY, now=NOW, last_success_at=recent, created_at=old, failure_count=5
    )
    assert should_pause(POLICY, now=NOW, last_success_at=old, created_at=old, failure_count=5)
    assert should_pause(POLICY, now=NOW, last_success_at=None, created_at=old, failure_count=1)
    assert not should_pause(POLICY, now=NOW, last_success_at=old, created_at=old, failure_count=0)
    assert "HTTP 404" in pause_reason(POLICY, "HTTP 404 Not Found")
