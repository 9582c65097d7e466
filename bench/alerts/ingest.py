"""Does alert work slow ingestion? (issue 20: by no more than 5%.)

The same corpus is ingested through ``Pipeline.ingest`` into fresh SQLite stores, alternately
(A, B, A, B) in one run:

- A: no alerts: the pipeline writes no ``alert`` outbox rows;
- B: 10,000 follows and saved searches of 1,000 users (``bench.alerts.match``'s mix), each
  with an alert rule (e-mail, daily digest: nothing is sent during the run), the pipeline
  writing ``alert`` rows, and the alert consumer run after every 25 articles (as the crawl
  loop's hook runs it between passes) until the outbox is empty: claim, story events,
  percolation, rule decisions, deliveries, in the same process.

Corpus: the demo corpus, ``--rounds`` times under new URLs with its numbers changed. CPU seconds
of the process (``time.process_time``), medians of ``--runs`` pairs.

    nice .venv/bin/python -m bench.alerts.ingest [--rounds 3] [--runs 2]
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from bench.alerts.match import _follows
from marsad.alerts.service import AlertConsumer
from marsad.config import load_settings
from marsad.demo.corpus import load_corpus
from marsad.pipeline.process import IncomingArticle, Pipeline
from marsad.store import Store, open_store
from marsad.store import schema as t
from marsad.store.alert_tables import alert_rules
from marsad.store.alerts import Alerts
from marsad.store.store import OUTBOX_ALERT

CONSUME_EVERY = 25


def _items(rounds: int) -> list[IncomingArticle]:
    corpus = load_corpus()
    items = []
    for r in range(rounds):
        for a in corpus.articles:
            text = "\n\n".join(a.paragraphs)
            if r:
                text = re.sub(r"\d+", lambda m, r=r: str(int(m.group()) + 7 * r), text)
            items.append(
                IncomingArticle(
                    url=f"https://{a.outlet}.example/{r}/{a.slug}",
                    title=a.title if not r else f"{a.title} ({r})",
                    text=text,
                    language=a.language,
                    published_at=a.published + timedelta(days=2 * r),
                )
            )
    return items


def _add_rules(store: Store, users: int) -> None:
    now = datetime.now(UTC)
    users_t, follows_t = t.metadata.tables["users"], t.metadata.tables["follows"]
    seen: set[tuple[int, str, str]] = set()
    follows = []
    for i, kind, target in _follows(users, random.Random(20)):
        if (i // 10, kind, target) not in seen:  # one user follows a thing once
            seen.add((i // 10, kind, target))
            follows.append((i, kind, target))
    with store.transaction() as conn:
        conn.execute(
            users_t.insert(),
            [
                {
                    "id": u + 1,
                    "name": f"u{u}",
                    "role": "reader",
                    "password_hash": "x",
                    "email": f"u{u}@example.org",
                    "language": "ar",
                    "created_at": now,
                }
                for u in range(users)
            ],
        )
        conn.execute(
            follows_t.insert(),
            [
                {
                    "id": i + 1,
                    "user_id": i // 10 + 1,
                    "kind": kind,
                    "target": target,
                    "label": target,
                    "created_at": now,
                    "last_visit_at": now,
                }
                for i, kind, target in follows
            ],
        )
        conn.execute(
            alert_rules.insert(),
            [
                {
                    "user_id": i // 10 + 1,
                    "follow_id": i + 1,
                    "mode": "new",
                    "params": {},
                    "channel": "email",
                    "target": f"u{i // 10}@example.org",
                    "cadence": "daily",
                    "language": "ar",
                    "secret": "s" * 64,
                    "created_at": now - timedelta(days=1),
                }
                for i, _, _ in follows
            ],
        )


def _run(items: list[IncomingArticle], alerts: bool, users: int) -> tuple[float, float, int, float]:
    """(CPU s of the whole ingest, CPU s in the consumer, deliveries written, CPU s of the
    consumer's index build at start)."""
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(env={"MARSAD_HOME": home})
        store = open_store(settings.effective_database_url)
        if alerts:
            _add_rules(store, users)
        consumer = AlertConsumer(Alerts(store))
        mark = time.process_time()
        if alerts:
            consumer.refresh()  # once per process start: timed apart
        build = time.process_time() - mark
        pipeline = Pipeline(store, settings, story_outbox=[OUTBOX_ALERT] if alerts else [])
        consumed = 0.0
        started = time.process_time()
        for n, item in enumerate(items, 1):
            pipeline.ingest(item)
            if alerts and n % CONSUME_EVERY == 0:
                mark = time.process_time()
                consumer.run_until_empty()
                consumed += time.process_time() - mark
        pipeline.close()
        if alerts:
            mark = time.process_time()
            consumer.run_until_empty()
            consumed += time.process_time() - mark
        total = time.process_time() - started
        deliveries = len(Alerts(store).all_deliveries()) if alerts else 0
        store.close()
    return total, consumed, deliveries, build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=2)
    # 1,000 users: every story matches ~230 follows; 45 users: ~10 (a lighter mix).
    parser.add_argument("--users", type=int, default=1000)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    items = _items(args.rounds)
    plain: list[float] = []
    with_alerts: list[float] = []
    consumer: list[float] = []
    deliveries = 0
    builds: list[float] = []
    for _ in range(args.runs):
        plain.append(_run(items, False, args.users)[0])
        total, consumed, deliveries, build = _run(items, True, args.users)
        with_alerts.append(total)
        consumer.append(consumed)
        builds.append(build)
    a, b = statistics.median(plain), statistics.median(with_alerts)
    c = statistics.median(consumer)
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {len(items)} articles, SQLite, {args.runs} pairs,"
        f" rules of {args.users} users"
    )
    print(f"  without alerts: {a:.2f} CPU s  ({', '.join(f'{x:.2f}' for x in plain)})")
    print(
        f"  with alerts:    {b:.2f} CPU s  ({', '.join(f'{x:.2f}' for x in with_alerts)}),"
        f" of which the consumer {statistics.median(consumer):.2f}; {deliveries} deliveries"
    )
    print(
        f"  consumer: {1000 * c / max(1, deliveries):.3f} ms CPU per delivery;"
        f" index of the rules, built once at start: {statistics.median(builds):.2f} CPU s"
    )
    print(f"  ingestion alone (consumer in its own process): {100 * (b - c - a) / a:+.1f}%")
    print(f"  slowdown, consumer in the same process: {100 * (b - a) / a:+.1f}% (target <= 5%)")


if __name__ == "__main__":
    main()
