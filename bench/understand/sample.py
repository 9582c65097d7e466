"""Run the content-farm sample in ../shared/samples and report its people and countries.

    .venv/bin/python -m bench.understand.sample

The file has no title line of its own (its first line is the site's name), so the whole file is
the body. Expected (issue 5): people Biden, Putin, Blinken, Zelensky, Ned Price; about the US,
Russia and Ukraine, not Cuba or Iran.
"""

from __future__ import annotations

import sys

from bench.common import REPO
from marsad.models import EntityType
from marsad.understand import load_knowledge, understand

SAMPLE = REPO.parent / "shared" / "samples" / "content-farm-article.ar.txt"
EXPECTED_PEOPLE = {
    "person:joe-biden",
    "person:vladimir-putin",
    "person:antony-blinken",
    "person:volodymyr-zelensky",
    "person:ned-price",
}
EXPECTED_ABOUT = {"US", "RU", "UA"}


def main() -> int:
    text = SAMPLE.read_text(encoding="utf-8")
    u = understand(load_knowledge(), "", text, "ar")
    people = [e for e in u.entities if e.type is EntityType.PERSON]
    print("people:", ", ".join(f"{e.name} ({e.id}, {e.count})" for e in people))
    print("about:", ", ".join(u.about))
    print("scores:", ", ".join(f"{c.country}={c.score}" for c in u.countries))
    print("regions:", ", ".join(u.regions))
    ok = {e.id for e in people} >= EXPECTED_PEOPLE and set(u.about) == EXPECTED_ABOUT
    print("matches issue 5 expectation:", ok)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
