"""ARCD passage retrieval: Marsad search vs FTS5 with its default tokenizer, in one run.

    .venv/bin/python -m bench.search.arcd [--split full|test] [--database-url URL]

Data: ``$MARSAD_EVAL_DATA/arabic-search/arcd`` (1,395 questions, 460 passages, TREC qrels; one
relevant passage per question, so Recall@10 is the share of questions whose passage is in the
top 10). Each passage becomes an article (title = the Wikipedia article's title, body = the
passage) in a fresh store; questions go through ``marsad.search.search`` unchanged.
Reference: the bare library is sqlite3 FTS5 (unicode61 tokenizer, no stemming), queried with
the question's words joined by OR and ranked by bm25, as a plain FTS5 deployment would.
``--database-url`` runs Marsad's side on PostgreSQL (an empty database or schema, e.g.
``postgresql://host/db?options=-csearch_path%3Dscratch``); measured 2026-11-29, full split:
Recall@10 / MRR@10 0.956 / 0.824 (SQLite 0.960 / 0.826).
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.common import eval_data_dir
from marsad.models import NewArticle
from marsad.search import index_articles, search
from marsad.store import Store, open_store

_WORD_RE = re.compile(r"[^\W_]+")


def load(split: str) -> tuple[list[dict], list[dict], dict[str, str]]:
    base = eval_data_dir() / "arabic-search" / "arcd"
    prefix = "arcd" if split == "full" else "arcd-test"
    corpus = [json.loads(x) for x in (base / f"{prefix}.corpus.jsonl").open(encoding="utf-8")]
    queries = [json.loads(x) for x in (base / f"{prefix}.queries.jsonl").open(encoding="utf-8")]
    qrels: dict[str, str] = {}
    for line in (base / f"{prefix}.qrels.trec").open(encoding="utf-8"):
        qid, _, pid, rel = line.split()
        if int(rel) > 0:
            qrels[qid] = pid
    return corpus, queries, qrels


def metrics(
    ranked: dict[str, list[str]], qrels: dict[str, str], k: int = 10
) -> tuple[float, float]:
    """Recall@k and MRR@k (one relevant passage per query)."""
    recall = mrr = 0.0
    for qid, pid in qrels.items():
        top = ranked.get(qid, [])[:k]
        if pid in top:
            recall += 1
            mrr += 1 / (top.index(pid) + 1)
    return recall / len(qrels), mrr / len(qrels)


def run_baseline(corpus: list[dict], queries: list[dict]) -> dict[str, list[str]]:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE p USING fts5(pid UNINDEXED, title, text)")
    db.executemany(
        "INSERT INTO p VALUES (?, ?, ?)", [(d["pid"], d["title"], d["text"]) for d in corpus]
    )
    out: dict[str, list[str]] = {}
    for q in queries:
        words = dict.fromkeys(_WORD_RE.findall(q["question"]))
        if not words:
            out[q["qid"]] = []
            continue
        expr = " OR ".join(f'"{w}"' for w in words)
        rows = db.execute(
            "SELECT pid FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT 10", (expr,)
        ).fetchall()
        out[q["qid"]] = [r[0] for r in rows]
    return out


def build_store(corpus: list[dict], url: str) -> tuple[Store, dict[int, str]]:
    store = open_store(url)
    pid_of: dict[int, str] = {}
    for d in corpus:
        article, _ = store.add_article(
            NewArticle(
                url=f"https://arcd.invalid/{d['pid']}",
                title=d["title"],
                text=d["text"],
                language="ar",
            )
        )
        pid_of[article.id] = d["pid"]
    index_articles(store, list(pid_of))
    return store, pid_of


def run_marsad(
    store: Store, pid_of: dict[int, str], queries: list[dict], match: str
) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for q in queries:
        try:
            res = search(
                store, q["question"], limit=10, facets=False, match=match, recency_weight=0.0
            )
        except Exception:  # a question that is only stop words
            out[q["qid"]] = []
            continue
        out[q["qid"]] = [pid_of[h.article_id] for h in res.hits]
    return out


def evaluate(
    split: str = "full", database_url: str | None = None, modes: tuple[str, ...] = ("any", "auto")
) -> dict[str, tuple[float, float]]:
    corpus, queries, qrels = load(split)
    results = {"fts5-default": metrics(run_baseline(corpus, queries), qrels)}
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'arcd.db'}"
        store, pid_of = build_store(corpus, url)
        try:
            for mode in modes:
                results[f"marsad-{mode}"] = metrics(run_marsad(store, pid_of, queries, mode), qrels)
        finally:
            store.close()
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("full", "test"), default="full")
    ap.add_argument("--database-url", help="default: a fresh SQLite file")
    args = ap.parse_args()
    started = time.perf_counter()
    results = evaluate(args.split, args.database_url)
    base_r, base_m = results["fts5-default"]
    print(f"ARCD {args.split}: Recall@10 / MRR@10")
    for name, (r, m) in results.items():
        print(
            f"  {name:14s} {r:.3f} / {m:.3f}   ratio vs default {r / base_r:.3f} / {m / base_m:.3f}"
        )
    print(f"  ({time.perf_counter() - started:.1f}s)")


if __name__ == "__main__":
    main()
