"""`marsad users`: accounts and tokens from the command line, in-process, on both backends."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from marsad.cli.main import main
from marsad.store import open_store
from marsad.store.accounts import Accounts


@pytest.fixture
def cli_db(marsad_home: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("MARSAD_DATABASE_URL", database_url)
    return database_url


def run(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_users_add_list_passwd_remove(
    cli_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(
        ["users", "add", "alice", "--role", "admin", "--password-stdin"],
        capsys,
        monkeypatch,
        "correct horse\n",
    )
    assert code == 0 and "alice" in out and "correct horse" not in out
    code, _, err = run(["users", "add", "bob", "--password-stdin"], capsys, monkeypatch, "short\n")
    assert code == 2 and err.startswith("marsad: error:")
    code, _, err = run(
        ["users", "add", "alice", "--password-stdin"], capsys, monkeypatch, "another one\n"
    )
    assert code == 2 and "exists" in err
    code, out, _ = run(["users", "list", "--json"], capsys, monkeypatch)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["name"], r["role"]) for r in rows] == [("alice", "admin")]

    store = open_store(cli_db)
    try:
        accounts = Accounts(store)
        assert accounts.check_login("alice", "correct horse") is not None
        code, _, _ = run(
            ["users", "passwd", "alice", "--password-stdin"],
            capsys,
            monkeypatch,
            "battery staple\n",
        )
        assert code == 0
        assert accounts.check_login("alice", "correct horse") is None
        assert accounts.check_login("alice", "battery staple") is not None

        code, out, _ = run(
            ["users", "token", "add", "alice", "--label", "phone"], capsys, monkeypatch
        )
        token = out.splitlines()[-1]
        assert code == 0 and accounts.user_for_token(token, now=_now()) is not None
        code, out, _ = run(["users", "token", "list", "alice"], capsys, monkeypatch)
        assert "phone" in out and token not in out
        token_id = out.split()[0]
        code, _, _ = run(["users", "token", "revoke", "alice", token_id], capsys, monkeypatch)
        assert code == 0 and accounts.user_for_token(token, now=_now()) is None

        code, _, _ = run(["users", "remove", "alice"], capsys, monkeypatch)
        assert code == 0 and accounts.find_user("alice") is None
        code, _, err = run(["users", "remove", "alice"], capsys, monkeypatch)
        assert code == 2 and "no user" in err
    finally:
        store.close()


def _now():  # type: ignore[no-untyped-def]
    from marsad.store import utcnow

    return utcnow()
