"""The outlet's home country (``understand(..., source_country=...)``): a weak prior.

A local paper's town that the text names with no other evidence, or does not name at all, is in
the paper's own country; a country the text names firmly, or a city that keeps its standing
(Paris, London), is not moved by it. Each case is written for this test.
"""

from __future__ import annotations

from marsad.understand import Knowledge, understand

STREET_ONLY = (
    "Yard waste drop-off on first Saturdays",
    "Residents can bring yard waste to the municipal garage on Collins Run Road on the first "
    "Saturday of each month. The council said the service is free.",
)


def _mentioned(u: object) -> set[str]:
    return {m.country for m in u.mentions if m.country}  # type: ignore[attr-defined]


def test_no_place_named_takes_the_outlets_country(knowledge: Knowledge) -> None:
    title, text = STREET_ONLY
    assert understand(knowledge, title, text, "en").about == ()
    u = understand(knowledge, title, text, "en", source_country="CA")
    assert u.about == ("CA",)
    assert not u.mentions  # a prior, not a mention


def test_a_demonym_alone_does_not_beat_the_outlets_country(knowledge: Knowledge) -> None:
    title = "Mother jailed for fake passport"
    text = (
        "A failed asylum seeker used a fake Kenyan passport to work as a carer, the court heard. "
        "She was caught after a routine check by her employer."
    )
    assert understand(knowledge, title, text, "en").about[:1] == ("KE",)
    u = understand(knowledge, title, text, "en", source_country="GB")
    assert u.about[:1] == ("GB",)
    assert "KE" in _mentioned(u)  # still a mention of Kenya


def test_a_country_named_firmly_wins_over_the_outlet(knowledge: Knowledge) -> None:
    u = understand(
        knowledge,
        "Floods hit Pakistan",
        "Heavy rain flooded villages across Pakistan on Monday, officials said.",
        "en",
        source_country="US",
    )
    assert u.about == ("PK",)


def test_a_town_shared_by_countries_is_the_outlets(knowledge: Knowledge) -> None:
    title = "Girl attacked in park"
    text = "Detectives in Lancaster have released an image of a man they would like to trace."
    for home in ("GB", "US"):
        u = understand(knowledge, title, text, "en", source_country=home)
        assert _mentioned(u) == {home}, home
        assert u.about == (home,)


def test_a_foreign_outlets_town_of_another_country_is_no_place(knowledge: Knowledge) -> None:
    # Richmond is known only as US towns: a London paper's Richmond is not one of them
    title = "Low emission car pilot launched by Richmond Council"
    text = "Council staff will drive vehicles that run on recycled cooking oil, the council said."
    assert "US" in _mentioned(understand(knowledge, title, text, "en"))
    u = understand(knowledge, title, text, "en", source_country="GB")
    assert "US" not in _mentioned(u)
    assert u.about == ("GB",)


def test_a_city_keeps_its_standing_whatever_the_outlet(knowledge: Knowledge) -> None:
    u = understand(
        knowledge,
        "Fashion week opens",
        "Designers showed their spring collections in Paris on Monday.",
        "en",
        source_country="US",
    )
    assert _mentioned(u) == {"FR"}
    assert u.about == ("FR",)


def test_the_pipeline_passes_the_sources_country_on(knowledge: Knowledge) -> None:
    from marsad.models import NewArticle
    from marsad.pipeline.steps import IncomingArticle, analyse_step

    assert IncomingArticle(url="https://example.org/a", source_country="CA").source_country == "CA"
    title, text = STREET_ONLY
    new = NewArticle(url="https://example.org/a", title=title, text=text, language="en")
    assert analyse_step(new, knowledge).understanding.about == ()
    assert analyse_step(new, knowledge, source_country="CA").understanding.about == ("CA",)


def test_the_outlets_code_is_read_as_typed_and_an_unknown_one_ignored(
    knowledge: Knowledge,
) -> None:
    title, text = STREET_ONLY
    assert understand(knowledge, title, text, "en", source_country=" ca").about == ("CA",)
    for bad in ("", "ZZ", "Canada", "12"):
        assert understand(knowledge, title, text, "en", source_country=bad).about == (), bad
