"""Which alerts a rule gives as a story changes: each event key once; growing again only per
new step of N sources within T hours; a new language once; breaking once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from marsad.alerts.model import AlertRule, MatchDoc, RuleState, StoryEvent
from marsad.alerts.rules import can_fire, decide
from marsad.alerts.webhook import backoff, sign, verify

T0 = datetime(2026, 5, 1, 12, tzinfo=UTC)
DOC = MatchDoc(1, (), (), (), "en", frozenset(), 1, T0, 1)


def _rule(mode: str, **params: int) -> AlertRule:
    return AlertRule(
        id=1,
        user_id=1,
        follow_id=1,
        follow_kind="country",
        follow_target="PK",
        mode=mode,
        channel="webhook",
        target="https://hooks.example/x",
        params=params,
        created_at=T0 - timedelta(days=1),
    )


def _story(sources: list[tuple[int, int]], languages: list[tuple[str, int]]) -> StoryEvent:
    """Sources and languages with the minute each first appeared."""
    times = [(s, T0 + timedelta(minutes=m)) for s, m in sources]
    langs = [(lang, T0 + timedelta(minutes=m)) for lang, m in languages]
    last = max(t for _, t in [*times, *langs])
    return StoryEvent(
        story_id=9,
        title="t",
        title_ar=None,
        countries=frozenset({"PK"}),
        regions=frozenset(),
        entity_ids=frozenset(),
        source_ids=frozenset(s for s, _ in sources),
        languages=frozenset(lang for lang, _ in languages),
        article_count=len(sources),
        source_count=len(sources),
        first_seen=T0,
        last_seen=last,
        doc=DOC,
        source_times=tuple(times),
        language_times=tuple(langs),
        created_at=T0,
    )


def _run(rule: AlertRule, stages: list[StoryEvent]) -> list[list[str]]:
    state: RuleState | None = None
    out = []
    for event in stages:
        fires, state = decide(rule, state, event)
        out.append([f.event for f in fires])
    return out


def test_new_fires_once_and_only_for_stories_made_after_the_rule() -> None:
    one = _story([(1, 0)], [("en", 0)])
    two = _story([(1, 0), (2, 5)], [("en", 0)])
    assert _run(_rule("new"), [one, two, two]) == [["new"], [], []]
    late = AlertRule(**{**vars(_rule("new")), "created_at": T0 + timedelta(hours=1)})
    assert _run(late, [one]) == [[]]


def test_growing_fires_per_step_of_n_sources_within_t_hours_and_per_new_language() -> None:
    rule = _rule("growing", sources=2, hours=1, new_language=1)
    stages = [
        _story([(1, 0)], [("en", 0)]),
        _story([(1, 0), (2, 10)], [("en", 0)]),  # 2 sources within the hour: step 1
        _story([(1, 0), (2, 10), (3, 20)], [("en", 0)]),  # still step 1
        _story([(1, 0), (2, 10), (3, 20), (4, 30)], [("en", 0), ("ar", 30)]),  # step 2 + ar
        _story([(1, 0), (2, 10), (3, 20), (4, 30)], [("en", 0), ("ar", 30)]),  # nothing new
        # Step 3 reached, but its sources came slowly (one in the last hour): no alert.
        _story([(1, 0), (2, 10), (3, 20), (4, 30), (5, 200), (6, 400)], [("en", 0), ("ar", 30)]),
    ]
    assert _run(rule, stages) == [[], ["growing:1"], [], ["growing:2", "language:ar"], [], []]


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [([0, 50, 100, 150], [[], [], [], []]), ([0, 5, 9, 30], [[], [], ["breaking"], []])],
    ids=["slow", "burst"],
)
def test_breaking_needs_m_sources_within_t_minutes_once(
    minutes: list[int], expected: list[list[str]]
) -> None:
    rule = _rule("breaking", sources=3, minutes=10)
    stages = [
        _story([(i, m) for i, m in enumerate(minutes[: k + 1])], [("en", 0)])
        for k in range(len(minutes))
    ]
    assert _run(rule, stages) == expected


def test_signature_and_backoff() -> None:
    body = b'{"x": "\xd8\xa8"}'
    signature = sign("s3cret", 1700000000, body)
    assert verify("s3cret", "1700000000", body, signature)
    assert not verify("s3cret", "1700000001", body, signature)  # the timestamp is signed
    assert not verify("other", "1700000000", body, signature)
    assert not verify("s3cret", "1700000000", body + b" ", signature)
    waits = [backoff(n, 30.0).total_seconds() for n in range(1, 8)]
    assert all(15 <= w / 2 ** (n) <= 45 for n, w in enumerate(waits))  # doubling, with jitter
    assert backoff(40, 30.0).total_seconds() <= 1.5 * 86400  # at most a day (and jitter)


@pytest.mark.parametrize(
    ("mode", "params", "minutes"),
    [
        ("new", {}, [0, 5, 9, 30]),
        ("breaking", {"sources": 3, "minutes": 10}, [0, 5, 9, 30, 31]),
        ("growing", {"sources": 2, "hours": 1}, [0, 5, 9, 30]),
    ],
    ids=["new", "breaking", "growing"],
)
def test_a_rule_skipped_as_unable_to_fire_would_have_given_nothing(
    mode: str, params: dict[str, int], minutes: list[int]
) -> None:
    """The consumer does not decide rules ``can_fire`` rules out: deciding them would give no
    alert and leave their state as it is."""
    rule = _rule(mode, **params)
    state: RuleState | None = None
    skipped = 0
    for k in range(len(minutes)):
        event = _story([(i, m) for i, m in enumerate(minutes[: k + 1])], [("en", 0)])
        fires, new_state = decide(rule, state, event)
        if not can_fire(rule, state):
            skipped += 1
            assert (fires, new_state) == ([], state)
        state = new_state
    # 'new' and 'breaking' are skipped once they said their piece; 'growing' never is.
    assert skipped == {"new": 3, "breaking": 2, "growing": 0}[mode]
