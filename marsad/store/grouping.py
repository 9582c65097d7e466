"""The writes of grouping decisions in one transaction, with a number of statements that does
not grow with the decisions (``Store.apply_groupings``, ``Store.save_analysed``).

One statement per decision (its article row, a new story, the story's counts and fields) made
the grouping holder's transaction the bulk of its time: about nine statements a decision, each
a round trip to PostgreSQL. Here each decision is applied to what the batch holds in memory, and
the rows are written together at the end: the articles' new columns in one ``executemany``, the
new stories in one multi-row ``INSERT ... RETURNING``, the changed stories' fields in one
``executemany`` and their counts in one ``UPDATE``. The decisions still see each other as one
by one: a copy of an article decided earlier in the batch reads that decision's link from the
batch, not from the table; a decision that merges stories (rare: it moves stored rows by story)
first writes what the batch holds, then runs as one decision alone did.

A copy's original and its place in time are read in one ``SELECT`` for the whole batch
(``prefetch``); only a chain of copies longer than that, or an original that a decision of the
batch demoted, is read again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from marsad.models import AnalysedArticle, StoryChange
from marsad.store import schema as t

# Links followed from a copy's named original to the root original (chains are short: a copy
# is linked to the original the holder knows, which is a copy only after a demotion).
MAX_CHAIN = 8

_ARTICLE_DECISION = (
    t.articles.update()
    .where(t.articles.c.id == sa.bindparam("b_id"))
    .values(
        duplicate_of=sa.bindparam("b_duplicate_of", type_=sa.Integer),
        duplicate_kind=sa.bindparam("b_duplicate_kind", type_=t.articles.c.duplicate_kind.type),
        duplicate_evidence=sa.bindparam(
            "b_duplicate_evidence", type_=t.articles.c.duplicate_evidence.type
        ),
        story_id=sa.bindparam("b_story_id", type_=sa.Integer),
    )
)
_STORY_COLUMNS = ("title_ar", "title", "first_seen", "last_seen", "countries", "regions")
_STORY_FIELDS = (
    t.stories.update()
    .where(t.stories.c.id == sa.bindparam("b_id"))
    .values(
        {
            name: sa.bindparam(f"b_{name}", type_=t.stories.c[name].type)
            for name in (*_STORY_COLUMNS, "updated_at")
        }
    )
)


def story_values(change: StoryChange, now: datetime) -> dict[str, Any]:
    """The ``stories`` row fields a grouping decision sets."""
    return {
        "title_ar": change.title_ar,
        "title": change.title,
        "first_seen": change.first_seen,
        "last_seen": change.last_seen,
        "countries": list(change.countries),
        "regions": list(change.regions),
        "updated_at": now,
    }


def refresh_story_counts(conn: sa.Connection, story_ids: Iterable[int]) -> None:
    """Recount the articles and distinct sources of these stories, in one statement."""
    ids = sorted(set(story_ids))
    if not ids:
        return
    a, s, src = t.articles, t.stories, t.article_sources
    articles = (
        sa.select(sa.func.count()).select_from(a).where(a.c.story_id == s.c.id).scalar_subquery()
    )
    sources = (
        sa.select(sa.func.count(sa.distinct(src.c.source_id)))
        .select_from(src.join(a, a.c.id == src.c.article_id))
        .where(a.c.story_id == s.c.id)
        .scalar_subquery()
    )
    conn.execute(
        s.update().where(s.c.id.in_(ids)).values(article_count=articles, source_count=sources)
    )


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass
class _Link:
    """What a copy's link needs of an article: its original (None: it is one) and its time."""

    duplicate_of: int | None
    when: datetime | None


@dataclass
class DecisionBatch:
    """The decisions of one transaction, applied in order; :meth:`finish` writes them.

    Story ids handed out for stories the batch creates are placeholders (negative) until
    :meth:`finish` (or a merge) inserts them: :meth:`story_id` gives the stored id."""

    conn: sa.Connection
    now: datetime
    # article id -> its decision's columns, not written yet
    rows: dict[int, dict[str, Any]] = field(default_factory=dict)
    # placeholder -> the new story's row, not inserted yet
    new: dict[int, dict[str, Any]] = field(default_factory=dict)
    # placeholder -> stored id, once inserted
    inserted: dict[int, int] = field(default_factory=dict)
    # stored story -> the fields its last decision of the batch gave it
    stories: dict[int, dict[str, Any]] = field(default_factory=dict)
    # stories whose members change -> their last article of the batch
    touched: dict[int, int] = field(default_factory=dict)
    links: dict[int, _Link] = field(default_factory=dict)  # read from the table

    def prefetch(self, bundles: Iterable[AnalysedArticle]) -> None:
        """Read the originals the batch's copies name, in one statement."""
        self._read_links({b.duplicate_of for b in bundles if b.duplicate_of is not None})

    def _read_links(self, ids: Iterable[int]) -> None:
        wanted = [i for i in ids if i not in self.links]
        if not wanted:
            return
        a = t.articles
        when = sa.func.coalesce(a.c.published_at, a.c.created_at)
        query = sa.select(a.c.id, a.c.duplicate_of, when.label("when")).where(a.c.id.in_(wanted))
        for row in self.conn.execute(query):
            self.links[int(row.id)] = _Link(row.duplicate_of, row.when)

    def _link(self, article_id: int) -> _Link:
        if article_id not in self.links:
            self._read_links([article_id])
        stored = self.links.get(article_id, _Link(None, None))
        row = self.rows.get(article_id)
        if row is None:
            return stored
        return _Link(row["b_duplicate_of"], stored.when)  # decided in this batch

    def decide(self, article_id: int, bundle: AnalysedArticle) -> tuple[int | None, list[int]]:
        """Apply one decision (story, copy link) to a stored article, seeing the batch's
        earlier ones. Returns its story id (a placeholder for a story of this batch) and the
        articles that stopped being originals: an earlier original that turned out to be a
        copy of this article, and its copies (their search rows change)."""
        story_id = self._apply_story(bundle)
        duplicate_of, demoted = self._link_copy(article_id, bundle)
        self.rows[article_id] = {
            "b_id": article_id,
            "b_duplicate_of": duplicate_of,
            "b_duplicate_kind": bundle.duplicate_kind if duplicate_of else None,
            "b_duplicate_evidence": bundle.duplicate_evidence if duplicate_of else None,
            "b_story_id": story_id,
        }
        if story_id is not None:
            self.touched[story_id] = article_id
        return story_id, demoted

    def story_id(self, story_id: int | None) -> int | None:
        """The stored id of a story id :meth:`decide` gave."""
        if story_id is None or story_id >= 0:
            return story_id
        return self.inserted[story_id]

    def finish(self) -> dict[int, int]:
        """Write what the batch holds: new stories, articles, story fields and counts.
        Returns the touched stories (stored ids) with their last article of the batch."""
        self._write_rows()
        if self.stories:
            self.conn.execute(
                _STORY_FIELDS,
                [
                    {"b_id": i, **{f"b_{k}": v for k, v in f.items()}}
                    for i, f in self.stories.items()
                ],
            )
            self.stories.clear()
        touched = {self.inserted.get(s, s): a for s, a in self.touched.items()}
        refresh_story_counts(self.conn, touched)
        return touched

    # -- the parts of a decision ------------------------------------------------------------
    def _apply_story(self, bundle: AnalysedArticle) -> int | None:
        change = bundle.story
        if change is None:
            return None
        values = story_values(change, self.now)
        if change.absorbed:
            # A merge moves stored articles by story: write what the batch holds first.
            self._write_rows()
        story_id = change.story_id
        if story_id is None:
            story_id = -(len(self.inserted) + len(self.new) + 1)
            self.new[story_id] = {"created_at": self.now, **values}
        elif story_id in self.new:
            self.new[story_id].update(values)
        else:
            story_id = self.story_id(story_id)
            assert story_id is not None
            self.stories[story_id] = values
        if change.absorbed:
            self._write_rows()  # the survivor, when new, is inserted now
            story_id = self.story_id(story_id)
            assert story_id is not None
            self._absorb(story_id, change.absorbed)
        return story_id

    def _absorb(self, story_id: int, absorbed: Sequence[int]) -> None:
        conn, a, s = self.conn, t.articles, t.stories
        for gone in absorbed:
            if gone == story_id:
                continue
            left = self.stories.pop(gone, None)
            if left is not None:  # its fields as the batch left them, before it is merged
                conn.execute(s.update().where(s.c.id == gone).values(**left))
            conn.execute(a.update().where(a.c.story_id == gone).values(story_id=story_id))
            conn.execute(
                s.update()
                .where(s.c.id == gone)
                .values(merged_into=story_id, article_count=0, source_count=0, updated_at=self.now)
            )

    def _link_copy(self, article_id: int, bundle: AnalysedArticle) -> tuple[int | None, list[int]]:
        """The original a new copy points to; when the copy turns out to be the earlier one
        (crawls meet articles out of publication order), it becomes the original instead, and
        the old original and its copies are returned as demoted."""
        if bundle.duplicate_of is None:
            return None, []
        root = bundle.duplicate_of
        for _ in range(MAX_CHAIN):  # follow a chain of copies to its original
            up = self._link(root).duplicate_of
            if up is None:
                break
            root = int(up)
        root_time = self._link(root).when
        new = bundle.article
        new_time = new.published_at or new.fetched_at
        if root_time is None or new_time is None or _as_utc(new_time) >= _as_utc(root_time):
            return root, []
        # The new article is the original: the root's copies and the root become its copies.
        a = t.articles
        moved = self.conn.execute(
            a.update()
            .where(a.c.duplicate_of == root)
            .values(duplicate_of=article_id)
            .returning(a.c.id)
        )
        demoted = [int(r[0]) for r in moved]
        for other, row in self.rows.items():
            if row["b_duplicate_of"] == root:
                row["b_duplicate_of"] = article_id
                demoted.append(other)
        link = {
            "duplicate_of": article_id,
            "duplicate_kind": bundle.duplicate_kind,
            "duplicate_evidence": bundle.duplicate_evidence,
        }
        if root in self.rows:
            self.rows[root].update({f"b_{k}": v for k, v in link.items()})
        else:
            self.conn.execute(a.update().where(a.c.id == root).values(**link))
        self.links.clear()  # stored links moved
        return None, [root, *demoted]

    def _write_rows(self) -> None:
        """Insert the new stories, then write the decided articles' columns."""
        if self.new:
            placeholders = list(self.new)
            sqlite = self.conn.dialect.name == "sqlite"
            # One multi-row INSERT. SQLAlchemy keeps RETURNING in parameter order on
            # PostgreSQL, not on SQLite (it falls back to a statement a row), where RETURNING
            # order is arbitrary but each row of one INSERT takes the next rowid (the writer
            # holds the file): sorted, the ids are in row order.
            got = self.conn.execute(
                t.stories.insert().returning(t.stories.c.id, sort_by_parameter_order=not sqlite),
                [self.new[p] for p in placeholders],
            )
            ids = [int(r[0]) for r in got]
            if sqlite:
                ids.sort()
            self.inserted.update(zip(placeholders, ids, strict=True))
            self.new.clear()
        if self.rows:
            for row in self.rows.values():
                row["b_story_id"] = self.story_id(row["b_story_id"])
            self.conn.execute(_ARTICLE_DECISION, list(self.rows.values()))
            self.rows.clear()
            self.links.clear()
