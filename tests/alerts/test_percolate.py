"""Percolation agrees with checking every saved search on every story, and with the search
itself: a saved search matches a story when ``search(query, match="all")`` returns the story's
article."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alertkit import AI, OTHER, PAKISTAN, ingest, settings_for

from marsad.alerts.model import MatchDoc, StoryEvent
from marsad.alerts.percolate import SubscriptionIndex, compile_search, match_doc
from marsad.search import search
from marsad.store import Store
from marsad.store.alerts import Alerts

WORDS_AR = ["الذكاء", "الاصطناعي", "النفط", "غزة", "القاهرة", "الانتخابات", "البرلمان", "قانون"]
WORDS_EN = ["oil", "gaza", "cairo", "election", "parliament", "law", "floods", "pakistan"]
T0 = datetime(2026, 5, 1, tzinfo=UTC)


def _doc(rng: random.Random, n: int) -> MatchDoc:
    lang = rng.choice(["ar", "en"])
    words = WORDS_AR if lang == "ar" else WORDS_EN
    title = " ".join(rng.choice(words) for _ in range(rng.randint(2, 5)))
    prefix = "و" if lang == "ar" and rng.random() < 0.3 else ""  # clitics
    body = " ".join(prefix + rng.choice(words) for _ in range(rng.randint(5, 25)))
    return match_doc(
        article_id=n,
        title=title,
        body=body,
        language=lang,
        entity_ids=rng.sample(["Q1", "Q2", "Q3"], rng.randint(0, 2)),
        countries=rng.sample(["EG", "PK", "PS", "FR"], rng.randint(0, 2)),
        source_id=rng.randint(1, 4),
        published_at=T0 + timedelta(days=rng.randint(0, 20)),
        story_id=rng.randint(1, 6),
        indexed=rng.random() > 0.1,
    )


def _query(rng: random.Random) -> str:
    words = WORDS_AR + WORDS_EN
    parts: list[str] = []
    for _ in range(rng.randint(0, 3)):
        roll = rng.random()
        if roll < 0.15:
            parts.append(f'"{rng.choice(words)} {rng.choice(words)}"')
        elif roll < 0.3:
            parts.append(f"{rng.choice(words)} OR {rng.choice(words)}")
        elif roll < 0.4:
            parts.append(f"-{rng.choice(words)}")
        else:
            parts.append(rng.choice(words))
    for name, values in (
        ("country", ["EG", "PK", "Egypt", "باكستان"]),
        ("lang", ["ar", "en"]),
        ("story", ["1", "2", "3"]),
        ("region", ["middle_east"]),
        ("from", ["2026-05-10"]),
        ("to", ["2026-05-15"]),
    ):
        if rng.random() < 0.15:
            parts.append(f"{name}:{rng.choice(values)}")
    return " ".join(parts) or rng.choice(words)


def test_index_equals_every_search_checked_on_every_story() -> None:
    rng = random.Random(20)
    queries = list(dict.fromkeys(_query(rng) for _ in range(400)))
    docs = [_doc(rng, n) for n in range(300)]
    index = SubscriptionIndex()
    for number, query in enumerate(queries):
        index.add(number, "search", query)
    compiled = {n: compile_search(q) for n, q in enumerate(queries)}
    checked = skipped = 0
    for doc in docs:
        got = set(index.matching_searches(doc))
        got_follows = {f for n in got for f in index.search_follows[n]}
        brute = {n for n, c in compiled.items() if c is not None and c.matches(doc)}
        assert got_follows == brute, doc
        checked += len(brute)
        skipped += len(queries) - len(got)
    assert checked > 100  # the case is not trivially empty
    assert skipped > len(docs) * len(queries) * 0.5  # and most searches were never looked at


def test_arabic_words_match_with_clitics_and_stems() -> None:
    compiled = compile_search("الذكاء الاصطناعي")
    assert compiled is not None
    doc = match_doc(
        article_id=1,
        title="قانون جديد",
        body="البرلمان يناقش والذكاء الاصطناعي في الجلسة",
        language="ar",
        entity_ids=(),
        countries=(),
        source_id=1,
        published_at=T0,
        story_id=1,
    )
    assert compiled.matches(doc)
    assert not compile_search('"الاصطناعي الذكاء"').matches(doc)  # type: ignore[union-attr]
    assert compile_search('"الذكاء الاصطناعي"').matches(doc)  # type: ignore[union-attr]
    assert not compile_search("الذكاء -البرلمان").matches(doc)  # type: ignore[union-attr]


def _event(story_id: int, countries: set[str], doc: MatchDoc) -> StoryEvent:
    return StoryEvent(
        story_id=story_id,
        title="t",
        title_ar=None,
        countries=frozenset(countries),
        regions=frozenset({"south_asia"} if "PK" in countries else ()),
        entity_ids=frozenset({"Q1"}),
        source_ids=frozenset({7}),
        languages=frozenset({"en"}),
        article_count=1,
        source_count=1,
        first_seen=T0,
        last_seen=T0,
        doc=doc,
    )


def test_follows_by_exact_target() -> None:
    index = SubscriptionIndex()
    assert index.add(1, "country", "PK")
    assert index.add(2, "country", "باكستان")  # a name resolves to its code
    assert index.add(3, "entity", "Q1")
    assert index.add(4, "source", "7")
    assert index.add(5, "story", "9")
    assert index.add(6, "country", "EG")
    assert not index.add(7, "country", "Atlantis")
    assert not index.add(8, "search", "")
    doc = _doc(random.Random(1), 1)
    assert index.match(_event(9, {"PK"}, doc)) == {1, 2, 3, 4, 5}
    assert index.match(_event(10, {"FR"}, doc)) == {3, 4}


SAVED = [
    "الذكاء الاصطناعي",
    '"الذكاء الاصطناعي"',
    "البرلمان الأوروبي",
    "قانون -الوجوه",
    "Pakistan",
    "Pakistan floods",
    '"Indus river"',
    "Indus OR Madrid",
    "country:PK",
    "floods country:PK",
    "Sindh lang:ar",
    "lang:ar",
    "country:Egypt",
    "region:south_asia",
    "cup -Madrid",
    "ستراسبورغ غرامات",
]


def test_agrees_with_the_search_on_stored_articles(store: Store, tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    ids = ingest(store, settings, [*PAKISTAN, *AI, *OTHER])
    alerts = Alerts(store)
    events = alerts.story_events(ids)
    assert set(events) == set(ids)
    index = SubscriptionIndex()
    for n, query in enumerate(SAVED):
        index.add(n, "search", query, names=alerts.lookup_names, sources=alerts.resolve_sources)
    by_index: dict[int, set[int]] = {n: set() for n in range(len(SAVED))}
    for article_id, event in events.items():
        for n in index.matching_searches(event.doc):
            for follow in index.search_follows[n]:
                by_index[follow].add(article_id)
    matched_any = 0
    for n, query in enumerate(SAVED):
        found = search(store, query, match="all", limit=100, facets=False)
        expected = {h.article_id for h in found.hits} & set(ids)
        assert by_index[n] == expected, query
        matched_any += bool(expected)
    assert matched_any >= 10


@pytest.mark.parametrize(
    "query", ["", "the", 'country:"Nowhere Land"', "region:atlantis", "story:abc", "source:nope"]
)
def test_searches_that_can_match_nothing_are_left_out(query: str) -> None:
    assert compile_search(query) is None
