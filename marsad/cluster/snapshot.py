"""The story window saved whole and read back: what the grouping holder hands its successor.

Rebuilding a window from stored signatures replays every article (``StoryClusterer.restore``):
about 1 ms an article, a minute for a busy week. A snapshot is the clusterer itself, as it was
after its last decision, so a successor continues with exactly the state an uninterrupted
holder would have (the replay only approximates it: a background instead of the faded counts,
norms recomputed in another order).

The format is a pickle read back by an unpickler that builds only the window's own classes
(``_ALLOWED``): a snapshot comes from the database, and a tampered row must not run code. Its
name (``SNAPSHOT_FORMAT``) carries the field names of those classes and a digest of the
``cluster`` and ``dedup`` sources, so a snapshot written by other code is not trusted but
replayed; whether it is current (no grouping decision since) is the store's check
(``Store.grouping_snapshot``).

The big structures pickle themselves as a few columns (``marsad.dedup.packed``): index entries
and expiry heaps as lists and packed floats, posting lists as one flat list, each story's terms,
evidence and posting items as joined strings and packed floats, unpacked when the story is
first used (most are not before they expire). A 100,000-article window was millions of small
objects to pickle one by one (``bench/cluster/window_state.py`` has the figures). Their
``__setstate__`` checks what they read, so a damaged column fails the load, not a later
decision.
"""

from __future__ import annotations

import copyreg
import dataclasses
import gc
import hashlib
import io
import logging
import pickle
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marsad.cluster.clusterer import ClusterOptions, StoryClusterer
from marsad.cluster.frequencies import WindowFrequencies
from marsad.cluster.story import Member, StoryState
from marsad.dedup import index as dedup_index
from marsad.dedup import minhash as dedup_minhash
from marsad.dedup import translated as dedup_translated

log = logging.getLogger(__name__)


@dataclass
class WindowSnapshot:
    """The grouping holder's state: its clusterer and the store ids of what the clusterer
    calls by key (stories, articles), plus the size of the background it started from."""

    clusterer: StoryClusterer
    story_ids: dict[str, int]
    article_ids: dict[str, int]
    background_articles: int = 0


_CLASSES: tuple[type, ...] = (
    WindowSnapshot,
    StoryClusterer,
    ClusterOptions,
    StoryState,
    Member,
    WindowFrequencies,
    dedup_index.DuplicateIndex,
    dedup_index._Entry,
    dedup_minhash.BandTable,
    dedup_translated.TranslationIndex,
    dedup_translated._Entry,
)
_ALLOWED = {(c.__module__, c.__qualname__): c for c in (*_CLASSES, Counter)}


def _positional(cls: type) -> tuple[str, ...] | None:
    """The fields a slotted dataclass's constructor takes in order, or None when it cannot be
    rebuilt from them (a field outside ``__init__``, keyword-only, a ``__post_init__``)."""
    if not dataclasses.is_dataclass(cls) or not hasattr(cls, "__slots__"):
        return None
    fields = dataclasses.fields(cls)
    if hasattr(cls, "__post_init__") or any(not f.init or f.kw_only for f in fields):
        return None
    return tuple(f.name for f in fields)


# A slotted record pickled on its own is pickled as its constructor's arguments (its default
# state, slot pairs set one by one, cannot rebuild a frozen one). The window's own records
# (timeline members, index entries) are packed by their holders into columns instead.
_BY_FIELDS = {c: names for c in _CLASSES if (names := _positional(c)) is not None}


def _reduce_by_fields(obj: Any) -> tuple[type, tuple[Any, ...]]:
    cls = type(obj)
    return cls, tuple(getattr(obj, name) for name in _BY_FIELDS[cls])


_DISPATCH = {**copyreg.dispatch_table, **dict.fromkeys(_BY_FIELDS, _reduce_by_fields)}


def _layout(cls: type) -> tuple[str, ...]:
    """The names a class's instances carry: dataclass fields, else a fresh instance's."""
    if dataclasses.is_dataclass(cls):
        return tuple(f.name for f in dataclasses.fields(cls))
    return tuple(sorted(vars(cls())))


def _format() -> str:
    """The classes' layout and the source of the packages that fill them: a snapshot is
    trusted only by the code that wrote it. A new release may key its indexes otherwise (LSH
    bands, sampled sentences, candidate items) with the same fields; a replay rebuilds them."""
    digest = hashlib.sha256(repr([(c.__qualname__, _layout(c)) for c in _CLASSES]).encode())
    for package in (Path(__file__).parent, Path(dedup_index.__file__).parent):
        for path in sorted(package.glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"window-packed-{digest.hexdigest()[:16]}"


SNAPSHOT_FORMAT = _format()


class _WindowUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        found = _ALLOWED.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"not a window class: {module}.{name}")
        return found


@contextmanager
def _no_gc() -> Iterator[None]:
    """Millions of small containers are built or walked at once: the cyclic collector would
    scan them again and again (a 20,000-article window loads in half the time without it)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def dump_window(snapshot: WindowSnapshot) -> bytes:
    """The snapshot as bytes in ``SNAPSHOT_FORMAT``."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=5)
    pickler.dispatch_table = _DISPATCH
    with _no_gc():
        pickler.dump(snapshot)
    return out.getvalue()


def load_window(data: bytes, options: ClusterOptions) -> WindowSnapshot | None:
    """The snapshot in ``data`` when it was made with ``options``; None (logged) when it is
    unreadable or was made with other options (its decisions would not be this clusterer's)."""
    try:
        with _no_gc():
            loaded = _WindowUnpickler(io.BytesIO(data)).load()
    except Exception as exc:  # a damaged row is a reason to replay, not to stop
        log.warning("grouping window snapshot unreadable (%s); replaying the store", exc)
        return None
    if not isinstance(loaded, WindowSnapshot) or not isinstance(loaded.clusterer, StoryClusterer):
        log.warning("grouping window snapshot holds something else; replaying the store")
        return None
    if loaded.clusterer.options != options:
        log.info("grouping window snapshot made with other options; replaying the store")
        return None
    return loaded


__all__ = ["SNAPSHOT_FORMAT", "WindowSnapshot", "dump_window", "load_window"]
