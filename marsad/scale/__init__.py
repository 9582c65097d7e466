"""Scaling out: the same pipeline steps run as Dramatiq actors on RabbitMQ workers.

    marsad scheduler --fetch_source(ids)--> [prefix.fetch] poll_sources (conditional GET, parse)
        --fetch_article(entry)--> [prefix.article]  the entry's page, as crawl fetches it
        --analyse(entry+page)-->  [prefix.analyse]  Pipeline.ingest: extract, understand,
                                                    store with the outbox rows (never groups)
        --group()-->              [prefix.group]    the grouping lock's holder drains the outbox
        --translate()-->          [prefix.translate] one model per process, the outbox's rows

PostgreSQL is the one record. Up to ``analyse`` the entry travels in its message (sent with
publisher confirms before the sender's own message is acknowledged, so a killed sender's work
is delivered again); from the store on, hand-offs are durable rows (source leases, the outbox)
and ``group``/``translate`` messages only say "there is work". A lost or repeated message costs
a repeated (idempotent) step, never an article. RabbitMQ acknowledges a message after its work
(a killed worker's messages come back), retries with back-off and keeps what failed every
retry in a dead-letter queue (``marsad tasks``). Redis shares per-host politeness between
workers (``politeness``). Nothing here is imported by the default single-process mode; the
third-party packages (the ``scale`` extra) are imported inside these modules only.

Modules: ``engine`` (broker, queues, dead letters, Redis), ``politeness`` (the shared
per-host limits and the fetcher that honours them), ``worker`` (the actors and the grouping
holder), ``scheduler``, ``metrics`` (Prometheus).
"""
