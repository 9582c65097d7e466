"""articles.duplicate_evidence: why an article was linked to its original

Revision ID: 0005
Revises: 0004

A "translated from" or "republished from" label must show its evidence to the reader (aligned
share, anchors, containment). JSON, written with ``duplicate_of`` and ``duplicate_kind``; null
for articles that are not copies and for links made before this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch_op:
        batch_op.add_column(sa.Column("duplicate_evidence", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch_op:
        batch_op.drop_column("duplicate_evidence")
