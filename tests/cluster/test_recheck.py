"""Stories that do not depend on arrival order: the re-check (``marsad.cluster.recheck``).

The shipped demo corpus (91 articles, 10 outlets, Arabic and English, one translated copy and
republished copies) is streamed in publication order, reversed and shuffled: online decisions
alone differ with the order; after the re-check they are the publication-order ones.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from marsad.cli.main import main
from marsad.cluster import StoryClusterer
from marsad.cluster.recheck import RecheckArticle, RecheckedStream, StoryTracker, recheck
from marsad.cluster.stream import load_understander, parse_time
from marsad.dedup import ArticleFeatures, features_from

DEMO = Path(__file__).resolve().parents[2] / "marsad" / "demo" / "data" / "articles.jsonl"


def _rows() -> list[dict]:
    return [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def demo_features() -> list[ArticleFeatures]:
    understander = load_understander()
    out = []
    for row in _rows():
        title, text = row["title"], "\n\n".join(row["paragraphs"])
        entities, countries, regions = understander(title, text, row["language"])
        when = parse_time(row["published"])
        assert when is not None
        out.append(
            features_from(
                f"{row['outlet']}/{row['slug']}",
                title=title,
                text=text,
                language=row["language"],
                published=when.timestamp(),
                entities=entities,
                countries=countries,
                regions=regions,
                source=row["outlet"],
            )
        )
    out.sort(key=lambda f: (f.published, f.key))
    return out


def _partition(story_of: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for article, story in story_of.items():
        groups.setdefault(story, set()).add(article)
    return {frozenset(g) for g in groups.values()}


def _online(order: list[ArticleFeatures]) -> set[frozenset[str]]:
    clusterer, tracker = StoryClusterer(), StoryTracker()
    for f in order:
        tracker.record(clusterer.add(f))
    return _partition({f.key: tracker.story_of(f.key) or f.key for f in order})


def _rechecked(order: list[ArticleFeatures], every: int = 250) -> tuple[set, dict]:
    grouped = RecheckedStream(StoryClusterer(), recheck_every=every)
    for f in order:
        grouped.add(f)
    grouped.finish()
    links = {
        k: (d.duplicate_of_key, d.translation_of_key)
        for k, d in grouped.decisions.items()
        if d.duplicate_of_key or d.translation_of_key
    }
    return _partition({f.key: grouped.story_of(f.key) or f.key for f in order}), links


def test_any_arrival_order_gives_the_publication_order_stories(
    demo_features: list[ArticleFeatures],
) -> None:
    in_order = demo_features
    reference, reference_links = _rechecked(in_order)
    assert reference == _online(in_order)  # in order, nothing to re-check
    assert len(reference) < len(in_order)  # stories of several articles exist
    orders = [list(reversed(in_order))]
    for seed in range(3):
        shuffled = list(in_order)
        random.Random(seed).shuffle(shuffled)
        orders.append(shuffled)
    # The test has teeth: online decisions alone depend on the order.
    assert any(_online(order) != reference for order in orders)
    for order in orders:
        for every in (250, 17):  # once at the end, and many times on the way
            partition, links = _rechecked(order, every)
            assert partition == reference
            assert links == reference_links


def test_a_copy_that_arrives_first_is_linked_to_the_earlier_original(
    demo_features: list[ArticleFeatures],
) -> None:
    _, links = _rechecked(demo_features)
    copies = {k: v[0] for k, v in links.items() if v[0]}
    assert copies, "the demo corpus has republished copies"
    published = {f.key: f.published for f in demo_features}
    for copy, original in copies.items():
        assert published[original] <= published[copy]
    _, reversed_links = _rechecked(list(reversed(demo_features)))
    assert reversed_links == links


def test_recheck_keeps_story_ids_and_says_what_moved(
    demo_features: list[ArticleFeatures],
) -> None:
    # The last third arrives newest first (as a feed lists it), after the rest in order.
    cut = 2 * len(demo_features) // 3
    order = demo_features[:cut] + list(reversed(demo_features[cut:]))
    window, tracker = StoryClusterer(), StoryTracker()
    records = {}
    for f in order:
        decision = window.add(f)
        tracker.record(decision)
        records[f.key] = decision
    since = window.disorder_since
    assert since is not None and since < demo_features[-1].published
    items = [
        RecheckArticle(
            f,
            records[f.key].story_key,
            records[f.key].duplicate_of_key,
            records[f.key].merged_story_keys,
            current_story=tracker.story_of(f.key),
        )
        for f in order
    ]
    result = recheck(window, items, since)
    assert result.clusterer.disorder_since is None
    assert _partition(result.story_of) == _online(demo_features)
    # Every re-checked story is named after the old story it shares most articles with, no
    # old name is used twice, and an old story nobody continues points where its articles went.
    old = {f.key: tracker.story_of(f.key) for f in order}
    labels = [result.label(s) for s in set(result.story_of.values())]
    assert len(labels) == len(set(labels))
    for new, kept in result.continues.items():
        members = [k for k, s in result.story_of.items() if s == new]
        assert any(old[k] == kept for k in members)
    for gone, new in result.absorbed.items():
        assert gone not in result.continues.values()
        assert new in set(result.story_of.values())
    moved = {k for k, s in result.story_of.items() if result.label(s) != old[k]}
    assert set(result.moved) == moved
    # Articles decided before the disorder keep their stories.
    assert all(
        result.label(result.story_of[f.key]) == old[f.key]
        for f in demo_features
        if f.published < since and old[f.key] in result.continues.values()
    )


def test_marsad_cluster_output_does_not_depend_on_input_order(
    tmp_path: Path, marsad_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _rows()
    records = [
        {
            "id": f"{r['outlet']}/{r['slug']}",
            "url": f"https://{r['outlet']}.example/{r['slug']}",
            "title": r["title"],
            "text": "\n\n".join(r["paragraphs"]),
            "language": r["language"],
            "published": r["published"],
            "source": r["outlet"],
        }
        for r in rows
    ]
    outputs = []
    for name, order in (("forward", records), ("backward", records[::-1])):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in order) + "\n")
        assert main(["cluster", str(path), "--json", "--window-days", "3"]) == 0
        lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
        by_id = {row["input"].rsplit(":", 1)[-1]: row for row in lines}
        groups: dict[str, set[str]] = {}
        for key, row in by_id.items():
            groups.setdefault(row["story"], set()).add(key)
        links = {k: (r["duplicate_of"], r["translation_of"]) for k, r in by_id.items()}
        outputs.append(({frozenset(g) for g in groups.values()}, links))
    assert len(outputs[0][0]) < len(records)
    assert outputs[0][0] == outputs[1][0]
