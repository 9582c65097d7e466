"""Pipeline state shared through the store: one grouping holder, hand-offs, learned boilerplate."""

from __future__ import annotations

from pathlib import Path

from marsad.config import Settings, load_settings
from marsad.pipeline.process import IncomingArticle, Pipeline
from marsad.search import search
from marsad.store import Store

STORY = (
    "Floods in the Swat valley: rescuers reach villages",
    "Rescue boats reached villages cut off by the floods in the Swat valley on Tuesday, officials "
    "said, as the river rose again and more families left their homes for higher ground. "
    "The provincial disaster authority said the floods in the valley had destroyed bridges.",
)


def _settings(tmp_path: Path) -> Settings:
    return load_settings(env={"MARSAD_HOME": str(tmp_path)})


def _report(n: int, source_id: int | None = None) -> IncomingArticle:
    title, text = STORY
    return IncomingArticle(
        url=f"https://news{n}.example/swat-floods",
        source_id=source_id,
        title=f"{title} ({n})",
        text=f"Report {n}. {text} Witness {n} told us what happened in the valley.",
        language="en",
    )


def test_a_second_pipeline_hands_its_articles_to_the_grouping_holder(
    store: Store, tmp_path: Path
) -> None:
    settings = _settings(tmp_path)
    holder = Pipeline(store, settings)
    other = Pipeline(store, settings)  # a second process beside it
    assert holder.holds_grouping and not other.holds_grouping
    first, _ = holder.ingest(_report(1))
    assert first.story_id is not None
    handed, created = other.ingest(_report(2))
    assert created and handed.story_id is None  # stored, indexed, waiting for the holder
    assert store.outbox_counts() == {"group": 1}
    assert {h.article_id for h in search(store, "Swat floods").hits} >= {first.id, handed.id}
    assert "grouping is held elsewhere" in (other.grouping_note() or "")
    holder.drain()
    assert store.outbox_counts() == {}
    assert store.get_article(handed.id).story_id == first.story_id  # the holder's decision
    # The holder goes; the other takes the lock, rebuilds its window from the store and
    # continues the same story.
    holder.close()
    other.lock_retry_seconds = 0  # ask again at once (a process asks every 2 s)
    third, _ = other.ingest(_report(3))
    assert other.holds_grouping
    assert third.story_id == first.story_id
    other.close()


def test_the_last_pipeline_out_groups_what_is_left(store: Store, tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    holder = Pipeline(store, settings)
    other = Pipeline(store, settings)
    stored = [other.ingest(_report(n))[0] for n in range(3)]
    assert all(a.story_id is None for a in stored)
    holder.close()  # gives the lock back without anything to group
    other.close()  # takes it on the way out and decides its own articles
    assert store.outbox_counts() == {}
    stories = {store.get_article(a.id).story_id for a in stored}
    assert len(stories) == 1 and None not in stories


def test_learned_boilerplate_survives_a_restart(store: Store, tmp_path: Path) -> None:
    """The per-site learner is kept in the store: a restarted pipeline strips the site's chrome
    from the first page it sees, as the one before it had learned to."""
    settings = _settings(tmp_path)
    source = store.add_source("https://site.example/feed.xml")
    chrome = "Site Example has reported from the old harbour district of Port Example since 1921."

    def page(n: int) -> bytes:
        body = " ".join(
            f"Sentence {j} of report {n} tells of the harbour strike and its {j} workers."
            for j in range(12)
        )
        return (
            f"<html><head><title>Report {n}</title></head><body><article><h1>Report {n}</h1>"
            f"<p>{body}</p><p>{chrome}</p></article></body></html>"
        ).encode()

    first = Pipeline(store, settings)
    for n in range(12):
        first.ingest(
            IncomingArticle(
                url=f"https://site.example/{n}", source_id=source.id, html=page(n), language="en"
            )
        )
    first.close()
    restarted = Pipeline(store, settings)
    article, _ = restarted.ingest(
        IncomingArticle(url="https://site.example/new", source_id=source.id, html=page(99))
    )
    # The same page from a source nothing was learned about keeps the line (the control).
    unknown = store.add_source("https://elsewhere.example/feed.xml")
    control, _ = restarted.ingest(
        IncomingArticle(url="https://elsewhere.example/new", source_id=unknown.id, html=page(98))
    )
    restarted.close()
    assert article.text and "harbour strike" in article.text
    assert chrome not in article.text
    assert control.text and chrome in control.text
