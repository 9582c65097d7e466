"""The quality gate: every ``bench/<area>/gate.py`` pins floors; CI fails when a figure drops.

Each area's ``gate.py`` defines ``checks() -> list[tuple[str, float, float]]`` returning
(name, measured value, floor). Lowering a floor is a deliberate, explained commit.
Run: ``python -m bench.gate [AREA...]``.
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

from bench.common import eval_data_dir


def main(argv: list[str]) -> int:
    if not eval_data_dir().is_dir():
        print(f"gate: evaluation data not found at {eval_data_dir()} (set MARSAD_EVAL_DATA)")
        return 2
    areas = argv or sorted(p.parent.name for p in Path(__file__).parent.glob("*/gate.py"))
    failed = 0
    for area in areas:
        started = time.perf_counter()
        checks = importlib.import_module(f"bench.{area}.gate").checks()
        for name, value, floor in checks:
            ok = value >= floor
            failed += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {area}/{name}: {value:.4f} (floor {floor:.4f})")
        print(f"     {area}: {time.perf_counter() - started:.1f}s")
    print(f"gate: {'FAILED' if failed else 'passed'} ({failed} below floor)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
