"""The foundation commands, in-process and through the installed console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from marsad.cli.main import COMMAND_MODULES, build_parser, main
from marsad.models import NewArticle
from marsad.store import open_store


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli_db(marsad_home: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("MARSAD_DATABASE_URL", database_url)
    return database_url


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for name in (
        "sources",
        "crawl",
        "serve",
        "analyze",
        "cluster",
        "import",
        "search",
        "articles",
        "demo",
        "config",
        "migrate",
        "models",
    ):
        assert name in out
    # Each command explains itself.
    parser = build_parser()
    sub_action = next(a for a in parser._actions if a.dest == "command")
    assert len(sub_action.choices) == len(COMMAND_MODULES) + 1  # config_cmd adds config and migrate
    for name, sub in sub_action.choices.items():
        assert sub.description, f"`marsad {name} --help` needs a description"


def test_sources_add_list_remove_round_trip(
    cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        [
            "sources",
            "add",
            "https://Dawn.example/feeds/home",
            "--country",
            "pk",
            "--language",
            "en",
        ],
        capsys,
    )
    assert code == 0 and "added source" in out
    code, _, _ = run(
        ["sources", "add", "https://sitemap.example/news.xml", "--kind", "sitemap"], capsys
    )
    assert code == 0
    code, out, _ = run(["sources", "list", "--json"], capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["url"], r["kind"]) for r in rows] == [
        ("https://dawn.example/feeds/home", "feed"),
        ("https://sitemap.example/news.xml", "sitemap"),
    ]
    assert rows[0]["country"] == "PK" and rows[0]["language"] == "en"
    for key in ("last_status", "last_error", "article_count"):
        assert key in rows[0]
    code, out, _ = run(["sources", "list"], capsys)
    assert "dawn.example" in out
    code, out, _ = run(["sources", "remove", "https://dawn.example/feeds/home"], capsys)
    assert code == 0 and "removed" in out
    code, out, _ = run(["sources", "list", "--json"], capsys)
    assert [json.loads(line)["url"] for line in out.splitlines()] == [
        "https://sitemap.example/news.xml"
    ]
    code, _, err = run(["sources", "remove", "https://dawn.example/feeds/home"], capsys)
    assert (
        code == 2
        and err.strip() == "marsad: error: unknown source: https://dawn.example/feeds/home"
    )
    code, _, err = run(["sources", "add", "https://sitemap.example/news.xml"], capsys)
    assert code == 2 and "already exists" in err


def test_articles_list_json(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    store = open_store(cli_db)
    src = store.add_source("https://aljazeera.example/rss", title="الجزيرة مثال")
    for i in range(3):
        store.add_article(
            NewArticle(
                url=f"https://aljazeera.example/{i}",
                title=f"خبر {i}",
                language="ar",
                source_id=src.id,
            )
        )
    store.close()
    code, out, _ = run(["articles", "list", "--json", "--limit", "2"], capsys)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 2
    assert {"url", "title", "language", "source_title", "published_at"} <= set(rows[0])
    assert rows[0]["source_title"] == "الجزيرة مثال" and rows[0]["language"] == "ar"
    code, _, err = run(["articles", "list", "--limit", "0"], capsys)
    assert code == 2 and "--limit" in err


@pytest.mark.parametrize(
    "url",
    [
        "notaurl",
        "ftp://example.com/feed",
        "http://",
        "https://exa mple.com/x",
        "http://example.com:99999/",
    ],
    ids=["no-scheme", "ftp", "no-host", "space", "bad-port"],
)
def test_invalid_urls_are_one_clear_line(
    marsad_home: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["sources", "add", url], capsys)
    assert code == 2
    assert err.startswith("marsad: error: invalid URL") and err.count("\n") == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["frobnicate"],
        ["sources", "add"],
        ["sources", "list", "--colour"],
        ["articles", "list", "--limit", "many"],
        ["--nope"],
    ],
    ids=["unknown-command", "missing-arg", "unknown-option", "bad-int", "unknown-global"],
)
def test_unknown_commands_and_options(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "marsad: error:" in err and "Traceback" not in err


def test_unreachable_postgresql_is_one_clear_line(
    marsad_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        ["--database-url", "postgresql://postgres@127.0.0.1:1/nowhere", "sources", "list"], capsys
    )
    assert code == 2
    assert err.startswith("marsad: error: database unreachable") and err.count("\n") == 1


def test_unsupported_database_url(marsad_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["--database-url", "mysql://root@localhost/x", "sources", "list"], capsys)
    assert code == 2 and "unsupported database" in err


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A real, tiny filesystem (tmpfs), so 'read-only' and 'full' are the kernel's, not ours."""
    mount_point = tmp_path / "fs"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)], check=True)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_read_only_data_directory(
    small_tmpfs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MARSAD_HOME", str(small_tmpfs / "home"))
    monkeypatch.delenv("MARSAD_DATABASE_URL", raising=False)
    assert run(["sources", "add", "https://a.example/rss"], capsys)[0] == 0
    subprocess.run(["mount", "-o", "remount,ro", str(small_tmpfs)], check=True)
    code, _, err = run(["sources", "add", "https://b.example/rss"], capsys)
    assert code == 2
    assert err.startswith("marsad: error:") and "read" in err.lower() and "Traceback" not in err
    # A fresh home on the read-only filesystem cannot even be created: also one clear line.
    monkeypatch.setenv("MARSAD_HOME", str(small_tmpfs / "other"))
    code, _, err = run(["sources", "list"], capsys)
    assert code == 2 and err.startswith("marsad: error: cannot create data directory")


def test_full_data_directory(
    small_tmpfs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = small_tmpfs / "home"
    monkeypatch.setenv("MARSAD_HOME", str(home))
    monkeypatch.delenv("MARSAD_DATABASE_URL", raising=False)
    assert run(["sources", "add", "https://a.example/rss"], capsys)[0] == 0
    # Fill the filesystem to the last byte.
    with open(small_tmpfs / "filler", "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    failures = 0
    for i in range(200):  # enough rows to need new pages
        code, _, err = run(["sources", "add", f"https://b{i}.example/rss/{'x' * 2000}"], capsys)
        if code != 0:
            failures += 1
            assert code == 2 and err.startswith("marsad: error:") and "full" in err.lower()
            break
    assert failures == 1
    # Nothing committed was lost: after space comes back the database still lists the first source.
    os.remove(small_tmpfs / "filler")
    code, out, _ = run(["sources", "list", "--json"], capsys)
    assert code == 0 and "https://a.example/rss" in out


def test_console_script_runs_without_traceback(marsad_home: Path) -> None:
    exe = Path(sys.executable).with_name("marsad")
    result = subprocess.run(
        [str(exe), "sources", "add", "bad url"], capture_output=True, text=True, env=os.environ
    )
    assert result.returncode == 2
    assert (
        result.stderr.startswith("marsad: error: invalid URL") and "Traceback" not in result.stderr
    )
    result = subprocess.run([str(exe), "migrate"], capture_output=True, text=True, env=os.environ)
    assert result.returncode == 0 and "migrated" in result.stdout
