"""pipeline_state: the grouping holder's window snapshot, checked by a decision counter

Revision ID: 0007
Revises: 0006

One row per piece of shared pipeline state (``grouping``). ``seq`` counts the grouping
decisions applied to the store (bumped in each decision's transaction); ``snapshot`` is the
holder's story window as it was after decision ``snapshot_seq``, in format ``snapshot_format``.
A process taking the grouping lock loads the snapshot only when ``snapshot_seq == seq`` (no
decision since) and the format is its own; otherwise it rebuilds the window from the stored
signatures, as before this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pipeline_state",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("snapshot_seq", sa.Integer(), nullable=True),
        sa.Column("snapshot_format", sa.Text(), nullable=True),
        sa.Column("snapshot", sa.LargeBinary(), nullable=True),
        sa.Column("saved_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_pipeline_state")),
    )


def downgrade() -> None:
    op.drop_table("pipeline_state")
