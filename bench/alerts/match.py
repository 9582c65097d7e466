"""Matching speed (issue 20): a changed story against 10,000 follows and saved searches of 1,000
users, through the percolation index and, side by side, by brute force (every follow checked,
every saved search verified on every story). Both must give the same follows.

Stories: the shipped demo corpus (91 articles, Arabic and English), each as the story event of
one article. Follows per user (10): 4 saved searches (1-3 words or a phrase drawn from the
corpus's own words, weighted towards common ones, some with OR, an exclusion or a country:/lang:
filter), 3 countries, 1 entity, 1 source, 1 story.

    nice .venv/bin/python -m bench.alerts.match [--users 1000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter
from datetime import UTC, datetime

from marsad.alerts.model import StoryEvent
from marsad.alerts.percolate import SubscriptionIndex, compile_search, match_doc
from marsad.demo.corpus import load_corpus
from marsad.search.places import country_region, resolve_country, resolve_region

COUNTRIES = ["PK", "EG", "SA", "AE", "IQ", "SY", "LB", "JO", "MA", "DZ", "TN", "LY", "SD", "YE"]
COUNTRIES += ["US", "GB", "FR", "DE", "RU", "CN", "IN", "TR", "IR", "IL", "PS", "QA", "KW", "OM"]


def _events() -> list[StoryEvent]:
    corpus = load_corpus()
    outlets = {o.id: n for n, o in enumerate(corpus.outlets, 1)}
    stories = {a.story: n for n, a in enumerate(corpus.articles, 1)}
    events = []
    for n, a in enumerate(corpus.articles, 1):
        doc = match_doc(
            article_id=n,
            title=a.title,
            body="\n\n".join(a.paragraphs),
            language=a.language,
            entity_ids=(),
            countries=a.countries,
            source_id=outlets[a.outlet],
            published_at=a.published,
            story_id=stories[a.story],
        )
        regions = {r for r in (country_region(c) for c in a.countries) if r}
        events.append(
            StoryEvent(
                story_id=stories[a.story],
                title=a.title,
                title_ar=None,
                countries=frozenset(a.countries),
                regions=frozenset(regions),
                entity_ids=frozenset({f"Q{n % 50}"}),
                source_ids=frozenset({outlets[a.outlet]}),
                languages=frozenset({a.language}),
                article_count=1,
                source_count=1,
                first_seen=a.published,
                last_seen=a.published,
                doc=doc,
            )
        )
    return events


def _follows(users: int, rng: random.Random) -> list[tuple[int, str, str]]:
    corpus = load_corpus()
    words = Counter(
        w.strip(".,:;\"'()«»،؛؟").lower()
        for a in corpus.articles
        for p in (a.title, *a.paragraphs)
        for w in p.split()
    )
    vocab = [w for w, c in words.items() if len(w) > 3 and c >= 2]
    weights = [words[w] ** 0.5 for w in vocab]

    def word() -> str:
        return rng.choices(vocab, weights)[0]

    def query() -> str:
        roll = rng.random()
        if roll < 0.15:
            q = f'"{word()} {word()}"'
        elif roll < 0.3:
            q = f"{word()} OR {word()}"
        else:
            q = " ".join(word() for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.1:
            q += f" -{word()}"
        if rng.random() < 0.1:
            q += f" country:{rng.choice(COUNTRIES)}"
        if rng.random() < 0.05:
            q += f" lang:{rng.choice(['ar', 'en'])}"
        return q

    out: list[tuple[int, str, str]] = []
    for _ in range(users):
        for _ in range(4):
            out.append((len(out), "search", query()))
        for _ in range(3):
            out.append((len(out), "country", rng.choice(COUNTRIES)))
        out.append((len(out), "entity", f"Q{rng.randint(0, 500)}"))
        out.append((len(out), "source", str(rng.randint(1, 40))))
        out.append((len(out), "story", str(rng.randint(1, 400))))
    return out


def _brute_force(follows: list[tuple[int, str, str]]):  # type: ignore[no-untyped-def]
    compiled = {i: compile_search(t) for i, k, t in follows if k == "search"}
    regions = {i: resolve_region(t) for i, k, t in follows if k == "region"}
    countries = {i: resolve_country(t) for i, k, t in follows if k == "country"}

    def match(event: StoryEvent) -> set[int]:
        found = set()
        for i, kind, target in follows:
            if kind == "search":
                c = compiled[i]
                hit = c is not None and c.matches(event.doc)
            elif kind == "country":
                hit = countries[i] in event.countries
            elif kind == "region":
                hit = regions[i] in event.regions
            elif kind == "entity":
                hit = target in event.entity_ids
            elif kind == "source":
                hit = int(target) in event.source_ids
            else:
                hit = int(target) == event.story_id
            if hit:
                found.add(i)
        return found

    return match


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(20)
    events = _events()
    follows = _follows(args.users, rng)
    started = time.process_time()
    index = SubscriptionIndex()
    for i, kind, target in follows:
        index.add(i, kind, target)
    build = time.process_time() - started
    brute = _brute_force(follows)
    matched = 0
    for event in events:  # same answers
        got, want = index.match(event), brute(event)
        assert got == want, (event.story_id, got ^ want)
        matched += len(got)
    timings: dict[str, list[float]] = {"index": [], "brute": []}
    for round_ in range(args.repeat):
        # Side by side, alternating; brute force is slow: three rounds of it are enough.
        runs = (
            [("index", index.match), ("brute", brute)] if round_ < 3 else [("index", index.match)]
        )
        for name, fn in runs:
            started = time.process_time()
            for event in events:
                fn(event)
            timings[name].append((time.process_time() - started) / len(events) * 1000)
    per_index = statistics.median(timings["index"])
    per_brute = statistics.median(timings["brute"])
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {len(follows)} follows of {args.users} users")
    print(
        f"  {sum(1 for f in follows if f[1] == 'search')} saved searches "
        f"({len(index.searches)} distinct, {len(index.unkeyed)} unkeyed), "
        f"{len(index.postings)} posting keys; index built in {build:.2f} CPU s"
    )
    print(f"  {len(events)} stories, {matched / len(events):.1f} follows matched per story")
    print(f"  index:       {per_index:.3f} ms CPU per story (median of {len(timings['index'])})")
    print(f"  brute force: {per_brute:.3f} ms CPU per story (median of {len(timings['brute'])})")
    print(
        f"  ratio brute/index: {per_brute / per_index:.1f}x; target <= 2 ms per story: "
        f"{'met' if per_index <= 2.0 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
