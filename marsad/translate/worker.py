"""A background worker so translation never blocks ingestion.

The pipeline calls ``worker.submit(article_id, fields)``; it returns at once. A bounded queue
holds the requests; one thread takes up to ``batch_size`` of them at a time, reads the articles
from the store and translates them together (one model batch per language, see
``translate_articles``). When the queue is full the request is dropped with a warning and
counted: the fields are translated later, when a reader opens the article (``on demand``), so
nothing is lost but time. A failing model or article is logged and the worker goes on.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Sequence

from marsad.errors import MarsadError
from marsad.search import index_articles
from marsad.store import Store
from marsad.translate.engines import Translator
from marsad.translate.protect import EMPTY_NAMES, NameTable
from marsad.translate.service import translate_articles

log = logging.getLogger(__name__)

_STOP = object()


class TranslationWorker:
    """One thread translating submitted articles; ``submit`` never blocks."""

    def __init__(
        self,
        store: Store,
        translator: Translator,
        *,
        maxsize: int = 1000,
        batch_size: int = 16,
        names: NameTable = EMPTY_NAMES,
    ) -> None:
        self.store = store
        self.translator = translator
        self.names = names
        self.batch_size = batch_size
        self.submitted = 0
        self.dropped = 0
        self.translated = 0  # articles handled
        self.failed = 0
        self._queue: queue.Queue[object] = queue.Queue(maxsize=maxsize)
        self._pending = 0
        self._idle = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="marsad-translate", daemon=True)
        self._started = False
        self._stopping = False

    def start(self) -> TranslationWorker:
        if not self._started:
            self._started = True
            self._thread.start()
        return self

    def submit(self, article_id: int, fields: Sequence[str]) -> bool:
        """Queue ``fields`` of an article for translation; False (and a warning) when full."""
        if not fields or self._stopping:
            return False
        with self._idle:
            try:
                self._queue.put_nowait((article_id, tuple(fields)))
            except queue.Full:
                self.dropped += 1
                log.warning(
                    "translation queue full (%d): article %d left for on-demand translation",
                    self._queue.maxsize,
                    article_id,
                )
                return False
            self._pending += 1
            self.submitted += 1
        return True

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until every submitted request has been handled; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._idle:
            while self._pending:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def stop(self, timeout: float | None = 30.0) -> None:
        """Finish what is queued, then end the thread."""
        self._stopping = True
        if self._started:
            self._queue.put(_STOP)
            self._thread.join(timeout)

    def _take_batch(self) -> tuple[list[tuple[int, tuple[str, ...]]], bool]:
        first = self._queue.get()
        if first is _STOP:
            return [], True
        batch = [first]
        stop = False
        while len(batch) < self.batch_size:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                stop = True
                break
            batch.append(item)
        return batch, stop  # type: ignore[return-value]

    def _run(self) -> None:
        while True:
            batch, stop = self._take_batch()
            if batch:
                self._handle(batch)
                with self._idle:
                    self._pending -= len(batch)
                    self._idle.notify_all()
            if stop:
                return

    def _handle(self, batch: list[tuple[int, tuple[str, ...]]]) -> None:
        try:
            self._translate(batch)
        except Exception as exc:
            if len(batch) > 1:  # find the bad one: the rest of the batch still gets translated
                for item in batch:
                    self._handle([item])
                return
            self.failed += 1
            if isinstance(exc, MarsadError):
                log.warning("translation of article %d failed: %s", batch[0][0], exc.message)
            else:  # the worker must outlive one bad article; the trace goes to the log
                log.exception("translation of article %d failed", batch[0][0])

    def _translate(self, batch: list[tuple[int, tuple[str, ...]]]) -> None:
        articles = {a.id: a for a in self.store.get_articles([i for i, _ in batch])}
        jobs = [(articles[i], fields) for i, fields in batch if i in articles]
        translate_articles(self.store, self.translator, jobs, names=self.names)
        self.translated += len(jobs)
        # Translated titles are searchable in Arabic: re-index the articles that got them.
        index_articles(self.store, [a.id for a, _ in jobs])
