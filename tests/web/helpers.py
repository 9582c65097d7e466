"""A small store filled through the real Store API (shared by the web tests and fixtures)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from marsad.config import Settings, load_settings
from marsad.models import (
    ArticleCountry,
    ArticleEntity,
    Entity,
    EntityName,
    EntityType,
    ExtractionStatus,
    NewArticle,
    Translation,
)
from marsad.store import Store

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
ADMIN_TOKEN = "s3cret-token-for-tests"
XSS_TITLE = '<script>alert("t")</script><img src=x onerror=alert(1)>عنوان خبيث'
XSS_AUTHOR = '"><svg onload=alert(2)>'
XSS_TEXT = 'نص <a href="javascript:alert(3)">اضغط</a> <style>body{display:none}</style> <b>مكسور'
XSS_URL = "javascript:alert(4)//example.org/x"


@dataclass(frozen=True)
class Filled:
    store: Store
    sources: dict[str, int]
    articles: dict[str, int]
    stories: dict[str, int]


def fill_store(store: Store, now: datetime = NOW) -> Filled:
    """A small newsroom: two stories across languages, a copy, a translation, hostile input."""
    src = {
        "ar": store.add_source(
            "http://ar.example.org/feed", title="صحيفة الأفق", language="ar", country="EG"
        ).id,
        "en": store.add_source(
            "http://en.example.org/rss", title="Horizon Times", language="en", country="GB"
        ).id,
        "copy": store.add_source(
            "http://copy.example.org/feed", title="ناقل الأخبار", language="ar", country="JO"
        ).id,
        "evil": store.add_source("http://evil.example.org/feed", title=XSS_TITLE, language="ar").id,
    }
    store.update_source(
        src["evil"], last_status=500, last_error="HTTP 500 <script>x</script>", failure_count=3
    )
    store.upsert_entities(
        [
            Entity(
                "person:amina-haddad",
                EntityType.PERSON,
                name_ar="أمينة حداد",
                name_en="Amina Haddad",
                names=(EntityName("أمينة حداد", "ar"), EntityName("Amina Haddad", "en")),
            ),
            Entity(
                "org:un", EntityType.ORGANIZATION, name_ar="الأمم المتحدة", name_en="United Nations"
            ),
        ]
    )

    def add(key: str, **fields: object) -> int:
        article, _ = store.add_article(NewArticle(**fields))  # type: ignore[arg-type]
        return article.id

    art = {
        "ar": add(
            "ar",
            url="http://ar.example.org/2026/summit",
            source_id=src["ar"],
            title="قمة المياه في القاهرة تتفق على خطة لنهر النيل",
            text="اتفق وزراء المياه في القاهرة على خطة مشتركة.\n\nوقالت أمينة حداد إن الخطة تبدأ في 2027.",
            summary="اتفاق على خطة للنيل",
            author="سارة منصور",
            language="ar",
            published_at=now - timedelta(hours=3),
            extraction_status=ExtractionStatus.OK,
        ),
        "en": add(
            "en",
            url="http://en.example.org/world/water-summit",
            source_id=src["en"],
            title="Cairo water summit agrees Nile plan",
            text="Water ministers meeting in Cairo agreed a joint plan.\n\nAmina Haddad said it starts in 2027.",
            summary="Ministers agree a plan",
            author="John Reed",
            language="en",
            published_at=now - timedelta(hours=2),
            extraction_status=ExtractionStatus.OK,
        ),
        "copy": add(
            "copy",
            url="http://copy.example.org/n/123",
            source_id=src["copy"],
            title="قمة المياه في القاهرة تتفق على خطة لنهر النيل",
            text="اتفق وزراء المياه في القاهرة على خطة مشتركة.",
            language="ar",
            published_at=now - timedelta(hours=1),
            extraction_status=ExtractionStatus.OK,
        ),
        "other": add(
            "other",
            url="http://en.example.org/world/un-vote",
            source_id=src["en"],
            title="UN vote on Nile water sharing",
            text="The UN voted on water sharing.",
            language="en",
            published_at=now - timedelta(hours=20),
            extraction_status=ExtractionStatus.OK,
        ),
        "evil": add(
            "evil",
            url=XSS_URL,
            source_id=src["evil"],
            title=XSS_TITLE,
            text=XSS_TEXT,
            summary=XSS_TEXT,
            author=XSS_AUTHOR,
            language="ar",
            published_at=now - timedelta(hours=5),
            extraction_status=ExtractionStatus.OK,
        ),
    }
    store.update_article(art["copy"], duplicate_of=art["ar"])
    main = store.create_story(
        title_ar="قمة المياه في القاهرة",
        title="Cairo water summit",
        first_seen=now - timedelta(hours=3),
        last_seen=now - timedelta(hours=1),
        article_count=3,
        source_count=3,
        countries=["EG"],
        regions=["north_africa"],
    )
    other = store.create_story(
        title="UN vote on Nile water sharing",
        first_seen=now - timedelta(hours=20),
        last_seen=now - timedelta(hours=20),
        article_count=1,
        source_count=1,
        countries=["EG"],
        regions=["north_africa"],
    )
    evil = store.create_story(
        title_ar=XSS_TITLE,
        first_seen=now - timedelta(hours=5),
        last_seen=now - timedelta(hours=5),
        article_count=1,
        source_count=1,
    )
    for key in ("ar", "en", "copy"):
        store.update_article(art[key], story_id=main.id)
    store.update_article(art["other"], story_id=other.id)
    store.update_article(art["evil"], story_id=evil.id)
    for key in ("ar", "en", "copy", "other"):
        store.set_article_countries(art[key], [ArticleCountry("EG", 0.9, True, 2)])
        store.set_article_entities(art[key], [ArticleEntity("person:amina-haddad", 1, 0.8)])
    store.set_article_countries(art["evil"], [ArticleCountry("GB", 0.5, True, 1)])
    store.set_article_entities(art["other"], [ArticleEntity("org:un", 2, 0.9)])
    store.put_translation(
        Translation(
            art["en"],
            "title",
            "ar",
            "ctranslate2",
            "opus-mt-en-ar",
            "قمة القاهرة للمياه تقر خطة النيل",
        )
    )
    store.put_translation(
        Translation(
            art["en"], "text", "ar", "ctranslate2", "opus-mt-en-ar", "اتفق وزراء المياه على خطة."
        )
    )
    return Filled(
        store,
        src,
        art,
        {"main": main.id, "other": other.id, "evil": evil.id},
    )


def web_settings(home: Path, **overrides: object) -> Settings:
    return load_settings(env={}, overrides={"home": str(home), **overrides})
