"""Pinned inputs for the clustering and dedup gates: every file a gate reads, with its SHA-256.

A gate that measured a changed or missing file would report a figure on other data than the one
its floor was set on, so ``digest_checks`` turns each file into one gate check that FAILS (value
0, floor 1) when the file is missing or its digest differs; the gate then measures nothing else.
A digest changes only in a commit that says why (new labels, new evaluation data).
Evaluation texts are read from ``MARSAD_EVAL_DATA`` (never copied); label files live in bench/.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from bench.common import REPO, eval_data_dir

# (root, relative path) -> SHA-256. Root "eval" is MARSAD_EVAL_DATA, "repo" the project.
PINNED: dict[tuple[str, str], str] = {
    ("eval", "ant-arabic-news/ant_multisource_sample.jsonl.gz"): (
        "1f647218cb9dbaff5aac33d6a7551e03d3154ff993eece08adbc46bfe2d19f9a"
    ),
    ("eval", "ant-arabic-news/ant_duplicate_groups.jsonl.gz"): (
        "e8460df19b1b29b3b2dde8c4d23e1fb7f80ea6a33fbc025c9303d9e589629e6a"
    ),
    ("eval", "flores-ar-en/flores200_dev_eng_arb_docs.jsonl"): (
        "f797450261c0007fe1608b3ddf1f9c90986293d13f10dc70274ca89bee92a6df"
    ),
    ("eval", "flores-ar-en/flores200_dev_eng_arb.jsonl"): (
        "4a8beed2ee0ef902906b3305eddf6cdd5768c69c941f9cb6f07a95371f62c368"
    ),
    ("repo", "bench/cluster/labels.jsonl"): (
        "1ef1ab1c62c22c548dd79e4af04a1fa68458675631a5a74b6e26cbd479367604"
    ),
    ("repo", "bench/cluster/english_reports.jsonl"): (
        "07d66bff721415ae0a514bec7147afce6cafdcb72b24e4c60057a613b51aa959"
    ),
    ("repo", "bench/cluster/flores_labels.jsonl"): (
        "aa4df6c28151ca4c45ff1da30cb0d53416a88f725b2affb357d3b714209c4588"
    ),
    ("repo", "marsad/demo/data/articles.jsonl"): (
        "b7f06d6f5eadd1e3092e3b32580ec43504d59c0124f8ec36bb91135464fcca62"
    ),
}


def path_of(root: str, relative: str) -> Path:
    return (eval_data_dir() if root == "eval" else REPO) / relative


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def digest_checks(needed: list[tuple[str, str]]) -> list[tuple[str, float, float]]:
    """One check per file: 1.0 when it exists with its pinned digest, 0.0 (a failure) else."""
    out = []
    for root, relative in needed:
        path = path_of(root, relative)
        ok = path.is_file() and sha256(path) == PINNED[(root, relative)]
        out.append((f"pinned_sha256 {relative}", 1.0 if ok else 0.0, 1.0))
    return out


if __name__ == "__main__":
    for root, relative in PINNED:
        path = path_of(root, relative)
        print(f"{root} {relative} {sha256(path) if path.is_file() else 'MISSING'}")
