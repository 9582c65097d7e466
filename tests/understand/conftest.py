"""One ``Knowledge`` for the whole session: building it is the slow part (about half a second)."""

from __future__ import annotations

import pytest

from marsad.understand import Knowledge, load_knowledge


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge()
