"""outbox, source leases, lock rows and per-source learned state: several processes, one store

Revision ID: 0006
Revises: 0005

``outbox``: work that follows a stored article (``translate``; ``group`` when the article was
stored by a process that does not hold the grouping lock), written in the article's own
transaction and deleted by its consumer in the transaction that does the work; one row per
(kind, article), so writing it twice is harmless. ``claimed_by``/``claimed_until`` let two
consumers share the rows without doing one twice; an expired claim comes back.

``sources.lease_owner``/``lease_until``: the process fetching a source and until when; a killed
process's sources come back when the lease ends.

``locks``: named locks with an expiry, for SQLite (PostgreSQL uses advisory locks); the
grouping holder's row says who decides stories.

``source_state``: what the pipeline learned about a source (its boilerplate lines), so a restart
or a second process extracts with the same knowledge.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_by", sa.Text(), nullable=True),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_outbox_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("kind", "article_id", name=op.f("uq_outbox_kind_article_id")),
    )
    op.create_index("ix_outbox_kind_id", "outbox", ["kind", "id"])
    with op.batch_alter_table("sources") as batch_op:
        batch_op.add_column(sa.Column("lease_owner", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(), nullable=True))
    op.create_table(
        "locks",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_locks")),
    )
    op.create_table(
        "source_state",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("boilerplate", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_source_state_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_id", name=op.f("pk_source_state")),
    )


def downgrade() -> None:
    op.drop_table("source_state")
    op.drop_table("locks")
    with op.batch_alter_table("sources") as batch_op:
        batch_op.drop_column("lease_until")
        batch_op.drop_column("lease_owner")
    op.drop_index("ix_outbox_kind_id", table_name="outbox")
    op.drop_table("outbox")
