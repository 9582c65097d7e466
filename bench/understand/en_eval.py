"""English places and names, the trap file and speed, measured through the public API only.

    .venv/bin/python -m bench.understand.en_eval            # the figures of the tree it runs in

Every function takes a loaded ``Knowledge`` and calls only ``understand`` and
``find_entity_spans``, which the baseline release has too, so ``bench.understand.compare`` can
run the same code over the old package (see there).

- LGL (``en-geoparsing``): the gold set of an article is the set of countries of its resolved
  toponyms (mentions, demonyms included); ours is the set of countries of our place mentions
  (a national team or a name inside a body's name is not a mention of the country). Top country:
  the gold country with most toponyms (first named wins a tie) against our first "about"
  country; articles without a gold country are left out of that figure. The articles are split
  by LGL document id into a dev half (tuning, error analysis) and a test half (reported):
  ``zlib.crc32(id) % 2 == 0`` is dev (314 articles; test 274), as bench/dedup splits FLORES.
- GUM news (``en-news-entities``): PER and ORG exact-span precision and recall over the 24
  documents (the headline is the first line of the text), and the overlap ("partial") figures;
  also by GUM's own split (``gum_split``: 20 train, 2 dev, 2 test): tune on train and dev (see
  ``gum_errors``), report test.
- Trap file (``tests/data/understand/traps-*.jsonl``, written by the team): a false-friend hit is
  a country we mention that a line says is not named (Paris Hilton, turkey the bird...); a missed
  country is one the line says is named.
- Speed: ``understand`` over the LGL articles (mean 1.9 kB) and the ANT sample cut to 2 kB,
  articles per CPU second (``time.process_time``), one process.
"""

from __future__ import annotations

import gzip
import json
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import REPO, eval_data_dir

TRAPS = REPO / "tests" / "data" / "understand"
_NOT_A_MENTION = ("team", "in_name")


def lgl_path() -> Path:
    return eval_data_dir() / "en-geoparsing" / "lgl.jsonl.gz"


def gum_path() -> Path:
    return eval_data_dir() / "en-news-entities" / "gum_news_entities.jsonl"


def read_lgl() -> list[dict[str, Any]]:
    with gzip.open(lgl_path(), "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def read_gum() -> list[dict[str, Any]]:
    with gum_path().open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def is_dev(doc_id: str) -> bool:
    """The dev half of LGL (by document id): tune and study errors there, report the test half."""
    return zlib.crc32(doc_id.encode("utf-8")) % 2 == 0


def lgl_split(split: str | None) -> list[dict[str, Any]]:
    """LGL articles of one half (``dev``, ``test``) or all of them (``None``)."""
    articles = read_lgl()
    if split is None:
        return articles
    return [a for a in articles if is_dev(a["id"]) == (split == "dev")]


def _title_and_body(article: dict[str, Any]) -> tuple[str, str]:
    """LGL repeats the title as the first sentence of the text: keep it once, as the title."""
    title = (article.get("title") or "").strip()  # some titles start with a space
    text = article["text"].lstrip()
    if title and text.startswith(title):
        text = text[len(title) :].lstrip(" .")
    return title, text


# The outlet's home country, as an operator adding the source would set it (``sources.country``),
# for the figures with ``understand``'s ``source_country``: the country-code domain, else the
# paper's known home (written from the outlets, not from the annotations; LGL is mostly US local
# papers, so a generic domain not listed is American).
_CCTLD = {"uk": "GB", "ca": "CA", "ie": "IE", "ru": "RU", "ge": "GE", "lb": "LB", "eg": "EG"}
_OUTLETS = {
    "jpost.com": "IL",  # The Jerusalem Post
    "haaretz.com": "IL",
    "bclocalnews.com": "CA",  # Black Press, British Columbia
    "woodstocksentinelreview.com": "CA",  # Woodstock, Ontario
}


def source_country(domain: str) -> str:
    """The home country of an LGL outlet (see ``_OUTLETS``)."""
    return _OUTLETS.get(domain) or _CCTLD.get(domain.rsplit(".", 1)[-1]) or "US"


def _mentioned(u: Any) -> set[str]:
    return {m.country for m in u.mentions if m.country and m.kind not in _NOT_A_MENTION}


def eval_lgl(
    knowledge: Any, limit: int | None = None, split: str | None = None, sources: bool = False
) -> dict[str, float]:
    """LGL figures; ``sources``: each article with its outlet's country (``source_country``),
    which only this tree's ``understand`` takes."""
    from marsad.understand import understand

    tp = fp = fn = 0
    top_ok = top_n = 0
    for article in lgl_split(split)[:limit]:
        gold_counts: Counter[str] = Counter()
        order: dict[str, int] = {}
        for t in article["toponyms"]:
            if t.get("country"):
                gold_counts[t["country"]] += 1
                order.setdefault(t["country"], len(order))
        gold = set(gold_counts)
        title, body = _title_and_body(article)
        if sources:
            u = understand(knowledge, title, body, "en", source_country(article["domain"]))
        else:
            u = understand(knowledge, title, body, "en")
        ours = _mentioned(u)
        tp += len(ours & gold)
        fp += len(ours - gold)
        fn += len(gold - ours)
        if gold:
            top = max(gold, key=lambda c: (gold_counts[c], -order[c]))
            top_n += 1
            top_ok += bool(u.about) and u.about[0] == top
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "country_precision": p,
        "country_recall": r,
        "country_f1": 2 * p * r / (p + r) if p + r else 0.0,
        "top_country_accuracy": top_ok / top_n if top_n else 0.0,
        "articles": float(top_n),
    }


def eval_gum(knowledge: Any, split: str | None = None) -> dict[str, float]:
    """PER/ORG exact-span and overlap P/R on GUM news (``split``: a GUM split, or all)."""
    from marsad.understand import find_entity_spans

    types = {"person": "PER", "organization": "ORG"}
    counts: Counter[str] = Counter()
    for doc in read_gum():
        if split and doc["gum_split"] != split:
            continue
        text = doc["text"]
        gold = {(e["start"], e["end"], e["type"]) for e in doc["entities"]}
        ours = {
            (s.start, s.end, types[s.type.value])
            for s in find_entity_spans(knowledge, text, "en")
            if s.type.value in types
        }
        for kind in ("PER", "ORG"):
            g = {x for x in gold if x[2] == kind}
            o = {x for x in ours if x[2] == kind}
            counts[f"{kind}_tp"] += len(g & o)
            counts[f"{kind}_pred"] += len(o)
            counts[f"{kind}_gold"] += len(g)
            # overlap: a predicted span meeting a gold span of the same type
            counts[f"{kind}_ptp"] += sum(1 for a in o if any(_overlap(a, b) for b in g))
            counts[f"{kind}_rtp"] += sum(1 for b in g if any(_overlap(a, b) for a in o))
    out: dict[str, float] = {}
    for kind in ("PER", "ORG"):
        pred, gold_n = counts[f"{kind}_pred"], counts[f"{kind}_gold"]
        out[f"{kind}_precision"] = counts[f"{kind}_tp"] / pred if pred else 0.0
        out[f"{kind}_recall"] = counts[f"{kind}_tp"] / gold_n if gold_n else 0.0
        out[f"{kind}_overlap_precision"] = counts[f"{kind}_ptp"] / pred if pred else 0.0
        out[f"{kind}_overlap_recall"] = counts[f"{kind}_rtp"] / gold_n if gold_n else 0.0
    return out


def _overlap(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def read_traps(split: str) -> Iterator[dict[str, Any]]:
    path = TRAPS / f"traps-{split}.jsonl"
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield json.loads(line)


def eval_traps(knowledge: Any, split: str) -> dict[str, float]:
    """False-friend hits (a listed non-country we mention) and missed countries on the traps."""
    from marsad.understand import understand

    hits = missed = expected = lines = about_wrong = 0
    for case in read_traps(split):
        lines += 1
        u = understand(knowledge, case.get("title", ""), case["text"], case.get("language"))
        mentioned = _mentioned(u)
        hits += len(mentioned & set(case.get("not_countries", ())))
        want = set(case.get("countries", ()))
        expected += len(want)
        missed += len(want - mentioned)
        if case.get("top") and (not u.about or u.about[0] != case["top"]):
            about_wrong += 1
    return {
        "false_friend_hits": float(hits),
        "missed_countries": float(missed),
        "expected_countries": float(expected),
        "top_wrong": float(about_wrong),
        "lines": float(lines),
    }


def _ant_2kb() -> list[tuple[str, str]]:
    path = eval_data_dir() / "ant-arabic-news" / "ant_multisource_sample.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return [(r.get("title") or "", (r.get("text") or "")[:2000]) for r in rows[:1000]]


def speed(knowledge: Any, rounds: int = 1) -> dict[str, float]:
    """Articles per CPU second: English (LGL, ~1.9 kB) and Arabic (ANT cut to 2 kB)."""
    from marsad.understand import understand

    english = [_title_and_body(a) for a in read_lgl()]
    out: dict[str, float] = {}
    for name, articles, language in (
        ("en", english, "en"),
        ("ar", _ant_2kb(), "ar"),
    ):
        best = 0.0
        for _ in range(rounds):
            started = time.process_time()
            for title, text in articles:
                understand(knowledge, title, text, language)
            best = max(best, len(articles) / (time.process_time() - started))
        out[f"speed_{name}_articles_per_cpu_s"] = best
    return out


def main() -> None:
    from marsad.understand import load_knowledge

    knowledge = load_knowledge()
    for name, figures in (
        ("LGL", eval_lgl(knowledge)),
        ("LGL dev", eval_lgl(knowledge, split="dev")),
        ("LGL test", eval_lgl(knowledge, split="test")),
        ("LGL dev, outlet country", eval_lgl(knowledge, split="dev", sources=True)),
        ("LGL test, outlet country", eval_lgl(knowledge, split="test", sources=True)),
        ("GUM", eval_gum(knowledge)),
        ("GUM dev", eval_gum(knowledge, "dev")),
        ("GUM test", eval_gum(knowledge, "test")),
        ("traps dev", eval_traps(knowledge, "dev")),
        ("traps test", eval_traps(knowledge, "test")),
        ("speed", speed(knowledge)),
    ):
        print(name, json.dumps({k: round(v, 4) for k, v in figures.items()}))


if __name__ == "__main__":
    main()
