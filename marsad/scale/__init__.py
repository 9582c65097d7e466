"""Scaling out: the same pipeline steps run as Dramatiq actors on RabbitMQ workers.

    marsad scheduler  --fetch_source(id)-->  [prefix.fetch]  -->  marsad worker --queues fetch
                                                                   poll_source -> Pipeline.ingest
                                                                   (stores; never groups)
                      <--group()---------------------------------  [prefix.group]
    marsad worker --queues group: the holder of the grouping lock drains the outbox

PostgreSQL is the one record: every hand-off between steps is durable in the store (source
leases, the outbox), so a message only says "there is work"; a lost or repeated message costs a
repeated (idempotent) step, never an article. RabbitMQ acknowledges a message after its work
(a killed worker's messages come back), retries with back-off and keeps what failed every
retry in a dead-letter queue (``marsad tasks``). Redis shares per-host politeness between
workers (``politeness``). Nothing here is imported by the default single-process mode; the
third-party packages (the ``scale`` extra) are imported inside these modules only.

Modules: ``engine`` (broker, queues, dead letters, Redis), ``politeness`` (the shared
per-host limits and the fetcher that honours them), ``worker`` (the actors and the grouping
holder), ``scheduler``, ``metrics`` (Prometheus).
"""
