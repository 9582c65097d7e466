"""A small news corpus for search tests, stored through the real Store on either backend."""

from __future__ import annotations

from datetime import UTC, datetime

from marsad.models import (
    ArticleCountry,
    ArticleEntity,
    Entity,
    EntityName,
    EntityType,
    NewArticle,
)
from marsad.search import index_articles
from marsad.store import Store

NOW = datetime(2024, 6, 1, 12, tzinfo=UTC)

# key: (title, text, language, source key, published, countries about, entities, story key)
ARTICLES: dict[
    str, tuple[str, str, str, str, datetime, tuple[str, ...], tuple[str, ...], str | None]
] = {
    "putin_ar": (
        "الرئيسُ الروسيّ فلاديمير بوتين يزور القاهرة",
        "قال الكرملين إنّ بوتين سيلتقي الرئيس المصري في القاهرة لبحث التعاون في مجال الطاقة.",
        "ar",
        "ahram",
        datetime(2024, 5, 30, tzinfo=UTC),
        ("EG", "RU"),
        ("Q7747",),
        "visit",
    ),
    "putin_en": (
        "Putin arrives in Cairo for talks",
        "Russian President Vladimir Putin arrived in Cairo on Monday for talks on energy.",
        "en",
        "wire",
        datetime(2024, 5, 31, tzinfo=UTC),
        ("EG",),
        ("Q7747",),
        "visit",
    ),
    "library": (
        "مكتبة الإسكندرية تعرض كتاباً نادراً",
        "عرضت مكتبة الإسكندرية الكتاب النادر عن تاريخ مصر القديمة أمام الزوار.",
        "ar",
        "ahram",
        datetime(2024, 4, 2, tzinfo=UTC),
        ("EG",),
        (),
        None,
    ),
    "books_fair": (
        "معرض الرياض الدولي للكتاب يفتح أبوابه",
        "افتتح معرض الرياض للكتاب بمشاركة ألف دار نشر من ثلاثين دولة.",
        "ar",
        "riyadh",
        datetime(2024, 5, 20, tzinfo=UTC),
        ("SA",),
        (),
        None,
    ),
    "oil": (
        "أسعار النفط ترتفع بعد قرار أوبك",
        "ارتفعت أسعار النفط بعد أن قررت منظمة أوبك خفض الإنتاج، وقالت السعودية إن القرار مؤقت.",
        "ar",
        "riyadh",
        datetime(2024, 5, 25, tzinfo=UTC),
        ("SA",),
        (),
        None,
    ),
    "hamza": (
        "مسؤول: الأسعار ستنخفض في يناير",
        "قال مسؤول في وزارة الاقتصاد إن أسعار المواد الغذائية ستنخفض مع بداية العام.",
        "ar",
        "ahram",
        datetime(2024, 1, 5, tzinfo=UTC),
        ("EG",),
        (),
        None,
    ),
    "france": (
        "Elections in France: turnout rises",
        "Turnout in the French legislative elections rose sharply, officials in Paris said.",
        "en",
        "wire",
        datetime(2024, 5, 28, tzinfo=UTC),
        ("FR",),
        (),
        None,
    ),
}
SOURCES = {
    "ahram": ("https://ahram.example/rss", "الأهرام"),
    "riyadh": ("https://riyadh.example/feed", "الرياض"),
    "wire": ("https://wire.example/atom", "World Wire"),
}


def populate(store: Store) -> dict[str, int]:
    """Store and index the corpus; returns article ids by key (plus sources and stories)."""
    ids: dict[str, int] = {}
    for key, (url, title) in SOURCES.items():
        ids[f"source:{key}"] = store.add_source(url, title=title).id
    story = store.create_story(title="Putin in Cairo", first_seen=NOW, last_seen=NOW)
    ids["story:visit"] = story.id
    store.upsert_entities(
        [
            Entity(
                id="Q7747",
                type=EntityType.PERSON,
                name_ar="فلاديمير بوتين",
                name_en="Vladimir Putin",
                names=(
                    EntityName("بوتين", "ar"),
                    EntityName("فلاديمير بوتين", "ar"),
                    EntityName("Vladimir Putin", "en"),
                    EntityName("Putin", "en"),
                ),
            )
        ]
    )
    for key, (title, text, lang, src, when, countries, entities, story_key) in ARTICLES.items():
        article, _ = store.add_article(
            NewArticle(
                url=f"https://news.example/{key}",
                title=title,
                text=text,
                language=lang,
                source_id=ids[f"source:{src}"],
                published_at=when,
            )
        )
        ids[key] = article.id
        store.set_article_countries(
            article.id, [ArticleCountry(c, 1.0, True, 1) for c in countries]
        )
        store.set_article_entities(article.id, [ArticleEntity(e, 1, 1.0) for e in entities])
        if story_key:
            store.update_article(article.id, story_id=ids[f"story:{story_key}"])
    index_articles(store, [i for k, i in ids.items() if ":" not in k])
    return ids
