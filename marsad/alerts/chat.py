"""Alerts to chat and push services through Apprise URLs (``tgram://``, ``matrix://``,
``ntfy://``, ``slack://``, ``json://`` and the rest Apprise knows).

Only the services listed below are accepted. A URL naming its own host goes through the same
refusals as a webhook's (no loopback, private or link-local address unless
``alerts_allow_private_networks``): the name must resolve and every address is checked before
Apprise is handed the URL; a query naming a second host is refused. Apprise resolves the name
again when it connects (and may follow an HTTP redirect), so a name that changes its answer in
between is not caught here, as it is for webhooks (whose connection is made to the checked
address, redirects not followed): for a self-hosted receiver, prefer a webhook.
"""

from __future__ import annotations

import socket
from urllib.parse import parse_qs, urlsplit

import apprise

from marsad.errors import InvalidURLError
from marsad.ingest.urls import blocked_address_error, check_host, is_blocked_address

# Apprise knows ~100 services; Marsad sends only to the ones below. Some talk to their own
# public API and take tokens where a URL has its host (tgram://BOT_TOKEN/CHAT): nothing to check.
# The others send to a host the reader names: it must pass the guard and resolve. The rest are
# refused: local plugins (syslog://, dbus://, windows://) would write story titles into the
# server itself, and e-mail (mailto://, with its ?smtp= host) has its own channel.
SERVICE_SCHEMES = frozenset({"tgram", "slack", "discord", "msteams", "pover", "pbul"})
HOSTED_SCHEMES = frozenset(
    {
        *("json", "jsons", "xml", "xmls", "form", "forms", "ntfy", "ntfys"),
        *("matrix", "matrixs", "gotify", "gotifys", "mmost", "mmosts", "rocket", "rockets"),
    }
)
# Query arguments by which Apprise plugins take a second host to connect to.
_HOST_ARGUMENTS = frozenset({"smtp", "host", "hostname", "server", "proxy", "url"})


def _refused(message: str, message_ar: str) -> InvalidURLError:
    return InvalidURLError(message, message_ar=message_ar)


def check_apprise_url(url: str, *, allow_private_networks: bool, resolve: bool = True) -> str:
    """``url`` if it names a service Marsad sends to (SERVICE_SCHEMES, HOSTED_SCHEMES) and its
    host passes the guard (resolved, every address checked, when ``resolve``); else
    ``InvalidURLError``."""
    url = (url or "").strip()
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in SERVICE_SCHEMES | HOSTED_SCHEMES:
        allowed = ", ".join(sorted(SERVICE_SCHEMES | HOSTED_SCHEMES))
        raise _refused(
            f"not an Apprise URL Marsad sends to: {scheme[:20] or url[:20]}:// (one of {allowed})",
            "رابط Apprise غير مقبول",
        )
    plugin = apprise.Apprise.instantiate(url)
    if plugin is None:
        raise _refused(f"not a valid {scheme}:// URL for Apprise", "رابط Apprise غير صالح")
    arguments = {key.lower().lstrip(" +-:") for key in parse_qs(urlsplit(url).query)}
    if arguments & _HOST_ARGUMENTS:
        raise _refused(
            "an Apprise URL may not name another host in its query", "لا يقبل الرابط مضيفًا آخر"
        )
    host = str(getattr(plugin, "host", "") or "")
    if scheme in SERVICE_SCHEMES or not host or allow_private_networks:
        return url  # a public service's own API (ntfy://TOPIC is ntfy.sh)
    try:
        check_host(host, allow_private_networks=False)
        if resolve:
            for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM):
                address = str(info[4][0])
                if is_blocked_address(address):
                    raise blocked_address_error(host, address)
    except socket.gaierror:
        raise _refused(
            f"the host of the Apprise URL does not resolve: {host[:80]}", "المضيف غير معروف"
        ) from None
    except InvalidURLError:
        raise
    except Exception as exc:  # BlockedAddressError
        raise InvalidURLError(str(exc), message_ar=getattr(exc, "message_ar", None)) from None
    return url


def send_apprise(url: str, title: str, body: str, *, allow_private_networks: bool) -> str | None:
    """Send one notification; None when sent, else the error to record."""
    try:
        check_apprise_url(url, allow_private_networks=allow_private_networks)
    except InvalidURLError as exc:
        return exc.message
    sender = apprise.Apprise()
    if not sender.add(url):
        return "Apprise refused the URL"
    ok = sender.notify(title=title, body=body)
    return None if ok else "Apprise could not deliver the notification"


__all__ = ["check_apprise_url", "send_apprise"]
