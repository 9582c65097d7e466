"""Name tables from entities and gazetteer places."""

from __future__ import annotations

from dataclasses import dataclass

from marsad.models import Entity, EntityName, EntityType
from marsad.translate.names import names_from_entities, names_from_knowledge
from marsad.translate.protect import protect

ENTITIES = [
    Entity(
        id="person:joe-biden",
        type=EntityType.PERSON,
        name_ar="جو بايدن",
        name_en="Joe Biden",
        names=(EntityName("Biden", "en"), EntityName("Байден", "ru")),
    ),
    Entity(
        id="person:theresa-may",
        type=EntityType.PERSON,
        name_ar="تيريزا ماي",
        name_en="Theresa May",
        names=(EntityName("May", "en"),),
    ),
    Entity(id="person:no-arabic", type=EntityType.PERSON, name_en="Nobody Known"),
]


@dataclass(frozen=True)
class Place:
    name_en: str
    name_ar: str
    kind: str


@dataclass(frozen=True)
class Knowledge:
    entities: dict[str, Entity]
    places: tuple[Place, ...]


def test_entities_give_their_names_but_not_ambiguous_single_words() -> None:
    table = names_from_entities(ENTITIES)
    # A surname alone gets the Arabic surname alone; "May" alone is a month or a verb: left out.
    assert dict(table.names) == {
        "Joe Biden": "جو بايدن",
        "Biden": "بايدن",
        "Theresa May": "تيريزا ماي",
    }
    # Other languages: their own names first, then the English ones (same names in Latin script).
    assert dict(names_from_entities(ENTITIES, "ru").names) == {
        "Байден": "جو بايدن",
        "Joe Biden": "جو بايدن",
        "Biden": "بايدن",
        "Theresa May": "تيريزا ماي",
    }


def test_knowledge_adapter_takes_entities_and_place_names() -> None:
    knowledge = Knowledge(
        entities={e.id: e for e in ENTITIES},
        places=(
            Place("Manila", "مانىلا", "city"),  # GeoNames writes a medial alef maksura
            Place("French", "فرنسي", "demonym"),
            Place("Philippines", "الفلبين", "country"),
        ),
    )
    table = names_from_knowledge(knowledge)
    assert "Manila" in dict(table.names) and "French" not in dict(table.names)
    p = protect("Biden flew from Manila to the Philippines in May.", table)
    assert [s.target for s in p.slots] == ["بايدن", "مانيلا", "الفلبين"]
