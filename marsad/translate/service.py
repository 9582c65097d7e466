"""The translation service the pipeline, the worker, the CLI and the web call.

* ``translate_texts`` — texts -> Arabic: split into paragraphs and sentences, protect names,
  numbers and dates, translate every sentence in one batch, put the Arabic forms back (falling
  back to translating around the protected spans when the model mangled a placeholder).
* ``policy_fields`` — which fields of an article to translate now, from the source's and the
  global ``translate_policy`` (titles and leads on ingest; full text when a reader opens it).
* ``translate_article`` / ``translate_articles`` — translate what is not stored yet (or
  everything, with ``force=True``), store it with engine, model and time, return it.
* ``translation_label`` — the label every translated text carries in the site, feeds and API.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marsad.config import Settings
from marsad.models import Article, Source, Translation
from marsad.store import Store, utcnow
from marsad.translate.engines import Translator
from marsad.translate.protect import EMPTY_NAMES, NameTable, Protected, Slot, protect, restore
from marsad.translate.sentences import split_paragraphs, split_sentences

log = logging.getLogger(__name__)

TARGET = "ar"
FIELDS = ("title", "summary", "text")
INGEST_FIELDS = ("title", "summary")
# A field longer than this is cut before translation (at a paragraph end where possible): a
# long-read of 30,000 characters is ~5,000 words, minutes of CPU time with a big model.
MAX_FIELD_CHARS = 30_000
_ARABIC_PUNCTUATION = str.maketrans({",": "\u060c", "?": "\u061f", ";": "\u061b"})


@dataclass(frozen=True)
class TextsReport:
    """What ``translate_texts`` did: how many sentences, how many needed the fallback."""

    translations: tuple[str, ...]
    sentences: int
    fallbacks: int


def _translate_kept(piece: str) -> str:
    """Punctuation between two protected spans stays, in its Arabic form."""
    return piece.translate(_ARABIC_PUNCTUATION)


def translate_texts_report(
    translator: Translator,
    texts: Sequence[str],
    source_lang: str,
    *,
    names: NameTable = EMPTY_NAMES,
    target_lang: str = TARGET,
) -> TextsReport:
    """Translate ``texts``; every sentence of every text goes to the model in one batch."""
    layout: list[list[list[int]]] = []  # text -> paragraph -> sentence indexes
    protected: list[Protected] = []
    for text in texts:
        paragraphs = []
        for paragraph in split_paragraphs(text[:MAX_FIELD_CHARS]):
            indexes = []
            for sentence in split_sentences(paragraph):
                indexes.append(len(protected))
                protected.append(protect(sentence, names))
            paragraphs.append(indexes)
        layout.append(paragraphs)

    need_model = [i for i, p in enumerate(protected) if any(c.isalpha() for c in p.text)]
    translated = translator.translate_batch(
        [protected[i].text for i in need_model], source_lang, target_lang
    )
    results: list[str | None] = [None] * len(protected)
    by_model = set(need_model)
    for i, p in enumerate(protected):
        if i not in by_model:
            results[i] = _join_pieces(p.pieces(), {})
    for i, out in zip(need_model, translated, strict=True):
        results[i] = restore(out, protected[i])

    # Fallback: translate the stretches between protected spans and join them around the
    # Arabic forms, so names come out right whatever the model did to the placeholders.
    failed = [i for i, r in enumerate(results) if r is None]
    stretches = sorted(
        {
            piece.strip()
            for i in failed
            for piece in protected[i].pieces()
            if isinstance(piece, str) and any(c.isalpha() for c in piece)
        }
    )
    stretch_out = (
        dict(
            zip(
                stretches,
                translator.translate_batch(stretches, source_lang, target_lang),
                strict=True,
            )
        )
        if stretches
        else {}
    )
    for i in failed:
        results[i] = _join_pieces(protected[i].pieces(), stretch_out)

    out_texts = tuple(
        "\n".join(" ".join(results[i] or "" for i in paragraph) for paragraph in paragraphs)
        for paragraphs in layout
    )
    if failed:
        log.debug(
            "translation: %d of %d sentences needed the fallback", len(failed), len(protected)
        )
    return TextsReport(translations=out_texts, sentences=len(protected), fallbacks=len(failed))


def _join_pieces(pieces: list[str | Slot], translated: dict[str, str]) -> str:
    out = ""
    for piece in pieces:
        if isinstance(piece, Slot):
            part = piece.target
        elif piece.strip() in translated:
            part = translated[piece.strip()]
        else:
            part = _translate_kept(piece.strip())
        if not part:
            continue
        # Punctuation left between two protected spans sticks to what comes before it.
        glue = "" if not out or not (part[0].isalnum() or part[0] in "(\"'«") else " "
        out = f"{out}{glue}{part}"
    return out


def translate_texts(
    translator: Translator,
    texts: Sequence[str],
    source_lang: str,
    *,
    names: NameTable = EMPTY_NAMES,
    target_lang: str = TARGET,
) -> list[str]:
    """Translate ``texts`` into ``target_lang``, keeping names, numbers and dates right."""
    report = translate_texts_report(
        translator, texts, source_lang, names=names, target_lang=target_lang
    )
    return list(report.translations)


def policy_fields(
    settings: Settings, source: Source | None, article: Article, *, moment: str = "ingest"
) -> tuple[str, ...]:
    """The fields of ``article`` to translate now: ``moment`` is ``ingest`` (the pipeline) or
    ``open`` (a reader opened the article). The source's policy overrides the global one."""
    if settings.translate_engine == "none" or not article.language or article.language == TARGET:
        return ()
    policy = (source.translate_policy if source else None) or settings.translate_policy
    if policy == "never":
        return ()
    if moment == "open":
        return FIELDS
    if policy == "full":
        return FIELDS
    if policy == "titles":
        return INGEST_FIELDS
    return ()  # on_demand: nothing on ingest


def translate_articles(
    store: Store,
    translator: Translator,
    jobs: Iterable[tuple[Article, Sequence[str]]],
    *,
    force: bool = False,
    names: NameTable = EMPTY_NAMES,
    now: datetime | None = None,
) -> dict[int, dict[str, Translation]]:
    """Translate and store the asked fields of many articles, one model batch per language.

    Fields already translated are kept unless ``force``; empty fields and languages with no
    installed model are skipped. Returns, per article id, the translations of the asked fields
    that exist afterwards.
    """
    out: dict[int, dict[str, Translation]] = {}
    todo: dict[tuple[str, int], list[tuple[Article, str, str]]] = {}  # (lang, id(engine)) -> work
    engines: dict[tuple[str, int], Translator] = {}
    for article, fields in jobs:
        stored = store.get_translations(article.id, TARGET)
        out[article.id] = {f: stored[f] for f in fields if f in stored}
        language = (article.language or "").lower()
        if not language or language == TARGET:
            continue
        engine = translator.for_language(language, TARGET)
        if engine is None:
            log.debug("no model for %s->%s (article %d)", language, TARGET, article.id)
            continue
        for field in fields:
            if field not in FIELDS:
                raise ValueError(f"unknown field {field!r}")
            text = getattr(article, field)
            if not text or not text.strip() or (field in stored and not force):
                continue
            key = (language, id(engine))
            engines[key] = engine
            todo.setdefault(key, []).append((article, field, text))
    when = now or utcnow()
    for key, work in todo.items():
        engine = engines[key]
        translations = translate_texts(engine, [text for _, _, text in work], key[0], names=names)
        for (article, field, _), text in zip(work, translations, strict=True):
            tr = Translation(
                article_id=article.id,
                field=field,
                target_language=TARGET,
                engine=engine.engine,
                model=engine.model,
                text=text,
                created_at=when,
            )
            store.put_translation(tr)
            out[article.id][field] = tr
    return out


def translate_article(
    store: Store,
    translator: Translator,
    article: Article,
    fields: Sequence[str] = INGEST_FIELDS,
    force: bool = False,
    *,
    names: NameTable = EMPTY_NAMES,
    now: datetime | None = None,
) -> dict[str, Translation]:
    """Translate and store ``fields`` of one article (cached: only what is missing, unless
    ``force``). Returns the translations of those fields that exist afterwards."""
    done = translate_articles(
        store, translator, [(article, fields)], force=force, names=names, now=now
    )
    return done[article.id]


def translation_label(tr: Translation) -> dict[str, Any]:
    """The label shown with every machine translation (site, feeds, API)."""
    return {
        "machine_translated": True,
        "engine": tr.engine,
        "model": tr.model,
        "created_at": tr.created_at.isoformat() if tr.created_at else None,
        "target_language": tr.target_language,
        "field": tr.field,
    }
