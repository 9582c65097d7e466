"""Which alerts a rule gives for a story, from what it already said (``RuleState``) and the
story as it is now (``StoryEvent``). Pure.

Every alert has an event key, and (rule, story, event) is unique in the store, so a key is
delivered once however often the same story state is seen (a consumer restarted mid-batch):

- ``new``: the first time a story matches the rule, if Marsad made the story after the rule
  (a new rule does not bring up every old story about Pakistan).
- ``growing:<step>``: N sources (the rule's ``sources``) first carried the story within the last
  T hours; ``step`` is the story's source count divided by N, rounded down, so it fires again
  only when the story has grown by another N sources (3, then 6, then 9...) and again within T
  hours. ``language:<code>``: with ``new_language``, a language the story is told in for the
  first time within T hours (not the story's first language), once per language.
- ``breaking``: M sources (``sources``) first carried the story within T minutes; once.

"Now" is the time of the story's newest article (``last_seen``), not the clock, so a backlog
worked late gives the alerts the story would have given live.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from marsad.alerts.model import AlertRule, Fire, RuleState, StoryEvent


def _within(times: tuple[tuple[Any, datetime], ...], since: datetime, until: datetime) -> list[Any]:
    return [key for key, at in times if since <= at <= until]


def story_payload(event: StoryEvent) -> dict[str, Any]:
    """The story part of a delivery's payload (one per event, shared by its rules' alerts)."""
    return {
        "id": event.story_id,
        "title": event.title,
        "title_ar": event.title_ar,
        "url": event.url,
        "countries": sorted(event.countries),
        "languages": sorted(event.languages),
        "article_count": event.article_count,
        "source_count": event.source_count,
        "first_seen": event.first_seen.isoformat(),
        "last_seen": event.last_seen.isoformat(),
    }


def delivery_payload(
    kind: str, rule_id: int, follow: dict[str, Any], story: dict[str, Any]
) -> dict[str, Any]:
    """What a delivery says (the webhook's JSON body, the digest's line): put together when it
    is read, from its rule, follow and the story part its batch stored once for every rule."""
    return {"event": kind, "rule_id": rule_id, "follow": follow, "story": story}


def can_fire(rule: AlertRule, state: RuleState | None) -> bool:
    """False when ``decide`` would give nothing and leave the state as it is: a ``new`` rule
    that has seen the story, a ``breaking`` rule that said so (most of a busy story's rules
    once it has been seen: they are not looked at again)."""
    if state is None:
        return True
    if rule.mode == "new":
        return False
    return not (rule.mode == "breaking" and state.breaking)


def decide(
    rule: AlertRule,
    state: RuleState | None,
    event: StoryEvent,
    story: dict[str, Any] | None = None,
) -> tuple[list[Fire], RuleState]:
    """The alerts ``rule`` gives for ``event`` (which matched it now or before), and the
    rule's new state for the story. ``story``: the event's ``story_payload`` (one dict shared
    by every rule's alerts of the event; built here when not given)."""
    now = event.last_seen
    fires: list[str] = []
    if state is None:
        state = RuleState(rule.id, event.story_id, first_matched_at=now)
        made = rule.created_at
        began = event.created_at or event.first_seen
        if rule.mode == "new" and (made is None or began >= made):
            fires.append("new")
    if rule.mode == "growing":
        n = max(1, rule.param("sources"))
        since = now - timedelta(hours=max(1, rule.param("hours")))
        step = event.source_count // n
        recent = _within(event.source_times, since, now)
        if step > state.growing_step and len(recent) >= n:
            fires.append(f"growing:{step}")
            state = replace(state, growing_step=step)
        if rule.param("new_language"):
            first_language = min(event.language_times, key=lambda x: x[1], default=None)
            fresh = [
                lang
                for lang in _within(event.language_times, since, now)
                if lang not in state.languages
                and (first_language is None or lang != first_language[0])
            ]
            for lang in sorted(fresh):
                fires.append(f"language:{lang}")
            if fresh:
                state = replace(state, languages=state.languages | frozenset(fresh))
    elif rule.mode == "breaking" and not state.breaking:
        m = max(1, rule.param("sources"))
        window = timedelta(minutes=max(1, rule.param("minutes")))
        times = sorted(at for _, at in event.source_times)
        # Any window of T minutes holding M first appearances (not only the last one: a
        # backlog may bring a story's burst in one batch).
        if any(times[i + m - 1] - times[i] <= window for i in range(len(times) - m + 1)):
            fires.append("breaking")
            state = replace(state, breaking=True)
    if fires and story is None:
        story = story_payload(event)
    return [Fire(rule.id, event.story_id, kind, story or {}) for kind in fires], state


__all__ = ["can_fire", "decide", "delivery_payload", "story_payload"]
