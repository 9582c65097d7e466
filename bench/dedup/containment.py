"""Republished copies under wrappers: recall on ANT duplicate groups with added headers,
intros, "read also" blocks and footers or cut to 80%, and false positives on random pairs.

Run: ``.venv/bin/python -m bench.dedup.containment [--pairs N]``.

For every pair of the ANT duplicate groups (``ant_duplicate_groups.jsonl.gz``, the dev set) the
second member is rewritten as a republishing site would: ``header`` (a site name line, a
dateline), ``intro`` (an editor's paragraph taken from an unrelated ANT article), ``read-also``
(a "اقرأ أيضا" block of three other articles' titles and first sentences), ``footer`` (source
line, copyright, a newsletter invitation), ``all`` (all four), and ``cut`` (the first 80% of the
original's sentences). A pair counts as found when the index puts both under one original
(published in order, the original first, its URL hidden). False positives: random pairs of the
ANT sample (different articles; a few true reposts exist) that the index calls copies. Both with
today's index and with the lead signature alone (the release: ``containment`` off).
"""

from __future__ import annotations

import argparse
import itertools
import random
from collections import defaultdict
from dataclasses import replace
from typing import Any

from bench.dedup.run import load
from marsad.dedup import DuplicateIndex, content_hash, minhash_signature
from marsad.dedup.align import split_sentences
from marsad.dedup.features import (
    MIN_HASH_WORDS,
    SIGNATURE_WORDS,
    ArticleFeatures,
    comparable_words,
    sentence_hashes,
)

WRAPPERS = ("header", "intro", "read-also", "footer", "all", "cut")


def _features(key: str, text: str, when: float) -> ArticleFeatures:
    """What the duplicate index reads (``features_from`` computes the same, and much more)."""
    words = comparable_words(text)
    ok = len(words) >= MIN_HASH_WORDS
    return ArticleFeatures(
        key=key,
        published=when,
        language="ar",
        text_hash=content_hash(text) if ok else None,
        signature=minhash_signature(words[:SIGNATURE_WORDS]) if ok else b"",
        sentences=sentence_hashes(text),
    )


def wrap(text: str, kind: str, rng: random.Random, others: list[dict[str, Any]]) -> str:
    """``text`` as a republishing site might present it (see the module docstring)."""
    other = rng.choice(others)
    header = "شبكة الأخبار العربية | الأخبار العاجلة\nالقاهرة - خاص"
    intro = " ".join(split_sentences(other["text"] or "")[:2]) or "نقدم لكم هذا التقرير."
    picks = rng.sample(others, 3)
    read_also = "اقرأ أيضا:\n" + "\n".join(
        f"{p['title']}: {' '.join(split_sentences(p['text'] or '')[:1])}" for p in picks
    )
    footer = (
        "المصدر: وكالات الأنباء. جميع الحقوق محفوظة لشبكة الأخبار العربية 2018.\n"
        "اشترك في نشرتنا البريدية ليصلك كل جديد من الأخبار والتقارير يوميا على بريدك."
    )
    if kind == "header":
        return f"{header}\n{text}"
    if kind == "intro":
        return f"{intro}\n{text}"
    if kind == "read-also":
        return f"{text}\n{read_also}"
    if kind == "footer":
        return f"{text}\n{footer}"
    if kind == "all":
        return f"{header}\n{intro}\n{text}\n{read_also}\n{footer}"
    if kind == "cut":
        sentences = split_sentences(text)
        return " ".join(sentences[: max(1, round(len(sentences) * 0.8))])
    raise ValueError(kind)


def _strip(f: ArticleFeatures, containment: bool) -> ArticleFeatures:
    return f if containment else replace(f, sentences=b"")


def wrapped_recall(
    groups: list[dict[str, Any]], sample: list[dict[str, Any]], containment: bool
) -> dict[str, float]:
    """Share of group pairs found with each wrapper on the second member."""
    by_group: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in groups:
        if (row.get("text") or "").strip():
            by_group[row["group_id"]].append(row)
    out: dict[str, float] = {}
    for kind in WRAPPERS:
        rng = random.Random(kind)
        found = total = 0
        index = DuplicateIndex()
        n = 0
        for members in by_group.values():
            for a, b in itertools.combinations(members, 2):
                n += 2
                first = _strip(_features(f"{n}a", a["text"], n), containment)
                copy_text = wrap(b["text"], kind, rng, sample)
                second = _strip(_features(f"{n}b", copy_text, n + 1), containment)
                index.add(first)
                index.add(second)
                total += 1
                # Both under one original: a group of three or more adds one member twice (in
                # two pairs), and some texts recur in other groups, so ``first`` may itself be a
                # copy of an earlier article with its text.
                found += index.original_of(second.key) == index.original_of(first.key)
        out[kind] = found / total if total else 0.0
    return out


def random_pair_false_positives(
    sample: list[dict[str, Any]], pairs: int, containment: bool, seed: int = 1
) -> float:
    """Share of random ANT sample pairs the index calls copies."""
    feats = [_strip(_features(r["docno"], r["text"] or "", 0.0), containment) for r in sample]
    rng = random.Random(seed)
    hits = 0
    for _ in range(pairs):
        i, j = rng.sample(range(len(feats)), 2)
        if sample[i]["text"] == sample[j]["text"]:
            continue  # the same text twice in the sample is a copy
        index = DuplicateIndex()
        index.add(feats[i])
        hits += index.find(feats[j]) is not None
    return hits / pairs


def measure(pairs: int) -> dict[str, dict[str, Any]]:
    groups = load("ant_duplicate_groups.jsonl.gz")
    sample = load("ant_multisource_sample.jsonl.gz")
    out: dict[str, dict[str, Any]] = {}
    for name, containment in (("today", True), ("release", False)):
        out[name] = {
            "recall": wrapped_recall(groups, sample, containment),
            "fp_rate": random_pair_false_positives(sample, pairs, containment),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=20_000, help="random pairs for the FP rate")
    args = parser.parse_args()
    res = measure(args.pairs)
    print("recall of ANT duplicate-group pairs with the second member wrapped:")
    print(f"  {'wrapper':<10} {'today':>7} {'release':>8}")
    for kind in WRAPPERS:
        print(
            f"  {kind:<10} {res['today']['recall'][kind]:>7.3f} {res['release']['recall'][kind]:>8.3f}"
        )
    print(
        f"false-positive rate on {args.pairs:,} random sample pairs: today "
        f"{res['today']['fp_rate']:.5f}, release {res['release']['fp_rate']:.5f}"
    )


if __name__ == "__main__":
    main()
