"""`marsad alerts run --once` and `marsad alerts list`, in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alertkit import NOW, PAKISTAN, ingest, settings_for

from marsad.cli.main import main
from marsad.store import Store
from marsad.store.accounts import Accounts
from marsad.store.alerts import Alerts


def test_run_once_then_list(
    store: Store, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts = Accounts(store)
    reader = accounts.add_user("leila", "a long enough password", now=NOW)
    pk = accounts.add_follow(reader.id, "country", "PK", "Pakistan", now=NOW)
    Alerts(store).add_rule(
        reader.id, pk.id, mode="new", channel="email", target="l@example.org", cadence="daily"
    )
    ingest(store, settings_for(tmp_path), PAKISTAN)
    argv = ["--home", str(tmp_path), "--database-url", database_url]
    assert main([*argv, "alerts", "run", "--once"]) == 0
    out = capsys.readouterr().out
    assert "2 story changes, 1 new alerts" in out and "sent 0" in out  # the digest is tomorrow
    assert main([*argv, "alerts", "list"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    row = json.loads(line)
    assert (row["event"], row["channel"], row["status"]) == ("new", "email", "pending")
    assert main([*argv, "alerts", "run", "--once"]) == 0  # nothing more
    assert "0 story changes, 0 new alerts" in capsys.readouterr().out
