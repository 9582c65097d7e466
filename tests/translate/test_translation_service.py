"""The translation service over a real store (SQLite and PostgreSQL) and the tiny model."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from marsad.config import Settings, load_settings
from marsad.models import Article, NewArticle, Source, SourceKind, Translation
from marsad.store import Store
from marsad.translate.engines import InstalledModels, NoneTranslator
from marsad.translate.protect import NameTable
from marsad.translate.service import (
    policy_fields,
    translate_article,
    translate_articles,
    translate_texts,
    translate_texts_report,
    translation_label,
)

T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
T1 = datetime(2026, 1, 3, 3, 4, 5, tzinfo=UTC)


def _article(store: Store, n: int = 1, language: str = "en", **fields: str) -> Article:
    values = {
        "title": "Biden met Zelenskyy in Manila",
        "summary": "Biden said on Monday that 12 aides came.",
        "text": "Biden said on Monday that 12 aides came.\nZelenskyy met Biden in Manila.",
        **fields,
    }
    article, _ = store.add_article(
        NewArticle(url=f"https://example.com/{language}/{n}", language=language, **values)
    )
    return article


def test_translate_article_stores_labelled_translations_and_caches_them(
    store: Store, tiny_translator: InstalledModels, name_table: NameTable
) -> None:
    article = _article(store)
    done = translate_article(
        store, tiny_translator, article, ("title", "summary"), names=name_table, now=T0
    )
    assert set(done) == {"title", "summary"}
    title = done["title"]
    assert (title.engine, title.model, title.target_language) == ("ctranslate2", "tiny-en-ar", "ar")
    # The random model's output is junk, but the names are the gazetteer's Arabic names.
    assert "بايدن" in title.text and "زيلينسكي" in title.text and "مانيلا" in title.text
    assert "Biden" not in title.text
    assert "12" in done["summary"].text
    stored = store.get_translations(article.id, "ar")
    assert stored["title"].text == title.text
    assert stored["title"].created_at is not None

    again = translate_article(
        store, tiny_translator, article, ("title", "summary"), names=name_table, now=T1
    )
    assert again["title"].created_at == stored["title"].created_at  # cached, not redone
    forced = translate_article(
        store, tiny_translator, article, ("title",), force=True, names=name_table, now=T1
    )
    assert store.get_translations(article.id)["title"].created_at == forced["title"].created_at
    assert forced["title"].created_at != stored["title"].created_at


def test_full_text_keeps_paragraphs(
    store: Store, word_translator: object, name_table: NameTable
) -> None:
    article = _article(store, 2)
    done = translate_article(store, word_translator, article, ("text",), names=name_table)  # type: ignore[arg-type]
    assert (
        done["text"].text
        == "بايدن قال يوم الاثنين that 12 aides came.\nزيلينسكي التقى بايدن في مانيلا."
    )


def test_arabic_articles_and_missing_models_are_left_alone(
    store: Store, tiny_translator: InstalledModels
) -> None:
    arabic = _article(store, 3, language="ar", title="عنوان")
    urdu = _article(store, 4, language="ur", title="عنوان اردو")
    assert translate_article(store, tiny_translator, arabic) == {}
    assert translate_article(store, tiny_translator, urdu) == {}
    assert translate_article(store, NoneTranslator(), _article(store, 5)) == {}
    assert store.get_translations(urdu.id) == {}


def test_many_articles_go_to_the_model_in_one_batch(
    store: Store, word_translator: object, name_table: NameTable
) -> None:
    articles = [_article(store, 10 + i, title=f"Biden met Zelenskyy {i}") for i in range(5)]
    done = translate_articles(
        store,
        word_translator,
        [(a, ("title",)) for a in articles],
        names=name_table,  # type: ignore[arg-type]
    )
    assert len(word_translator.calls) == 1  # type: ignore[attr-defined]
    assert [done[a.id]["title"].text for a in articles] == [
        f"بايدن التقى زيلينسكي {i}" for i in range(5)
    ]


def test_unknown_field_is_a_bug(store: Store, word_translator: object) -> None:
    with pytest.raises(ValueError, match="unknown field"):
        translate_article(store, word_translator, _article(store, 6), ("body",))  # type: ignore[arg-type]


def test_fallback_keeps_names_when_the_model_loses_placeholders(
    tiny_translator: InstalledModels, name_table: NameTable
) -> None:
    report = translate_texts_report(
        tiny_translator,
        ["Joe Biden met Zelenskyy in Kyiv on May 5, 2025. Talks went on."],
        "en",
        names=name_table,
    )
    assert report.sentences == 2
    assert report.fallbacks >= 1  # a random model never copies placeholders
    text = report.translations[0]
    for arabic in ("جو بايدن", "زيلينسكي", "كييف", "5 مايو 2025"):
        assert arabic in text


def test_placeholders_that_survive_need_no_fallback(
    word_translator: object, name_table: NameTable
) -> None:
    report = translate_texts_report(
        word_translator, ["Biden met Zelenskyy in Kyiv."], "en", names=name_table
    )  # type: ignore[arg-type]
    assert report.fallbacks == 0
    assert report.translations == ("بايدن التقى زيلينسكي في كييف.",)
    assert translate_texts(word_translator, ["", "7"], "en") == ["", "7"]  # type: ignore[arg-type]


def _settings(**values: str) -> Settings:
    return load_settings(env={}, overrides={"home": "/tmp/unused", **values})


def _source(policy: str | None) -> Source:
    return Source(
        id=1, url="https://example.com/feed", kind=SourceKind.FEED, translate_policy=policy
    )


EN = Article(id=1, url="https://example.com/a", language="en")
AR = Article(id=2, url="https://example.com/b", language="ar")
NOLANG = Article(id=3, url="https://example.com/c")
ALL = ("title", "summary", "text")
LEAD = ("title", "summary")

POLICY_CASES = [
    ("engine-none", "none", "titles", None, EN, "ingest", ()),
    ("titles-ingest", "argos", "titles", None, EN, "ingest", LEAD),
    ("titles-open", "argos", "titles", None, EN, "open", ALL),
    ("full-ingest", "argos", "full", None, EN, "ingest", ALL),
    ("on-demand-ingest", "argos", "on_demand", None, EN, "ingest", ()),
    ("on-demand-open", "argos", "on_demand", None, EN, "open", ALL),
    ("never", "argos", "never", None, EN, "open", ()),
    ("source-never-wins", "argos", "full", "never", EN, "ingest", ()),
    ("source-full-wins", "argos", "on_demand", "full", EN, "ingest", ALL),
    ("arabic", "argos", "full", None, AR, "open", ()),
    ("no-language", "argos", "full", None, NOLANG, "ingest", ()),
]


@pytest.mark.parametrize(
    ("engine", "policy", "source_policy", "article", "moment", "expected"),
    [c[1:] for c in POLICY_CASES],
    ids=[c[0] for c in POLICY_CASES],
)
def test_policy_fields(
    engine: str,
    policy: str,
    source_policy: str | None,
    article: Article,
    moment: str,
    expected: tuple[str, ...],
) -> None:
    settings = _settings(translate_engine=engine, translate_policy=policy)
    assert policy_fields(settings, _source(source_policy), article, moment=moment) == expected


def test_policy_without_a_source_uses_the_global_policy() -> None:
    assert policy_fields(_settings(translate_engine="argos"), None, EN) == LEAD


def test_translation_label() -> None:
    tr = Translation(1, "title", "ar", "argos", "translate-en_ar-1.0", "نص", T0)
    assert translation_label(tr) == {
        "machine_translated": True,
        "engine": "argos",
        "model": "translate-en_ar-1.0",
        "created_at": "2026-01-02T03:04:05+00:00",
        "target_language": "ar",
        "field": "title",
    }


def test_punctuation_between_names_is_kept_in_its_arabic_form(
    word_translator: object, name_table: NameTable
) -> None:
    # Without letters between the names nothing goes to the model; the comma becomes Arabic.
    assert translate_texts(
        word_translator, ["Biden, Zelenskyy; Manila?"], "en", names=name_table
    ) == [  # type: ignore[arg-type]
        "بايدن، زيلينسكي؛ مانيلا؟"
    ]
