"""alerts: alert rules, per-story rule state, deliveries (and the digest queue), digests sent

Revision ID: 0009
Revises: 0008

Alerts (issue 20). A delivery's story part (title, counts) is one ``alert_payloads`` row shared
by the deliveries one batch wrote for the story. A delivery is unique per (rule, story, event), so the consumer that writes
it with the removal of its outbox row can be killed and started again without repeating one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, referred: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{referred}.id"],
        name=op.f(f"fk_{table}_{column}_{referred}"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "alert_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("follow_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("alert_rules", "user_id", "users"),
        _fk("alert_rules", "follow_id", "follows"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_rules")),
    )
    op.create_index("ix_alert_rules_user_id", "alert_rules", ["user_id"])
    op.create_index("ix_alert_rules_follow_id", "alert_rules", ["follow_id"])
    op.create_table(
        "alert_story_state",
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("first_matched_at", sa.DateTime(), nullable=False),
        sa.Column("growing_step", sa.Integer(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("breaking", sa.Boolean(), nullable=False),
        _fk("alert_story_state", "rule_id", "alert_rules"),
        sa.PrimaryKeyConstraint("rule_id", "story_id", name=op.f("pk_alert_story_state")),
    )
    op.create_index("ix_alert_story_state_story_id", "alert_story_state", ["story_id"])
    op.create_table(
        "alert_payloads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("story", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_payloads")),
    )
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("payload_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("claimed_by", sa.Text(), nullable=True),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        _fk("alert_deliveries", "rule_id", "alert_rules"),
        _fk("alert_deliveries", "user_id", "users"),
        sa.ForeignKeyConstraint(
            ["payload_id"],
            ["alert_payloads.id"],
            name=op.f("fk_alert_deliveries_payload_id_alert_payloads"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_deliveries")),
        sa.UniqueConstraint(
            "rule_id", "story_id", "event", name=op.f("uq_alert_deliveries_rule_id_story_id_event")
        ),
    )
    op.create_index(
        "ix_alert_deliveries_status_next_attempt_at",
        "alert_deliveries",
        ["status", "next_attempt_at"],
    )
    op.create_index(
        "ix_alert_deliveries_user_id_created_at", "alert_deliveries", ["user_id", "created_at"]
    )
    op.create_table(
        "alert_digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("deliveries", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        _fk("alert_digests", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_digests")),
    )


def downgrade() -> None:
    for table in (
        "alert_digests",
        "alert_deliveries",
        "alert_payloads",
        "alert_story_state",
        "alert_rules",
    ):
        op.drop_table(table)
