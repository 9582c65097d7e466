"""Translation on ingest (queued by policy, per source) and on open, over a real store."""

from __future__ import annotations

from pathlib import Path

from marsad.config import load_settings
from marsad.models import NewArticle
from marsad.pipeline.process import IncomingArticle, Pipeline
from marsad.store import Store
from marsad.translate.engines import InstalledModels
from marsad.translate.pipeline_hook import TranslateOnIngest, translate_for_reader
from marsad.translate.protect import NameTable


def test_ingest_queues_titles_and_a_never_source_is_skipped(
    store: Store, tiny_translator: InstalledModels, tiny_models: Path, name_table: NameTable
) -> None:
    settings = load_settings(
        env={},
        overrides={
            "home": "/tmp/unused",
            "translate_engine": "ctranslate2",
            "models_dir": str(tiny_models),
        },
    )
    normal = store.add_source("https://example.com/feed.xml", language="en")
    quiet = store.add_source("https://example.org/feed.xml", language="en")
    store.update_source(quiet.id, translate_policy="never")
    hook = TranslateOnIngest(store, settings, translator=tiny_translator, names=name_table)
    # The pipeline's own consumer takes the rows it wrote with each stored article.
    pipeline = Pipeline(store, settings, translator=tiny_translator)
    queued = []
    for n, source in enumerate((normal, quiet, normal)):
        article, created = pipeline.ingest(
            IncomingArticle(
                url=f"https://example.com/a/{n}",
                source_id=source.id,
                title="Biden met Zelenskyy in Manila",
                summary="Biden said 12 aides came.",
                language="en" if n < 2 else "ar",
            )
        )
        queued.append(hook.article_stored(article, created))
    assert queued == [True, False, False]  # the third is Arabic
    assert hook.article_stored(article, created=False) is False  # seen before: nothing to do
    hook.close(timeout=60)
    pipeline.close()
    assert store.outbox_counts() == {}
    ids = [a.id for a in store.list_articles(limit=10)]
    translated = {i: store.get_translations(i) for i in ids}
    assert sorted(len(t) for t in translated.values()) == [0, 0, 2]
    title = next(t for t in translated.values() if t)["title"]
    assert "بايدن" in title.text and title.model == "tiny-en-ar"


def test_reader_gets_the_full_text_once_then_the_cached_one(
    store: Store, tiny_translator: InstalledModels, tiny_models: Path, name_table: NameTable
) -> None:
    settings = load_settings(
        env={},
        overrides={
            "home": "/tmp/unused",
            "translate_engine": "ctranslate2",
            "translate_policy": "on_demand",
            "models_dir": str(tiny_models),
        },
    )
    article, _ = store.add_article(
        NewArticle(
            url="https://example.com/r",
            language="en",
            title="Manila floods",
            text="Manila flooded.",
        )
    )
    first = translate_for_reader(store, settings, tiny_translator, article, names=name_table)
    assert set(first) == {"title", "text"} and "مانيلا" in first["text"].text
    again = translate_for_reader(store, settings, tiny_translator, article, names=name_table)
    assert again["text"].created_at == first["text"].created_at
    off = settings.replace(translate_engine="none")
    assert set(translate_for_reader(store, off, tiny_translator, article)) == {"title", "text"}
    assert TranslateOnIngest(store, off).worker is None
