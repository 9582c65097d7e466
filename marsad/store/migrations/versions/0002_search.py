"""full-text search index

Revision ID: 0002
Revises: 0001

SQLite: an FTS5 table ``search_fts`` whose rowid is the article id, with three columns of
*analysed* terms (``marsad.text.analyze`` output joined by spaces): ``title``, ``body`` and
``names`` (canonical entity tokens). The terms are letters and digits only, so FTS5's unicode61
tokenizer splits them exactly where the analyser did. Snippets are computed in Python over the
original article text, so the FTS5 content is only ever read by the index itself.

PostgreSQL: a table ``search_docs`` with a ``tsvector`` built by Marsad from the same terms (a
literal with positions and weights A title / B body / C names, so no text-search configuration
re-parses the terms) and a GIN index on it.

Both backends: ``search_names`` maps an analysed entity name (``key``) to the entity id, so a
query word that names an entity also finds articles about it in any language.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # detail=full keeps positions (phrases); unicode61 without diacritic folding because
        # the terms are already normalised by our analyser.
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "title, body, names, tokenize = 'unicode61 remove_diacritics 0')"
        )
    else:
        op.create_table(
            "search_docs",
            sa.Column("article_id", sa.Integer(), nullable=False),
            sa.Column("tsv", postgresql.TSVECTOR(), nullable=False),
            sa.ForeignKeyConstraint(
                ["article_id"],
                ["articles.id"],
                name=op.f("fk_search_docs_article_id_articles"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("article_id", name=op.f("pk_search_docs")),
        )
        op.create_index(
            "ix_search_docs_tsv", "search_docs", ["tsv"], unique=False, postgresql_using="gin"
        )
    op.create_table(
        "search_names",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_search_names_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", "entity_id", name=op.f("pk_search_names")),
    )
    with op.batch_alter_table("search_names", schema=None) as batch_op:
        batch_op.create_index("ix_search_names_entity_id", ["entity_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("search_names", schema=None) as batch_op:
        batch_op.drop_index("ix_search_names_entity_id")
    op.drop_table("search_names")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    else:
        op.drop_index("ix_search_docs_tsv", table_name="search_docs")
        op.drop_table("search_docs")
