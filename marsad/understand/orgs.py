"""Organisations the entity list does not know, found by their head word.

Arabic names institutions with a head noun and what follows it: "حزب العمال الكردستاني",
"البنك المركزي الأوروبي", "منظمة التحرير الفلسطينية", "جامعة جورج تاون". The head belongs to the
name. A few nouns only say what kind of body the next word names: "شركة انرون", "صحيفة ديلي
تلغراف", "وكالة ناسا", "فريق فيراري"; the name is then the indefinite words after the noun (a definite
word there describes, "شركة الطاقة", "وكالة الفضاء الأمريكية"). English: "Ministry of Defence", "Harvard University",
"Acme Inc". Each organisation gets a stable id derived from its normalised name.
"""

from __future__ import annotations

from dataclasses import dataclass

from marsad.text import is_stopword
from marsad.understand.people import is_verb_ar
from marsad.understand.scan import Scanned, normalize_key

ORG_PREFIX = "organization:~"  # ids derived from a name, not from the list

# Heads that open the name of one body. Not the offices every state has (وزارة الداخلية، مجلس
# النواب، المحكمة العليا، اللجنة المركزية): without the state they are no one entity, and the
# ANERcorp annotators left them untagged (0 of 17 such spans found on the test split were ORG).
_HEADS_AR = frozenset(
    normalize_key(w)
    for w in (
        "حزب",
        "الحزب",
        "اتحاد",
        "الاتحاد",
        "منظمة",
        "المنظمة",
        "معهد",
        "بنك",
        "البنك",
        "مصرف",
        "المصرف",
        "جماعة",
        "الجماعة",
        "حركة",
        "الحركة",
        "جبهة",
        "الجبهة",
        "جامعة",
        "مؤسسة",
        "جمعية",
        "الجمعية",
        "نقابة",
        "رابطة",
        "كتائب",
        "ألوية",
        "سرايا",
        "أكاديمية",
    )
)
# Nouns that say what kind of body the next (indefinite) word names: not part of the name.
_KIND_NOUNS_AR = frozenset(
    normalize_key(w)
    for w in (
        "شركة",
        "صحيفة",
        "جريدة",
        "مجلة",
        "وكالة",
        "فريق",
        "نادي",
        "قناة",
        "مجموعة",
        "تلفزيون",
        "تليفزيون",
        "إذاعة",
        "شركتي",
    )
)
# Words after a head that end the name: they describe it (المحظورة، السابق) or start a clause.
_NOT_IN_NAME_AR = frozenset(
    normalize_key(w)
    for w in (
        "السابق",
        "السابقة",
        "الحالي",
        "الحالية",
        "المحظورة",
        "المحظور",
        "الجديد",
        "الجديدة",
        "نفسه",
        "نفسها",
        "الحاكم",
        "المعارض",
        "المعارضة",
        "المسلح",
        "المسلحة",
        "الإرهابية",
        "الإرهابي",
        "المتطرف",
        "المتطرفة",
        "امس",
        "اليوم",
        "غدا",
        "الاثنين",
        "الثلاثاء",
        "الأربعاء",
        "الخميس",
        "الجمعة",
        "السبت",
        "الأحد",
    )
)
_CLITICS_AR = ("و", "ل", "ب", "ف", "ك")
_MAX_NAME_TOKENS = 4  # after the head: "اتحاد المجامع اللغوية العربية"
_MAX_KIND_NAME_TOKENS = 3  # after a kind noun: "إندبندنت أون صنداي"

_HEADS_EN = frozenset(
    (
        "ministry",
        "department",
        "university",
        "bank",
        "party",
        "council",
        "agency",
        "institute",
        "organization",
        "organisation",
        "union",
        "association",
        "commission",
        "committee",
        "foundation",
        "corporation",
        "company",
        "court",
        "front",
        "movement",
        "army",
    )
)
_TAILS_EN = frozenset(
    ("inc", "corp", "ltd", "llc", "plc", "co", "group", "gmbh", "sa", "ag", "holdings")
)
_JOINERS_EN = frozenset(("of", "for", "the", "and", "on", "de"))


@dataclass(frozen=True)
class OrgName:
    """An organisation's name: token span [first, last]."""

    first: int
    last: int
    normalized: str


def org_id(normalized_name: str) -> str:
    """A stable id for an organisation the list does not know."""
    return ORG_PREFIX + normalized_name.replace(" ", "-")


def _strip_clitic(norm: str) -> str:
    if norm.startswith("لل") and len(norm) > 4:
        return "ال" + norm[2:]  # للحزب
    if norm[:1] in _CLITICS_AR and len(norm) > 3:
        return norm[1:]
    return norm


def _with_clitics(words: frozenset[str]) -> frozenset[str]:
    """The words as written with a clitic, as ``_strip_clitic`` undoes it (وحزب، للحزب)."""
    forms = set(words)
    for word in words:
        forms.update(c + word for c in _CLITICS_AR)
        if word.startswith("ال"):
            forms.add("لل" + word[2:])
    return frozenset(forms)


_OPENERS_AR = _with_clitics(_HEADS_AR | _KIND_NOUNS_AR)


def _adjacent(scanned: Scanned, left: int, right: int) -> bool:
    tokens = scanned.tokens
    return not scanned.text[tokens[left].end : tokens[right].start].strip()


def find_org_names(
    scanned: Scanned,
    taken: set[int],
    place_tokens: set[int],
    arabic: bool,
    given_names: frozenset[str] = frozenset(),
) -> list[OrgName]:
    """Organisations named with a head word; ``taken``: tokens of entities already found;
    a known given name ends an Arabic name (حركة فتح أحمد عبد الرحمن)."""
    if arabic:
        return _find_ar(scanned, taken, place_tokens, given_names)
    return _find_en(scanned, taken, place_tokens)


def _word_ok_ar(norm: str) -> bool:
    if norm.isdigit() or len(norm) < 2 or norm in _NOT_IN_NAME_AR:
        return False
    if is_stopword(norm, "ar") or is_verb_ar(norm):
        return False
    return not (norm[:1] == "و" and _strip_clitic(norm) != norm)  # a conjunction: next clause


def _find_ar(
    scanned: Scanned, taken: set[int], place_tokens: set[int], given_names: frozenset[str]
) -> list[OrgName]:
    tokens = scanned.tokens
    norms = [t.norm for t in tokens]
    n = len(tokens)
    found: list[OrgName] = []
    i = 0
    while i < n - 1:
        norm = norms[i]
        if norm not in _OPENERS_AR:  # one set lookup for most tokens: this runs on every word
            i += 1
            continue
        bare = _strip_clitic(norm)
        head = bare in _HEADS_AR or norm in _HEADS_AR
        kind = not head and (bare in _KIND_NOUNS_AR or norm in _KIND_NOUNS_AR)
        if (head or kind) and i not in taken:
            end = _quoted_name_end(scanned, i, taken)
            if end > i:  # صحيفة " الصنداي تايمز "، جمعية " العمل من أجل إسرائيل "
                found.append(OrgName(i + 1, end, " ".join(norms[i + 1 : end + 1])))
                i = end + 1
                continue
        if (not head and not kind) or i in taken or not _adjacent(scanned, i, i + 1):
            i += 1
            continue
        if kind and _definite(norms[i + 1]):
            i += 1  # شركة الطاقة، وكالة الفضاء الأمريكية: a description, not a name
            continue
        end = (
            _head_name_end(scanned, norms, i, taken | _given_at(norms, i, given_names))
            if head
            else _kind_name_end(scanned, norms, i, taken, place_tokens)
        )
        if end > i:
            start = i if head else i + 1
            found.append(OrgName(start, end, " ".join(norms[start : end + 1])))
        i = max(end + 1, i + 1)
    return found


def _given_at(norms: list[str], i: int, given_names: frozenset[str]) -> set[int]:
    """Tokens just after i that are given names: a person's name starts there."""
    return {
        k
        for k in range(i + 2, min(len(norms), i + 2 + _MAX_NAME_TOKENS))
        if norms[k] in given_names
    }


_QUOTES = '"\u00ab\u00bb\u201c\u201d'
_MAX_QUOTED_TOKENS = 5


def _quoted_name_end(scanned: Scanned, i: int, taken: set[int]) -> int:
    """Last token of a quoted name right after token i (i if there is none)."""
    tokens = scanned.tokens
    text = scanned.text
    n = len(tokens)
    if i + 1 >= n or not any(q in text[tokens[i].end : tokens[i + 1].start] for q in _QUOTES):
        return i
    for k in range(i + 1, min(n, i + 1 + _MAX_QUOTED_TOKENS)):
        if k in taken:
            return i
        gap_after = (
            text[tokens[k].end : tokens[k + 1].start] if k + 1 < n else text[tokens[k].end :]
        )
        if any(q in gap_after for q in _QUOTES):
            return k
        if gap_after.strip():
            return i  # other punctuation inside: not a name
    return i


def _definite(norm: str) -> bool:
    return norm.startswith("ال") or norm.startswith("لل")


def _head_name_end(scanned: Scanned, norms: list[str], i: int, taken: set[int]) -> int:
    """Last token of a name opened by a head at i (i itself if none follows).

    After the head come at most two indefinite name words (حركة فتح، جامعة جورج تاون), then
    definite words only (العمال الكردستاني، للتبشير); an indefinite word after a definite one
    starts the clause (البنك المركزي الإيطالي اضرابا). A definite head (البنك، الجماعة) takes
    definite words only, and an indefinite word ending in ة after the head is an adjective
    (منظمة إرهابية، جماعة مسلحة), not a name.
    """
    n = len(norms)
    head_definite = _definite(_strip_clitic(norms[i]))
    seen_definite = head_definite
    j = i + 1
    while (
        j < n
        and j - i <= _MAX_NAME_TOKENS
        and j not in taken
        and _adjacent(scanned, j - 1, j)
        and _word_ok_ar(norms[j])
    ):
        if _definite(norms[j]):
            seen_definite = True
        elif seen_definite or j - i > 2 or (j == i + 1 and norms[j].endswith("ه")):
            break
        j += 1
    return j - 1


def _kind_name_end(
    scanned: Scanned, norms: list[str], i: int, taken: set[int], place_tokens: set[int]
) -> int:
    """Last token of the name after a kind noun at i: indefinite words, no clitic on later
    ones (فريق فيراري بسباق), a Latin run kept whole (شركة Dell)."""
    n = len(norms)
    latin = norms[i + 1].isascii()
    j = i + 1
    while (
        j < n
        and j - i <= _MAX_KIND_NAME_TOKENS
        and j not in taken
        and j not in place_tokens
        and _adjacent(scanned, j - 1, j)
        and _word_ok_ar(norms[j])
        and not _definite(norms[j])
        and norms[j].isascii() == latin
        and not (j > i + 1 and norms[j][:1] in _CLITICS_AR)
        and not (j == i + 1 and norms[j].endswith("ه"))
    ):
        j += 1
    return j - 1


def _find_en(scanned: Scanned, taken: set[int], place_tokens: set[int]) -> list[OrgName]:
    """Capitalised runs that hold a head word (Ministry of Defence) or end in Inc, Ltd...

    A run does not start on a place (West Bank is a territory), and takes one only after a
    joiner (Bank of England).
    """
    tokens = scanned.tokens
    text = scanned.text
    n = len(tokens)
    found: list[OrgName] = []
    i = 0
    while i < n:
        if i in taken or i in place_tokens or not text[tokens[i].start].isupper():
            i += 1
            continue
        j = i
        while j < n and j not in taken and (j == i or _adjacent(scanned, j - 1, j)):
            if j in place_tokens and tokens[j - 1].norm not in _JOINERS_EN:
                break
            word = text[tokens[j].start : tokens[j].end]
            if not word[:1].isupper() and not (
                word in _JOINERS_EN and j + 1 < n and text[tokens[j + 1].start].isupper()
            ):
                break
            j += 1
        while i < j and is_stopword(tokens[i].norm, "en"):
            i += 1  # "The Ministry of Defence": the article is not part of the name
        norms = [tokens[k].norm for k in range(i, j)]
        while norms and norms[-1] in _JOINERS_EN:
            norms.pop()
            j -= 1
        has_head = any(w in _HEADS_EN for w in norms) or (norms and norms[-1] in _TAILS_EN)
        if has_head and len(norms) >= 2:
            found.append(OrgName(i, j - 1, " ".join(norms)))
        i = max(j, i + 1)
    return found
