"""The translation consumer: submit never blocks, nothing is dropped, batches are translated."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence

import pytest

from marsad.errors import TranslationError
from marsad.models import NewArticle
from marsad.store import Store
from marsad.translate.engines import InstalledModels
from marsad.translate.protect import NameTable
from marsad.translate.worker import TranslationWorker


class GatedTranslator:
    """Wraps an engine; each batch waits until the test opens the gate (a slow model)."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.engine = "gated"
        self.model = "gated-1"
        self.gate = threading.Event()
        self.batches: list[int] = []

    def for_language(self, source_lang: str, target_lang: str = "ar") -> GatedTranslator | None:
        return self if self.inner.for_language(source_lang, target_lang) else None  # type: ignore[attr-defined]

    def translate_batch(
        self, texts: Sequence[str], source_lang: str, target_lang: str = "ar"
    ) -> list[str]:
        assert self.gate.wait(30)
        self.batches.append(len(texts))
        return self.inner.translate_batch(texts, source_lang, target_lang)  # type: ignore[attr-defined]


class FailingOn:
    """An engine that fails on any text containing ``bad``."""

    engine = "failing"
    model = "failing-1"

    def __init__(self, inner: object, bad: str) -> None:
        self.inner, self.bad = inner, bad

    def for_language(self, source_lang: str, target_lang: str = "ar") -> FailingOn:
        return self

    def translate_batch(
        self, texts: Sequence[str], source_lang: str, target_lang: str = "ar"
    ) -> list[str]:
        if any(self.bad in t for t in texts):
            raise TranslationError("model failed")
        return self.inner.translate_batch(texts, source_lang, target_lang)  # type: ignore[attr-defined]


def _articles(store: Store, n: int) -> list[int]:
    ids = []
    for i in range(n):
        article, _ = store.add_article(
            NewArticle(
                url=f"https://example.com/w/{i}", language="en", title=f"Biden met Zelenskyy {i}"
            )
        )
        ids.append(article.id)
    return ids


def test_submit_returns_at_once_while_the_model_is_busy(
    store: Store, word_translator: object, name_table: NameTable
) -> None:
    gated = GatedTranslator(word_translator)
    worker = TranslationWorker(store, gated, batch_size=8, names=name_table).start()
    ids = _articles(store, 20)
    started = time.perf_counter()
    assert all(worker.submit(i, ("title",)) for i in ids)
    assert time.perf_counter() - started < 1.0  # the gate is shut: nothing was translated yet
    assert worker.wait_idle(0.2) is False
    gated.gate.set()
    assert worker.wait_idle(30)
    worker.stop()
    assert worker.translated == 20 and worker.failed == 0
    assert max(gated.batches) > 1  # articles were batched together
    for n, i in enumerate(ids):
        assert store.get_translations(i)["title"].text == f"بايدن التقى زيلينسكي {n}"
        assert store.get_translations(i)["title"].engine == "gated"


def test_work_waits_in_the_outbox_and_survives_the_worker(
    store: Store, word_translator: object
) -> None:
    """A busy or killed worker loses nothing: the rows wait in the store for the next one
    (before the outbox, a full in-memory queue dropped them and a crash forgot them)."""
    gated = GatedTranslator(word_translator)
    first = TranslationWorker(store, gated, batch_size=1)  # never started: a dead process
    ids = _articles(store, 8)
    assert all(first.submit(i, ("title",)) for i in ids)
    assert store.outbox_counts() == {"translate": 8}
    gated.gate.set()
    second = TranslationWorker(store, gated, batch_size=3).start()
    assert second.wait_idle(30)
    second.stop()
    assert all(store.get_translations(i)["title"].engine == "gated" for i in ids)
    assert store.outbox_counts() == {}


def test_a_claimed_row_is_not_translated_twice(store: Store, word_translator: object) -> None:
    """Two workers (two processes) share the rows; each article is translated once."""
    counting = GatedTranslator(word_translator)
    counting.gate.set()
    ids = _articles(store, 12)
    for i in ids:
        store.enqueue("translate", [i], fields=["title"])
    workers = [TranslationWorker(store, counting, batch_size=2).start() for _ in range(2)]
    for worker in workers:
        assert worker.wait_idle(30)
        worker.stop()
    assert sum(w.translated for w in workers) == 12
    assert sum(counting.batches) == 12


def test_one_bad_article_does_not_sink_the_batch(
    store: Store, word_translator: object, caplog: pytest.LogCaptureFixture
) -> None:
    ids = _articles(store, 4)
    store.update_article(ids[2], title="poison pill")
    worker = TranslationWorker(store, FailingOn(word_translator, "poison"), batch_size=4)
    for i in ids:
        worker.submit(i, ("title",))
    with caplog.at_level(logging.WARNING, logger="marsad.translate.worker"):
        worker.start()
        assert worker.wait_idle(30)
    worker.stop()
    assert worker.failed == 1 and worker.translated == 3
    assert store.get_translations(ids[2]) == {}
    assert all(store.get_translations(i) for i in (ids[0], ids[1], ids[3]))
    assert "model failed" in caplog.text


def test_worker_with_the_tiny_model_and_stop(
    store: Store, tiny_translator: InstalledModels
) -> None:
    worker = TranslationWorker(store, tiny_translator).start()
    ids = _articles(store, 3)
    for i in ids:
        assert worker.submit(i, ("title", "summary"))
    worker.stop(timeout=60)
    assert worker.wait_idle(0)
    assert all(store.get_translations(i)["title"].model == "tiny-en-ar" for i in ids)
    assert worker.submit(ids[0], ("title",)) is False  # stopped
