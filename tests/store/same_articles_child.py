"""Child process for the concurrent-writers test: stores the same 1,000 articles as its siblings.

Each writer goes through them in its own order (the seed), with their analysis (entities,
names, countries, signatures), aliases, a source link and a translation, so every natural key
is written by eight processes at once.
"""

from __future__ import annotations

import random
import sys

from marsad.models import (
    AnalysedArticle,
    ArticleCountry,
    ArticleEntity,
    Entity,
    EntityName,
    EntityType,
    NewArticle,
    Translation,
)
from marsad.store import open_store

N = 1000


def bundle(i: int, source_id: int) -> AnalysedArticle:
    entity = Entity(
        id=f"person:p{i % 37}",
        type=EntityType.PERSON,
        name_ar=f"شخص {i % 37}",
        name_en=f"Person {i % 37}",
        names=(EntityName(f"Person {i % 37}", "en"), EntityName(f"شخص {i % 37}", "ar")),
    )
    return AnalysedArticle(
        article=NewArticle(
            url=f"https://same.example/a/{i}",
            source_id=source_id,
            guid=f"https://same.example/?p={i}",
            aliases=(f"https://same.example/a/{i}?utm_source=x",),
            title=f"خبر {i}",
            text=f"نص الخبر رقم {i}",
            language="ar",
        ),
        countries=(ArticleCountry(country="EG", score=1.0, is_about=True, mentions=2),),
        entity_links=(ArticleEntity(entity.id, mentions=1, salience=1.0),),
        entities=(entity,),
        minhash=bytes([i % 256]) * 8,
        features={"i": i},
    )


def main(url: str, seed: int) -> None:
    store = open_store(url, migrate_schema=False)
    source_id = store.get_source_by_url("https://same.example/feed").id
    order = list(range(N))
    random.Random(seed).shuffle(order)
    created = 0
    for start in range(0, N, 50):
        chunk = order[start : start + 50]
        for i in chunk:
            created += store.save_analysed(bundle(i, source_id))[2]
        # The batch path too, racing the siblings' analysed writes of the same URLs.
        created += sum(
            c for _, c in store.add_articles([bundle(i, source_id).article for i in chunk])
        )
        for i in (i for i in chunk if i % 10 == 0):
            article_id = store.find_article_id([f"https://same.example/a/{i}"])
            assert article_id is not None
            store.put_translation(Translation(article_id, "title", "ar", "test", "test-1", f"t{i}"))
    print(created, flush=True)
    store.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
