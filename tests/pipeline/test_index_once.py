"""The grouping holder writes each article's search entry once, in the grouping transaction;
an article stored but not yet grouped (a crash between the two) waits in the outbox for the
next holder, which indexes it, and ``index_disagreement`` counts it as waiting, not missing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
import sqlalchemy as sa

from marsad.config import load_settings
from marsad.models import AnalysedArticle, NewArticle
from marsad.pipeline import process
from marsad.pipeline.process import IncomingArticle, Pipeline
from marsad.search import search
from marsad.search.index import index_disagreement, index_in
from marsad.store import Store
from marsad.store.store import OUTBOX_GROUP

TITLE = "Floods in the Swat valley: rescuers reach villages"
TEXT = (
    "Rescue boats reached villages cut off by the floods in the Swat valley on Tuesday, officials "
    "said, as the river rose again and more families left their homes for higher ground. "
    "The provincial disaster authority said the floods in the valley had destroyed bridges."
)


def _item(url: str, title: str = TITLE, text: str = TEXT) -> IncomingArticle:
    return IncomingArticle(url=url, title=title, text=text, language="en")


def test_the_holder_indexes_an_article_and_its_copy_once_each(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[list[int]] = []

    def counting(conn: sa.Connection, ids: Sequence[int]) -> int:
        written.append(list(ids))
        return index_in(conn, ids)

    monkeypatch.setattr(process, "index_in", counting)
    pipeline = Pipeline(store, load_settings(env={"MARSAD_HOME": str(tmp_path)}))
    assert pipeline.holds_grouping
    first, _ = pipeline.ingest(_item("https://a.example/swat"))
    copy, _ = pipeline.ingest(_item("https://b.example/swat-copy"))
    assert store.get_article(copy.id).duplicate_of == first.id
    # One write per article (the copy's only removes nothing: it never entered the index).
    assert written == [[first.id], [copy.id]]
    assert [h.article_id for h in search(store, "Swat floods").hits] == [first.id]
    assert index_disagreement(store) == ([], [])
    pipeline.close()


def test_an_article_stored_but_not_grouped_is_indexed_by_the_next_holder(
    store: Store, tmp_path: Path
) -> None:
    # The holder's first transaction, then a crash before its grouping transaction.
    article_id, _, created = store.save_analysed(
        AnalysedArticle(article=NewArticle(url="https://a.example/swat", title=TITLE, text=TEXT)),
        outbox=[OUTBOX_GROUP],
        index=index_in,
        index_at_grouping=True,
    )
    assert created
    assert not search(store, "Swat floods").hits
    assert store.outbox_counts() == {OUTBOX_GROUP: 1}
    assert index_disagreement(store) == ([], [])  # waiting for grouping, not missing
    pipeline = Pipeline(store, load_settings(env={"MARSAD_HOME": str(tmp_path)}))
    assert pipeline.holds_grouping  # it drained the outbox on taking the lock
    assert store.outbox_counts() == {}
    assert [h.article_id for h in search(store, "Swat floods").hits] == [article_id]
    assert index_disagreement(store) == ([], [])
    pipeline.close()


def test_a_non_holder_still_indexes_at_store_time(store: Store, tmp_path: Path) -> None:
    settings = load_settings(env={"MARSAD_HOME": str(tmp_path)})
    holder = Pipeline(store, settings)
    other = Pipeline(store, settings)
    assert not other.holds_grouping
    handed, _ = other.ingest(_item("https://a.example/swat"))
    assert store.outbox_counts() == {OUTBOX_GROUP: 1}
    assert [h.article_id for h in search(store, "Swat floods").hits] == [handed.id]
    holder.drain()
    assert [h.article_id for h in search(store, "Swat floods").hits] == [handed.id]
    assert index_disagreement(store) == ([], [])
    other.close()
    holder.close()
