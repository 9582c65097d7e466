"""The alert consumer and sender: the orchestrator of alerts (the store is handed in).

Consumer: claim ``alert`` outbox rows (a grouping decision changed a story) -> the stories as
they are now -> percolate (``SubscriptionIndex``) -> each rule's decision (``rules.decide``) ->
deliveries, rule states and the removal of the outbox rows in ONE transaction
(``AlertStore.commit``). A consumer killed before the commit leaves the rows to come back when
their lease ends; killed after it, the rows are gone. Deliveries are unique per (rule, story,
event), so neither way repeats or drops one.

Sender: claim due deliveries with a lease (SKIP LOCKED on PostgreSQL), send, mark sent. A
sender killed between sending and marking sends again once the lease ends: delivery is at
least once, and every message carries its delivery id (``X-Marsad-Delivery``) so the receiver
drops a repeat. That is what "exactly once" means here (docs/alerts.md).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from marsad.alerts.chat import send_apprise
from marsad.alerts.mail import SmtpSettings, build_message, next_digest_time, send_mail
from marsad.alerts.model import AlertRule, Delivery, Fire, RuleState, StoryEvent
from marsad.alerts.percolate import SubscriptionIndex, name_keys_of
from marsad.alerts.rules import can_fire, decide
from marsad.alerts.webhook import WebhookSender, backoff, body_bytes

log = logging.getLogger(__name__)

# Outbox rows taken per transaction: one batch's deliveries are written together.
BATCH = 100
# How long a claimed outbox row or delivery stays ours; a consumer or sender killed holding it
# gives it back after this (longer than one batch or one send's timeouts).
LEASE_SECONDS = 120.0
# The index of rules is rebuilt when rules or follows change, and at least this often.
REBUILD_SECONDS = 300.0


class AlertStore(Protocol):
    """What the service needs of the store (``marsad.store.alerts.Alerts``)."""

    def list_rules(self, user_id: int | None = None) -> list[AlertRule]: ...
    def rules_version(self) -> tuple[int, int, int]: ...
    def lookup_names(self, keys: set[str]) -> dict[str, tuple[str, ...]]: ...
    def resolve_sources(self, values: tuple[str, ...]) -> list[int]: ...
    def claim(self, owner: str, *, limit: int, lease_seconds: float) -> list[tuple[int, int]]: ...
    def story_events(self, article_ids: Sequence[int]) -> dict[int, StoryEvent]: ...
    def rule_states(self, story_ids: Sequence[int]) -> dict[tuple[int, int], RuleState]: ...
    def commit(
        self,
        outbox_ids: Sequence[int],
        fires: Sequence[tuple[Fire, AlertRule, datetime | None]],
        states: Sequence[RuleState],
    ) -> None: ...
    def claim_due(
        self,
        owner: str,
        *,
        channels: Sequence[str],
        limit: int,
        lease_seconds: float = ...,
        now: datetime | None = None,
    ) -> list[Delivery]: ...
    def mark_sent(self, ids: Sequence[int], *, owner: str, now: datetime | None = None) -> None: ...
    def mark_failed(self, delivery_id: int, error: str, *, retry_at: datetime | None) -> None: ...
    def record_digest(self, user_id: int, target: str, count: int) -> None: ...


def new_owner() -> str:
    """A name for this consumer or sender in leases: host, process, random."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def build_index(
    rules: Sequence[AlertRule],
    alerts: AlertStore | None = None,
    frequencies: Mapping[str, float] | None = None,
) -> SubscriptionIndex:
    """The percolation index of the follows that have rules. Entity names of every saved
    search are looked up in one go, and ``source:`` values resolved once each."""
    follows = {r.follow_id: r for r in rules}
    found: dict[str, tuple[str, ...]] = {}
    if alerts is not None:
        keys = set().union(
            *(name_keys_of(r.follow_target) for r in follows.values() if r.follow_kind == "search")
        )
        found = dict(alerts.lookup_names(keys)) if keys else {}
    resolved: dict[tuple[str, ...], list[int]] = {}

    def names(keys: set[str]) -> Mapping[str, tuple[str, ...]]:
        return {k: found[k] for k in keys if k in found}

    def sources(values: tuple[str, ...]) -> list[int]:
        if values not in resolved:
            resolved[values] = alerts.resolve_sources(values) if alerts is not None else []
        return resolved[values]

    index = SubscriptionIndex(frequencies=frequencies)
    for rule in follows.values():
        index.add(
            rule.follow_id, rule.follow_kind, rule.follow_target, names=names, sources=sources
        )
    return index


@dataclass
class ConsumeSummary:
    rows: int = 0
    stories: int = 0
    deliveries: int = 0


class AlertConsumer:
    """Turns ``alert`` outbox rows into deliveries (see the module docstring)."""

    def __init__(self, alerts: AlertStore, *, owner: str | None = None) -> None:
        self.alerts = alerts
        self.owner = owner or new_owner()
        self._version: tuple[int, int, int] | None = None
        self._built_at = 0.0
        self._index = SubscriptionIndex()
        self._by_follow: dict[int, list[AlertRule]] = {}
        self._by_id: dict[int, AlertRule] = {}

    def refresh(self) -> None:
        """Rebuild the index of rules if rules or follows changed (or it is old); every batch
        calls it, and a process may call it at start so its first batch does not wait."""
        version = self.alerts.rules_version()
        if version == self._version and time.monotonic() - self._built_at < REBUILD_SECONDS:
            return
        rules = self.alerts.list_rules()
        self._index = build_index(rules, self.alerts)
        self._by_follow = {}
        for rule in rules:
            self._by_follow.setdefault(rule.follow_id, []).append(rule)
        self._by_id = {r.id: r for r in rules}
        self._version, self._built_at = version, time.monotonic()

    def decide(
        self, events: Sequence[StoryEvent], states: Mapping[tuple[int, int], RuleState]
    ) -> tuple[list[Fire], list[RuleState]]:
        """The alerts and new rule states of these events (several per story: any of them
        matching counts; the story's newest decides)."""
        matched: dict[int, set[int]] = {}
        latest: dict[int, StoryEvent] = {}
        for event in events:
            follows = self._index.match(event)
            rules = matched.setdefault(event.story_id, set())
            for follow_id in follows:
                rules.update(r.id for r in self._by_follow.get(follow_id, ()))
            prev = latest.get(event.story_id)
            if prev is None or event.doc.article_id > prev.doc.article_id:
                latest[event.story_id] = event
        for rule_id, story_id in states:  # a story that matched before stays followed
            if story_id in matched and rule_id in self._by_id:
                matched[story_id].add(rule_id)
        fires: list[Fire] = []
        new_states: list[RuleState] = []
        by_id = self._by_id
        for story_id, rule_ids in matched.items():
            event = latest[story_id]
            story: dict[str, Any] | None = None  # built once, if any rule fires
            for rule_id in sorted(rule_ids):
                rule = by_id[rule_id]
                prev_state = states.get((rule_id, story_id))
                if not can_fire(rule, prev_state):
                    continue
                got, state = decide(rule, prev_state, event, story)
                if got:
                    story = got[0].story
                    fires.extend(got)
                if state != prev_state:
                    new_states.append(state)
        return fires, new_states

    def run_batch(
        self, *, limit: int = BATCH, lease_seconds: float = LEASE_SECONDS
    ) -> ConsumeSummary:
        """One batch of outbox rows, committed in one transaction."""
        claimed = self.alerts.claim(self.owner, limit=limit, lease_seconds=lease_seconds)
        if not claimed:
            return ConsumeSummary()
        self.refresh()
        fires: list[Fire] = []
        states: list[RuleState] = []
        events: dict[int, StoryEvent] = {}
        if self._by_id:
            events = self.alerts.story_events([article for _, article in claimed])
            known = self.alerts.rule_states([e.story_id for e in events.values()])
            fires, states = self.decide(list(events.values()), known)
        now = datetime.now(UTC)
        due: dict[str, datetime] = {}  # e-mail's next digest, per cadence (one 'now' a batch)
        planned: list[tuple[Fire, AlertRule, datetime | None]] = []
        for fire in fires:
            rule = self._by_id[fire.rule_id]
            when = None
            if rule.channel == "email":
                when = due.get(rule.cadence)
                if when is None:
                    when = due[rule.cadence] = next_digest_time(now, rule.cadence)
            planned.append((fire, rule, when))
        self.alerts.commit([row for row, _ in claimed], planned, states)
        stories = len({e.story_id for e in events.values()})
        return ConsumeSummary(len(claimed), stories, len(fires))

    def run_until_empty(
        self, *, lease_seconds: float = LEASE_SECONDS, batch: int = BATCH
    ) -> ConsumeSummary:
        total = ConsumeSummary()
        while True:
            got = self.run_batch(limit=batch, lease_seconds=lease_seconds)
            if not got.rows:
                return total
            total.rows += got.rows
            total.stories += got.stories
            total.deliveries += got.deliveries


@dataclass
class SendSummary:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    digests: int = 0
    errors: list[str] = field(default_factory=list)


class AlertSender:
    """Sends due deliveries: webhooks, Apprise notifications, e-mail digests."""

    def __init__(
        self,
        alerts: AlertStore,
        settings: Any,
        *,
        owner: str | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.alerts = alerts
        self.settings = settings
        self.owner = owner or new_owner()
        self.rng = rng or random.Random()
        self.allow_private = bool(settings.alerts_allow_private_networks)
        self.max_attempts = max(1, int(settings.alert_max_attempts))
        self.retry_base = float(settings.alert_retry_seconds)

    def _failed(self, delivery: Delivery, error: str, summary: SendSummary) -> None:
        tries = delivery.attempts + 1
        if tries >= self.max_attempts:
            self.alerts.mark_failed(delivery.id, error, retry_at=None)
            summary.dead += 1
            log.warning("alert delivery %d is a dead letter: %s", delivery.id, error)
        else:
            retry_at = datetime.now(UTC) + backoff(tries, self.retry_base, self.rng)
            self.alerts.mark_failed(delivery.id, error, retry_at=retry_at)
            summary.failed += 1
        summary.errors.append(error)

    async def send_due(
        self, *, limit: int = 100, lease_seconds: float = LEASE_SECONDS, now: datetime | None = None
    ) -> SendSummary:
        """One pass over what is due (at ``now``, default the clock: tests pass a later time
        to have an hourly digest due)."""
        summary = SendSummary()
        due = self.alerts.claim_due(
            self.owner, channels=("webhook", "apprise"), limit=limit, lease_seconds=lease_seconds
        )
        if due:
            webhooks = WebhookSender(
                allow_private_networks=self.allow_private, user_agent=str(self.settings.user_agent)
            )
            try:
                for delivery in due:
                    error = await self._send_one(webhooks, delivery)
                    if error is None:
                        self.alerts.mark_sent([delivery.id], owner=self.owner)
                        summary.sent += 1
                    else:
                        self._failed(delivery, error, summary)
            finally:
                await webhooks.aclose()
        await asyncio.to_thread(self._send_digests, summary, limit, lease_seconds, now)
        return summary

    async def _send_one(self, webhooks: WebhookSender, delivery: Delivery) -> str | None:
        body = body_bytes({"delivery_id": delivery.id, **delivery.payload})
        if delivery.channel == "webhook":
            result = await webhooks.send(
                delivery.target,
                secret=delivery.secret,
                delivery_id=delivery.id,
                event=delivery.event,
                body=body,
                now=int(time.time()),
            )
            return None if result.ok else (result.error or "failed")
        story = delivery.payload.get("story", {})
        title = (
            (story.get("title_ar") if delivery.language == "ar" else story.get("title"))
            or story.get("title")
            or ""
        )
        text = f"{delivery.event}: {title}\n[{delivery.id}]"
        return await asyncio.to_thread(
            send_apprise,
            delivery.target,
            f"Marsad: {delivery.event}",
            text,
            allow_private_networks=self.allow_private,
        )

    def _send_digests(
        self, summary: SendSummary, limit: int, lease_seconds: float, now: datetime | None
    ) -> None:
        due = self.alerts.claim_due(
            self.owner, channels=("email",), limit=limit * 10, lease_seconds=lease_seconds, now=now
        )
        if not due:
            return
        smtp = SmtpSettings.from_settings(self.settings)
        groups: dict[tuple[int, str, str], list[Delivery]] = {}
        for d in due:
            groups.setdefault((d.user_id, d.target, d.language), []).append(d)
        for (user_id, target, language), items in groups.items():
            if not smtp.host:
                error: str | None = "no SMTP server configured (setting smtp_host)"
            else:
                try:
                    message = build_message(
                        smtp, target, items, language, str(self.settings.public_url or "")
                    )
                    send_mail(smtp, message)
                    error = None
                except (OSError, Exception) as exc:  # smtplib.SMTPException is an OSError
                    error = f"{type(exc).__name__}: {exc}"[:300]
            if error is None:
                self.alerts.mark_sent([d.id for d in items], owner=self.owner)
                self.alerts.record_digest(user_id, target, len(items))
                summary.sent += len(items)
                summary.digests += 1
            else:
                for d in items:
                    self._failed(d, error, summary)


async def alerts_pass(
    consumer: AlertConsumer,
    sender: AlertSender,
    *,
    lease_seconds: float = LEASE_SECONDS,
    batch: int = BATCH,
) -> tuple[ConsumeSummary, SendSummary]:
    """The hook a crawl/serve loop or a worker calls between passes: every waiting outbox row
    turned into deliveries, then every due delivery sent. Database work runs in a thread."""
    consumed = await asyncio.to_thread(
        consumer.run_until_empty, lease_seconds=lease_seconds, batch=batch
    )
    sent = await sender.send_due(lease_seconds=lease_seconds)
    return consumed, sent


__all__ = [
    "AlertConsumer",
    "AlertSender",
    "AlertStore",
    "ConsumeSummary",
    "SendSummary",
    "alerts_pass",
    "build_index",
    "new_owner",
]
