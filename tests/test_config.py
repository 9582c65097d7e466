from __future__ import annotations

import re
from pathlib import Path

import pytest

from marsad.cli.main import main
from marsad.config import SETTINGS, load_settings, settings_markdown
from marsad.errors import ConfigError

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_setting_has_help_and_a_typed_default() -> None:
    for s in SETTINGS:
        assert len(s.help) > 15, f"setting {s.name} needs help text"
        assert s.name == s.name.lower() and re.fullmatch(r"[a-z_]+", s.name)


def test_every_setting_is_documented_in_readme() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"MARSAD_{s.name.upper()}" not in text]
    assert not missing, f"README.md does not document: {missing}"
    assert settings_markdown() in text, "README settings table is stale: paste settings_markdown()"


def test_layers_defaults_file_env_flags(tmp_path: Path) -> None:
    home = tmp_path / "h"
    home.mkdir()
    (home / "marsad.toml").write_text(
        'port = 9001\nper_host_delay = 2.5\nuser_agent = "from-file"\n'
    )
    env = {"MARSAD_HOME": str(home), "MARSAD_PORT": "9002"}
    s = load_settings(env=env)
    assert s.home == home
    assert s.per_host_delay == 2.5  # file beats default
    assert s.user_agent == "from-file"
    assert s.port == 9002  # env beats file
    s = load_settings(env=env, overrides={"port": 9003})
    assert s.port == 9003  # flag beats env
    assert s.connect_timeout == 10.0  # default
    assert s.effective_database_url == f"sqlite:///{home / 'marsad.db'}"


def test_explicit_config_file_and_marsad_table(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("[marsad]\nallow_private_networks = true\n")
    s = load_settings(config_file=cfg, env={"MARSAD_HOME": str(tmp_path)})
    assert s.allow_private_networks is True


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"MARSAD_PORT": "eighty"}, "port"),
        ({"MARSAD_ALLOW_PRIVATE_NETWORKS": "perhaps"}, "allow_private_networks"),
        ({"MARSAD_TRANSLATE_ENGINE": "babelfish"}, "translate_engine"),
    ],
    ids=["int", "bool", "choice"],
)
def test_bad_values_are_config_errors(tmp_path: Path, env: dict[str, str], fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        load_settings(env={"MARSAD_HOME": str(tmp_path), **env})


def test_unknown_key_in_file_is_an_error(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("colour = 'blue'\n")
    with pytest.raises(ConfigError, match="unknown setting 'colour'"):
        load_settings(config_file=cfg, env={})


def test_config_command_prints_effective_settings(
    marsad_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MARSAD_ADMIN_TOKEN", "s3cret")
    assert main(["config", "--json"]) == 0
    out = capsys.readouterr().out
    assert f'"home": "{marsad_home}"' in out
    assert "s3cret" not in out  # secrets are masked
    assert main(["config", "--help-settings"]) == 0
    out = capsys.readouterr().out
    for s in SETTINGS:
        assert f"{s.name} = " in out


def test_broken_config_file_is_one_clear_error(
    marsad_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (marsad_home / "marsad.toml").write_text("port = = 3\n")
    assert main(["config"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("marsad: error: cannot read config file")
    assert "Traceback" not in err


def test_unset_paths_are_none_not_the_current_folder(tmp_path: Path) -> None:
    s = load_settings(env={"MARSAD_HOME": str(tmp_path)})
    assert s.models_dir is None and s.entities_file is None
    assert s.effective_models_dir == tmp_path / "models"
    s = load_settings(env={"MARSAD_HOME": str(tmp_path), "MARSAD_MODELS_DIR": str(tmp_path / "m")})
    assert s.effective_models_dir == tmp_path / "m"
