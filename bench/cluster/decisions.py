"""A dump of every grouping decision, to show that a change of layout changes none.

Writes, for the evaluation stream (``run.evaluation_stream``: labelled ANT, English reports,
FLORES-200 documents, the demo corpus) and for a synthetic window resampled from it (both
languages, so the translation index fills its postings; ``run.synthetic_stream``):

- every ``Assignment`` (its repr) in publication order, then every story's ``StoryView``;
- the same with the window saved and read back (``snapshot.dump_window`` / ``load_window``)
  every ``--every`` articles, the loaded window going on: a snapshot must decide as the window
  it was taken of (and, printed only, the window saved that often and going on itself);
- for the evaluation stream, one shuffled arrival order through ``RecheckedStream``: each
  article's final story and its last decision.

Run before and after a change and compare the files (``cmp``), e.g.

    .venv/bin/python -m bench.cluster.decisions /tmp/before.txt
    ... change ...
    .venv/bin/python -m bench.cluster.decisions /tmp/after.txt && cmp /tmp/before.txt /tmp/after.txt

The round-tripped sections are written under the same headings as the plain ones' copies, so
a file compares with one written by code whose snapshot differed, as long as decisions agree.
"""

from __future__ import annotations

import argparse
import hashlib
import random
from collections.abc import Iterable
from pathlib import Path

from bench.cluster.run import evaluation_stream, synthetic_stream
from marsad.cluster import ClusterOptions, StoryClusterer
from marsad.cluster.frequencies import DocumentFrequencies
from marsad.cluster.recheck import RecheckedStream
from marsad.cluster.snapshot import WindowSnapshot, dump_window, load_window
from marsad.dedup import ArticleFeatures


def _round_trip(clusterer: StoryClusterer) -> StoryClusterer:
    loaded = load_window(dump_window(WindowSnapshot(clusterer, {}, {})), clusterer.options)
    assert loaded is not None, "a fresh snapshot did not load"
    return loaded.clusterer


def decisions(
    feats: Iterable[ArticleFeatures],
    background: DocumentFrequencies | None,
    every: int = 0,
    options: ClusterOptions | None = None,
    keep: bool = False,
) -> list[str]:
    """Lines: each assignment, then each story view (sorted by key); ``every`` > 0 saves and
    reloads the window that often (``keep``: saves it and goes on with the saved window, as
    the grouping holder does)."""
    clusterer = StoryClusterer(options, background)
    lines = []
    for n, f in enumerate(feats, 1):
        lines.append(repr(clusterer.add(f)))
        if every and n % every == 0:
            if keep:
                dump_window(WindowSnapshot(clusterer, {}, {}))
            else:
                clusterer = _round_trip(clusterer)
    lines.extend(repr(v) for v in sorted(clusterer.stories(), key=lambda v: v.key))
    return lines


def shuffled(feats: list[ArticleFeatures], background: DocumentFrequencies | None) -> list[str]:
    """One shuffled arrival order, re-checked: final story and last decision per article."""
    order = list(feats)
    random.Random(3).shuffle(order)
    grouped = RecheckedStream(StoryClusterer(None, background))
    for f in order:
        grouped.add(f)
    grouped.finish()
    return [
        f"{f.key} {grouped.story_of(f.key)} {grouped.decisions[f.key]!r}"
        for f in sorted(feats, key=lambda f: f.key)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, help="file to write")
    parser.add_argument("--synthetic", type=int, default=20_000, help="synthetic articles")
    parser.add_argument("--every", type=int, default=97, help="articles between round trips")
    args = parser.parse_args()
    ev = evaluation_stream()
    feats, background = ev.stream.feats, ev.stream.background
    sections: list[tuple[str, list[str]]] = []
    plain = decisions(feats, background)
    sections.append(("evaluation stream", plain))
    tripped = decisions(feats, background, args.every)
    sections.append(("evaluation stream, snapshot round trips", tripped))
    sections.append(("evaluation stream, shuffled and re-checked", shuffled(feats, background)))
    if args.synthetic:
        # Timestamps packed into 2.5 days: the whole synthetic stream is one window.
        syn = list(synthetic_stream(feats, args.synthetic))
        sections.append(("synthetic window", decisions(syn, background)))
        trips = decisions(syn, background, args.synthetic // 7 + 1)
        sections.append(("synthetic window, snapshot round trips", trips))
    with args.out.open("w", encoding="utf-8") as handle:
        for title, lines in sections:
            handle.write(f"== {title}: {len(lines)} lines\n")
            handle.writelines(line + "\n" for line in lines)
    for title, lines in sections:
        digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
        print(f"{title:<45} {len(lines):>7} lines  sha256 {digest}")
    same = plain == tripped and (not args.synthetic or sections[3][1] == sections[4][1])
    print("round trips decide as the plain window:", "yes" if same else "NO")
    # Not written to the file (so that it compares with one written before this check).
    kept = decisions(feats, background, args.every, keep=True)
    print("a window saved and kept decides as the plain window:", "yes" if kept == plain else "NO")


if __name__ == "__main__":
    main()
