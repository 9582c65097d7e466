"""GUM news error listing: the PER or ORG spans we miss and the ones we find that the annotators
did not tag so, with a little context, for the documents of the splits to tune on.

    .venv/bin/python -m bench.understand.gum_errors                 # ORG, train+dev
    .venv/bin/python -m bench.understand.gum_errors --type PER --splits dev
    .venv/bin/python -m bench.understand.gum_errors --summary       # figures only

Tune on train and dev (``gum_split``); the test documents are for the figure only
(``bench.understand`` prints dev and test lines).
"""

from __future__ import annotations

import argparse
import sys

from bench.understand.en_eval import read_gum

_TYPES = {"person": "PER", "organization": "ORG"}


def main(argv: list[str] | None = None) -> int:
    from marsad.understand import find_entity_spans, load_knowledge

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--type", choices=("PER", "ORG"), default="ORG")
    parser.add_argument("--splits", default="train,dev", help="comma-separated gum_split values")
    parser.add_argument("--summary", action="store_true", help="figures only")
    args = parser.parse_args(argv)
    splits = set(args.splits.split(","))
    knowledge = load_knowledge()
    tp = n_pred = n_gold = 0
    for doc in read_gum():
        if doc["gum_split"] not in splits:
            continue
        text = doc["text"]
        gold_all = {(e["start"], e["end"]): e["type"] for e in doc["entities"]}
        gold = {span for span, kind in gold_all.items() if kind == args.type}
        ours = {
            (s.start, s.end)
            for s in find_entity_spans(knowledge, text, "en")
            if _TYPES.get(s.type.value) == args.type
        }
        tp, n_pred, n_gold = tp + len(gold & ours), n_pred + len(ours), n_gold + len(gold)
        if args.summary:
            continue
        print("=" * 30, doc["id"], doc["gum_split"])
        for label, spans in (("MISS", gold - ours), ("FALSE", ours - gold)):
            for start, end in sorted(spans):
                other = gold_all.get((start, end), "-")
                near = [
                    f"{text[a:b]}/{k}"
                    for (a, b), k in gold_all.items()
                    if a < end and start < b and (a, b) != (start, end)
                ]
                context = text[max(0, start - 40) : end + 30].replace("\n", " | ")
                print(f"  {label:5s} {text[start:end]!r:40s} gold={other} near={near} :: {context}")
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    print(f"{args.type} {args.splits}: P {p:.3f} R {r:.3f} ({tp}/{n_pred} found, {n_gold} gold)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
