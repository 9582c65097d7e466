"""The public API of marsad.translate is what __all__ says, and every name is importable."""

from __future__ import annotations

import marsad.translate as translate


def test_public_api_is_pinned() -> None:
    assert sorted(translate.__all__) == [
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
    for name in translate.__all__:
        assert getattr(translate, name) is not None
