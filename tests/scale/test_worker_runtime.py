"""A worker process's runtime, in-process: a poll stopped mid-way (storage error, time limit)
does not spoil the thread's next message."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from actorkit import finish
from loopback import LoopbackServer
from scalekit import Scale, add_sources, serve_feeds

import marsad.scale.worker as worker_module
from marsad.config import load_settings
from marsad.errors import StorageUnavailable
from marsad.scale.worker import WorkerRuntime


@pytest.fixture(autouse=True)
def _new_queues(scale: Scale) -> Iterator[None]:
    yield
    finish(scale)


def test_a_failed_poll_leaves_the_next_one_a_fresh_loop(
    scale: Scale, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds, expected = serve_feeds(server, 1, 2)
    add_sources(scale.database_url, feeds)
    runtime = WorkerRuntime(load_settings(env=scale.env), queues=["fetch"], threads=1)
    try:
        real = worker_module.poll_sources

        async def broken(*args: Any, **kwargs: Any) -> None:
            raise StorageUnavailable()

        monkeypatch.setattr(worker_module, "poll_sources", broken)
        with pytest.raises(StorageUnavailable):
            runtime.fetch(1)
        monkeypatch.setattr(worker_module, "poll_sources", real)
        summary = runtime.fetch(1)
        assert summary is not None and summary.new_articles == len(expected)
        assert runtime.fetch(999_999) is None  # a source removed meanwhile: nothing to do
    finally:
        runtime.close()
