"""Translation links on human-translated English/Arabic documents (FLORES-200 dev), dev and test.

Run: ``.venv/bin/python -m bench.dedup.translation [--split dev|test|both] [--classes]``.

Each FLORES-200 dev "document" (3-5 consecutive sentences of one English wikinews, wikivoyage
or wikibooks article, with its professional Arabic translation; ``flores-ar-en/README.md``)
is one real translation pair. Documents are split by URL into a dev half (tuning) and a test
half (the gate): ``zlib.crc32(url) % 2 == 0`` is dev. Within a half, every English document
and every Arabic one go through ``features_from`` (with the understanding stage) into one
``TranslationIndex`` at the same time, together with distractors: 1,000 Arabic ANT articles
and the bench's 30 English reports (``bench/cluster/english_reports.jsonl``). A link is
counted correct when it joins a document to its own translation; any other link is a false
one. Printed beside the same figures for the release's number-and-entity link
(``release_translated.py``), and per subset: documents whose English has no number at all.

``--classes`` prints the anchor statistics ``marsad.dedup.align.ANCHOR_LLR`` was set from
(dev sentence pairs against random ones), and the length ratio and variance.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import statistics
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import eval_data_dir
from bench.dedup import release_translated
from marsad.dedup import ArticleFeatures, TranslationIndex, features_from
from marsad.dedup.align import (
    _arabic_anchors,
    _latin_anchors,
    alignment_profile,
)
from marsad.text.tokens import extract_numbers

HERE = Path(__file__).resolve().parent
FLORES_DOCS = Path("flores-ar-en") / "flores200_dev_eng_arb_docs.jsonl"
FLORES_SENTENCES = Path("flores-ar-en") / "flores200_dev_eng_arb.jsonl"
ANT_SAMPLE = Path("ant-arabic-news") / "ant_multisource_sample.jsonl.gz"
ENGLISH_REPORTS = HERE.parent / "cluster" / "english_reports.jsonl"
DISTRACTORS = 1000
T0 = 1.7e9


def is_dev(url: str) -> bool:
    """The dev half of FLORES documents (by URL, so a document's sentences stay together)."""
    return zlib.crc32(url.encode("utf-8")) % 2 == 0


def flores_docs(split: str) -> list[dict[str, Any]]:
    path = eval_data_dir() / FLORES_DOCS
    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [d for d in docs if is_dev(d["url"]) == (split == "dev")]


@dataclass
class LinkFigures:
    pairs: int
    no_number_pairs: int
    correct: int
    correct_no_number: int
    false: int
    same_language: int
    seconds: float = 0.0  # CPU time of the look-ups (``TranslationIndex.add``), all articles

    @property
    def precision(self) -> float:
        return self.correct / (self.correct + self.false) if self.correct + self.false else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.pairs if self.pairs else 0.0

    @property
    def recall_no_number(self) -> float:
        return self.correct_no_number / self.no_number_pairs if self.no_number_pairs else 0.0

    def line(self) -> str:
        return (
            f"precision {self.precision:.3f}  recall {self.recall:.3f} ({self.correct}/"
            f"{self.pairs})  recall without numbers {self.recall_no_number:.3f} "
            f"({self.correct_no_number}/{self.no_number_pairs})  false links {self.false}  "
            f"same-language links {self.same_language}"
        )


def _stream(split: str, analyse: Callable[..., ArticleFeatures]) -> list[ArticleFeatures]:
    feats: list[ArticleFeatures] = []
    for n, doc in enumerate(flores_docs(split)):
        when = T0 + n  # one second apart: all inside the translation window
        feats.append(analyse(f"en:{doc['doc_id']}", "", doc["en"], "en", when))
        feats.append(analyse(f"ar:{doc['doc_id']}", "", doc["ar"], "ar", when + 0.5))
    with gzip.open(eval_data_dir() / ANT_SAMPLE, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    rng = random.Random(15)
    for i, row in enumerate(rng.sample(rows, DISTRACTORS)):
        feats.append(analyse(f"ant:{row['docno']}", row["title"], row["text"] or "", "ar", T0 + i))
    for line in ENGLISH_REPORTS.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        feats.append(analyse(f"rep:{r['id']}", r["title"], r["text"], "en", T0 + 1))
    feats.sort(key=lambda f: (f.published, f.key))
    return feats


def _analyser(understand: bool) -> Callable[..., ArticleFeatures]:
    from marsad.cluster.stream import load_understander

    understander = load_understander() if understand else None

    def analyse(key: str, title: str, text: str, language: str, when: float) -> ArticleFeatures:
        ents: list[str] = []
        countries: list[str] = []
        if understander is not None:
            ents, countries, _ = understander(title, text, language)
        return features_from(
            key,
            title=title,
            text=text,
            language=language,
            published=when,
            entities=ents,
            countries=countries,
        )

    return analyse


def _score(feats: list[ArticleFeatures], links: dict[str, str]) -> LinkFigures:
    lang = {f.key: f.language for f in feats}
    no_number = {
        f.key.split(":", 1)[1]
        for f in feats
        if f.key.startswith("en:") and not f.numbers and not _has_number(f)
    }
    pairs = sum(f.key.startswith("en:") for f in feats)
    correct = correct_nn = false = same = 0
    for key, other in links.items():
        same += lang[key] == lang[other]
        a, b = key.split(":", 1), other.split(":", 1)
        if {a[0], b[0]} == {"en", "ar"} and a[1] == b[1]:
            correct += 1
            correct_nn += a[1] in no_number
        else:
            false += 1
    return LinkFigures(pairs, len(no_number), correct, correct_nn, false, same)


def _has_number(f: ArticleFeatures) -> bool:
    return bool(f.numbers)


def run_links(split: str, understand: bool = True) -> dict[str, LinkFigures]:
    """Links made on the split's stream by today's index and by the release's."""
    feats = _stream(split, _analyser(understand))
    # "Without numbers" is judged on the English text itself, not on the features' strong
    # numbers (which leave out years and one-digit numbers).
    docs = {str(d["doc_id"]): d for d in flores_docs(split)}
    numbered = {k for k, d in docs.items() if extract_numbers(d["en"])}
    out: dict[str, LinkFigures] = {}
    index = TranslationIndex()
    links: dict[str, str] = {}
    started = time.process_time()
    for f in feats:
        match = index.add(f)
        if match is not None:
            links[f.key] = match.original_key
    figures = _score(feats, links)
    figures.seconds = time.process_time() - started
    figures.no_number_pairs = len(docs) - len(numbered)
    figures.correct_no_number = sum(
        1
        for k, v in links.items()
        if k.split(":", 1)[1] == v.split(":", 1)[1]
        and k.split(":", 1)[1] not in numbered
        and not k.startswith(("ant:", "rep:"))
    )
    out["today"] = figures
    old = release_translated.TranslationIndex()
    old_links: dict[str, str] = {}
    started = time.process_time()
    for f in feats:
        found = old.add(f)
        if found is not None:
            old_links[f.key] = found.original_key
    old_figures = _score(feats, old_links)
    old_figures.seconds = time.process_time() - started
    old_figures.no_number_pairs = figures.no_number_pairs
    old_figures.correct_no_number = sum(
        1
        for k, v in old_links.items()
        if k.split(":", 1)[1] == v.split(":", 1)[1] and k.split(":", 1)[1] not in numbered
    )
    out["release"] = old_figures
    return out


def anchor_classes() -> None:
    """The statistics behind ``ANCHOR_LLR`` and the length model (dev sentences only)."""
    from marsad.dedup.align import _anchor_class

    path = eval_data_dir() / FLORES_SENTENCES
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if is_dev(r["url"])]
    lengths = [(len(r["en"]), len(r["ar"])) for r in rows]
    ratio = sum(b for _, b in lengths) / sum(a for a, _ in lengths)
    variance = sum((b - a * ratio) ** 2 for a, b in lengths) / sum(
        (a + b / ratio) / 2 for a, b in lengths
    )
    print(f"length: {ratio:.3f} Arabic characters per English one, variance {variance:.2f}")
    rng = random.Random(1)

    def names(r: dict[str, Any]) -> set[str]:
        return _latin_anchors(r["en"])[0] | {"n" + x for x in extract_numbers(r["en"])}

    words = [
        _arabic_anchors(r["ar"])[1] | {"n" + x for x in extract_numbers(r["ar"])} for r in rows
    ]
    hit: Counter[int] = Counter()
    total: Counter[int] = Counter()
    random_hit: Counter[int] = Counter()
    random_total: Counter[int] = Counter()
    for i, r in enumerate(rows):
        for anchor in names(r):
            cls = _anchor_class(anchor)
            total[cls] += 1
            hit[cls] += anchor in words[i]
            for _ in range(5):
                j = rng.randrange(len(rows))
                if j != i:
                    random_total[cls] += 1
                    random_hit[cls] += anchor in words[j]
    for cls in sorted(total):
        p = hit[cls] / total[cls]
        q = (random_hit[cls] + 0.5) / (random_total[cls] + 1)
        llr = math.log(p / q) if p else 0.0
        miss = math.log((1 - p) / (1 - q)) if p < 1 else 0.0
        print(
            f"  class {cls}: {total[cls]:>4} anchors, in the translation {p:.2f}, in a random "
            f"sentence {q:.3f}: found {llr:+.2f}, missing {miss:+.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=("dev", "test", "both"), default="both")
    parser.add_argument("--classes", action="store_true", help="anchor statistics (dev)")
    parser.add_argument("--no-understand", action="store_true", help="leave entities out")
    args = parser.parse_args()
    if args.classes:
        anchor_classes()
    for split in ("dev", "test") if args.split == "both" else (args.split,):
        started = time.process_time()
        figures = run_links(split, not args.no_understand)
        n = len(flores_docs(split))
        print(f"{split}: {n} FLORES documents, {DISTRACTORS} ANT and 30 English distractors")
        for name, f in figures.items():
            print(f"  {name:<8} {f.line()}")
        articles = 2 * n + DISTRACTORS + 30
        print(
            f"  look-ups: today {figures['today'].seconds * 1e3 / articles:.3f} CPU ms/article, "
            f"release {figures['release'].seconds * 1e3 / articles:.3f} ({articles} articles)"
        )
        print(f"  ({time.process_time() - started:.1f} CPU s)")
    sizes = [len(alignment_profile(d["ar"], "ar")) for d in flores_docs("dev")]
    print(f"alignment profile of an Arabic document: median {statistics.median(sizes):.0f} bytes")


if __name__ == "__main__":
    main()
