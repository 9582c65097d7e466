"""Tables of alerts (issue 20): alert rules on follows, what was sent per story, deliveries and
dead letters, digest queue. Defined on ``schema.metadata``; migration 0009.

Tables
    alert_rules         one alert on one follow: mode (new | growing | breaking) and its
                        parameters, channel (webhook | email | apprise), target, e-mail
                        cadence and language, the webhook's signing secret
    alert_story_state   per rule and story, what the rule already said (growing step,
                        languages announced, breaking sent): a story that matched once keeps
                        being followed by the rule though its newest article does not match
    alert_payloads      the story as an alert batch saw it (title, counts, countries...), one
                        row per story and batch, shared by every delivery the batch wrote for
                        it (hundreds of follows may match one story: one JSON, not hundreds)
    alert_deliveries    one alert to send, unique (rule, story, event): written in the same
                        transaction that takes the story's ``alert`` outbox row, so a crash
                        neither drops nor repeats one. pending -> sent, or dead after the last
                        try (shown to the user); leases (claimed_by/claimed_until) let several
                        senders share the queue. E-mail deliveries wait here for their
                        digest's time (next_attempt_at): this is the digest queue
    alert_digests       digests sent: to whom, when, how many alerts (the mail's journal)

Rows go with their user and follow (``ondelete CASCADE``).
"""

from __future__ import annotations

import sqlalchemy as sa

from marsad.store.schema import UTCDateTime, metadata

alert_rules = sa.Table(
    "alert_rules",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column(
        "follow_id", sa.Integer, sa.ForeignKey("follows.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("params", sa.JSON, nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("cadence", sa.String(16), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("secret", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_alert_rules_user_id", "user_id"),
    sa.Index("ix_alert_rules_follow_id", "follow_id"),
)

alert_story_state = sa.Table(
    "alert_story_state",
    metadata,
    sa.Column(
        "rule_id",
        sa.Integer,
        sa.ForeignKey("alert_rules.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("story_id", sa.Integer, primary_key=True),
    sa.Column("first_matched_at", UTCDateTime, nullable=False),
    sa.Column("growing_step", sa.Integer, nullable=False),
    sa.Column("languages", sa.JSON, nullable=False),
    sa.Column("breaking", sa.Boolean, nullable=False),
    sa.Index("ix_alert_story_state_story_id", "story_id"),
)

alert_payloads = sa.Table(
    "alert_payloads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("story_id", sa.Integer, nullable=False),
    sa.Column("story", sa.JSON, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

alert_deliveries = sa.Table(
    "alert_deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "rule_id", sa.Integer, sa.ForeignKey("alert_rules.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("story_id", sa.Integer, nullable=False),
    sa.Column("event", sa.String(64), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("payload_id", sa.Integer, sa.ForeignKey("alert_payloads.id"), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime),
    sa.Column("sent_at", UTCDateTime),
    sa.Column("last_error", sa.Text),
    sa.Column("claimed_by", sa.Text),
    sa.Column("claimed_until", UTCDateTime),
    sa.UniqueConstraint("rule_id", "story_id", "event"),
    sa.Index("ix_alert_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    sa.Index("ix_alert_deliveries_user_id_created_at", "user_id", "created_at"),
)

alert_digests = sa.Table(
    "alert_digests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("deliveries", sa.Integer, nullable=False),
    sa.Column("sent_at", UTCDateTime, nullable=False),
)
