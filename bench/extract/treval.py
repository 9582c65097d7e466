"""trafilatura's own evaluation set (990 pages, snippets that must / must not appear).

Bare ``trafilatura.extract`` (defaults, as its published 0.924 F1) and ours run side by side on
every page. Also scores our metadata against the gold title, date and author where the set has
them: title and author as case-folded, whitespace-collapsed equality (title also counted when
one contains the other, for site suffixes), date as the same calendar day.

Run: ``nice -n 10 .venv/bin/python -m bench.extract.treval [--limit N] [--every K]``
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass

import trafilatura

from bench.common import eval_data_dir
from bench.extract.common import read_gz, timed
from marsad.extract import extract_page


@dataclass(frozen=True)
class SnippetScores:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, text: str, with_: list[str], without: list[str]) -> SnippetScores:
        found = [s in text for s in with_]
        leaked = [s in text for s in without]
        return SnippetScores(
            self.tp + sum(found),
            self.fn + len(found) - sum(found),
            self.fp + sum(leaked),
            self.tn + len(leaked) - sum(leaked),
        )

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Result:
    pages: int
    bare: SnippetScores
    ours: SnippetScores
    bare_ms: float
    ours_ms: float
    title: tuple[int, int]  # (right, gold count)
    date: tuple[int, int]
    author: tuple[int, int]
    bare_meta: dict[str, tuple[int, int]] | None = None  # trafilatura's own metadata, if asked


def _fold(text: str | list[str] | None) -> str:
    if isinstance(text, list):  # a few gold authors are lists of names
        text = "; ".join(text)
    return " ".join((text or "").casefold().split())


def _score_meta(
    meta: dict[str, list[int]], entry: dict, title: str | None, day: str | None, author: str | None
) -> None:
    if entry.get("title"):
        meta["title"][1] += 1
        want, got = _fold(entry["title"]), _fold(title)
        meta["title"][0] += bool(got) and (want == got or want in got or got in want)
    if entry.get("date"):
        meta["date"][1] += 1
        want_date = entry["date"] if isinstance(entry["date"], str) else entry["date"][0]
        meta["date"][0] += day == want_date[:10]
    if entry.get("author"):
        meta["author"][1] += 1
        meta["author"][0] += _fold(entry["author"]) == _fold(author)


def run(limit: int | None = None, every: int = 1, bare_metadata: bool = False) -> Result:
    root = eval_data_dir() / "trafilatura-eval"
    gold = json.loads((root / "evaldata.json").read_text())
    urls = sorted(gold)[::every][:limit] if limit else sorted(gold)[::every]
    bare = ours = SnippetScores()
    bare_time = ours_time = 0.0
    meta = {"title": [0, 0], "date": [0, 0], "author": [0, 0]}
    bare_meta = {"title": [0, 0], "date": [0, 0], "author": [0, 0]}
    for url in urls:
        entry = gold[url]
        data = read_gz(root / "html" / f"{entry['file']}.gz")
        bare_text, t_bare = timed(lambda d=data, u=url: trafilatura.extract(d, url=u) or "")
        result, t_ours = timed(lambda d=data, u=url: extract_page(d, u))
        bare_time += t_bare
        ours_time += t_ours
        bare = bare.add(bare_text, entry["with"], entry["without"])
        ours = ours.add(result.text or "", entry["with"], entry["without"])
        day = result.published.date().isoformat() if result.published else None
        _score_meta(meta, entry, result.title, day, result.author)
        if bare_metadata:
            doc = trafilatura.bare_extraction(data, url=url, with_metadata=True)
            _score_meta(
                bare_meta,
                entry,
                getattr(doc, "title", None),
                getattr(doc, "date", None),
                getattr(doc, "author", None),
            )
    return Result(
        pages=len(urls),
        bare=bare,
        ours=ours,
        bare_ms=1000 * bare_time / len(urls),
        ours_ms=1000 * ours_time / len(urls),
        title=(meta["title"][0], meta["title"][1]),
        date=(meta["date"][0], meta["date"][1]),
        author=(meta["author"][0], meta["author"][1]),
        bare_meta={k: (v[0], v[1]) for k, v in bare_meta.items()} if bare_metadata else None,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--every", type=int, default=1, help="take every K-th page (sample)")
    parser.add_argument(
        "--bare-metadata", action="store_true", help="also score trafilatura's own metadata"
    )
    args = parser.parse_args()
    r = run(args.limit, args.every, args.bare_metadata)
    print(f"trafilatura-eval, {r.pages} pages")
    print(f"{'system':<22}{'P':>7}{'R':>7}{'F1':>7}{'ms/page':>10}")
    for name, s, ms in (
        ("trafilatura.extract", r.bare, r.bare_ms),
        ("marsad extract_page", r.ours, r.ours_ms),
    ):
        print(f"{name:<22}{s.precision:7.3f}{s.recall:7.3f}{s.f1:7.3f}{ms:10.1f}")
    print(f"time ratio ours/bare: {r.ours_ms / r.bare_ms:.2f}x")
    for name, (right, total) in (("title", r.title), ("date", r.date), ("author", r.author)):
        line = f"{name} accuracy: ours {right}/{total} = {right / max(total, 1):.3f}"
        if r.bare_meta:
            b_right, b_total = r.bare_meta[name]
            line += f"   trafilatura with_metadata {b_right}/{b_total} = {b_right / b_total:.3f}"
        print(line)


if __name__ == "__main__":
    main()
