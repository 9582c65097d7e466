"""A large synthetic store for the web benchmark (SQLite), built with bulk inserts.

Shape (per 100,000 articles): 200 sources, 20,000 stories of ~5 articles from distinct sources
over the last 30 days, 2,000 entities, 1-3 entities and 1-2 countries per article, machine
translations for the English titles of one article in ten. Texts are random sentences over a
small Arabic and English vocabulary (enough for search to find and rank something).
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from marsad.models import REGIONS
from marsad.store import Store, open_store
from marsad.store import schema as t
from marsad.web.geo import Geography

AR_WORDS = [
    "قمة",
    "وزراء",
    "المياه",
    "النيل",
    "القاهرة",
    "الرئيس",
    "الحكومة",
    "البرلمان",
    "الانتخابات",
    "الاقتصاد",
    "النفط",
    "الغاز",
    "الأسواق",
    "البنك",
    "المركزي",
    "الفائدة",
    "التضخم",
    "الصادرات",
    "الزراعة",
    "الأمطار",
    "الفيضانات",
    "الجفاف",
    "المناخ",
    "الطاقة",
    "الشمسية",
    "الرياح",
    "الكهرباء",
    "المدارس",
    "الجامعات",
    "الصحة",
    "المستشفى",
    "اللقاح",
    "الأطباء",
    "الطلاب",
    "المفاوضات",
    "الهدنة",
    "السلام",
    "الحدود",
    "اللاجئين",
    "المساعدات",
    "الأمم",
    "المتحدة",
    "الاتحاد",
    "الأوروبي",
    "المحكمة",
    "القضاء",
    "الدستور",
    "الشرطة",
    "الجيش",
    "الميناء",
    "القطار",
    "الطريق",
    "المطار",
    "الرحلات",
    "السياحة",
    "الثقافة",
    "المهرجان",
    "الكتاب",
    "السينما",
    "الرياضة",
    "المنتخب",
    "الكأس",
    "الدوري",
    "الملعب",
]
EN_WORDS = [
    "summit",
    "ministers",
    "water",
    "Nile",
    "Cairo",
    "president",
    "government",
    "parliament",
    "election",
    "economy",
    "oil",
    "gas",
    "markets",
    "central",
    "bank",
    "rates",
    "inflation",
    "exports",
    "farming",
    "rain",
    "floods",
    "drought",
    "climate",
    "solar",
    "wind",
    "power",
    "schools",
    "universities",
    "health",
    "hospital",
    "vaccine",
    "doctors",
    "students",
    "talks",
    "truce",
    "peace",
    "border",
    "refugees",
    "aid",
    "United",
    "Nations",
    "European",
    "Union",
    "court",
    "judges",
    "constitution",
    "police",
    "army",
    "port",
    "railway",
    "road",
    "airport",
    "flights",
    "tourism",
    "culture",
    "festival",
    "book",
    "cinema",
    "sport",
    "team",
    "cup",
    "league",
    "stadium",
]


def _sentence(rng: random.Random, words: tuple[str, ...] | list[str], n: int) -> str:
    return " ".join(rng.choice(words) for _ in range(n))


def build(path: Path, articles: int, *, seed: int = 7, now: datetime | None = None) -> Store:
    """Create (or reuse, when it already holds ``articles``) the benchmark database."""
    now = now or datetime.now(UTC)
    url = f"sqlite:///{path}"
    store = open_store(url)
    if store.count_articles() == articles:
        return store
    if store.count_articles():
        store.close()
        path.unlink()
        store = open_store(url)
    rng = random.Random(seed)
    geo = Geography()
    countries = sorted(geo.countries)
    by_region = {r: geo.region_countries(r) for r in REGIONS}
    started = time.perf_counter()
    n_sources = 200
    n_stories = max(1, articles // 5)
    n_entities = 2000
    created = now
    with store.transaction() as conn:
        conn.execute(
            t.sources.insert(),
            [
                {
                    "url": f"http://bench{i}.example.org/feed",
                    "kind": "feed",
                    "title": f"مصدر {i}" if i % 2 else f"Outlet {i}",
                    "language": "ar" if i % 2 else "en",
                    "country": rng.choice(countries),
                    "next_poll_at": now,
                    "last_status": 200,
                    "created_at": created,
                    "updated_at": created,
                }
                for i in range(1, n_sources + 1)
            ],
        )
        conn.execute(
            t.entities.insert(),
            [
                {
                    "id": f"person:bench-{i}",
                    "type": "person",
                    "name_ar": f"شخصية {i}",
                    "name_en": f"Person {i}",
                }
                for i in range(1, n_entities + 1)
            ],
        )
        story_rows = []
        story_region: dict[int, str] = {}
        for sid in range(1, n_stories + 1):
            region = rng.choice(REGIONS)
            story_region[sid] = region
            last = now - timedelta(minutes=rng.randint(0, 30 * 24 * 60))
            story_rows.append(
                {
                    "id": sid,
                    "title_ar": _sentence(rng, AR_WORDS, 7),
                    "title": _sentence(rng, EN_WORDS, 7),
                    "first_seen": last - timedelta(hours=rng.randint(0, 24)),
                    "last_seen": last,
                    "article_count": 5,
                    "source_count": rng.randint(1, 12),
                    "countries": [],
                    "regions": [region],
                    "created_at": created,
                    "updated_at": created,
                }
            )
        for start in range(0, len(story_rows), 5000):
            conn.execute(t.stories.insert(), story_rows[start : start + 5000])
        batch: dict[str, list[dict[str, object]]] = {
            "articles": [], "article_sources": [], "article_countries": [],
            "article_entities": [], "translations": [],
        }  # fmt: skip

        def flush() -> None:
            for table_name, rows in batch.items():
                if rows:
                    conn.execute(getattr(t, table_name).insert(), rows)
                    rows.clear()

        for aid in range(1, articles + 1):
            sid = (aid - 1) // 5 + 1 if aid <= n_stories * 5 else rng.randint(1, n_stories)
            source = rng.randint(1, n_sources)
            lang = "ar" if source % 2 else "en"
            words = AR_WORDS if lang == "ar" else EN_WORDS
            published = story_rows[sid - 1]["last_seen"] - timedelta(  # type: ignore[operator]
                minutes=rng.randint(0, 600)
            )
            batch["articles"].append(
                {
                    "id": aid,
                    "url": f"http://bench{source}.example.org/a/{aid}",
                    "source_id": source,
                    "title": _sentence(rng, words, 9),
                    "text": "\n\n".join(_sentence(rng, words, 25) for _ in range(3)),
                    "summary": _sentence(rng, words, 15),
                    "author": f"كاتب {source}",
                    "language": lang,
                    "published_at": published,
                    "fetched_at": published,
                    "extraction_status": "ok",
                    "story_id": sid,
                    "created_at": published,
                }
            )
            batch["article_sources"].append(
                {"article_id": aid, "source_id": source, "first_seen": published}
            )
            region_countries = by_region[story_region[sid]] or countries
            for cc in dict.fromkeys(rng.choice(region_countries) for _ in range(2)):
                batch["article_countries"].append(
                    {
                        "article_id": aid,
                        "country": cc,
                        "score": 0.8,
                        "is_about": True,
                        "mentions": 1,
                    }
                )
            for entity in dict.fromkeys(
                rng.randint(1, n_entities) for _ in range(rng.randint(1, 3))
            ):
                batch["article_entities"].append(
                    {"article_id": aid, "entity_id": f"person:bench-{entity}", "mentions": 1,
                     "salience": 0.5}
                )  # fmt: skip
            if lang == "en" and aid % 10 == 0:
                batch["translations"].append(
                    {"article_id": aid, "field": "title", "target_language": "ar",
                     "engine": "bench", "model": "none", "text": _sentence(rng, AR_WORDS, 9),
                     "created_at": published}
                )  # fmt: skip
            if len(batch["articles"]) >= 5000:
                flush()
        flush()
    print(f"built {articles} articles in {time.perf_counter() - started:.1f}s", flush=True)
    try:
        from marsad.search import reindex_all
    except ImportError:
        return store
    started = time.perf_counter()
    indexed = reindex_all(store)
    print(
        f"indexed {indexed} articles for search in {time.perf_counter() - started:.1f}s", flush=True
    )
    with store.transaction() as conn:
        conn.execute(sa.text("ANALYZE"))
    return store


__all__ = ["AR_WORDS", "EN_WORDS", "build"]
