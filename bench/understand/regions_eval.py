"""Agreement of our regions with the publisher's section on the ANT sample, and speed.

    .venv/bin/python -m bench.understand.regions_eval [--limit N]

ANT files articles under "middleEast" (الشرق الأوسط) or "internationalNews" (العالم). We call an
article Middle East when the top country it is about lies in middle_east or north_africa, and
international when it lies elsewhere; articles about no country are "undecided" (counted in
coverage, not in agreement). Speed: normalisation + places + entities on every ANT article
(title + body), one core, against the bare reference of normalising the text and running a
bare Aho-Corasick pass over it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

from bench.common import eval_data_dir
from marsad.text import normalize_ar
from marsad.understand import Knowledge, load_knowledge, understand

ARAB_REGIONS = frozenset({"middle_east", "north_africa"})


def read_ant() -> Iterator[dict[str, Any]]:
    path = eval_data_dir() / "ant-arabic-news" / "ant_multisource_sample.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def predicted_section(knowledge: Knowledge, article: dict[str, Any]) -> str | None:
    u = understand(knowledge, article.get("title") or "", article.get("text") or "", "ar")
    about = u.about
    if not about:
        return None
    region = knowledge.gazetteer.region_of.get(about[0])
    return "middleEast" if region in ARAB_REGIONS else "internationalNews"


def region_agreement(knowledge: Knowledge, limit: int | None = None) -> dict[str, dict[str, float]]:
    """Per source (and "all"): agreement on decided articles, and coverage."""
    counts: dict[str, Counter[str]] = {}
    seen = 0
    for article in read_ant():
        if article["category"] not in ("middleEast", "internationalNews"):
            continue
        if limit and seen >= limit:
            break
        seen += 1
        guess = predicted_section(knowledge, article)
        for source in (article["source"], "all"):
            c = counts.setdefault(source, Counter())
            c["total"] += 1
            if guess is not None:
                c["decided"] += 1
                c["agree"] += guess == article["category"]
                c[f"agree_{article['category']}"] += guess == article["category"]
                c[f"decided_{article['category']}"] += 1
    result: dict[str, dict[str, float]] = {}
    for source, c in sorted(counts.items()):
        result[source] = {
            "agreement": c["agree"] / c["decided"] if c["decided"] else 0.0,
            "coverage": c["decided"] / c["total"] if c["total"] else 0.0,
            "agree_middle_east": (
                c["agree_middleEast"] / c["decided_middleEast"] if c["decided_middleEast"] else 0.0
            ),
            "agree_international": (
                c["agree_internationalNews"] / c["decided_internationalNews"]
                if c["decided_internationalNews"]
                else 0.0
            ),
            "articles": float(c["total"]),
        }
    return result


def speed(knowledge: Knowledge, limit: int | None = None) -> tuple[float, float, int]:
    """Articles per second: ours (full understand) and the bare reference pass."""
    articles = [(a.get("title") or "", a.get("text") or "") for a in read_ant()]
    if limit:
        articles = articles[:limit]
    started = time.process_time()
    for title, text in articles:
        understand(knowledge, title, text, "ar")
    ours = len(articles) / (time.process_time() - started)
    automaton = knowledge.automaton
    started = time.process_time()
    for title, text in articles:
        for _ in automaton.iter(normalize_ar(title + " " + text)):
            pass
    bare = len(articles) / (time.process_time() - started)
    return ours, bare, len(articles)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    knowledge = load_knowledge()
    print("ANT sample, middleEast vs internationalNews against our top about-country region:")
    for source, row in region_agreement(knowledge, args.limit).items():
        print(
            f"  {source:9s} agreement={row['agreement']:.3f} coverage={row['coverage']:.3f} "
            f"ME={row['agree_middle_east']:.3f} intl={row['agree_international']:.3f} "
            f"n={int(row['articles'])}"
        )
    ours, bare, n = speed(knowledge, args.limit)
    print(
        f"speed on {n} ANT articles, one core: understand {ours:.0f} articles/s; bare "
        f"normalize_ar + Aho-Corasick pass {bare:.0f} articles/s; ratio {ours / bare:.2f}"
    )


if __name__ == "__main__":
    main()
