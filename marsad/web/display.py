"""The one rule for the title a reader sees, used by the site, the feeds and the API.

Arabic first, with or without a translation model:

- an article in the reader's language shows its own title;
- an Arabic reader sees a non-Arabic article's machine translation when one is stored
  (labelled as such);
- otherwise the original title is shown *with its language named* ("untranslated") and a line of
  key facts in the reader's language: the countries, people and organisations it is about (their
  Arabic names from the gazetteer and the entity table), the numbers in the title, and the date.

A story's title for an Arabic reader comes from an Arabic member when the story has one; with no
Arabic member, the clustering's translated title (a machine translation) or else the original
with the facts line. An English reader gets an English member's title first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from marsad.models import Article
from marsad.store.reads import EntityRow, Reads, StoryCard, TranslationRow
from marsad.web.formats import Formats
from marsad.web.geo import Geography
from marsad.web.i18n import Translator, language_name

# Numbers worth repeating from a title: Latin or Arabic-Indic digits, with their separators.
_NUMBER = re.compile(
    r"[0-9\u0660-\u0669\u06f0-\u06f9](?:[0-9\u0660-\u0669\u06f0-\u06f9.,\u066b\u066c]*[0-9\u0660-\u0669\u06f0-\u06f9])?"
)
MAX_FACT_NAMES = 4
MAX_FACT_NUMBERS = 3
# A stored story title that is a machine translation has no engine recorded on the story row.
STORY_TRANSLATION = TranslationRow("title", "", "", "")


@dataclass(frozen=True)
class Shown:
    """A title or text as shown to one reader.

    ``translation`` is set when ``text`` is a machine translation; ``untranslated`` when ``text``
    is in another language than the reader's and no translation exists (then ``facts`` is a line
    in the reader's language and ``lang`` names the original's language).
    """

    text: str
    lang: str | None
    translation: TranslationRow | None = None
    untranslated: bool = False
    facts: str = ""

    def label(self, tr: Translator) -> str:
        """'In English, not translated' (in the reader's language), or "" when not untranslated."""
        if not self.untranslated:
            return ""
        return tr("untranslated.label", language=language_name(self.lang, tr.lang))


def numbers_in(text: str) -> list[str]:
    """The distinct numbers written in ``text``, in order, at most a few."""
    return list(dict.fromkeys(_NUMBER.findall(text or "")))[:MAX_FACT_NUMBERS]


def facts_line(
    tr: Translator,
    geo: Geography,
    fmt: Formats,
    *,
    countries: Sequence[str],
    names: Sequence[EntityRow],
    title: str,
    when: datetime | None,
) -> str:
    """Key facts of an untranslated item in the reader's language (names without a name in that
    language are left out: a Latin name in an Arabic line would say nothing new)."""
    sep = tr("list.separator")
    parts: list[str] = []
    about = [geo.country_name(cc, tr.lang) for cc in list(dict.fromkeys(countries))[:3]]
    for entity in names:
        name = entity.name_ar if tr.lang == "ar" else entity.name_en
        if name and name not in about and len(about) < MAX_FACT_NAMES + 3:
            about.append(name)
    if about:
        parts.append(tr("facts.about", items=sep.join(about)))
    numbers = numbers_in(title)
    if numbers:
        parts.append(tr("facts.numbers", items=sep.join(fmt.digits(n) for n in numbers)))
    if when is not None:
        parts.append(fmt.date(when))
    return " · ".join(parts)


def article_shown(
    article: Article,
    field: str,
    tr: Translator,
    translations: dict[int, dict[str, TranslationRow]],
) -> Shown:
    """A field (title, summary, text) of ``article`` for this reader, without the facts line."""
    original = getattr(article, field) or ""
    if not article.language or article.language == tr.lang:
        return Shown(original, article.language)
    if tr.lang == "ar":
        machine = translations.get(article.id, {}).get(field)
        if machine is not None and machine.text:
            return Shown(machine.text, "ar", machine)
    return Shown(original, article.language, untranslated=bool(original))


def article_titles(
    r: Reads, articles: Sequence[Article], tr: Translator, geo: Geography, fmt: Formats
) -> dict[int, Shown]:
    """The shown title of each article, facts lines filled in for the untranslated ones."""
    foreign = [a.id for a in articles if a.language and a.language != tr.lang]
    translations = r.translations_for(foreign) if foreign and tr.lang == "ar" else {}
    shown = {a.id: article_shown(a, "title", tr, translations) for a in articles}
    untranslated = [a for a in articles if shown[a.id].untranslated]
    if untranslated:
        facts = r.article_facts([a.id for a in untranslated])
        for a in untranslated:
            countries, names = facts.get(a.id, ([], []))
            line = facts_line(
                tr,
                geo,
                fmt,
                countries=countries,
                names=names,
                title=a.title or "",
                when=a.published_at or a.created_at,
            )
            shown[a.id] = Shown(shown[a.id].text, a.language, untranslated=True, facts=line)
    return shown


def story_title(card: StoryCard, tr: Translator, members: dict[str, str]) -> Shown:
    """A story's title for this reader from its members' titles by language (without facts).

    ``members`` maps a language to one original (not republished) member's title, Arabic first;
    its Arabic title is the clustering's central title when that is an Arabic member's own.
    """
    if tr.lang in members:
        return Shown(members[tr.lang], tr.lang)
    if tr.lang == "ar" and card.title_lang == "ar" and card.title:
        # No Arabic member, yet an Arabic title: the clustering took a member's translation.
        return Shown(card.title, "ar", STORY_TRANSLATION)
    if card.title and card.title_lang != "ar":
        lang = next((code for code, text in members.items() if text == card.title), None)
        lang = lang or next(iter(members), None)
        return Shown(card.title, lang, untranslated=lang is not None)
    if members:
        lang, text = next(iter(members.items()))
        return Shown(text, lang, untranslated=True)
    return Shown(card.title or f"#{card.id}", card.title_lang)


def story_titles(
    r: Reads, cards: Sequence[StoryCard], tr: Translator, geo: Geography, fmt: Formats
) -> dict[int, Shown]:
    """The shown title of each story card, facts lines filled in for the untranslated ones."""
    if not cards:
        return {}
    members = r.story_member_titles([c.id for c in cards])
    shown = {c.id: story_title(c, tr, members.get(c.id, {})) for c in cards}
    untranslated = [c for c in cards if shown[c.id].untranslated]
    if untranslated:
        names = r.story_names([c.id for c in untranslated])
        for c in untranslated:
            line = facts_line(
                tr,
                geo,
                fmt,
                countries=c.countries,
                names=names.get(c.id, []),
                title=shown[c.id].text,
                when=c.first_seen,
            )
            shown[c.id] = Shown(shown[c.id].text, shown[c.id].lang, untranslated=True, facts=line)
    return shown


__all__ = [
    "STORY_TRANSLATION",
    "Shown",
    "article_shown",
    "article_titles",
    "facts_line",
    "numbers_in",
    "story_title",
    "story_titles",
]
