"""Near-duplicate detection on ANT: recall per group kind, false positives, speed; rensa vs datasketch.

Run: ``.venv/bin/python -m bench.dedup.run [--pairs N]``. Reads ``ant-arabic-news`` from
``bench.common.eval_data_dir()``. Both libraries compute signatures over the same shingles and
feed the same index (``marsad.dedup.DuplicateIndex``), so the difference is the library alone.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import datasketch
import numpy as np

from bench.common import eval_data_dir
from marsad.dedup import DuplicateIndex, features_from
from marsad.dedup.features import (
    MIN_HASH_WORDS,
    SIGNATURE_WORDS,
    ArticleFeatures,
    comparable_words,
)
from marsad.dedup.index import DEFAULT_THRESHOLD
from marsad.dedup.minhash import NUM_PERM, SEED, band_keys, minhash_signature, word_shingles

KINDS = ("same_url_identical_text", "identical_text_different_url", "same_url_text_differs")


def load(name: str) -> list[dict[str, Any]]:
    path = eval_data_dir() / "ant-arabic-news" / name
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def datasketch_signature(words: list[str]) -> bytes:
    shingles = word_shingles(words)
    if not shingles:
        return b""
    mh = datasketch.MinHash(num_perm=NUM_PERM, seed=SEED)
    mh.update_batch([s.encode("utf-8") for s in shingles])
    return np.asarray(mh.hashvalues, dtype="<u4").tobytes()


Signer = Callable[[list[str]], bytes]
SIGNERS: dict[str, Signer] = {"rensa": minhash_signature, "datasketch": datasketch_signature}


def features(row: dict[str, Any], *, with_url: bool) -> ArticleFeatures:
    """Dedup features only (no terms): what the signature path costs."""
    return features_from(
        row["docno"],
        title="",
        text=row.get("text") or "",
        language="ar",
        published=0.0,
        url=row["url"] if with_url else None,
    )


def resign(f: ArticleFeatures, text: str, signer: Signer) -> ArticleFeatures:
    words = comparable_words(text)
    ok = len(words) >= MIN_HASH_WORDS
    return replace(f, signature=signer(words[:SIGNATURE_WORDS]) if ok else b"")


def group_recall(
    groups_rows: list[dict[str, Any]], signer: Signer, *, with_url: bool
) -> dict[str, float]:
    """Share of same-group pairs whose members end with one original, per group kind."""
    rows = sorted(groups_rows, key=lambda r: (r["docno"].rsplit("-", 1)[-1], r["docno"]))
    index = DuplicateIndex()
    for row in rows:
        index.add(resign(features(row, with_url=with_url), row.get("text") or "", signer))
    by_group: dict[tuple[str, Any], list[str]] = defaultdict(list)
    for row in rows:
        by_group[(row["group_kind"], row["group_id"])].append(row["docno"])
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (kind, _), members in by_group.items():
        for a, b in itertools.combinations(members, 2):
            found[kind][1] += 1
            found[kind][0] += index.original_of(a) == index.original_of(b)
    return {kind: hit / total for kind, (hit, total) in found.items()}


def random_pair_false_positives(sample: list[dict[str, Any]], pairs: int, seed: int = 1) -> float:
    """Share of random sample pairs the index would call copies (same hash, or LSH + verify)."""
    feats = [features(r, with_url=False) for r in sample]
    bands = [set(band_keys(f.signature)) for f in feats]
    rng = random.Random(seed)
    hits = 0
    for _ in range(pairs):
        i, j = rng.sample(range(len(feats)), 2)
        a, b = feats[i], feats[j]
        if a.text_hash and a.text_hash == b.text_hash:
            hits += 1
        elif bands[i] & bands[j]:
            index = DuplicateIndex()
            index.add(a)
            hits += index.find(b) is not None
    return hits / pairs


def signature_speed(sample: list[dict[str, Any]], signer: Signer, repeat: int = 1) -> float:
    """Articles per CPU second for normalise + shingle + sign + LSH add, on one core.

    CPU time, not wall time: the bench machine is shared, and waiting for a core is not our cost.
    """
    texts = [r.get("text") or "" for r in sample] * repeat
    index = DuplicateIndex()
    started = time.process_time()
    for n, text in enumerate(texts):
        words = comparable_words(text)
        sig = signer(words[:SIGNATURE_WORDS]) if len(words) >= MIN_HASH_WORDS else b""
        index.add(ArticleFeatures(key=str(n), published=float(n), language="ar", signature=sig))
    return len(texts) / (time.process_time() - started)


def signer_only_speed(sample: list[dict[str, Any]], signer: Signer) -> float:
    """Signatures per CPU second from already-normalised words: the library alone."""
    words = [comparable_words(r.get("text") or "")[:SIGNATURE_WORDS] for r in sample]
    started = time.process_time()
    for w in words:
        signer(w)
    return len(words) / (time.process_time() - started)


def measure(pairs: int = 50_000, speed_repeat: int = 3) -> dict[str, Any]:
    groups_rows, sample = (
        load("ant_duplicate_groups.jsonl.gz"),
        load("ant_multisource_sample.jsonl.gz"),
    )
    out: dict[str, Any] = {"threshold": DEFAULT_THRESHOLD}
    for name, signer in SIGNERS.items():
        out[name] = {
            "recall_text_only": group_recall(groups_rows, signer, with_url=False),
            "recall_with_url": group_recall(groups_rows, signer, with_url=True),
            "articles_per_s": signature_speed(
                sample, signer, speed_repeat if name == "rensa" else 1
            ),
            "signatures_per_s": signer_only_speed(sample, signer),
        }
    out["random_pair_fp_rate"] = random_pair_false_positives(sample, pairs)
    # Copies the index finds inside the sample itself (a few true reposts exist in it).
    index = DuplicateIndex()
    flagged: dict[str, int] = defaultdict(int)
    for n, r in enumerate(sample):
        match = index.add(replace(features(r, with_url=False), published=float(n)))
        if match is not None:
            flagged[match.kind] += 1
    out["sample_flagged"] = dict(flagged)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=50_000, help="random pairs for the FP rate")
    args = parser.parse_args()
    res = measure(args.pairs)
    print(f"threshold (estimated Jaccard of word bigrams): {res['threshold']}")
    for name in SIGNERS:
        r = res[name]
        print(f"\n[{name}] signatures + LSH: {r['articles_per_s']:,.0f} articles/s (one core)")
        for kind in KINDS:
            print(
                f"  recall {kind:<30} text only {r['recall_text_only'].get(kind, 0):.4f}"
                f"   with URL {r['recall_with_url'].get(kind, 0):.4f}"
            )
    ratio = res["rensa"]["articles_per_s"] / res["datasketch"]["articles_per_s"]
    bare = res["rensa"]["signatures_per_s"] / res["datasketch"]["signatures_per_s"]
    print(
        f"\nrensa / datasketch: {ratio:.1f}x end to end (normalise + shingle + sign + LSH), "
        f"{bare:.1f}x for the signature alone ({res['rensa']['signatures_per_s']:,.0f} vs "
        f"{res['datasketch']['signatures_per_s']:,.0f} per CPU second)"
    )
    print(
        f"false-positive rate on {args.pairs:,} random sample pairs: {res['random_pair_fp_rate']:.5f}"
    )
    print(f"sample articles flagged as copies in one stream (by kind): {res['sample_flagged']}")


if __name__ == "__main__":
    main()
