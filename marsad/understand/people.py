"""People the entity list does not know, found by patterns: after a title or role ("الرئيس
الأمريكي جو بايدن", "وزير الخارجية ...", "Prime Minister ..."), after a demonym used as a noun
("والياباني هاروكي موراكامي"), after a speech verb ("وقال جون ماكين"), or starting with a known
given name ("محمد الطراونة", "Vladimir Putin"). Each gets a stable id derived from the
normalised name (``entities.unknown_person_id``).
"""

from __future__ import annotations

from dataclasses import dataclass

from marsad.text import is_stopword
from marsad.understand.scan import Scanned, normalize_key

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
        "الوزير",
        "الوزيرة",
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
        "المتحدثة الرسمية باسم",
        "الناطق باسم",
        "الناطقة باسم",
        "الناطق الرسمي باسم",
        "الناطقة الرسمية باسم",
        "رئيس أركان",
        "رئيس هيئة الأركان",
        "عضو مجلس الشيوخ",
        "عضوة مجلس الشيوخ",
        "عضو الكونغرس",
        "عضوة الكونغرس",
        "عضو الكنيست",
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
        # roles in sport, culture, religion and the army that news puts before a name
        "اللاعب",
        "اللاعبة",
        "لاعب",
        "الحارس",
        "المهاجم",
        "المدافع",
        "المدرب",
        "مدرب",
        "سائق",
        "السائق",
        "البطل",
        "البطلة",
        "النجم",
        "النجمة",
        "الكاتب",
        "الكاتبة",
        "الروائي",
        "الروائية",
        "الشاعر",
        "الشاعرة",
        "الفنان",
        "الفنانة",
        "المخرج",
        "الممثل",
        "الممثلة",
        "المغني",
        "المغنية",
        "المطرب",
        "المطربة",
        "الصحفي",
        "الصحافي",
        "المراسل",
        "المحامي",
        "القاضي",
        "العقيد",
        "اللواء",
        "العميد",
        "الإمام",
        "المرشد",
        "الداعية",
        "الكاردينال",
        "المطران",
        "الناشط",
        "الناشطة",
        "البروفيسور",
        "الباحث",
        "العاهل",
        "النائبة",
        "المدير",
        "المديرة",
        "مدير",
        "مديرة",
        "مساعد",
        "مساعدة",
        "نائب",
        "زميله",
        "زميلها",
        "شقيقه",
        "شقيقها",
        "المتحدثة",
        "المتحدث",
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
        "دفع",
        "فاز",
        "انتقد",
        "أطلق",
        "يجب",
        "أشاد",
        "أعرب",
        "وجه",
        "بعث",
        "ترأس",
        "افتتح",
        "شارك",
        "تسلم",
        "سلم",
        "منح",
        "أصدر",
        "اعترف",
        "أجاب",
        "قدم",
        "تحدث",
        "صرح",
        "أفاد",
        "ذكر",
        "كشف",
        "أعرب",
        "عبر",
        "جدد",
        "دعت",
        "قالت",
        "أكدت",
        "أعلنت",
        "أضافت",
    )
)
# A name does not start with a preposition on a definite word (بالتعاون، لمكافحة is caught by
# the length rule below): بال، وبال، فال، كال.
_CLITIC_DEFINITE = ("بال", "وبال", "فال", "كال", "وال", "لل", "ولل")


def is_verb_ar(norm: str) -> bool:
    """A normalised Arabic token is one of the verbs news puts after a title (قال، أكد...)."""
    return norm in _VERBS_AR or (norm[:1] in ("و", "ف") and norm[1:] in _VERBS_AR)


# Speech verbs that open a sentence with its speaker: a name of two words or more after one is a
# person (وقال جون ماكين); one word is too often a noun (قال مسؤول، قال شهود), listed below anyway.
_SPEECH_VERBS_AR = frozenset(
    normalize_key(w)
    for w in (
        "قال",
        "وقال",
        "قالت",
        "وقالت",
        "أعلن",
        "وأعلن",
        "صرح",
        "وصرح",
        "أكد",
        "وأكد",
        "أضاف",
        "وأضاف",
        "أوضح",
        "وأوضح",
    )
)
_GENERIC_SPEAKERS_AR = frozenset(
    normalize_key(w)
    for w in (
        "مسؤول",
        "مسؤولون",
        "مصدر",
        "مصادر",
        "شهود",
        "شاهد",
        "متحدث",
        "متحدثة",
        "ناطق",
        "بيان",
        "تقرير",
        "مراقبون",
        "محللون",
        "خبراء",
        "خبير",
        "دبلوماسي",
        "دبلوماسيون",
        "سكان",
        "ضابط",
        "مراسل",
        "مسعفون",
        "مصدرا",
        "نشطاء",
        "ناشطون",
        "أطباء",
        "طبيب",
        "مسؤولو",
        "رئيس",
        "وزير",
        "عضو",
        "قائد",
        "مدير",
        "نائب",
        "أحد",
        "بعض",
        "كل",
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
    nominal_demonyms: frozenset[int] = frozenset(),
) -> list[RoleName]:
    """Names that follow a title or role. ``taken``: tokens already in a known entity;
    ``place_tokens``: tokens in place mentions (a demonym after a title is skipped over);
    ``nominal_demonyms``: tokens of demonyms used as nouns, which introduce a name like a title
    ("والياباني هاروكي موراكامي", "مع البرازيلي روبنز باريكيلو")."""
    tokens = scanned.tokens
    norms = [t.norm for t in tokens]
    text = scanned.text
    found: list[RoleName] = []
    i = 0
    n = len(tokens)
    titles = _TITLE_INDEX_AR if arabic else _TITLE_INDEX_EN
    while i < n:
        length = _match_title(norms, i, titles) or (1 if i in nominal_demonyms else 0)
        speech = False
        if not length and arabic and norms[i] in _SPEECH_VERBS_AR:
            length, speech = 1, True  # قال جون ماكين: a two-word name after a speech verb
        if not length:
            i += 1
            continue
        j = i + length
        if speech and (j >= n or norms[j] in _GENERIC_SPEAKERS_AR or norms[j].startswith("ال")):
            i += 1
            continue
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
            and not _match_title(norms, j, titles)  # رئيس رئيس الحكومة، الكاتب والروائي
            and (
                norms[j] in given_names
                or _name_like(norms, j, first, text[tokens[j].start : tokens[j].end], arabic)
                # سعيد العويران، جابر الأحمد: a family name with the article after a given name
                or (
                    arabic
                    and j == first + 1
                    and norms[first] in given_names
                    and norms[j].startswith("ال")
                    and _surname_like(norms, j, "", arabic)
                )
            )
        ):
            joiners += norms[j] in _NAME_JOINERS_AR
            j += 1
        while j > first and norms[j - 1] in _NAME_JOINERS_AR:  # a name never ends on بن
            j -= 1
        min_tokens = 2 if speech else 1
        if j - first >= min_tokens and first not in taken:
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
# Words that end a name where the rules above would let them in: week days (رايس الأربعاء),
# "that he" (تود إنه), and nouns that follow a name as its apposition (زميل، خلاله).
_NOT_NAMES_AR = frozenset(
    normalize_key(w)
    for w in (
        "الاثنين",
        "الثلاثاء",
        "الأربعاء",
        "الخميس",
        "الجمعة",
        "السبت",
        "الأحد",
        "إنه",
        "أنه",
        "بأنه",
        "إنها",
        "أنها",
        "خلاله",
        "زميل",
        "زميله",
        "الكرة",
        "لقاء",
    )
)


def _name_like(norms: list[str], j: int, first: int, word: str, arabic: bool) -> bool:
    norm = norms[j]
    if norm.isdigit() or len(norm) < 2:
        return False
    if arabic:
        if norm in _NAME_JOINERS_AR:
            return j > first
        if is_stopword(norm, "ar") or norm in _VERBS_AR or norm in _NOT_NAMES_AR:
            return False
        if (j == first or j - first >= 2) and norm[:1] in ("ي", "ت", "ن") and len(norm) >= 4:
            # imperfect verb (يزور، دينيس بيركامب ينجح); يوسف is in given_names; a second name
            # word may start so (تيد ترنر)
            return False
        if j == first and norm[:2] in ("سي", "ست", "سن") and len(norm) >= 5:
            return False  # a future verb after a bare title: الرئيس سيزور المنطقة
        if norm.startswith(_CLITIC_DEFINITE):
            return False
        if (
            j == first
            and norm[:1] in ("ب", "ل")
            and norm[1:2] in ("ا", "م", "ت")
            and len(norm) >= 5
        ):
            return False  # a preposition on a verbal noun: بمناسبة، لمكافحة، لتجاوز، بتورط
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
