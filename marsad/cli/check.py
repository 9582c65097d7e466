"""`marsad check`: report (and with --repair, mend) disagreement between the store and the index."""

from __future__ import annotations

import argparse
from typing import Any

from marsad.cli.context import CLIContext, print_json_line
from marsad.search.index import index_articles, index_disagreement, remove_articles


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "check",
        help="check that every stored article is searchable, and mend it with --repair",
        description="Compare the articles with the search index (every article that is not a "
        "republished copy must be searchable, nothing else may be), report the work waiting in "
        "the outbox and, on SQLite, the database file's integrity. Exit status 1 when "
        "something disagrees and was not repaired.",
    )
    p.add_argument("--repair", action="store_true", help="index the missing, drop the extra")
    p.add_argument("--json", action="store_true", help="one JSON object instead of text")
    p.set_defaults(handler=_check)


def _check(ctx: CLIContext, args: argparse.Namespace) -> int:
    store = ctx.store
    missing, extra = index_disagreement(store)
    integrity = store.integrity_problem()
    outbox = store.outbox_counts()
    repaired = False
    if args.repair and (missing or extra):
        if extra:
            remove_articles(store, extra)
        if missing:
            index_articles(store, missing)
        repaired = True
    report = {
        "articles": store.count_articles(),
        "missing_from_index": len(missing),
        "extra_in_index": len(extra),
        "repaired": repaired,
        "outbox": outbox,
        "integrity": integrity or "ok",
    }
    if args.json:
        print_json_line(report)
    else:
        print(
            f"{report['articles']} articles; search index: {len(missing)} missing, "
            f"{len(extra)} extra" + (" (repaired)" if repaired else "")
        )
        if missing[:10]:
            print("  missing: " + ", ".join(map(str, missing[:10])))
        if extra[:10]:
            print("  extra: " + ", ".join(map(str, extra[:10])))
        waiting = ", ".join(f"{n} {k}" for k, n in sorted(outbox.items()))
        print(f"outbox: {waiting or 'empty'}; database integrity: {report['integrity']}")
    bad = bool((missing or extra) and not repaired) or integrity is not None
    return 1 if bad else 0
