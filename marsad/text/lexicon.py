"""Word lists shipped as data files in ``marsad/text/data/`` (stop words, clitic exceptions).

Each list is read once when this module is imported and frozen: the lists are constants of the
package, not state. Entries are normalised with ``normalize_ar`` at load time so that lookups on
normalised tokens need no second pass.
"""

from __future__ import annotations

from importlib import resources

from marsad.text.normalize import normalize_ar


def load_word_list(name: str) -> frozenset[str]:
    """Read ``data/<name>``: one word a line, ``#`` comments and blank lines skipped, normalised."""
    text = resources.files("marsad.text").joinpath("data", name).read_text(encoding="utf-8")
    words = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(normalize_ar(line))
    return frozenset(words)


STOPWORDS_AR: frozenset[str] = load_word_list("stopwords_ar.txt")
STOPWORDS_EN: frozenset[str] = load_word_list("stopwords_en.txt")
CLITIC_KEEP_AR: frozenset[str] = load_word_list("clitic_keep_ar.txt")
_ARTICLE = "\u0627\u0644"
# Names are looked up after the article is removed, so they are stored without it.
NAMES_AR: frozenset[str] = frozenset(
    w[2:] if w.startswith(_ARTICLE) and len(w) > 4 else w for w in load_word_list("names_ar.txt")
)

__all__ = ["CLITIC_KEEP_AR", "NAMES_AR", "STOPWORDS_AR", "STOPWORDS_EN", "load_word_list"]
