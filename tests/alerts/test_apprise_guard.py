"""Apprise URLs reach only the services Marsad sends to, and a reader-named host only when it
is public and resolves (the security review's bypasses: a local plugin, a second host in the
query, an e-mail URL with its own SMTP host, a name that does not resolve)."""

from __future__ import annotations

import pytest

from marsad.alerts.chat import check_apprise_url, send_apprise
from marsad.errors import InvalidURLError

REFUSED = [
    ("syslog://", "sends to"),  # a local plugin: story titles into the server's syslog
    ("windows://", "sends to"),
    ("mailto://user:pw@example.com?smtp=127.0.0.1&port=25", "sends to"),  # e-mail: own channel
    ("json://203.0.113.7/hook?smtp=127.0.0.1", "another host"),
    ("json://203.0.113.7/hook?+host=10.0.0.1", "another host"),
    ("json://no-such-host.invalid/hook", "does not resolve"),
    ("json://127.0.0.1:9/hook", "non-public"),
    ("ntfys://10.1.2.3/topic", "non-public"),
    ("matrix://user:pw@[::1]/#room", "non-public"),
]


@pytest.mark.parametrize(("url", "says"), REFUSED)
def test_refused(url: str, says: str) -> None:
    with pytest.raises(InvalidURLError) as caught:
        check_apprise_url(url, allow_private_networks=False)
    assert says in caught.value.message
    # ... and nothing is sent: the error is what the delivery records.
    assert says in (send_apprise(url, "t", "b", allow_private_networks=False) or "")


@pytest.mark.parametrize(
    "url",
    [
        "tgram://123456789:ABCdefGhIJKlmnOPQRstUVwxyz/12345",  # the service's API: no DNS here
        "ntfy://marsad-alerts-topic",  # ntfy.sh
        "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general",
    ],
)
def test_public_services_pass(url: str) -> None:
    assert check_apprise_url(url, allow_private_networks=False) == url


def test_private_hosts_only_when_allowed() -> None:
    url = "json://127.0.0.1:9/hook"
    assert check_apprise_url(url, allow_private_networks=True) == url
