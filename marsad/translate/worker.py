"""The translation step: a consumer of the store's ``translate`` outbox rows.

The pipeline writes a ``translate`` row in the same transaction as the article, so no request
is ever dropped, by a full queue or by a crash. One thread per process claims up to
``batch_size`` rows at a time (a claim with an expiry: two processes never translate one row at
once, and the rows of a killed process come back), reads the articles, translates them together
(one model batch per language, see ``translate_articles``), and deletes the rows in one
transaction with the re-indexing of the translated titles. ``submit`` and ``wake`` return at
once; ingestion never waits for a model. A failing article is logged and its row dropped (the
fields are translated when a reader opens it); the database being away only pauses the worker.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence

from marsad.errors import MarsadError, StorageError
from marsad.models import Article
from marsad.search.index import index_in
from marsad.store import Store
from marsad.store.store import OUTBOX_TRANSLATE
from marsad.translate.engines import Translator
from marsad.translate.protect import EMPTY_NAMES, NameTable
from marsad.translate.service import translate_articles

log = logging.getLogger(__name__)

# How long a claimed row stays with this worker before another may take it (a model batch
# takes seconds; a killed process's rows come back after this).
CLAIM_SECONDS = 120.0
# Rows written by other processes are looked for this often when nobody wakes the worker.
POLL_SECONDS = 1.0
# Back-off while the database is away.
RETRY_SECONDS = 5.0

Policy = Callable[[Article], Sequence[str]]


class TranslationWorker:
    """One thread translating what the ``translate`` outbox holds; ``submit`` never blocks."""

    def __init__(
        self,
        store: Store,
        translator: Translator,
        *,
        batch_size: int = 16,
        names: NameTable = EMPTY_NAMES,
        policy: Policy | None = None,
    ) -> None:
        self.store = store
        self.translator = translator
        self.names = names
        self.batch_size = batch_size
        self.policy = policy  # fields for a row written without any (the pipeline's rows)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}:translate"
        self.submitted = 0
        self.translated = 0  # articles handled
        self.failed = 0
        self._wake = threading.Condition()
        self._woken = False
        self._busy = False
        self._thread = threading.Thread(target=self._run, name="marsad-translate", daemon=True)
        self._started = False
        self._stopping = False

    def start(self) -> TranslationWorker:
        if not self._started:
            self._started = True
            self._thread.start()
        return self

    def submit(self, article_id: int, fields: Sequence[str]) -> bool:
        """Leave ``fields`` of an article for translation in the outbox; False when stopped."""
        if not fields or self._stopping:
            return False
        self.store.enqueue(OUTBOX_TRANSLATE, [article_id], fields=list(fields))
        self.submitted += 1
        self.wake()
        return True

    def wake(self) -> None:
        """Look at the outbox now (a row was just written)."""
        with self._wake:
            self._woken = True
            self._wake.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until the outbox holds no translation work; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if not self._busy and not self.store.outbox_counts().get(OUTBOX_TRANSLATE):
                return True
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    def stop(self, timeout: float | None = 30.0) -> None:
        """Translate what waits now (up to ``timeout`` seconds), then end the thread; rows left
        stay in the outbox for the next worker."""
        self._stopping = True
        if self._started:
            self.wake()
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            try:
                self._busy = True
                rows = self.store.claim_outbox(
                    OUTBOX_TRANSLATE, self.owner, limit=self.batch_size, lease_seconds=CLAIM_SECONDS
                )
                if rows:
                    self._handle(rows)
                    continue
            except StorageError as exc:
                log.warning("translation paused: %s", exc.message)
                rows = []
                if self._stopping:
                    return
                time.sleep(RETRY_SECONDS)
                continue
            finally:
                self._busy = False
            if self._stopping:
                return
            with self._wake:
                if not self._woken:
                    self._wake.wait(POLL_SECONDS)
                self._woken = False

    def _handle(self, rows: list[tuple[int, int, list[str] | None]]) -> None:
        try:
            self._translate(rows)
        except StorageError:
            raise
        except Exception as exc:
            if len(rows) > 1:  # find the bad one: the rest of the batch still gets translated
                for row in rows:
                    self._handle([row])
                return
            self.failed += 1
            if isinstance(exc, MarsadError):
                log.warning("translation of article %d failed: %s", rows[0][1], exc.message)
            else:  # the worker must outlive one bad article; the trace goes to the log
                log.exception("translation of article %d failed", rows[0][1])
            self.store.finish_outbox([rows[0][0]])  # left for on-demand translation

    def _translate(self, rows: list[tuple[int, int, list[str] | None]]) -> None:
        articles = {a.id: a for a in self.store.get_articles([a for _, a, _ in rows])}
        jobs = []
        for _, article_id, fields in rows:
            article = articles.get(article_id)
            if article is None:
                continue
            wanted = fields if fields is not None else (self.policy(article) if self.policy else ())
            if wanted:
                jobs.append((article, tuple(wanted)))
        translate_articles(self.store, self.translator, jobs, names=self.names)
        self.translated += len(jobs)
        # Translated titles are searchable in Arabic: re-indexed with the rows' removal.
        self.store.finish_outbox([r[0] for r in rows], then=index_in if jobs else None)
