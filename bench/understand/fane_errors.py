"""NewsFANE country errors on one half: the B-Nation mentions we miss and the ones we add.

    .venv/bin/python -m bench.understand.fane_errors              # dev (the half to tune on)
    .venv/bin/python -m bench.understand.fane_errors --split test --summary

NewsFANE has no document ids (it is ANERcorp's text, sentence after sentence), so the split is by
blocks of ``BLOCK`` consecutive sentences, a stand-in for documents that keeps most of a story on
one side: ``zlib.crc32(b"block<N>") % 2 == 0`` is dev, like LGL's split by id (``en_eval``).
Read the dev listing to find general causes; the test half is for the figure only.
"""

from __future__ import annotations

import argparse
import sys
import zlib
from collections import Counter

from bench.understand.ner_eval import newsfane_sentences

BLOCK = 50


def is_dev_sentence(index: int) -> bool:
    """The dev half of NewsFANE: the sentence's block of ``BLOCK`` hashes even."""
    return zlib.crc32(f"block{index // BLOCK}".encode()) % 2 == 0


def main(argv: list[str] | None = None) -> int:
    from bench.understand.ner_eval import _to_tokens, _token_index, gold_spans
    from marsad.understand import load_knowledge, understand

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--summary", action="store_true", help="figures only")
    args = parser.parse_args(argv)
    knowledge = load_knowledge()
    tp = fp = fn = 0
    missed: Counter[str] = Counter()
    added: Counter[str] = Counter()
    for index, sentence in enumerate(newsfane_sentences()):
        if is_dev_sentence(index) != (args.split == "dev"):
            continue
        text, starts, ends = _token_index(sentence.tokens)
        gold = {(a, b) for a, b, k in gold_spans(sentence.tags, {"Nation": "n"})}
        u = understand(knowledge, "", text, "ar")
        ours = set()
        for m in u.mentions:
            if m.kind == "country":
                span = _to_tokens(m.offset, m.offset + len(m.surface), starts, ends)
                if span is not None:
                    ours.add(span)
        tp, fp, fn = tp + len(ours & gold), fp + len(ours - gold), fn + len(gold - ours)
        for a, b in gold - ours:
            missed[" ".join(sentence.tokens[a : b + 1])] += 1
        for a, b in ours - gold:
            added[" ".join(sentence.tokens[a : b + 1])] += 1
        if args.summary or ours == gold:
            continue
        print("-" * 80)
        print(index, text[:400])
        for a, b in sorted(gold - ours):
            lo = max(0, a - 4)
            print(
                "  MISSED", sentence.tokens[a : b + 1], "|", " ".join(sentence.tokens[lo : b + 4])
            )
        for a, b in sorted(ours - gold):
            lo = max(0, a - 4)
            tags = sentence.tags[a : b + 1]
            print(
                "  ADDED ",
                sentence.tokens[a : b + 1],
                tags,
                "|",
                " ".join(sentence.tokens[lo : b + 4]),
            )
    if not args.summary:
        print("missed:", missed.most_common(40))
        print("added:", added.most_common(40))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    print(f"{args.split}: country P {p:.3f} R {r:.3f} (tp {tp} fp {fp} fn {fn})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
