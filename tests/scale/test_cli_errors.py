"""Every scaling-out command meets an unreachable broker, a wrong URL scheme or Redis down with
one ``marsad: error:`` line and exit status 2 (in-process, on a SQLite home)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from scalekit import BROKER_URL

from marsad.cli.main import main


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends: nothing listens


COMMANDS = [
    ["worker"],
    ["scheduler"],
    ["status"],
    ["tasks", "list"],
    ["worker", "--processes", "2"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: "-".join(a))
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"amqp://guest:secret@127.0.0.1:{_closed_port()}/", "cannot reach the task broker"),
        ("http://127.0.0.1:5672/", "must be an amqp:// or amqps:// URL"),
    ],
    ids=["unreachable", "wrong-scheme"],
)
def test_broker_problems_are_one_clear_line(
    argv: list[str],
    url: str,
    expected: str,
    marsad_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MARSAD_BROKER_URL", url)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("marsad: error: "), err
    assert expected in err[0]
    assert "secret" not in err[0]  # the password is not printed


def test_worker_without_broker_url_says_what_to_set(
    marsad_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MARSAD_BROKER_URL", raising=False)
    assert main(["worker"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "MARSAD_BROKER_URL" in err[0], err


@pytest.mark.parametrize("redis_url", [f"redis://127.0.0.1:{_closed_port()}/0", "http://x/"])
def test_worker_with_redis_down_or_wrong_is_one_clear_line(
    redis_url: str,
    marsad_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MARSAD_BROKER_URL", BROKER_URL)
    monkeypatch.setenv("MARSAD_REDIS_URL", redis_url)
    assert main(["worker"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("marsad: error: "), err
    assert "Redis" in err[0] or "redis://" in err[0]


def test_bad_queue_list_is_one_clear_line(
    marsad_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MARSAD_BROKER_URL", BROKER_URL)
    assert main(["worker", "--queues", "fetch,nonsense"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--queues" in err[0], err
