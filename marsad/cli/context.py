"""What every CLI handler gets: the settings, and the store opened on first use."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

from marsad.config import Settings, load_settings
from marsad.store import Store, open_store


class CLIContext:
    def __init__(
        self, *, config_file: str | None = None, overrides: Mapping[str, Any] | None = None
    ) -> None:
        self._config_file = config_file
        self._overrides = dict(overrides or {})
        self._settings: Settings | None = None
        self._store: Store | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(config_file=self._config_file, overrides=self._overrides)
        return self._settings

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.settings.effective_database_url)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def print_json_line(obj: Mapping[str, Any]) -> None:
    """One JSON object per line, UTF-8, Arabic unescaped."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
