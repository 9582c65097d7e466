"""A digest's links open in a mail client: the story's site path made absolute with the
``public_url`` setting; without it the digest carries no (useless, relative) link."""

from __future__ import annotations

from datetime import UTC, datetime

from marsad.alerts.mail import render_digest
from marsad.alerts.model import Delivery


def _delivery() -> Delivery:
    story = {"id": 42, "title": "Floods in <Sindh>", "url": "/stories/42", "source_count": 3}
    return Delivery(
        id=7,
        rule_id=1,
        user_id=1,
        story_id=42,
        event="new",
        channel="email",
        target="leila@example.org",
        status="pending",
        attempts=0,
        payload={"story": story, "follow": {"label": "Pakistan"}},
        created_at=datetime(2026, 12, 7, tzinfo=UTC),
        language="en",
    )


def test_links_are_absolute_with_the_public_url() -> None:
    _, text, body = render_digest([_delivery()], "en", base_url="https://marsad.example.org/")
    assert "https://marsad.example.org/stories/42" in text
    assert 'href="https://marsad.example.org/stories/42"' in body
    assert "Floods in &lt;Sindh&gt;" in body  # the title stays escaped inside the link


def test_no_relative_link_without_it() -> None:
    _, text, body = render_digest([_delivery()], "en")
    assert "/stories/42" not in text and "href" not in body
