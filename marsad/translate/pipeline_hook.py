"""What the pipeline and the web call: translation on ingest (queued) and on open (inline).

``TranslateOnIngest`` is held by the pipeline: the pipeline writes a ``translate`` outbox row
with each stored non-Arabic article (same transaction) and wakes the worker, which asks the
policy which fields to translate now, so ingestion never waits for a model and no request is
lost. ``translate_for_reader`` is what the article page calls when a reader opens an
article: the full text under every policy but ``never``, cached after the first time.
"""

from __future__ import annotations

import logging

from marsad.config import Settings
from marsad.errors import NotFoundError
from marsad.models import Article, Source, Translation
from marsad.store import Store
from marsad.translate.engines import Translator, open_translator
from marsad.translate.protect import EMPTY_NAMES, NameTable
from marsad.translate.service import policy_fields, translate_article
from marsad.translate.worker import TranslationWorker

log = logging.getLogger(__name__)


def _source_of(store: Store, article: Article) -> Source | None:
    if article.source_id is None:
        return None
    try:
        return store.get_source(article.source_id)
    except NotFoundError:
        return None


class TranslateOnIngest:
    """The translation consumer of this process and the policy it applies at ingest."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        translator: Translator | None = None,
        names: NameTable = EMPTY_NAMES,
    ) -> None:
        self.store = store
        self.settings = settings
        self.translator = translator or open_translator(settings)
        self.worker: TranslationWorker | None = None
        if settings.translate_engine != "none":
            self.worker = TranslationWorker(
                store, self.translator, names=names, policy=self.fields_for
            ).start()

    def fields_for(self, article: Article) -> tuple[str, ...]:
        """The fields the policy translates at ingest (the source's policy first)."""
        return policy_fields(self.settings, _source_of(self.store, article), article)

    def wake(self) -> None:
        """A ``translate`` row was just committed: let the worker look now."""
        if self.worker is not None:
            self.worker.wake()

    def article_stored(self, article: Article, created: bool) -> bool:
        """For an article stored outside the pipeline: leave its policy's fields in the
        outbox; True when there was something to translate."""
        if not created or self.worker is None:
            return False
        fields = self.fields_for(article)
        return self.worker.submit(article.id, fields) if fields else False

    def close(self, timeout: float | None = 30.0) -> None:
        """Finish the queued translations (up to ``timeout`` seconds) and stop the worker."""
        if self.worker is not None:
            self.worker.stop(timeout)


def translate_for_reader(
    store: Store,
    settings: Settings,
    translator: Translator,
    article: Article,
    *,
    names: NameTable = EMPTY_NAMES,
) -> dict[str, Translation]:
    """Translations to show a reader who opened ``article`` (made now if missing, then kept)."""
    fields = policy_fields(settings, _source_of(store, article), article, moment="open")
    if not fields:
        return store.get_translations(article.id, "ar") if article.language != "ar" else {}
    return translate_article(store, translator, article, fields, names=names)
