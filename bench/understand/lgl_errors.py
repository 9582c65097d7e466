"""LGL error listing for the dev half: articles whose top country is wrong or missing, and the
country-level false and missed mentions, with what we read and what the annotators resolved.

    .venv/bin/python -m bench.understand.lgl_errors            # dev (the half to tune on)
    .venv/bin/python -m bench.understand.lgl_errors --split test --summary

The split is ``en_eval.is_dev`` (by document id). Read the dev listing to find general causes;
the test half is for the figure only.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import Any

from bench.understand.en_eval import _mentioned, _title_and_body, lgl_split, source_country


def _gold(article: dict[str, Any]) -> tuple[Counter[str], str | None]:
    counts: Counter[str] = Counter()
    order: dict[str, int] = {}
    for t in article["toponyms"]:
        if t.get("country"):
            counts[t["country"]] += 1
            order.setdefault(t["country"], len(order))
    top = max(counts, key=lambda c: (counts[c], -order[c])) if counts else None
    return counts, top


def main(argv: list[str] | None = None) -> int:
    from marsad.understand import load_knowledge, understand

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--summary", action="store_true", help="figures only")
    parser.add_argument(
        "--sources", action="store_true", help="with each outlet's country (source_country)"
    )
    args = parser.parse_args(argv)
    knowledge = load_knowledge()
    tp = fp = fn = top_ok = top_n = 0
    for article in lgl_split(args.split):
        counts, top = _gold(article)
        gold = set(counts)
        title, body = _title_and_body(article)
        source = source_country(article["domain"]) if args.sources else None
        u = understand(knowledge, title, body, "en", source)
        ours = _mentioned(u)
        tp, fp, fn = tp + len(ours & gold), fp + len(ours - gold), fn + len(gold - ours)
        ok = top is None or (bool(u.about) and u.about[0] == top)
        top_n += top is not None
        top_ok += top is not None and ok
        if args.summary or (ok and ours == gold):
            continue
        print("=" * 100)
        print(
            article["id"], article["domain"], "top", top, "ours", u.about[:3], "" if ok else "WRONG"
        )
        print(
            "  gold", dict(counts), "| false", sorted(ours - gold), "| missed", sorted(gold - ours)
        )
        print("  title:", title)
        print("  body:", body[:300].replace("\n", " "))
        print("  scores:", [(c.country, c.score, c.mentions) for c in u.countries[:5]])
        print("  ours:", [(m.surface, m.kind, m.country) for m in u.mentions][:20])
        print("  gold:", [(t["surface"], t.get("country")) for t in article["toponyms"]][:20])
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"{args.split}: country P {p:.3f} R {r:.3f} F1 {f1:.3f}; top {top_ok}/{top_n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
