"""Translation into Arabic: offline engines, names kept right, always labelled.

Public API (pinned by ``tests/translate/test_api.py``)::

    translator = open_translator(settings)            # none | ctranslate2 | argos
    fields = policy_fields(settings, source, article)  # what to translate on ingest
    translate_article(store, translator, article, fields, names=table)  # cached, stored
    TranslationWorker(store, translator).start().submit(article.id, fields)  # never blocks
    TranslateOnIngest(store, settings).article_stored(article, created)  # pipeline hook
    translate_for_reader(store, settings, translator, article)  # article page: full text
    translation_label(tr)                              # {"machine_translated": True, ...}

Models are installed by the operator (``marsad models install FILE``); nothing downloads here.
"""

from marsad.translate.engines import (
    CTranslate2Translator,
    InstalledModels,
    NoneTranslator,
    Translator,
    open_translator,
    resolve_device,
)
from marsad.translate.names import names_from_entities, names_from_knowledge
from marsad.translate.packages import (
    ModelInfo,
    install,
    install_argos_package,
    install_model_dir,
    list_models,
)
from marsad.translate.pipeline_hook import TranslateOnIngest, translate_for_reader
from marsad.translate.protect import NameTable, Protected, Slot, protect, restore
from marsad.translate.sentences import split_paragraphs, split_sentences
from marsad.translate.service import (
    policy_fields,
    translate_article,
    translate_articles,
    translate_texts,
    translation_label,
)
from marsad.translate.worker import TranslationWorker

__all__ = [
    "CTranslate2Translator",
    "InstalledModels",
    "ModelInfo",
    "NameTable",
    "NoneTranslator",
    "Protected",
    "Slot",
    "TranslateOnIngest",
    "TranslationWorker",
    "Translator",
    "install",
    "install_argos_package",
    "install_model_dir",
    "list_models",
    "names_from_entities",
    "names_from_knowledge",
    "open_translator",
    "policy_fields",
    "protect",
    "resolve_device",
    "restore",
    "split_paragraphs",
    "split_sentences",
    "translate_article",
    "translate_articles",
    "translate_for_reader",
    "translate_texts",
    "translation_label",
]
