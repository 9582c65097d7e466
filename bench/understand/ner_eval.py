"""Entity and country tagging measured on ANERcorp (test split) and NewsFANE.

    .venv/bin/python -m bench.understand.ner_eval [--limit N]

ANERcorp: entity-level exact-span P/R/F1 per type (PERS, LOC, ORG), CoNLL style, our gazetteer +
rules against the published fine-tuned AraBERT figure (micro F1 0.81, see the data README).
NewsFANE: precision/recall of country mentions (B-Nation) and of city mentions
(B-Population-Center) and whether each city we find maps to a country. Sentences are joined with
single spaces so token offsets map back to gold tokens.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.common import eval_data_dir
from marsad.models import EntityType
from marsad.understand import Knowledge, find_entity_spans, load_knowledge, understand
from marsad.understand.scan import find_hits, scan

ARABERT_MICRO_F1 = 0.8127  # HF Komail262/arabert-ner-anercorp, same split (data README)
_TYPE_OF = {EntityType.PERSON: "PERS", EntityType.ORGANIZATION: "ORG", EntityType.PLACE: "LOC"}


@dataclass(frozen=True)
class Sentence:
    tokens: tuple[str, ...]
    tags: tuple[str, ...]


def read_conll(path: Path, sep: str | None) -> Iterator[Sentence]:
    tokens: list[str] = []
    tags: list[str] = []
    with path.open(encoding="utf-8-sig") as f:
        for raw in f:
            line = raw.rstrip("\r\n").replace("\u200e", "")
            parts = line.split(sep) if sep else line.split()
            if len(parts) < 2 or not parts[0].strip():
                if tokens:
                    yield Sentence(tuple(tokens), tuple(tags))
                tokens, tags = [], []
                continue
            tokens.append(parts[0].strip())
            tags.append(parts[-1].strip())
    if tokens:
        yield Sentence(tuple(tokens), tuple(tags))


def gold_spans(tags: tuple[str, ...], keep: dict[str, str]) -> set[tuple[int, int, str]]:
    """BIO tags -> {(first token, last token, type)} for the types in ``keep`` (renamed)."""
    spans: set[tuple[int, int, str]] = set()
    start, kind = -1, ""
    for i, tag in enumerate((*tags, "O")):
        if start >= 0 and not (tag.startswith("I-") and tag[2:] == kind):
            if kind in keep:
                spans.add((start, i - 1, keep[kind]))
            start = -1
        if tag.startswith("B-") or (tag.startswith("I-") and start < 0):
            start, kind = i, tag[2:]
    return spans


def _token_index(tokens: tuple[str, ...]) -> tuple[str, dict[int, int], dict[int, int]]:
    text_parts: list[str] = []
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    pos = 0
    for i, token in enumerate(tokens):
        starts[pos] = i
        text_parts.append(token)
        pos += len(token)
        ends[pos] = i
        text_parts.append(" ")
        pos += 1
    return "".join(text_parts), starts, ends


def _to_tokens(
    start: int, end: int, starts: dict[int, int], ends: dict[int, int]
) -> tuple[int, int] | None:
    first = starts.get(start)
    last = ends.get(end)
    if first is None or last is None:
        return None
    return first, last


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def eval_anercorp(
    knowledge: Knowledge, limit: int | None = None
) -> dict[str, tuple[float, float, float]]:
    path = eval_data_dir() / "arabic-ner" / "ANERCorp_CamelLab_test.txt"
    keep = {"PERS": "PERS", "LOC": "LOC", "ORG": "ORG"}
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for n, sentence in enumerate(read_conll(path, None)):
        if limit and n >= limit:
            break
        text, starts, ends = _token_index(sentence.tokens)
        gold = gold_spans(sentence.tags, keep)
        predicted: set[tuple[int, int, str]] = set()
        for span in find_entity_spans(knowledge, text, "ar"):
            tokens = _to_tokens(span.start, span.end, starts, ends)
            if tokens is not None:
                predicted.add((*tokens, _TYPE_OF[span.type]))
        for kind in keep.values():
            g = {s for s in gold if s[2] == kind}
            p = {s for s in predicted if s[2] == kind}
            tp[kind] += len(g & p)
            fp[kind] += len(p - g)
            fn[kind] += len(g - p)
    result = {kind: prf(tp[kind], fp[kind], fn[kind]) for kind in keep.values()}
    result["micro"] = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return result


def newsfane_sentences() -> Iterator[Sentence]:
    path = eval_data_dir() / "arabic-ner" / "NewsFANE" / "NewsFANE_Gold_2014_170K.txt"
    return read_conll(path, "\t")


def eval_newsfane(
    knowledge: Knowledge, limit: int | None = None, split: str | None = None
) -> dict[str, float]:
    """Country and city P/R on NewsFANE: all sentences, or one half (``dev``/``test``, see
    ``fane_errors.is_dev_sentence``: blocks of 50 sentences, since the corpus has no ids)."""
    from bench.understand.fane_errors import is_dev_sentence

    keep = {"Nation": "nation", "Population-Center": "city", "Sports": "team"}
    counts: Counter[str] = Counter()
    for n, sentence in enumerate(newsfane_sentences()):
        if limit and n >= limit:
            break
        if split is not None and is_dev_sentence(n) != (split == "dev"):
            continue
        text, starts, ends = _token_index(sentence.tokens)
        gold = gold_spans(sentence.tags, keep)
        u = understand(knowledge, "", text, "ar")
        nations: set[tuple[int, int]] = set()
        cities: dict[tuple[int, int], str | None] = {}
        for m in u.mentions:
            tokens = _to_tokens(m.offset, m.offset + len(m.surface), starts, ends)
            if tokens is None:
                continue
            if m.kind == "country":
                nations.add(tokens)
            elif m.kind in ("city", "capital"):
                cities[tokens] = m.country
        # reference: the bare gazetteer (every hit whose first reading is a country name, no
        # disambiguation), to show what the rules add
        bare: set[tuple[int, int]] = set()
        scanned = scan(text)
        places = knowledge.gazetteer.places
        for hit in find_hits(knowledge.automaton, scanned):
            ref = hit.refs[0]
            if ref < len(places) and places[ref].kind == "country":
                tokens = _to_tokens(
                    scanned.tokens[hit.first].start, scanned.tokens[hit.last].end, starts, ends
                )
                if tokens is not None:
                    bare.add(tokens)
        gold_nations = {(a, b) for a, b, k in gold if k == "nation"}
        counts["bare_tp"] += len(bare & gold_nations)
        counts["bare_fp"] += len(bare - gold_nations)
        counts["bare_fn"] += len(gold_nations - bare)
        gold_cities = {(a, b) for a, b, k in gold if k == "city"}
        # a national team tagged Sports but written as the country's name (فرنسا، قطر) is
        # still a country mention for us: counted apart, in the "lenient" precision
        teams = {(a, b) for a, b, k in gold if k == "team"}
        counts["nation_fp_team"] += len((nations - gold_nations) & teams)
        counts["nation_tp"] += len(nations & gold_nations)
        counts["nation_fp"] += len(nations - gold_nations)
        counts["nation_fn"] += len(gold_nations - nations)
        found = set(cities) & gold_cities
        counts["city_tp"] += len(found)
        counts["city_fp"] += len(set(cities) - gold_cities)
        counts["city_fn"] += len(gold_cities - set(cities))
        counts["city_mapped"] += sum(1 for span in found if cities[span])
    np_, nr, nf = prf(counts["nation_tp"], counts["nation_fp"], counts["nation_fn"])
    cp, cr, cf = prf(counts["city_tp"], counts["city_fp"], counts["city_fn"])
    lenient_p = prf(
        counts["nation_tp"] + counts["nation_fp_team"],
        counts["nation_fp"] - counts["nation_fp_team"],
        counts["nation_fn"],
    )[0]
    bare_p, bare_r, _ = prf(counts["bare_tp"], counts["bare_fp"], counts["bare_fn"])
    return {
        "bare_gazetteer_nation_precision": bare_p,
        "bare_gazetteer_nation_recall": bare_r,
        "nation_precision": np_,
        "nation_precision_teams_ok": lenient_p,
        "nation_recall": nr,
        "nation_f1": nf,
        "city_precision": cp,
        "city_recall": cr,
        "city_f1": cf,
        "city_mapped_share": counts["city_mapped"] / counts["city_tp"]
        if counts["city_tp"]
        else 0.0,
        "nation_gold": counts["nation_tp"] + counts["nation_fn"],
        "city_gold": counts["city_tp"] + counts["city_fn"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="sentences per corpus")
    args = parser.parse_args()
    knowledge = load_knowledge()
    print("ANERcorp test split, entity-level exact span (gazetteer + rules):")
    ane = eval_anercorp(knowledge, args.limit)
    for kind, (p, r, f) in ane.items():
        print(f"  {kind:6s} P={p:.3f} R={r:.3f} F1={f:.3f}")
    print(
        f"  reference fine-tuned AraBERT micro F1={ARABERT_MICRO_F1:.3f}; "
        f"ratio ours/AraBERT={ane['micro'][2] / ARABERT_MICRO_F1:.2f}"
    )
    print("NewsFANE:")
    fane = eval_newsfane(knowledge, args.limit)
    for name, value in fane.items():
        print(f"  {name:32s} {value:.3f}" if isinstance(value, float) else f"  {name:32s} {value}")
    print(
        "  ratio ours/bare gazetteer: precision "
        f"{fane['nation_precision'] / fane['bare_gazetteer_nation_precision']:.3f}, recall "
        f"{fane['nation_recall'] / fane['bare_gazetteer_nation_recall']:.3f}"
    )


if __name__ == "__main__":
    main()
