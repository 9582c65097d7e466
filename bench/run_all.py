"""Every benchmark, one after another, at the sizes the closing notes report (``make bench``).

Each line is a module of ``bench/`` run as its own process (so one's memory does not colour the
next one's figures); they compare ours with the bare library or a reference side by side in one
run and print ratios. ``--quick`` runs smaller sizes (minutes instead of an hour).
Run: ``python -m bench.run_all [--quick] [AREA...]``.
"""

from __future__ import annotations

import subprocess
import sys
import time

FULL: dict[str, list[list[str]]] = {
    "text": [["bench.text.arcd"], ["bench.text.speed"]],
    "extract": [["bench.extract.aeb"], ["bench.extract.treval"], ["bench.extract.langid_bench"]],
    "understand": [
        ["bench.understand.ner_eval"],
        ["bench.understand.regions_eval"],
        ["bench.understand.sample"],
    ],
    "ingest": [["bench.ingest.conformance"], ["bench.ingest.throughput", "--feeds", "5000"]],
    "dedup": [["bench.dedup.run"]],
    "cluster": [["bench.cluster.run", "--scale", "100000"]],
    "search": [["bench.search.arcd"], ["bench.search.scale", "--articles", "200000"]],
    "translate": [
        ["bench.translate.speed"],
        ["bench.translate.fidelity"],
        ["bench.translate.policy"],
    ],
    "web": [["bench.web.load", "--articles", "100000", "--seconds", "30", "--clients", "50"]],
}
QUICK_SIZES = {
    "bench.ingest.throughput": ["--feeds", "500"],
    "bench.cluster.run": ["--scale", "12000"],
    "bench.search.scale": ["--articles", "20000"],
    "bench.web.load": ["--articles", "5000", "--seconds", "10", "--clients", "20"],
}


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    areas = [a for a in argv if not a.startswith("--")] or list(FULL)
    failed = []
    for area in areas:
        for command in FULL[area]:
            module, args = command[0], command[1:]
            if quick and module in QUICK_SIZES:
                args = QUICK_SIZES[module]
            print(f"\n=== {module} {' '.join(args)}", flush=True)
            started = time.perf_counter()
            code = subprocess.call([sys.executable, "-m", module, *args])
            print(f"=== {module}: exit {code} in {time.perf_counter() - started:.0f}s", flush=True)
            if code:
                failed.append(module)
    print(f"\nbench: {len(failed)} failed {failed if failed else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
