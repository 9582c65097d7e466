"""Search test fixtures: the corpus of ``search_corpus`` stored in the parametrised store."""

from __future__ import annotations

from datetime import datetime

import pytest
from search_corpus import NOW, populate

from marsad.store import Store


@pytest.fixture
def corpus(store: Store) -> dict[str, int]:
    """The corpus stored and indexed in the parametrised ``store``; ids by key."""
    return populate(store)


@pytest.fixture
def now() -> datetime:
    return NOW
