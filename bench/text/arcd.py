"""ARCD passage retrieval: which Arabic analyser finds the right passage (Recall@10, MRR@10).

Each analyser turns the 460 ARCD passages (title + text) and the 1,395 questions into terms; the
terms are indexed in SQLite FTS5 (BM25, k1 = 1.2, b = 0.75) and every question is run as an OR of
its terms. The first row is FTS5 over the raw text with its default ``unicode61`` tokenizer, the
reference that issue 7 quotes (0.870 / 0.677 on this machine). Run:
``nice -n 10 .venv/bin/python -m bench.text.arcd [--split full|test]``.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import Stemmer

from bench.common import eval_data_dir
from marsad.text import Analyzer, AnalyzerOptions, normalize_ar, tokenize
from marsad.text.analyze import is_normalized_stopword

TOP_K = 10


@dataclass(frozen=True)
class Collection:
    passages: dict[str, str]  # pid -> title + "\n" + text
    queries: dict[str, str]  # qid -> question
    relevant: dict[str, set[str]]  # qid -> relevant pids


@dataclass(frozen=True)
class Scores:
    recall_at_10: float
    mrr_at_10: float
    seconds: float


def load_collection(split: str = "full") -> Collection:
    """Read ``arabic-search/arcd`` (split ``full``: arcd.*, ``test``: arcd-test.*)."""
    base = eval_data_dir() / "arabic-search" / "arcd"
    stem = "arcd" if split == "full" else "arcd-test"
    passages = {}
    for line in (base / f"{stem}.corpus.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        passages[row["pid"]] = f"{row['title']}\n{row['text']}"
    queries = {}
    for line in (base / f"{stem}.queries.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        queries[row["qid"]] = row["question"]
    relevant: dict[str, set[str]] = {}
    for line in Path(base / f"{stem}.qrels.trec").read_text(encoding="utf-8").splitlines():
        qid, _, pid, rel = line.split()
        if int(rel) > 0:
            relevant.setdefault(qid, set()).add(pid)
    return Collection(passages, queries, relevant)


def _fts_query(terms: list[str]) -> str:
    unique = dict.fromkeys(t.replace('"', "") for t in terms)
    return " OR ".join(f'"{t}"' for t in unique if t)


def evaluate(
    collection: Collection,
    analyse: Callable[[str], list[str]] | None,
    title_weight: float | None = None,
) -> Scores:
    """Index the passages' terms in FTS5 and score every question; ``None`` = raw text.

    With ``title_weight`` the title is also indexed in a column of its own, weighted that much in
    BM25 (as Marsad's search weighs headlines); otherwise one column holds title and text.
    """
    started = time.perf_counter()
    db = sqlite3.connect(":memory:")
    # With analysed text the terms are already what we want: split on spaces only.
    tokenizer = "unicode61" if analyse is None else "unicode61 remove_diacritics 0"
    db.execute(
        f"CREATE VIRTUAL TABLE p USING fts5(pid UNINDEXED, title, body, tokenize='{tokenizer}')"
    )

    def terms(text: str) -> str:
        return text if analyse is None else " ".join(analyse(text))

    rows = [
        (pid, terms(text.split("\n", 1)[0]) if title_weight else "", terms(text))
        for pid, text in collection.passages.items()
    ]
    db.executemany("INSERT INTO p(pid, title, body) VALUES (?, ?, ?)", rows)
    rank_sql = f"bm25(p, 0, {title_weight or 0.0}, 1.0)"
    recall = reciprocal = 0.0
    for qid, question in collection.queries.items():
        if analyse is None:
            words = [t for t in question.replace('"', " ").split() if any(c.isalnum() for c in t)]
            match = " OR ".join(f'"{t}"' for t in words)
        else:
            match = _fts_query(analyse(question))
        ranked: list[str] = []
        if match:
            ranked = [
                r[0]
                for r in db.execute(
                    f"SELECT pid FROM p WHERE p MATCH ? ORDER BY {rank_sql} LIMIT ?",
                    (match, TOP_K),
                )
            ]
        relevant = collection.relevant.get(qid, set())
        for rank, pid in enumerate(ranked, 1):
            if pid in relevant:
                recall += 1
                reciprocal += 1 / rank
                break
    n = len(collection.queries)
    return Scores(recall / n, reciprocal / n, time.perf_counter() - started)


def snowball_analyser(normalise: bool, stopwords: bool = True) -> Callable[[str], list[str]]:
    """The reference: (normalise +) Snowball Arabic + stop words, as in issue 7's 20 lines."""
    arabic = Stemmer.Stemmer("arabic")
    english = Stemmer.Stemmer("english")

    def analyse(text: str) -> list[str]:
        words = tokenize(text) if normalise else tokenize_raw(text)
        out = []
        for w in words:
            n = normalize_ar(w)
            if stopwords and is_normalized_stopword(n, "ar"):
                continue
            out.append(arabic.stemWord(w) if not w.isascii() else english.stemWord(w))
        return out

    return analyse


_RAW_WORD_RE = re.compile("[\\w\u064b-\u0652\u0670]+")


def tokenize_raw(text: str) -> list[str]:
    """Words of the raw text (lower-cased, diacritics kept), for Snowball's own normaliser."""
    return _RAW_WORD_RE.findall(text.lower())


Variant = tuple[Callable[[str], list[str]] | None, float | None]


def variants() -> dict[str, Variant]:
    """The analysers compared, in table order: (analyser, title weight or None)."""

    def options(**kw: object) -> Callable[[str], list[str]]:
        return Analyzer(AnalyzerOptions(**kw)).analyze  # type: ignore[arg-type]

    return {
        "fts5 unicode61 (raw text)": (None, None),
        "normalise only": (options(arabic_stemmer="none", stopwords=False), None),
        "normalise + stop words": (options(arabic_stemmer="none"), None),
        "snowball on raw words + stop": (snowball_analyser(normalise=False), None),
        "normalise + snowball + stop": (options(arabic_stemmer="snowball"), None),
        "normalise + light + stop (default)": (options(), None),
        "normalise + snowball + stop + surface": (
            options(arabic_stemmer="snowball", keep_surface=True),
            None,
        ),
        "normalise + light + stop + surface": (options(keep_surface=True), None),
        "normalise + snowball + stop, title x3": (options(arabic_stemmer="snowball"), 3.0),
        "normalise + light + stop, title x3": (options(), 3.0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["full", "test"], default="full")
    args = parser.parse_args()
    collection = load_collection(args.split)
    print(
        f"ARCD {args.split}: {len(collection.passages)} passages, "
        f"{len(collection.queries)} questions, FTS5 BM25, top {TOP_K}"
    )
    print(f"{'analyser':42} {'R@10':>7} {'MRR@10':>7} {'secs':>6}")
    base: Scores | None = None
    for name, (analyse, title_weight) in variants().items():
        scores = evaluate(collection, analyse, title_weight)
        base = base or scores
        print(
            f"{name:42} {scores.recall_at_10:7.4f} {scores.mrr_at_10:7.4f} {scores.seconds:6.2f}"
            f"  (x{scores.recall_at_10 / base.recall_at_10:.3f} R, "
            f"x{scores.mrr_at_10 / base.mrr_at_10:.3f} MRR vs raw FTS5)"
        )


if __name__ == "__main__":
    main()
