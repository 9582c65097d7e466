"""The plain data of alerts: rules on follows, what a changed story looks like, deliveries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

MODES = ("new", "growing", "breaking")
CHANNELS = ("webhook", "email", "apprise")
CADENCES = ("hourly", "daily")
LANGUAGES = ("ar", "en")
# Delivery states: waiting to be sent (or retried), sent, given up after the last try.
PENDING, SENT, DEAD = "pending", "sent", "dead"

# Defaults of a rule's parameters, chosen for news: a story that picks up three more sources
# (or a new language) within a day is growing; five sources within an hour is breaking (a
# wire story picked up by every outlet does that; an ordinary story rarely does).
DEFAULT_PARAMS: dict[str, dict[str, int]] = {
    "new": {},
    "growing": {"sources": 3, "hours": 24, "new_language": 1},
    "breaking": {"sources": 5, "minutes": 60},
}


@dataclass(frozen=True)
class AlertRule:
    """One alert on one follow: when (``mode`` and its ``params``) and where (``channel``).

    ``params``: for ``growing`` ``sources`` (N new sources) and ``hours`` (T), and
    ``new_language`` (1: a language the story had not been told in also counts); for
    ``breaking`` ``sources`` (M) within ``minutes`` (T). ``target``: the webhook URL, the
    e-mail address or the Apprise URL. ``cadence``: how often e-mail digests go out.
    """

    id: int
    user_id: int
    follow_id: int
    follow_kind: str
    follow_target: str
    mode: str
    channel: str
    target: str
    params: dict[str, int] = field(default_factory=dict, hash=False)
    cadence: str = "hourly"
    language: str = "ar"
    created_at: datetime | None = None
    label: str = ""
    secret: str = field(default="", repr=False)

    def param(self, name: str) -> int:
        return int(self.params.get(name, DEFAULT_PARAMS[self.mode].get(name, 0)))


@dataclass(frozen=True)
class MatchDoc:
    """What the search index holds for a story's newest article (``marsad.search.terms``),
    and what its filters test: a saved search matches the story when it would return this
    article with ``match=all``."""

    article_id: int
    title: tuple[str, ...]
    body: tuple[str, ...]
    names: tuple[str, ...]  # entity terms (``zent...``)
    language: str | None
    countries: frozenset[str]  # the countries the article is about
    source_id: int | None
    published_at: datetime | None  # published, else stored: what ``from:``/``to:`` test
    story_id: int | None
    indexed: bool = True  # False for a copy: the search index leaves copies out


@dataclass(frozen=True)
class StoryEvent:
    """A story as a grouping decision left it, with when each source and language joined."""

    story_id: int
    title: str
    title_ar: str | None
    countries: frozenset[str]
    regions: frozenset[str]
    entity_ids: frozenset[str]
    source_ids: frozenset[int]
    languages: frozenset[str]
    article_count: int
    source_count: int
    first_seen: datetime
    last_seen: datetime
    doc: MatchDoc
    # Each source's (and language's) first article in the story: what growing/breaking count.
    source_times: tuple[tuple[int, datetime], ...] = ()
    language_times: tuple[tuple[str, datetime], ...] = ()
    url: str | None = None
    created_at: datetime | None = None  # when Marsad made the story (not when it was published)


@dataclass(frozen=True)
class RuleState:
    """What a rule already said about a story (one row per rule and story)."""

    rule_id: int
    story_id: int
    first_matched_at: datetime
    growing_step: int = 0
    languages: frozenset[str] = frozenset()
    breaking: bool = False


@dataclass(frozen=True)
class Fire:
    """One alert to deliver: ``event`` is ``new``, ``growing:<step>``, ``language:<code>`` or
    ``breaking``; (rule, story, event) is unique, so it is written (and sent) once. ``story``:
    the story part of its payload (``rules.story_payload``), one dict shared by the story's
    alerts of a batch and stored once (``alert_payloads``)."""

    rule_id: int
    story_id: int
    event: str
    story: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Delivery:
    """A stored alert and how its sending went."""

    id: int
    rule_id: int
    user_id: int
    story_id: int
    event: str
    channel: str
    target: str
    status: str
    attempts: int
    payload: dict[str, Any]
    created_at: datetime
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None
    last_error: str | None = None
    language: str = "ar"
    secret: str = field(default="", repr=False)


__all__ = [
    "CADENCES",
    "CHANNELS",
    "DEAD",
    "DEFAULT_PARAMS",
    "LANGUAGES",
    "MODES",
    "PENDING",
    "SENT",
    "AlertRule",
    "Delivery",
    "Fire",
    "MatchDoc",
    "RuleState",
    "StoryEvent",
]
