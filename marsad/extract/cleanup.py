"""Cleanup beyond the extractor: page junk that general extractors leave in news text.

Works on the extracted text as a list of blocks (paragraphs). What goes:

* leaked "read also" lines ("READ ...", "Read more: ...", "اقرأ أيضاً: ...", "شاهد أيضا") and the
  linked headlines that follow them;
* runs of linked headlines (blocks that were a single link in the page);
* the site name, its tagline and the headline repeated above the body;
* share / subscribe / follow / cookie prompts;
* trailing copyright lines, tag lists and source-wide boilerplate (``BoilerplateLearner``).

What stays, always: a block that reads as a sentence of the article. Every rule is anchored (a
marker at the start of a short block, an exact match with the site name or a learned line), and
no rule removes a block quoting someone or a block longer than the rule's length bound, so quotes
and short paragraphs survive.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# "Read also" markers at the start of a block. The Latin ones need a separator or capitals, so
# "Read my lips, he said" is not caught; Arabic ones are unambiguous at the start of a block.
_RELATED_RE = re.compile(
    r"^\s*(?:"
    r"READ(?:\s+(?:MORE|ALSO|NEXT))?\b\s*(?:[:|\-–—]|\s{2,}|\s+(?=\S))"
    r"|(?:Read|See|Watch)\s+(?:more|also|next)\b\s*[:|\-–—]?"
    r"|Also\s+read\b\s*[:|\-–—]?"
    r"|(?:Related|RELATED|More|MORE|Recommended|Trending|Most\s+read)\s*(?:stories|articles|news|"
    r"coverage|reading)?\s*[:|\-–—]"
    r"|(?:Related|Recommended)\s+(?:stories|articles|news|coverage|reading)\s*$"
    r"|[اإ]قر[أا]\s*(?:[اأ]يض[اً]+|كذلك|المزيد|ايضا)"
    r"|(?:شاهد|طالع|تابع)\s+(?:[اأ]يض[اً]+|كذلك)"
    r"|للمزيد\b"
    r"|(?:مواضيع|[اأ]خبار|مقالات|موضوعات)\s+(?:ذات\s+صلة|متعلقة|مشابهة)"
    r"|ذات\s+صلة\s*[:|\-–—]?"
    r"|[اأ]قر[أا]\s*[:|\-–—]"
    r")",
    re.IGNORECASE,
)
# Prompts to share, follow, subscribe, accept cookies, download the app, join a channel.
_PROMPT_RE = re.compile(
    r"(?:^|\b)(?:"
    r"share\s+(?:this|on|via)|follow\s+us|subscribe\s+(?:to|now|for)|sign\s+up\s+(?:for|to)"
    r"|newsletter|we\s+use\s+cookies|this\s+(?:web)?site\s+uses\s+cookies|accept\s+cookies"
    r"|cookie\s+policy|download\s+(?:our|the)\s+app|click\s+here|join\s+our\s+(?:telegram|whatsapp)"
    r"|تابعونا|تابعوا\s+(?:[اآ]خر|صفحتنا|قناتنا|حساب)|(?:اشترك|اشتركوا)\s+(?:في|ب|الآن|الان)"
    r"|(?:انضم|انضموا)\s+(?:إلى|الى|ل)\s*(?:قناتنا|قناة|مجموعة)|شارك\s+(?:الخبر|المقال|هذا|عبر)"
    r"|(?:اضغط|انقر)\s+هنا|حمل\s+تطبيق|حمّل\s+تطبيق|ملفات\s+تعريف\s+الارتباط|القائمة\s+البريدية"
    r"|النشرة\s+البريدية|عبر\s+تطبيق\s+(?:نبض|واتساب)|على\s+(?:تطبيق|قناة)\s+(?:تلغرام|تيليجرام|واتساب)"
    r")",
    re.IGNORECASE,
)
_COPYRIGHT_RE = re.compile(
    r"(?:^\s*(?:©|\(c\)\s*\d{4}|copyright\b)|all\s+rights\s+reserved|جميع\s+الحقوق\s+محفوظة"
    r"|حقوق\s+(?:النشر|الطبع)\s+محفوظة|الحقوق\s+محفوظة)",
    re.IGNORECASE,
)
_TAGS_RE = re.compile(
    r"^\s*(?:tags?|topics?|keywords|filed\s+under|categories|الوسوم|وسوم|الكلمات\s+المفتاحية"
    r"|كلمات\s+مفتاحية|مواضيع|الموضوعات|تصنيفات)\s*[:：]",
    re.IGNORECASE,
)
_DOMAIN_RE = re.compile(
    r"^(?:www\.)?[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63})*\.[a-z]{2,12}$", re.I
)
# Wording of site taglines ("your first source for...", "موقعك الأول", "على مدار الساعة").
_TAGLINE_RE = re.compile(
    r"(?:موقعك|بوابتك|مصدرك|وجهتك)\s+(?:الأول|الاول)|على\s+مدار\s+الساعة|(?:يقدم|تقدم)\s+\S+(?:\s+\S+)?\s+"
    r"(?:الأخبار|أخبار)|your\s+(?:first\s+|trusted\s+|number\s+one\s+)?source\s+for|news\s+you\s+can"
    r"\s+trust|latest\s+news\s+from",
    re.IGNORECASE,
)
# Quotation marks: a block that quotes someone is article text whatever else it looks like.
_QUOTE_RE = re.compile('["«»“”„]')
_SENTENCE_END_RE = re.compile(r"[.!?؟。…]\s*[\"»”']?\s*$")
_WORD_RE = re.compile(r"\w+")
_LINE_FOLD = str.maketrans(
    {
        **dict.fromkeys(map(ord, "\u0622\u0623\u0625\u0671"), "\u0627"),  # alef forms -> alef
        **dict.fromkeys(map(ord, "\u0649\u06cc"), "\u064a"),  # alef maksura, Farsi yeh -> yeh
        ord("\u0629"): "\u0647",  # teh marbuta -> heh
        ord("\u06a9"): "\u0643",  # keheh -> kaf
        **dict.fromkeys(range(0x064B, 0x0660), None),  # harakat, tanween, shadda, sukun
        ord("\u0670"): None,  # dagger alef
        ord("\u0640"): None,  # tatweel
        **{ord(d): str(i % 10) for i, d in enumerate("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")},
    }
)

# Length bounds (characters) for blocks a rule may remove. Calibrated on the Arabic golden set
# (tests/data/extract) and the AEB pages: leaked link lines are headlines (< 200 chars); prompts
# and copyright lines are under 160; anything longer is prose and stays.
MAX_RELATED_CHARS = 220
MAX_PROMPT_CHARS = 160
MAX_HEADER_CHARS = 300
MAX_LINKED_HEADLINE_CHARS = 200
MAX_PROMPT_OFFSET = 25
# Blocks above the headline we drop as header junk (site name, tagline, breadcrumb, date).
MAX_HEADER_BLOCKS = 3


@dataclass(frozen=True)
class PageHints:
    """What the page says about itself, used to recognise its header lines and link blocks."""

    title: str | None = None
    site_name: str | None = None
    hostname: str | None = None
    description: str | None = None
    link_texts: frozenset[str] = field(default_factory=frozenset)  # normalised link-only blocks


def normalize_line(text: str) -> str:
    """The form lines are compared in (learner, link blocks, site names): folded, no punctuation.

    One ``str.translate`` (Arabic letter variants, diacritics, tatweel, digits) and one regex,
    not the full ``normalize_ar``: this runs on every block of every page.
    """
    return " ".join(_WORD_RE.findall(text.translate(_LINE_FOLD).casefold()))


def split_blocks(text: str) -> list[str]:
    """Blocks of an extracted text: one per non-empty line, whitespace collapsed."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def is_related_link(block: str) -> bool:
    """A leaked "read also" line: a marker at the start of a short block that quotes no one."""
    return (
        len(block) <= MAX_RELATED_CHARS
        and _RELATED_RE.match(block) is not None
        and not _QUOTE_RE.search(block)
    )


def is_prompt(block: str) -> bool:
    """A share / follow / subscribe / cookie prompt (short, no quotation)."""
    if len(block) > MAX_PROMPT_CHARS or _QUOTE_RE.search(block):
        return False
    match = _PROMPT_RE.search(block)
    # The call to action opens the block ("Follow us on...", "تابعونا على..."); further in, the
    # words are part of a sentence about newsletters or cookies.
    return match is not None and match.start() <= MAX_PROMPT_OFFSET


def is_copyright(block: str) -> bool:
    return len(block) <= MAX_PROMPT_CHARS and _COPYRIGHT_RE.search(block) is not None


def _is_site_name(key: str, hints: PageHints, block: str = "") -> bool:
    if not key:
        return False
    if _DOMAIN_RE.match(block):
        return True  # a bare domain as a line ("Minufiyah.com") is a site name, whatever site
    names = {normalize_line(n) for n in (hints.site_name, hints.hostname) if n}
    if hints.hostname:
        host = hints.hostname.lower().removeprefix("www.")
        names.add(normalize_line(host))
        names.add(normalize_line(host.split(".")[0]))
    names.discard("")
    return key in names


def _same_headline(key: str, title_key: str) -> bool:
    """The block is the headline, maybe with a tag or the site name glued to it."""
    if not key or not title_key:
        return False
    if key == title_key:
        return True
    shorter, longer = sorted((key, title_key), key=len)
    # at least half the block and three words: a headline with a tag glued on, not a sentence
    return (
        len(shorter) >= 0.5 * len(longer) and shorter.count(" ") >= 2 and longer.startswith(shorter)
    )


def _is_tagline(block: str, key: str, hints: PageHints) -> bool:
    """A line describing the site, seen right under the site name: the page's description
    (content farms reuse the site's), a line opening with the site name, or tagline wording.

    Only ever asked about a block that follows a site-name block: news pages often use their
    lead paragraph as meta description, so a description match alone proves nothing.
    """
    if len(block) > MAX_HEADER_CHARS or _QUOTE_RE.search(block):
        return False
    if hints.description and key == normalize_line(hints.description):
        return True
    site = normalize_line(hints.site_name or "")
    return (len(site) >= 4 and key.startswith(site)) or _TAGLINE_RE.search(block) is not None


def _strip_header(blocks: list[str], hints: PageHints) -> list[str]:
    """Drop the site name, tagline and repeated headline above the article body."""
    title_key = normalize_line(hints.title or "")
    keys = [normalize_line(b) for b in blocks[: MAX_HEADER_BLOCKS + 1]]
    # The headline repeated within the first blocks: everything above it is page header.
    for index in range(min(len(blocks), MAX_HEADER_BLOCKS + 1)):
        if _same_headline(keys[index], title_key):
            above = blocks[:index]
            if all(len(b) <= MAX_HEADER_CHARS and not _QUOTE_RE.search(b) for b in above):
                return blocks[index + 1 :]
            break
    start = 0
    while start < min(len(blocks), MAX_HEADER_BLOCKS) and _is_site_name(
        keys[start], hints, blocks[start]
    ):
        start += 1
        if start < len(blocks) and _is_tagline(blocks[start], keys[start], hints):
            start += 1
    return blocks[start:]


def clean_blocks(
    blocks: Sequence[str],
    hints: PageHints = PageHints(),
    source_boilerplate: frozenset[str] = frozenset(),
    learned_hits: list[str] | None = None,
) -> list[str]:
    """The article's blocks without page junk (see the module docstring for the rules).

    Blocks dropped because they are in ``source_boilerplate`` are appended to ``learned_hits``
    when given: the learner must go on seeing them, or it would forget them.
    """
    kept = _strip_header(list(blocks), hints)
    out: list[tuple[str, str]] = []
    after_marker = False  # the previous block was a "read also" marker or a dropped headline
    for block in kept:
        key = normalize_line(block)
        if not key:
            continue
        if key in source_boilerplate:
            if learned_hits is not None:
                learned_hits.append(block)
            continue
        if is_related_link(block) or is_prompt(block) or is_copyright(block):
            after_marker = True
            continue
        if after_marker and key in hints.link_texts and len(block) <= MAX_LINKED_HEADLINE_CHARS:
            continue
        if _TAGS_RE.match(block) and len(block) <= MAX_RELATED_CHARS:
            after_marker = True
            continue
        after_marker = False
        out.append((block, key))
    return _drop_linked_runs(out, hints)


def _drop_linked_runs(blocks: list[tuple[str, str]], hints: PageHints) -> list[str]:
    """Remove runs of two or more linked headlines, and linked headlines trailing the text."""
    if not hints.link_texts:
        return [block for block, _ in blocks]
    linked = [
        key in hints.link_texts
        and len(block) <= MAX_LINKED_HEADLINE_CHARS
        and not _QUOTE_RE.search(block)
        for block, key in blocks
    ]
    keep = [True] * len(blocks)
    index = 0
    while index < len(blocks):
        if linked[index]:
            end = index
            while end < len(blocks) and linked[end]:
                end += 1
            if end - index >= 2 or end == len(blocks):
                for j in range(index, end):
                    keep[j] = False
            index = end
        else:
            index += 1
    return [block for (block, _), k in zip(blocks, keep, strict=True) if k]


def clean_text(
    text: str, hints: PageHints = PageHints(), source_boilerplate: frozenset[str] = frozenset()
) -> str:
    """Clean an extracted text; paragraphs come back separated by blank lines."""
    return "\n\n".join(clean_blocks(split_blocks(text), hints, source_boilerplate))


# A byline alone in a block: "كتب: محمد علي", "حوار - آسيا العتروس" (2-6 words), "By Jane Doe"
# (2-4 capitalised words, so "By Friday the talks had collapsed" stays).
_BYLINE_RE = re.compile(
    r"^\s*(?:كتب|كتبت|بقلم|حوار|إعداد|اعداد|تقرير|متابعة)\s*[:\-–—]?\s*"
    r"((?:[^\s:.,،!?؟\d]+\s+){1,5}[^\s:.,،!?؟\d]+)\s*$"
    r"|^\s*By\s+([A-Z][\w'’-]+(?:\s+[A-Z][\w.'’-]+){1,3})\s*$"
)
MAX_BYLINE_CHARS = 60


def split_byline(blocks: list[str]) -> tuple[list[str], str | None]:
    """Take a byline block off the start or the end of the text: (blocks, author or None)."""
    for index in (0, len(blocks) - 1) if blocks else ():
        block = blocks[index]
        match = _BYLINE_RE.match(block) if len(block) <= MAX_BYLINE_CHARS else None
        if match:
            return blocks[:index] + blocks[index + 1 :], match.group(1) or match.group(2)
    return blocks, None


class BoilerplateLearner:
    """Learns a source's boilerplate: lines that recur across many of its articles.

    Feed it the texts (or block lists) of one source's articles with :meth:`add`; then
    :meth:`boilerplate` returns the normalised lines seen in at least ``min_share`` of the
    articles and at least ``min_count`` times. Pass that set to ``extract_article`` as
    ``source_boilerplate``. A line counts once per article. Pure and picklable: the crawler keeps
    one per source and may persist ``boilerplate()``.
    """

    def __init__(self, min_share: float = 0.3, min_count: int = 3, max_chars: int = 400) -> None:
        # 30% / 3 articles: a byline or promo line repeats in most of a source's articles, while
        # a recurring real sentence (a stock quote, a standing fact box) stays under it in the
        # golden set's per-source groups. Lines over max_chars are prose, never learned.
        self.min_share = min_share
        self.min_count = min_count
        self.max_chars = max_chars
        self.articles = 0
        self.counts: Counter[str] = Counter()

    def add(self, text_or_blocks: str | Iterable[str]) -> None:
        """Count the distinct lines of one article."""
        blocks = split_blocks(text_or_blocks) if isinstance(text_or_blocks, str) else text_or_blocks
        keys = {normalize_line(b) for b in blocks if len(b) <= self.max_chars}
        keys.discard("")
        self.articles += 1
        self.counts.update(keys)

    def boilerplate(self) -> frozenset[str]:
        """Normalised lines recurring in at least min_share of the articles (and min_count)."""
        if not self.articles:
            return frozenset()
        need = max(self.min_count, self.min_share * self.articles)
        return frozenset(key for key, count in self.counts.items() if count >= need)
