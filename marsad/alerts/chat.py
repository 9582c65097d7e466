"""Alerts to chat and push services through Apprise URLs (``tgram://``, ``matrix://``,
``ntfy://``, ``slack://``, ``json://`` and the rest Apprise knows).

The host of the URL goes through the same refusals as a webhook's (no loopback, private or
link-local address unless ``alerts_allow_private_networks``): the name is resolved and every
address checked before Apprise is handed the URL. Apprise resolves it again when it connects,
so a name that changes its answer in between is not caught here, as it is for webhooks (whose
connection is made to the checked address).
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import apprise

from marsad.errors import InvalidURLError
from marsad.ingest.urls import blocked_address_error, check_host, is_blocked_address


def check_apprise_url(url: str, *, allow_private_networks: bool, resolve: bool = True) -> str:
    """``url`` if Apprise knows its scheme and its host passes the guard; else
    ``InvalidURLError``."""
    url = (url or "").strip()
    if not url or apprise.Apprise.instantiate(url) is None:
        raise InvalidURLError(
            f"not an Apprise URL Marsad can send to: {url.split(':', 1)[0]}://...",
            message_ar="رابط Apprise غير معروف",
        )
    host = urlsplit(url).hostname or ""
    if host and not allow_private_networks:
        try:
            check_host(host, allow_private_networks=False)
            if resolve:
                infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
                for info in infos:
                    address = str(info[4][0])
                    if is_blocked_address(address):
                        raise blocked_address_error(host, address)
        except socket.gaierror:
            pass  # a service name Apprise maps to its own API host (tgram://TOKEN/...)
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
