"""People and organisations: the shipped list, operators' additions, and role patterns.

Known entities are JSON Lines records (data/entities.jsonl, format in data/PROVENANCE.md), matched
by the same automaton as places. People the list does not know are found after a title or role
("الرئيس الأمريكي جو بايدن", "وزير الخارجية ...", "Prime Minister ...") and get a stable id
derived from the normalised name, so the same name always gets the same id.
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
from marsad.text import is_stopword
from marsad.understand.scan import KEY_NAME, Scanned, normalize_key

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
            if key:
                keys.append((key, offset + index, KEY_NAME))
    return keys


def unknown_person_id(normalized_name: str) -> str:
    """A stable id for a person the list does not know: derived from the normalised name."""
    return UNKNOWN_PREFIX + normalized_name.replace(" ", "-")


# Titles and roles before a person's name, normalised. Longest first when matched.
_TITLES_AR = tuple(
    normalize_key(t).split()
    for t in (
        "رئيس الوزراء",
        "رئيسة الوزراء",
        "رئيس الحكومة",
        "رئيسة الحكومة",
        "رئيس الجمهورية",
        "وزير الخارجية",
        "وزيرة الخارجية",
        "وزير الدفاع",
        "وزيرة الدفاع",
        "وزير الداخلية",
        "وزير المالية",
        "وزير",
        "وزيرة",
        "الرئيس",
        "الرئيسة",
        "رئيس",
        "رئيسة",
        "الملك",
        "الملكة",
        "الأمير",
        "الأميرة",
        "ولي العهد",
        "المستشار",
        "المستشارة",
        "المتحدث باسم",
        "المتحدثة باسم",
        "المتحدث الرسمي باسم",
        "السفير",
        "السفيرة",
        "الجنرال",
        "الشيخ",
        "السيناتور",
        "النائب",
        "زعيم",
        "زعيمة",
        "الأمين العام",
        "المبعوث",
        "نظيره",
        "نظيرته",
        "قائد",
        "السيد",
        "السيدة",
        "الدكتور",
        "البابا",
        "الحاكم",
        "حاكم",
    )
)
_TITLE_COMPLEMENTS_AR = frozenset(
    normalize_key(w)
    for w in (
        "باسم",
        "وزارة",
        "حركة",
        "حزب",
        "جماعة",
        "منظمة",
        "مجلس",
        "هيئة",
        "الأمم",
        "حكومة",
        "ولاية",
        "دولة",
        "جمهورية",
        "مملكة",
    )
)
# Verbs that follow a title in news Arabic (الرئيس قال، الوزير أكد); never a name.
_VERBS_AR = frozenset(
    normalize_key(w)
    for w in (
        "قال",
        "أكد",
        "أعلن",
        "أشار",
        "أضاف",
        "أوضح",
        "دعا",
        "اعتبر",
        "شدد",
        "اتهم",
        "زار",
        "التقى",
        "بحث",
        "وصل",
        "غادر",
        "قام",
        "كان",
        "رفض",
        "حذر",
        "طالب",
        "أجرى",
        "ناقش",
        "استقبل",
        "وقع",
        "هنأ",
        "أمر",
        "قرر",
        "عقد",
        "ألقى",
        "تلقى",
        "أبلغ",
        "نفى",
        "أدان",
    )
)
_NAME_JOINERS_AR = frozenset(
    normalize_key(w) for w in ("عبد", "أبو", "بن", "ابن", "بنت", "آل", "ولد", "ول")
)
_TITLES_EN = tuple(
    t.lower().split()
    for t in (
        "Prime Minister",
        "Foreign Minister",
        "Defence Minister",
        "Defense Minister",
        "Secretary of State",
        "Secretary-General",
        "Secretary General",
        "Deputy Prime Minister",
        "President",
        "Chancellor",
        "King",
        "Queen",
        "Prince",
        "Crown Prince",
        "Minister",
        "Senator",
        "Sen",
        "Rep",
        "Governor",
        "Gov",
        "General",
        "Gen",
        "Ambassador",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "Pope",
        "Sheikh",
        "Emir",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "leader",
        "Secretary",
        "Premier",
        "Speaker",
    )
)
_MAX_NAME_TOKENS = 3


TitleIndex = dict[str, tuple[tuple[str, ...], ...]]


def _index_titles(titles: tuple[list[str], ...]) -> TitleIndex:
    """Titles by first word, longest first: one dict lookup per token instead of a scan."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for title in titles:
        index.setdefault(title[0], []).append(tuple(title))
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in index.items()}


_TITLE_INDEX_AR = _index_titles(_TITLES_AR)
_TITLE_INDEX_EN = _index_titles(_TITLES_EN)


def title_length(norms: list[str], i: int, arabic: bool) -> int:
    """Tokens of a title or role starting at token i (0 if none): "الملك" in "الملك سلمان"."""
    return _match_title(norms, i, _TITLE_INDEX_AR if arabic else _TITLE_INDEX_EN)


def _match_title(norms: list[str], i: int, index: TitleIndex) -> int:
    """Length in tokens of the longest title starting at token i (0 if none)."""
    word = norms[i]
    candidates = index.get(word)
    rest_from = i + 1
    if candidates is None and word[:1] in ("و", "ف") and len(word) > 3:
        candidates = index.get(word[1:])  # وزير → ووزير, الرئيس → والرئيس
    if candidates is None:
        return 0
    for title in candidates:
        n = len(title)
        if tuple(norms[rest_from : rest_from + n - 1]) == title[1:]:
            return n
    return 0


@dataclass(frozen=True)
class RoleName:
    """A person's name found after a title: token span [first, last]."""

    first: int
    last: int
    normalized: str


def find_role_names(
    scanned: Scanned,
    taken: set[int],
    place_tokens: set[int],
    arabic: bool,
    given_names: frozenset[str] = frozenset(),
) -> list[RoleName]:
    """Names that follow a title or role. ``taken``: tokens already in a known entity;
    ``place_tokens``: tokens in place mentions (a demonym after a title is skipped over)."""
    tokens = scanned.tokens
    norms = [t.norm for t in tokens]
    text = scanned.text
    found: list[RoleName] = []
    i = 0
    n = len(tokens)
    titles = _TITLE_INDEX_AR if arabic else _TITLE_INDEX_EN
    while i < n:
        length = _match_title(norms, i, titles)
        if not length:
            i += 1
            continue
        j = i + length
        # skip what qualifies the title: الأمريكي, السابق, باسم وزارة الخارجية, Russian ...
        while (
            j < n
            and _adjacent(scanned, j - 1, j)
            and (
                j in place_tokens
                or (arabic and (norms[j].startswith("ال") or norms[j] in _TITLE_COMPLEMENTS_AR))
                or (not arabic and norms[j] in ("of", "the", "foreign", "former", "vice"))
            )
        ):
            j += 1
        first = j
        joiners = 0  # بن، ولد، عبد: part of the name, not counted against its length
        while (
            j < n
            and j - first - joiners < _MAX_NAME_TOKENS
            and j not in taken
            and j not in place_tokens
            and (j == first or _adjacent(scanned, j - 1, j))
            and not (j > first and _match_title(norms, j, titles))
            and (
                norms[j] in given_names
                or _name_like(norms, j, first, text[tokens[j].start : tokens[j].end], arabic)
            )
        ):
            joiners += norms[j] in _NAME_JOINERS_AR
            j += 1
        while j > first and norms[j - 1] in _NAME_JOINERS_AR:  # a name never ends on بن
            j -= 1
        if j > first and first not in taken:
            found.append(RoleName(first, j - 1, " ".join(norms[first:j])))
        i = max(j, i + 1)
    return found


# Given names that are also everyday words (على = علي once normalised, عمر "age", حسن "good",
# أمل "hope", نور "light"): they stay in given_names for the surname rule but do not start a
# person's name on their own.
_WORDLIKE_GIVEN_NAMES = frozenset(
    normalize_key(w)
    for w in (
        "علي",
        "حسن",
        "سعيد",
        "كريم",
        "جمال",
        "كمال",
        "أمل",
        "نور",
        "هدى",
        "عادل",
        "صالح",
        "رائد",
        "شريف",
        "عمر",
        "وليد",
        "منى",
        "سلمى",
        "ناصر",
        "منصور",
        "نبيل",
        "ماجد",
        "سامي",
        "صلاح",
        "أبو",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Sir",
        "Lady",
        "Paris",
        "Chad",
        "Jordan",
    )
)


def find_given_names(
    scanned: Scanned,
    taken: set[int],
    place_tokens: set[int],
    arabic: bool,
    given_names: frozenset[str],
) -> list[RoleName]:
    """Names that start with a known given name: محمد الطراونة, Vladimir Putin."""
    tokens = scanned.tokens
    norms = [t.norm for t in tokens]
    text = scanned.text
    found: list[RoleName] = []
    titles = _TITLE_INDEX_AR if arabic else _TITLE_INDEX_EN
    i, n = 0, len(tokens)
    while i < n:
        norm = norms[i]
        starts = (norm in given_names and norm not in _WORDLIKE_GIVEN_NAMES) or (
            arabic and norm.startswith("عبد") and len(norm) > 5  # عبدالله، عبدالرحمن
        )
        if not starts or i in taken or i in place_tokens:
            i += 1
            continue
        if not arabic and not text[tokens[i].start].isupper():
            i += 1
            continue
        j = i + 1
        joiners = 0
        # given name + one surname (+ the name after a joiner): longer runs eat the next word
        while (
            j < n
            and j - i - joiners <= 1
            and j not in taken
            and j not in place_tokens
            and _adjacent(scanned, j - 1, j)
            and not _match_title(norms, j, titles)
            and _surname_like(norms, j, text[tokens[j].start : tokens[j].end], arabic)
        ):
            joiners += norms[j] in _NAME_JOINERS_AR
            j += 1
        while j > i + 1 and norms[j - 1] in _NAME_JOINERS_AR:
            j -= 1
        if j > i + 1:
            found.append(RoleName(i, j - 1, " ".join(norms[i:j])))
        i = max(j, i + 1)
    return found


def _surname_like(norms: list[str], j: int, word: str, arabic: bool) -> bool:
    norm = norms[j]
    if norm.isdigit() or len(norm) < 2:
        return False
    if not arabic:
        return word[:1].isupper() and not is_stopword(norm, "en")
    if norm in _NAME_JOINERS_AR:
        return True
    if is_stopword(norm, "ar") or norm in _VERBS_AR or norm.startswith("لل"):
        return False
    return not (norm[:1] in ("و", "ف") and norms[j - 1] not in _NAME_JOINERS_AR)


_SURNAME_ENDINGS = ("ي", "ه", "ا")


def _name_like(norms: list[str], j: int, first: int, word: str, arabic: bool) -> bool:
    norm = norms[j]
    if norm.isdigit() or len(norm) < 2:
        return False
    if arabic:
        if norm in _NAME_JOINERS_AR:
            return j > first
        if is_stopword(norm, "ar") or norm in _VERBS_AR:
            return False
        if j == first and norm[:1] in ("ي", "ت", "ن") and len(norm) >= 4:
            return False  # imperfect verb (يزور، تبحث); يوسف is in given_names
        if norm.startswith("لل"):
            return False
        if norm.startswith("ال"):
            # عبد الفتاح, أبو الغيط: the article belongs to the name after a joiner; a family
            # name with the article ends like a nisba or a clan (الروابدة, السوداني, السيسي)
            if j > first and norms[j - 1] in _NAME_JOINERS_AR:
                return True
            return (
                j > first and norm.endswith(_SURNAME_ENDINGS) and not norms[j - 1].startswith("ال")
            )
        # a conjunction (و ف) on a later word starts the next clause
        return not (j > first and norm[:1] in ("و", "ف") and norms[j - 1] not in _NAME_JOINERS_AR)
    return word[:1].isupper() and not is_stopword(norm, "en")


def _adjacent(scanned: Scanned, left: int, right: int) -> bool:
    tokens = scanned.tokens
    return not scanned.text[tokens[left].end : tokens[right].start].strip()
