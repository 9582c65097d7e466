"""Time translation adds per ingested article, under each policy, with the tiny int8 model.

    nice -n 10 .venv/bin/python -m bench.translate.policy [--articles 15]

Each AEB article (title = its first sentence, summary = its first paragraph, text = the body) is
ingested with ``Pipeline.ingest`` into a fresh SQLite store; then the fields ``policy_fields``
picks are translated, either inline (``translate_article``) or handed to the
``TranslationWorker`` (the ingest path then pays only ``submit``). Also: a reader opening an
article under on_demand (full text, first time) and opening it again (cached). The tiny model is
far faster than OPUS-MT; scale by the sentences per article printed below and the model's own
sentences/s (bench.translate.speed).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.translate.common import aeb_articles, golden_names, tiny_models, tiny_translator
from marsad.config import load_settings
from marsad.models import Source
from marsad.pipeline.process import IncomingArticle, Pipeline
from marsad.store import open_store
from marsad.translate.sentences import split_paragraphs, split_sentences
from marsad.translate.service import policy_fields, translate_article
from marsad.translate.worker import TranslationWorker


def incoming(limit: int) -> list[IncomingArticle]:
    items = []
    for url, body in aeb_articles(limit):
        paragraphs = split_paragraphs(body)
        first = split_sentences(paragraphs[0])[0] if paragraphs else url
        items.append(
            IncomingArticle(
                url=url, title=first[:300], summary=paragraphs[0], text=body, language="en"
            )
        )
    return items


def run(policy: str, items: list[IncomingArticle], models: Path, *, worker: bool) -> list[float]:
    home = Path(tempfile.mkdtemp(prefix="marsad-policy-"))
    settings = load_settings(
        env={},
        overrides={
            "home": str(home),
            "translate_engine": "ctranslate2",
            "translate_policy": policy,
        },
    )
    store = open_store(settings.effective_database_url)
    translator = tiny_translator(models, "int8")
    translator.for_language("en").translate_batch(["warm up"], "en")  # type: ignore[union-attr]
    names = golden_names()
    pipeline = Pipeline(store, settings)
    background = TranslationWorker(store, translator, maxsize=len(items) + 1, names=names).start()
    source: Source | None = None
    added: list[float] = []
    for item in items:
        article, _ = pipeline.ingest(item)
        ingested = time.perf_counter()
        fields = policy_fields(settings, source, article)
        if worker:
            background.submit(article.id, fields)
        elif fields:
            translate_article(store, translator, article, fields, names=names)
        added.append(time.perf_counter() - ingested)
    background.wait_idle(600)
    background.stop()
    store.close()
    return added


def on_open(items: list[IncomingArticle], models: Path) -> tuple[list[float], list[float]]:
    home = Path(tempfile.mkdtemp(prefix="marsad-open-"))
    settings = load_settings(
        env={},
        overrides={
            "home": str(home),
            "translate_engine": "ctranslate2",
            "translate_policy": "on_demand",
        },
    )
    store = open_store(settings.effective_database_url)
    translator = tiny_translator(models, "int8")
    pipeline = Pipeline(store, settings)
    first, again = [], []
    for item in items:
        article, _ = pipeline.ingest(item)
        fields = policy_fields(settings, None, article, moment="open")
        for bucket in (first, again):
            started = time.perf_counter()
            translate_article(store, translator, article, fields)
            bucket.append(time.perf_counter() - started)
    store.close()
    return first, again


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=15)
    args = parser.parse_args()
    items = incoming(args.articles)
    models = tiny_models()
    per_article = statistics.mean(
        len([s for p in split_paragraphs(i.text or "") for s in split_sentences(p)]) for i in items
    )
    print(
        f"{len(items)} AEB articles, {per_article:.0f} sentences each on average; tiny int8 model"
    )
    print(f"{'policy':<22} {'added ms/article (median)':>26} {'mean':>8}")
    for policy, worker in (
        ("never", False),
        ("on_demand", False),
        ("titles", False),
        ("titles via worker", True),
        ("full", False),
        ("full via worker", True),
    ):
        added = run(policy.split()[0], items, models, worker=worker)
        print(
            f"{policy:<22} {statistics.median(added) * 1000:>26.2f} {statistics.mean(added) * 1000:>8.2f}"
        )
    first, again = on_open(items, models)
    print(
        f"{'open, full text, 1st':<22} {statistics.median(first) * 1000:>26.2f} {statistics.mean(first) * 1000:>8.2f}"
    )
    print(
        f"{'open again (cached)':<22} {statistics.median(again) * 1000:>26.2f} {statistics.mean(again) * 1000:>8.2f}"
    )


if __name__ == "__main__":
    main()
