"""Child process for the crash test: writes batches forever, printing each committed batch."""

from __future__ import annotations

import sys

from marsad.models import NewArticle
from marsad.store import open_store

BATCH = 50


def main(url: str) -> None:
    store = open_store(url)
    batch_no = 0
    while True:
        store.add_articles(
            [
                NewArticle(url=f"https://crash.example/{batch_no}/{i}", title=f"b{batch_no} #{i}")
                for i in range(BATCH)
            ]
        )
        print(batch_no, flush=True)
        batch_no += 1


if __name__ == "__main__":
    main(sys.argv[1])
