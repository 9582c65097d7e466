"""The actors one by one, in-process, on the real PostgreSQL, RabbitMQ and Redis: each hands
its work on through a message (``fetch_source`` -> ``fetch_article`` -> ``analyse``), a repeated
message stores nothing twice, translation rows go to the translate queue's one consumer; then
worker processes split by queue, with an analyse worker killed mid-way."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from actorkit import depth, finish, take_messages
from loopback import LoopbackServer
from scalekit import Scale, add_sources, check_record, progress, serve_feeds, wait_for

import marsad.scale.worker as worker_module
from marsad.config import load_settings
from marsad.pipeline.steps import IncomingArticle
from marsad.scale.handoff import pack, unpack
from marsad.scale.worker import WorkerRuntime
from marsad.store import open_store
from marsad.translate import NoneTranslator


@pytest.fixture(autouse=True)
def _new_queues(scale: Scale) -> Iterator[None]:
    yield
    finish(scale)


def test_an_article_packs_into_a_message_and_back() -> None:
    item = IncomingArticle(
        url="https://example.com/a",
        source_id=3,
        guid="g",
        aliases=("https://example.com/a?x=1",),
        html="<p>صفحة</p>".encode(),
        page_charset="utf-8",
        title="عنوان",
        published_at=datetime(2026, 12, 7, 10, 30, tzinfo=UTC),
    )
    assert unpack(pack(item)) == item
    text = IncomingArticle(url="https://example.com/b", html="<p>x</p>", summary="s")
    assert unpack(pack(text)) == text


def test_each_actor_hands_its_work_on_and_a_repeat_stores_nothing_twice(
    scale: Scale, server: LoopbackServer
) -> None:
    feeds, expected = serve_feeds(server, 1, 3)
    add_sources(scale.database_url, feeds)
    runtime = WorkerRuntime(
        load_settings(env=scale.env), queues=["fetch", "article", "analyse"], threads=1
    )
    store = open_store(scale.database_url)
    try:
        summary = runtime.fetch(1)
        assert summary is not None and summary.new_articles == 3
        assert [p for p in server.hits if "/a" in p] == [], "fetch_source fetched a page"
        assert store.count_articles() == 0
        articles = take_messages(scale, "article")
        assert {m.actor_name for m in articles} == {"fetch_article"}
        assert {unpack(m.args[0]).url for m in articles} == expected
        # The feed changed (its poll state forgotten): the entries on their way are not sent
        # again (as when a killed fetch_source is delivered again).
        store.update_source(1, content_hash=None, etag=None, last_modified=None)
        again = runtime.fetch(1)
        assert again is not None and again.known_entries == 3 and again.new_articles == 0
        assert take_messages(scale, "article") == []

        for m in articles:
            item = runtime.fetch_article(m.args[0])
            assert item is not None and item.html is not None and item.page_status is None
        assert all(server.hits[p] == 1 for p in server.hits if "/a" in p)
        analyse = take_messages(scale, "analyse")
        assert len(analyse) == 3 and {m.actor_name for m in analyse} == {"analyse"}
        assert store.count_articles() == 0  # nothing stored before analyse
        assert [runtime.analyse(m.args[0]) for m in analyse] == [True, True, True]
        # Delivered again (a worker killed before its acknowledgement): stored once.
        assert [runtime.analyse(m.args[0]) for m in analyse] == [False, False, False]
        assert runtime.fetch_article(articles[0].args[0]) is None  # stored: no page fetched
        assert store.count_articles() == 3
        assert store.outbox_counts() == {"group": 3}
        assert depth(scale, "group") >= 1  # the grouping holder was nudged
        stored = {a.url for a in store.list_articles(limit=10)}
        assert stored == expected
        # Every message left through the process's sender thread (one per worker thread): a
        # connection per sending thread stays open until the broker closes, and the polls'
        # database threads last one poll each.
        assert len(runtime.broker.connections) == 1
    finally:
        runtime.close()
        store.close()


def test_a_page_too_large_for_a_message_is_analysed_where_it_was_fetched(
    scale: Scale, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds, _ = serve_feeds(server, 1, 2)
    add_sources(scale.database_url, feeds)
    runtime = WorkerRuntime(load_settings(env=scale.env), queues=["fetch", "article"], threads=1)
    store = open_store(scale.database_url)
    try:
        runtime.fetch(1)
        articles = take_messages(scale, "article")
        # Entries without their page fit; with it, they do not.
        monkeypatch.setattr(
            worker_module, "MAX_PACKED_BYTES", max(len(m.args[0]) for m in articles) + 1
        )
        for m in articles:
            runtime.fetch_article(m.args[0])
        assert take_messages(scale, "analyse") == []
        assert store.count_articles() == 2
        assert all(a.text and len(a.text) > 200 for a in store.list_articles(limit=10))
    finally:
        runtime.close()
        store.close()


def _models(tmp: Path) -> Path:
    from marsad.translate.packages import install_model_dir
    from marsad.translate.tinymodel import build_model_dir

    model = build_model_dir(tmp / "tiny-en-ar", quantization="int8")
    models = tmp / "models"
    install_model_dir(model, models, source_languages=["en"], preset="plain")
    return models


ENGLISH = IncomingArticle(
    url="https://example.com/en/1",
    title="Manila floods reach the capital",
    summary="Rivers rose overnight in Manila after days of rain.",
    language="en",
)


def test_translation_rows_go_to_the_translate_queues_one_model(
    scale: Scale, tmp_path: Path
) -> None:
    settings = load_settings(
        env=scale.env,
        overrides={"translate_engine": "ctranslate2", "models_dir": str(_models(tmp_path))},
    )
    analyser = WorkerRuntime(settings, queues=["analyse"], threads=1)
    store = open_store(scale.database_url)
    try:
        assert analyser.translation is None  # an analyse worker loads no model
        assert analyser.analyse(pack(ENGLISH)) is True
        (state,) = analyser._states
        assert state.pipeline is not None
        assert isinstance(state.pipeline.translation.translator, NoneTranslator)
        assert store.outbox_counts().get("translate") == 1  # written with the article
        assert [m.actor_name for m in take_messages(scale, "translate")] == ["translate"]
    finally:
        analyser.close()
    translator = WorkerRuntime(settings, queues=["translate"], threads=1)
    try:
        assert translator.translation is not None
        translator.translate()  # the nudge: the process's one consumer looks now
        article_id = store.find_article_id([ENGLISH.url])
        assert article_id is not None
        wait_for(
            "the title translated and its row gone",
            lambda: (
                bool(store.get_translations(article_id))
                and not store.outbox_counts().get("translate")
            ),
            timeout=60,
            step=0.2,
        )
        assert "title" in store.get_translations(article_id)
    finally:
        translator.close()
        store.close()


def test_with_translation_off_the_translate_queue_stays_idle(scale: Scale) -> None:
    runtime = WorkerRuntime(
        load_settings(env=scale.env), queues=["analyse", "translate"], threads=1
    )
    store = open_store(scale.database_url)
    try:
        assert runtime.translation is None
        assert runtime.analyse(pack(ENGLISH)) is True
        assert "translate" not in store.outbox_counts()
        assert take_messages(scale, "translate") == []
    finally:
        runtime.close()
        store.close()


def test_workers_split_by_queue_and_a_killed_analyse_worker_loses_nothing(
    scale: Scale, server: LoopbackServer
) -> None:
    feeds, expected = serve_feeds(server, 20, 5)
    add_sources(scale.database_url, feeds)
    fetch = scale.start("worker", "--queues", "fetch", "--threads", "2")
    article = scale.start("worker", "--queues", "article", "--threads", "4")
    scale.start("scheduler")
    wait_for(
        "every entry fetched and waiting for analysis",
        lambda: depth(scale, "analyse") == len(expected),
        timeout=90,
    )
    assert progress(scale.database_url)[0] == 0
    store = open_store(scale.database_url)
    try:
        victim = scale.start("worker", "--queues", "analyse", "--threads", "1")
        wait_for("a first article analysed", lambda: store.count_articles() > 0, 60, step=0.02)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        assert store.count_articles() < len(expected), "the worker ended before the kill"
    finally:
        store.close()
    survivor = scale.start("worker", "--queues", "analyse,group", "--threads", "2")
    wait_for(
        f"{len(expected)} articles stored and grouped after the kill",
        lambda: progress(scale.database_url) == (len(expected), 0),
        timeout=120,
    )
    for proc in (fetch, article, survivor):
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=90) == 0, scale.output(proc)[-3000:]
        assert "Traceback" not in scale.output(proc), scale.output(proc)[-3000:]
    # Each page fetched once: pages went through the article queue, not the fetch workers.
    assert {server.hits[f"/o{f}/a{i}"] for f in range(20) for i in range(5)} == {1}
    check_record(scale.database_url, expected)


def test_the_commands_queue_names_are_the_workers() -> None:
    from marsad.cli.worker import KINDS, parse_queues

    assert worker_module.KINDS == KINDS
    assert parse_queues("analyse, fetch,analyse") == ["analyse", "fetch"]


def test_a_failed_hand_off_stops_the_poll_before_its_state_is_saved(
    scale: Scale, server: LoopbackServer
) -> None:
    """The broker away while a feed's entries are handed on: the poll stops and the feed's
    validators are not saved, so the next poll sends every entry (none passed over)."""
    import asyncio
    from typing import cast

    from marsad.errors import StorageError
    from marsad.ingest.fetcher import Fetcher
    from marsad.pipeline.crawl import poll_source
    from marsad.pipeline.process import Pipeline
    from marsad.scale.handoff import HandOff

    feeds, expected = serve_feeds(server, 1, 3)
    add_sources(scale.database_url, feeds)
    settings = load_settings(env=scale.env).replace(fetch_article_pages=False)
    store = open_store(scale.database_url)
    sent: list[str] = []

    def broker_away(item: IncomingArticle, packed: str) -> bool:
        if len(sent) == 1:
            raise ConnectionError("connection to the broker closed")
        sent.append(item.url)
        return True

    def broker_back(item: IncomingArticle, packed: str) -> bool:
        sent.append(item.url)
        return True

    async def poll(handoff: HandOff) -> object:
        async with Fetcher(settings) as fetcher:
            return await poll_source(
                store, settings, 1, pipeline=cast(Pipeline, handoff), fetcher=fetcher
            )

    try:
        with pytest.raises(StorageError, match="task broker"):
            asyncio.run(poll(HandOff(store, send=broker_away)))
        assert store.get_source(1).content_hash is None
        sent.clear()
        asyncio.run(poll(HandOff(store, send=broker_back)))
        assert set(sent) == expected
        assert store.get_source(1).content_hash is not None
    finally:
        store.close()
