"""People and organisations: the shipped list and operators' additions.

Known entities are JSON Lines records (data/entities.jsonl, format in data/PROVENANCE.md), matched
by the same automaton as places. People the list does not know are found by patterns
(``people.py``) and organisations by their head word (``orgs.py``); both get a stable id derived
from the normalised name, so the same name always gets the same id.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from marsad.errors import ConfigError
from marsad.models import Entity, EntityName, EntityType
from marsad.understand.scan import KEY_NAME, fold_latin, normalize_key

log = logging.getLogger(__name__)

MAX_ENTITY_LINE = 10_000  # bytes; longer operator lines are skipped as malformed
UNKNOWN_PREFIX = "person:~"  # ids derived from a name, not from the list
_ID_RE = re.compile(r"^(person|organization|place|org):[^\s]{1,120}$")


@dataclass(frozen=True)
class EntityRecord:
    id: str
    type: EntityType
    name_ar: str | None
    name_en: str | None
    names: tuple[EntityName, ...]
    country: str | None = None

    def to_entity(self) -> Entity:
        return Entity(self.id, self.type, self.name_ar, self.name_en, self.names)


def _parse_record(raw: dict[str, object]) -> EntityRecord:
    entity_id = str(raw["id"])
    if not _ID_RE.match(entity_id):
        raise ValueError(f"bad id {entity_id!r}")
    kind = EntityType(str(raw["type"]))
    names: list[EntityName] = []
    aliases = raw.get("names", {})
    if not isinstance(aliases, dict):
        raise ValueError("names must be an object {language: [names]}")
    for language, values in aliases.items():
        if isinstance(values, str):
            values = [values]
        names += [EntityName(str(v), str(language)) for v in values if str(v).strip()]
    name_ar = raw.get("name_ar")
    name_en = raw.get("name_en")
    if name_ar:
        names.insert(0, EntityName(str(name_ar), "ar"))
    if name_en:
        names.insert(0, EntityName(str(name_en), "en"))
    if not names:
        raise ValueError("an entity needs at least one name")
    country = raw.get("country")
    return EntityRecord(
        entity_id,
        kind,
        str(name_ar) if name_ar else None,
        str(name_en) if name_en else None,
        tuple(dict.fromkeys(names)),
        str(country).upper() if country else None,
    )


def parse_entities(lines: Iterable[str], origin: str) -> list[EntityRecord]:
    """Parse JSON Lines entity records; malformed lines are logged and skipped."""
    records: list[EntityRecord] = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            if len(line) > MAX_ENTITY_LINE:
                raise ValueError("line too long")
            raw = json.loads(line)
            if not isinstance(raw, dict):
                raise ValueError("not an object")
            records.append(_parse_record(raw))
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("%s:%d: skipped entity line: %s", origin, number, exc)
    return records


def load_entities(extra: Path | None = None) -> list[EntityRecord]:
    """The shipped entities, then the operator's file; a record with a known id extends it."""
    shipped = resources.files("marsad.understand").joinpath("data").joinpath("entities.jsonl")
    records = parse_entities(shipped.read_text("utf-8").splitlines(), "entities.jsonl")
    if extra is not None:
        try:
            lines = extra.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(
                f"entities_file {extra}: cannot read it ({exc})",
                message_ar=f"ملف الكيانات {extra} غير مقروء ({exc})",
            ) from exc
        records += parse_entities(lines, str(extra))
    merged: dict[str, EntityRecord] = {}
    for record in records:
        old = merged.get(record.id)
        if old is not None:
            record = EntityRecord(
                record.id,
                record.type,
                record.name_ar or old.name_ar,
                record.name_en or old.name_en,
                tuple(dict.fromkeys(old.names + record.names)),
                record.country or old.country,
            )
        merged[record.id] = record
    return list(merged.values())


def entity_keys(records: list[EntityRecord], offset: int) -> list[tuple[str, int, str]]:
    """Automaton keys for the records; refs start at ``offset`` (after the places)."""
    keys: list[tuple[str, int, str]] = []
    for index, record in enumerate(records):
        for name in record.names:
            key = normalize_key(name.name)
            if key.startswith("the ") and key.isascii():
                key = key[4:]  # "the United Nations": the name starts after the article
            if key:
                keys.append((key, offset + index, KEY_NAME))
                folded = fold_latin(key)
                if folded != key:
                    # "Luiz Inacio Lula da Silva" typed without its accents is the listed name;
                    # folded keys cost nothing per article (token norms keep their accents)
                    keys.append((folded, offset + index, KEY_NAME))
    return keys


def unknown_person_id(normalized_name: str) -> str:
    """A stable id for a person the list does not know: derived from the normalised name."""
    return UNKNOWN_PREFIX + normalized_name.replace(" ", "-")
