"""Fixtures of the account tests: the web tests' small newsroom, two readers, an app over it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from web.helpers import ADMIN_TOKEN, NOW, Filled, fill_store, web_settings

from marsad.accounts.model import User
from marsad.store import Store
from marsad.store.accounts import Accounts
from marsad.web import create_app

PASSWORD = "correct horse battery"
_HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')


@dataclass
class Site:
    filled: Filled
    accounts: Accounts
    alice: User
    bob: User
    make_client: Callable[..., TestClient]


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden fields of the first form of a page (CSRF token, next)."""
    return {name: value.replace("&amp;", "&") for name, value in _HIDDEN.findall(html)}


def login(client: TestClient, name: str, password: str = PASSWORD) -> Any:
    page = client.get("/login")
    fields = hidden_fields(page.text)
    return client.post(
        "/login",
        data={"csrf": fields["csrf"], "next": "/me", "name": name, "password": password},
        follow_redirects=False,
    )


def csrf_of(client: TestClient, path: str = "/me") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


@pytest.fixture
def site(store: Store, tmp_path: Path) -> Iterator[Site]:
    filled = fill_store(store)
    accounts = Accounts(store)
    alice = accounts.add_user("alice", PASSWORD, now=NOW)
    bob = accounts.add_user("bob", PASSWORD, language="en", now=NOW)
    clients: list[TestClient] = []

    def make_client(**overrides: Any) -> TestClient:
        settings = web_settings(tmp_path, admin_token=ADMIN_TOKEN, **overrides)
        # The real clock: articles carry the time they were stored, and "new since the last
        # visit" compares with it.
        app = create_app(store, settings, search_function=None)
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield Site(filled, accounts, alice, bob, make_client)
    for client in clients:
        client.__exit__(None, None, None)
