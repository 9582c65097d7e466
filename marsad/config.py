"""Settings, declared once.

Every setting is one row of ``SETTINGS`` (name, type, default, help). Values are read, each layer
overriding the one before: defaults -> TOML file (``$MARSAD_HOME/marsad.toml`` or ``--config``) ->
``MARSAD_<NAME>`` environment variables -> command-line flags. The result is one frozen
``Settings`` object that is passed explicitly; nothing reads the environment after loading.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from marsad.errors import ConfigError

ENV_PREFIX = "MARSAD_"


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    help: str
    secret: bool = False
    choices: tuple[str, ...] = ()


def _default_home() -> str:
    return platformdirs.user_data_dir("marsad", appauthor=False)


# The one table of settings. ``default`` may be a callable (computed at load time).
SETTINGS: tuple[Setting, ...] = (
    Setting("home", Path, _default_home, "Data directory: the SQLite database, models, caches."),
    Setting(
        "database_url",
        str,
        "",
        "Database URL. Empty means SQLite at $MARSAD_HOME/marsad.db; "
        "postgresql://user@host:port/db selects PostgreSQL.",
    ),
    Setting(
        "log_level",
        str,
        "INFO",
        "How much to log on standard error.",
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
    ),
    Setting(
        "user_agent",
        str,
        "Marsad/0.1 (+https://github.com/marsad-news/marsad; self-hosted news monitor)",
        "User-Agent sent with every request; also the name matched in robots.txt.",
    ),
    Setting(
        "allow_private_networks",
        bool,
        False,
        "Allow sources that resolve to loopback, private, link-local or multicast addresses.",
    ),
    Setting("connect_timeout", float, 10.0, "Seconds to wait for a TCP/TLS connection."),
    Setting("read_timeout", float, 30.0, "Seconds to wait between bytes of a response."),
    Setting("max_body_bytes", int, 10 * 1024 * 1024, "Largest response body accepted (bytes)."),
    Setting("max_redirects", int, 5, "Most redirects followed for one request."),
    Setting(
        "request_deadline",
        float,
        90.0,
        "Most seconds one fetch may take in all (every redirect, in-place retry and the "
        "robots.txt it needs), so a server dripping bytes cannot hold it longer.",
    ),
    Setting("global_concurrency", int, 32, "Most requests in flight at once, all hosts together."),
    Setting("per_host_concurrency", int, 2, "Most requests in flight to one host."),
    Setting(
        "per_host_delay",
        float,
        1.0,
        "Least seconds between the starts of two requests to one host.",
    ),
    Setting("respect_robots", bool, True, "Honour robots.txt."),
    Setting("poll_interval", int, 1800, "Default seconds between two polls of a source."),
    Setting("poll_interval_min", int, 300, "Shortest poll interval a source may get (seconds)."),
    Setting("poll_interval_max", int, 86400, "Longest poll interval a source may get (seconds)."),
    Setting(
        "pause_after_hours",
        float,
        72.0,
        "A source failing without a success for this many hours is paused (not deleted).",
    ),
    Setting("fetch_article_pages", bool, True, "Fetch each new entry's page for its full text."),
    Setting("extract_timeout", float, 5.0, "Most seconds spent extracting one page."),
    Setting(
        "cluster_window_days",
        float,
        3.0,
        "Days a story stays open after its last report; a running story stays open longer (up "
        "to 7 days) and a closed one takes only a strong match for 2 days more.",
    ),
    Setting(
        "dedup_threshold",
        float,
        0.4,
        "Estimated Jaccard similarity of word bigrams of the first 150 words above which two "
        "articles are near-duplicates (calibrated on the ANT duplicate groups; see "
        "marsad/dedup/index.py).",
    ),
    Setting(
        "translate_engine",
        str,
        "none",
        "Translation engine: none, ctranslate2 or argos.",
        choices=("none", "ctranslate2", "argos"),
    ),
    Setting(
        "translate_policy",
        str,
        "titles",
        "What to translate into Arabic: titles (titles and leads on ingest, full text on demand), "
        "full (everything on ingest), on_demand (only when a reader opens an article), never.",
        choices=("titles", "full", "on_demand", "never"),
    ),
    Setting(
        "translate_device",
        str,
        "auto",
        "Device for translation: auto, cpu or cuda.",
        choices=("auto", "cpu", "cuda"),
    ),
    Setting(
        "models_dir",
        Path,
        "",
        "Directory of installed translation models. Empty means $MARSAD_HOME/models.",
    ),
    Setting(
        "entities_file", Path, "", "Operator's own entities (JSON Lines) added to the shipped list."
    ),
    Setting(
        "admin_token", str, "", "Bearer token required by write endpoints of the API.", secret=True
    ),
    Setting("host", str, "127.0.0.1", "Address `marsad serve` listens on."),
    Setting("port", int, 8000, "Port `marsad serve` listens on."),
    Setting("ui_language", str, "ar", "Default interface language.", choices=("ar", "en")),
    Setting(
        "display_timezone",
        str,
        "UTC",
        "Time zone the site shows times in (an IANA name such as Asia/Riyadh or Africa/Cairo); "
        "every page names it.",
    ),
    Setting(
        "digits",
        str,
        "latin",
        "Digits of dates, times and counts on Arabic pages: latin (0-9) or arabic "
        "(Arabic-Indic), as readers in the Mashriq often prefer. English pages use Latin digits.",
        choices=("latin", "arabic"),
    ),
    Setting(
        "search_recency_weight", float, 0.3, "How much recency counts in search ranking (0 = none)."
    ),
    Setting(
        "broker_url",
        str,
        "",
        "RabbitMQ URL (amqp://user:password@host:5672/vhost) of the task queues that "
        "`marsad scheduler` and `marsad worker` share when scaling out; empty: no task engine.",
    ),
    Setting(
        "redis_url",
        str,
        "",
        "Redis URL (redis://host:6379/0) where workers share per-host politeness (request "
        "rate and concurrency); empty: each worker process keeps its own limits.",
    ),
    Setting(
        "queue_prefix",
        str,
        "marsad",
        "Prefix of the queue names and Redis keys, so several installations share one RabbitMQ "
        "and one Redis.",
    ),
    Setting(
        "fetch_queue_depth",
        int,
        1000,
        "`marsad scheduler` sends no more sources while the fetch, article or analyse queue holds "
        "more than this many sources or articles (a fetch message counts as 20; back-pressure: a "
        "slow stage never piles up messages).",
    ),
    Setting(
        "source_lease_seconds",
        float,
        900.0,
        "How long a source `marsad scheduler` sent stays claimed for its message (the worker "
        "renews it while it polls); a message lost with a dying worker or broker is sent again "
        "after this.",
    ),
    Setting(
        "metrics_port",
        int,
        0,
        "Port of the Prometheus /metrics of `marsad worker` (process N of --processes uses "
        "port + N); 0: none. `marsad serve` answers /metrics on its own port.",
    ),
    Setting(
        "alerts",
        bool,
        True,
        "Alerts on follows (issue 20): grouping decisions leave each changed story to the alert "
        "consumer, which `marsad serve` and `marsad crawl` run in their loop; when scaling out, "
        "run `marsad alerts run` beside the workers (or turn this off).",
    ),
    Setting(
        "public_url",
        str,
        "",
        "The site's address as readers reach it (https://marsad.example.org): links in alert "
        "e-mails are made absolute with it (without it a digest carries no links).",
    ),
    Setting(
        "alerts_allow_private_networks",
        bool,
        False,
        "Allow alert webhooks and Apprise URLs to loopback, private or link-local addresses "
        "(refused by default, like sources: the fetcher's SSRF guard).",
    ),
    Setting(
        "alert_max_attempts", int, 8, "Tries of one alert delivery before it is a dead letter."
    ),
    Setting(
        "alert_retry_seconds",
        float,
        30.0,
        "First wait before an alert delivery is tried again; doubled each try (with jitter), "
        "at most a day.",
    ),
    Setting("smtp_host", str, "", "SMTP server of alert e-mail digests; empty: no e-mail alerts."),
    Setting("smtp_port", int, 587, "Port of the SMTP server of alert e-mail digests."),
    Setting(
        "smtp_security",
        str,
        "starttls",
        "How the SMTP connection is secured: starttls, ssl (implicit TLS) or none.",
        choices=("starttls", "ssl", "none"),
    ),
    Setting("smtp_user", str, "", "SMTP login of alert e-mail digests; empty: no login."),
    Setting("smtp_password", str, "", "SMTP password of alert e-mail digests.", secret=True),
    Setting("smtp_from", str, "", "From address of alert e-mail digests (marsad@example.org)."),
    Setting(
        "anonymous_reading",
        bool,
        True,
        "Anyone may read the site, feeds and API; off: every read needs a signed-in user (a "
        "session or `Authorization: Bearer <user token>`); the admin token keeps working.",
    ),
    Setting(
        "secure_cookies",
        str,
        "auto",
        "Mark the session cookie Secure: auto (when the request came over HTTPS), always "
        "(behind a TLS proxy that does not say so) or never.",
        choices=("auto", "always", "never"),
    ),
    Setting("session_days", float, 14.0, "How long a sign-in lasts (days) before a new login."),
    Setting(
        "login_max_failures",
        int,
        5,
        "Failed logins allowed per account in login_window_seconds (four times as many per "
        "address) before logins are refused until the window passes.",
    ),
    Setting("login_window_seconds", float, 900.0, "Window of the login rate limits (seconds)."),
    Setting(
        "trusted_proxies",
        str,
        "",
        "Addresses (comma-separated IPs or networks, * for any) of reverse proxies whose "
        "X-Forwarded-For/-Proto `marsad serve` believes; empty: none, the client is the peer.",
    ),
)

SETTINGS_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def _settings_fields() -> list[tuple[str, Any, Any]]:
    return [(s.name, s.type, field(default=None)) for s in SETTINGS]


_SettingsBase = dataclasses.make_dataclass("_SettingsBase", _settings_fields(), frozen=True)


class Settings(_SettingsBase):  # type: ignore[misc, valid-type]
    """The effective settings: one frozen object, passed explicitly."""

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return str(self.database_url)
        return f"sqlite:///{Path(self.home) / 'marsad.db'}"

    @property
    def effective_models_dir(self) -> Path:
        return Path(self.models_dir) if self.models_dir else Path(self.home) / "models"

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def as_dict(self, *, reveal_secrets: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for s in SETTINGS:
            value = getattr(self, s.name)
            if s.secret and value and not reveal_secrets:
                value = "***"
            out[s.name] = str(value) if isinstance(value, Path) else value
        return out


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _coerce(setting: Setting, value: Any, origin: str) -> Any:
    try:
        if setting.type is bool:
            if isinstance(value, bool):
                result: Any = value
            elif str(value).strip().lower() in _TRUE:
                result = True
            elif str(value).strip().lower() in _FALSE:
                result = False
            else:
                raise ValueError(value)
        elif setting.type is Path:
            # An empty path means "not set" (Path("") would silently be the current folder).
            result = Path(os.path.expanduser(str(value))) if str(value or "") else None
        elif setting.type is int:
            if isinstance(value, bool):
                raise ValueError(value)
            result = int(value)
        elif setting.type is float:
            result = float(value)
        else:
            result = str(value)
    except (TypeError, ValueError):
        raise ConfigError(
            f"{origin}: setting '{setting.name}' must be a {setting.type.__name__}, got {value!r}",
            message_ar=f"{origin}: قيمة الإعداد '{setting.name}' غير صالحة: {value!r}",
        ) from None
    if setting.choices and str(result) not in setting.choices:
        raise ConfigError(
            f"{origin}: setting '{setting.name}' must be one of {', '.join(setting.choices)}; got {value!r}"
        )
    return result


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    # Accept both a flat file and one with a [marsad] table.
    table = data.get("marsad", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [marsad] must be a table")
    return table


def load_settings(
    *,
    config_file: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Load settings: defaults -> TOML file -> MARSAD_* environment -> ``overrides`` (flags)."""
    env = os.environ if env is None else env
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    values: dict[str, Any] = {}
    for s in SETTINGS:
        default = s.default() if isinstance(s.default, Callable) else s.default  # type: ignore[arg-type]
        values[s.name] = _coerce(s, default, "default")

    # The home directory decides where the default config file lives, so resolve it first.
    home_value = overrides.get("home") or env.get(ENV_PREFIX + "HOME")
    if home_value:
        values["home"] = _coerce(SETTINGS_BY_NAME["home"], home_value, "home")
    if config_file is None and env.get(ENV_PREFIX + "CONFIG"):
        config_file = env[ENV_PREFIX + "CONFIG"]
    if config_file is not None:
        file_path: Path | None = Path(config_file)
    else:
        candidate = Path(values["home"]) / "marsad.toml"
        file_path = candidate if candidate.is_file() else None
    if file_path is not None:
        for key, value in _read_toml(file_path).items():
            setting = SETTINGS_BY_NAME.get(key)
            if setting is None:
                raise ConfigError(f"{file_path}: unknown setting '{key}'")
            values[key] = _coerce(setting, value, str(file_path))

    for s in SETTINGS:
        env_name = ENV_PREFIX + s.name.upper()
        if env_name in env:
            values[s.name] = _coerce(s, env[env_name], env_name)
    for key, value in overrides.items():
        setting = SETTINGS_BY_NAME.get(key)
        if setting is None:
            raise ConfigError(f"unknown setting '{key}'")
        values[key] = _coerce(setting, value, f"--{key.replace('_', '-')}")
    return Settings(**values)


__all__ = ["ENV_PREFIX", "SETTINGS", "Setting", "Settings", "load_settings"]


def settings_markdown() -> str:
    """The settings as a Markdown table (pasted into README.md; a test keeps them in step)."""
    rows = ["| setting | environment | type | default | what it does |", "|---|---|---|---|---|"]
    for s in SETTINGS:
        default = "(platform user data dir)" if callable(s.default) else repr(s.default)
        if s.choices:
            default += f" — one of {', '.join(s.choices)}"
        rows.append(
            f"| `{s.name}` | `{ENV_PREFIX}{s.name.upper()}` | {s.type.__name__} | {default} | {s.help} |"
        )
    return "\n".join(rows)
