"""articles.duplicate_kind: how a copy relates to its original

Revision ID: 0003
Revises: 0002

``duplicate_of`` alone cannot tell a republished copy (hidden from story lists) from a
translation of the original (worth showing to Arabic readers, linked to its original).
Values: url, text, near (republished copies) and translation.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch_op:
        batch_op.add_column(sa.Column("duplicate_kind", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch_op:
        batch_op.drop_column("duplicate_kind")
