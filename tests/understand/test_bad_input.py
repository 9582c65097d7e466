"""Hostile input through ``understand()``: empty, huge, all capitals, mixed scripts, runs of names.
No exception, bounded time and memory, nothing wrong reported."""

from __future__ import annotations

import time
import tracemalloc

from marsad.understand import Knowledge, understand, understanding_to_json

# generous bounds for a loaded 2-core CI machine; the bench measures speed properly
MAX_SECONDS = 10.0
MAX_PEAK_BYTES = 200 * 2**20


def _bounded(knowledge: Knowledge, title: str, text: str, language: str | None) -> object:
    started = time.process_time()
    u = understand(knowledge, title, text, language)
    understanding_to_json(u)
    elapsed = time.process_time() - started
    assert elapsed < MAX_SECONDS, elapsed
    return u


def test_empty(knowledge: Knowledge) -> None:
    for language in ("en", "ar", None):
        u = _bounded(knowledge, "", "", language)
        assert not u.countries and not u.entities  # type: ignore[attr-defined]


def test_five_megabytes(knowledge: Knowledge) -> None:
    unit = "Floods hit Texas and New South Wales as Paris Hilton met Jordan Peterson. "
    text = unit * (5 * 2**20 // len(unit))
    u = _bounded(knowledge, "Storms", text, "en")
    assert u.about[:1] in (("US",), ("AU",))  # type: ignore[attr-defined]
    tracemalloc.start()
    understand(knowledge, "Storms", text, "en")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < MAX_PEAK_BYTES, peak
    arabic = "غمرت السيول مدنا في ولاية تكساس الأمريكية وفي نيو ساوث ويلز. " * 80_000
    _bounded(knowledge, "", arabic, "ar")


def test_all_caps_headline(knowledge: Knowledge) -> None:
    u = _bounded(
        knowledge,
        "US STRIKES BACK AFTER EMBASSY ATTACK",
        "The U.S. said on Friday it had struck targets after the attack on its embassy.",
        "en",
    )
    assert u.about[:1] == ("US",)  # type: ignore[attr-defined]


def test_mixed_scripts(knowledge: Knowledge) -> None:
    text = (
        "قال الرئيس Emmanuel Macron في باريس إن فرنسا والمملكة المتحدة UK ستعملان معا، "
        "وزار ولاية Texas ثم نيو ساوث ويلز."
    )
    for language in ("ar", "en", None):
        u = _bounded(knowledge, "Macron و ستارمر", text, language)
        assert "FR" in u.about  # type: ignore[attr-defined]


def test_runs_of_names_without_sentence_breaks(knowledge: Knowledge) -> None:
    names = "John Smith Paris Hilton Chad Smith Jordan Peterson Cuba Gooding Jr Aung San Suu Kyi "
    text = names * 5000 + "in Toronto Ontario"
    u = _bounded(knowledge, "", text, "en")
    mentioned = {m.country for m in u.mentions}  # type: ignore[attr-defined]
    assert not mentioned & {"FR", "TD", "JO", "CU"}, mentioned
    capitals = "NEW SOUTH WALES " * 20_000
    _bounded(knowledge, capitals, capitals, "en")


def test_every_entity_id_resolves(knowledge: Knowledge) -> None:
    """The pipeline stores an entity row for every id it links: none may be unknown."""
    text = (
        "Deputies in Henry County, near Athens, Ga., and in Austin, TX, said Jane Smith of the "
        "Henry County Sheriff's Office spoke to NASA and Manchester United."
    )
    u = understand(knowledge, "Henry County news", text, "en")
    for e in u.entities:
        assert knowledge.entity(e.id) is not None, e
