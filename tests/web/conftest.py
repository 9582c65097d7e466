"""Fixtures for the web tests: a filled store on each backend and an app over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from marsad.store import Store
from marsad.web import create_app

from .helpers import ADMIN_TOKEN, NOW, Filled, fill_store, web_settings


@pytest.fixture
def filled(store: Store) -> Filled:
    return fill_store(store)


@pytest.fixture
def client(filled: Filled, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(
        filled.store,
        web_settings(tmp_path, admin_token=ADMIN_TOKEN),
        clock=lambda: NOW,
        search_function=None,
    )
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
