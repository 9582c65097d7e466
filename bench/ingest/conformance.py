"""Feed-parsing conformance: feedparser's own test corpus and Miniflux's real-world feeds.

1. ``feeds/feedparser-tests``: every file states ``Expect: <Python expression>`` over
   feedparser's result. We map our ``ParsedFeed`` onto that vocabulary for the fields we keep
   (feed title/link/language; entry title, link, id, summary, content, author, published/updated
   dates; bozo, encoding, version) and evaluate each expectation. An expectation touching
   anything else (``title_detail``, ``namespaces``, raw date strings, enclosures...) is out of
   scope and counted apart, not as a failure. Reported per folder, side by side with the bare
   feedparser on the same in-scope expectations.
2. ``feeds/miniflux-testdata``: real feeds (BBC Urdu included) must parse with the item count
   the document holds (counted independently with lxml) and no mojibake in titles.

Run: ``.venv/bin/python -m bench.ingest.conformance``.
"""

from __future__ import annotations

import ast
import codecs
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import feedparser
from lxml import etree

from bench.common import eval_data_dir
from marsad.ingest.feeds import parse_feed
from marsad.ingest.model import ParsedFeed

_EXPECT = re.compile(r"Expect:\s*(.*?)\s*(?:-->|$)", re.MULTILINE)
_HEADER = re.compile(r"^Header:\s*([^:]+):\s*(.*?)\s*$", re.MULTILINE)
_TEST_BASE = "http://127.0.0.1:8097/"  # feedparser's test suite serves files from here
# CDF (Microsoft's Channel Definition Format, 1997) is not a news feed format we accept.
SKIP_FOLDERS = ("wellformed/cdf",)


class OutOfScope(Exception):
    """The expectation reads a field Marsad does not keep."""


class Strict(dict):  # type: ignore[type-arg]
    """A dict with attribute access that flags any key we do not provide as out of scope."""

    def __getitem__(self, key: Any) -> Any:
        if key not in self:
            raise OutOfScope(key)
        return super().__getitem__(key)

    def __getattr__(self, key: str) -> Any:
        if key.startswith("__"):
            raise AttributeError(key)
        return self[key]

    def get(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            raise OutOfScope(key)
        return super().get(key, default)


def _decode_text(data: bytes) -> str:
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, "replace")
    for head, codec in (
        (b"<\0\0\0", "utf-32-le"),
        (b"\0\0\0<", "utf-32-be"),
        (b"<\0", "utf-16-le"),
        (b"\0<", "utf-16-be"),
    ):
        if data.startswith(head):
            return data.decode(codec, "replace")
    return data.decode("latin-1")


@dataclass(frozen=True)
class Case:
    path: Path
    folder: str
    expect: str
    headers: dict[str, str]
    data: bytes


def load_cases(root: Path) -> list[Case]:
    cases = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix not in (".xml", ".json", ".rdf"):
            continue
        data = path.read_bytes()
        text = _decode_text(data)
        match = _EXPECT.search(text)
        if not match:
            continue
        rel = path.relative_to(root)
        folder = "/".join(rel.parts[:2]) if rel.parts[0] == "wellformed" else rel.parts[0]
        headers = {k.strip().lower(): v for k, v in _HEADER.findall(text)}
        cases.append(Case(path, folder, match.group(1).strip(), headers, data))
    return cases


def _struct(value: Any) -> Any:
    return value.utctimetuple() if value is not None else None


def adapt(parsed: ParsedFeed) -> dict[str, Any]:
    """Our result in feedparser's vocabulary, restricted to the fields we keep."""
    feed = Strict()
    for key, value in (
        ("title", parsed.title),
        ("link", parsed.link),
        ("language", parsed.language),
    ):
        if value is not None:
            feed[key] = value
    entries = []
    for e in parsed.entries:
        entry = Strict()
        for key, value in (
            ("title", e.title),
            ("link", e.link),
            ("id", e.guid),
            ("summary", e.summary),
            ("author", e.author),
        ):
            if value is not None:
                entry[key] = value
        if e.content is not None:
            entry["content"] = [Strict(value=e.content)]
        if e.published is not None:
            entry["published_parsed"] = _struct(e.published)
        if e.updated is not None:
            entry["updated_parsed"] = _struct(e.updated)
        entries.append(entry)
    return {
        "bozo": 1 if parsed.error else 0,
        "feed": feed,
        "entries": entries,
        "encoding": parsed.encoding,
        "version": parsed.format,
    }


def _feedparser_view(result: Any) -> dict[str, Any]:
    return {
        "bozo": result.bozo,
        "feed": result.feed,
        "entries": result.entries,
        "encoding": result.get("encoding"),
        "version": result.get("version"),
    }


_TOP = {"bozo", "feed", "entries", "encoding", "version"}
_FUNCS = {
    "len",
    "isinstance",
    "str",
    "int",
    "tuple",
    "list",
    "dict",
    "bytes",
    "True",
    "False",
    "None",
}
_FEED_KEPT = {"title", "link", "language"}
_ENTRY_KEPT = {
    "title",
    "link",
    "id",
    "summary",
    "author",
    "content",
    "published_parsed",
    "updated_parsed",
}


def _chain(node: ast.AST) -> tuple[str | None, list[object]]:
    """``entries[0]['title']`` -> ("entries", [0, "title"]); the root name and the keys read."""
    keys: list[object] = []
    while isinstance(node, ast.Subscript | ast.Attribute):
        if isinstance(node, ast.Attribute):
            keys.append(node.attr)
        else:
            keys.append(node.slice.value if isinstance(node.slice, ast.Constant) else ...)
        node = node.value
    keys.reverse()
    return (node.id if isinstance(node, ast.Name) else None), keys


def in_scope(expect: str) -> bool:
    """True when the expectation reads only fields we keep (decided on the expression's AST)."""
    try:
        tree = ast.parse(expect, mode="eval")
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in _TOP | _FUNCS:
            return False
        if not isinstance(node, ast.Subscript | ast.Attribute):
            continue
        root, keys = _chain(node)
        if root == "feed" and keys and keys[0] not in _FEED_KEPT:
            return False
        if root == "entries" and len(keys) >= 2 and keys[1] not in _ENTRY_KEPT:
            return False
        if root == "entries" and len(keys) >= 4 and keys[1] == "content" and keys[3] != "value":
            return False
        if root in ("bozo", "encoding", "version") and keys:
            return False
    return True


def evaluate(expect: str, env: dict[str, Any]) -> bool | None:
    """True / False, or None when the expectation is out of our scope."""
    names = {
        "__builtins__": {
            "len": len,
            "isinstance": isinstance,
            "str": str,
            "int": int,
            "True": True,
            "False": False,
            "None": None,
            "tuple": tuple,
            "list": list,
            "dict": dict,
            "bytes": bytes,
        }
    }
    try:
        return bool(eval(expect, names, dict(env)))  # the corpus states its expectations as Python
    except OutOfScope:
        return None
    except NameError:
        return None  # a top-level name we do not provide (namespaces, headers, href...)
    except (KeyError, IndexError, AttributeError, TypeError, ValueError):
        return False


def run_feedparser_tests(root: Path) -> dict[str, dict[str, int]]:
    """Per folder: in-scope cases, ours passed, feedparser passed, out of scope."""
    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for case in load_cases(root):
        if case.folder in SKIP_FOLDERS:
            stats[case.folder]["skipped"] += 1
            continue
        base = case.headers.get("content-location", _TEST_BASE + case.path.name)
        if not in_scope(case.expect):
            stats[case.folder]["out_of_scope"] += 1
            continue
        ours = evaluate(case.expect, adapt(parse_feed(base, case.data, case.headers)))
        # feedparser's own suite parses local files: HTTP headers only where the file names them.
        reference = feedparser.parse(
            case.data,
            response_headers={"content-location": base, **case.headers} if case.headers else None,
        )
        theirs = evaluate(case.expect, _feedparser_view(reference))
        stats[case.folder]["cases"] += 1
        stats[case.folder]["ours"] += int(bool(ours))  # a kept field we did not fill fails
        stats[case.folder]["feedparser"] += int(bool(theirs))
    return stats


_MOJIBAKE = re.compile("[\u00c3\u00c2\u00d8\u00d9][\u0080-\u00bf]|\ufffd")


def _count_items(data: bytes) -> int:
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    root = etree.fromstring(data, parser=parser)
    return sum(
        1
        for el in root.iter()
        if isinstance(el.tag, str) and el.tag.rsplit("}", 1)[-1] in ("item", "entry")
    )


def run_miniflux(root: Path) -> list[tuple[str, int, int, bool, str | None]]:
    """(file, items in the document, entries parsed, titles clean, error) per real feed."""
    rows = []
    for path in sorted((root / "internal" / "reader" / "parser" / "testdata").glob("*.xml")):
        data = path.read_bytes()
        parsed = parse_feed("https://example.org/feed", data, {})
        titles = [e.title or "" for e in parsed.entries] + [parsed.title or ""]
        clean = not any(_MOJIBAKE.search(t) for t in titles)
        rows.append((path.name, _count_items(data), len(parsed.entries), clean, parsed.error))
    return rows


def summary() -> dict[str, float]:
    """The figures the gate pins."""
    feeds = eval_data_dir() / "feeds"
    stats = run_feedparser_tests(feeds / "feedparser-tests")
    cases = sum(s["cases"] for s in stats.values())
    ours = sum(s["ours"] for s in stats.values())
    rows = run_miniflux(feeds / "miniflux-testdata")
    ok = sum(1 for _, expected, got, clean, _ in rows if expected == got and clean)
    out = {
        "feedparser_tests_pass_rate": ours / cases if cases else 0.0,
        "miniflux_feeds_ok": ok / len(rows) if rows else 0.0,
    }
    for folder, s in stats.items():
        if s["cases"]:
            out[f"pass_rate[{folder}]"] = s["ours"] / s["cases"]
    return out


def main() -> int:
    started = time.perf_counter()
    feeds = eval_data_dir() / "feeds"
    stats = run_feedparser_tests(feeds / "feedparser-tests")
    print(
        f"{'folder':28}{'in scope':>9}{'ours':>7}{'rate':>8}{'feedparser':>12}{'out of scope':>14}"
    )
    total = defaultdict(int)
    for folder in sorted(stats):
        s = stats[folder]
        for key in ("cases", "ours", "feedparser", "out_of_scope", "skipped"):
            total[key] += s[key]
        if s["skipped"]:
            print(f"{folder:28}{'skipped':>9} ({s['skipped']} files: feature we do not have)")
            continue
        rate = s["ours"] / s["cases"] if s["cases"] else float("nan")
        print(
            f"{folder:28}{s['cases']:>9}{s['ours']:>7}{rate:>8.3f}{s['feedparser']:>12}"
            f"{s['out_of_scope']:>14}"
        )
    print(
        f"{'TOTAL':28}{total['cases']:>9}{total['ours']:>7}"
        f"{total['ours'] / max(1, total['cases']):>8.3f}{total['feedparser']:>12}"
        f"{total['out_of_scope']:>14}  (skipped {total['skipped']})"
    )
    print("\nminiflux real feeds: file, items in document, entries parsed, titles clean, error")
    for name, expected, got, clean, error in run_miniflux(feeds / "miniflux-testdata"):
        flag = "ok " if expected == got and clean else "BAD"
        print(f"  {flag} {name:32}{expected:>5}{got:>5}  clean={clean}  error={error}")
    print(f"({time.perf_counter() - started:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
