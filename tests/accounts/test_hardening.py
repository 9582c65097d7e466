"""Findings of the security review of accounts (issue 20), each through the public surface:
guesses sent at once are cut at the login limit, a password change ends tokens, e-mail alerts go
to the account's own address and rules are capped, API writes by a session need CSRF whatever
Authorization header comes along, ClientLogin takes POSTed forms only, IPv6 addresses are
counted by /64, CSRF tokens masked per page, host-only cookies over HTTPS, no cross-site sign-in."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import socket
import threading
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from starlette.testclient import TestClient
from web.helpers import NOW, web_settings

from marsad.cli.main import main
from marsad.store import Store, open_store
from marsad.store.accounts import Accounts
from marsad.store.alerts import Alerts
from marsad.web import auth, create_app
from marsad.web.alerts_pages import MAX_RULES, MAX_RULES_PER_WEBHOOK
from marsad.web.server import serve_async

from .conftest import PASSWORD, Site, csrf_of, hidden_fields, login

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
LIMIT = 5
PROCESSES = 24


async def _guesses_at_once(
    store: Store, home: Path, passwords: list[str], *, client: tuple[str, int], greader: bool
) -> list[int]:
    """Send every password at once for alice from one address; the answers' status codes."""
    app = create_app(store, web_settings(home, login_max_failures=LIMIT), search_function=None)
    transport = httpx.ASGITransport(app=app, client=client)
    async with httpx.AsyncClient(transport=transport, base_url="http://marsad.test") as c:
        if greader:
            sent = [
                c.post(
                    "/accounts/ClientLogin",
                    content=f"Email=alice&Passwd={quote(p)}",
                    headers=FORM,
                )
                for p in passwords
            ]
        else:
            page = await c.get("/login")
            found = re.search(r'name="csrf" value="([^"]+)"', page.text)
            assert found
            sent = [
                c.post("/login", data={"csrf": found.group(1), "name": "alice", "password": p})
                for p in passwords
            ]
        return [r.status_code for r in await asyncio.gather(*sent)]


@pytest.mark.parametrize("greader", [False, True], ids=["site", "clientlogin"])
def test_guesses_sent_at_once_are_cut_at_the_limit(
    site: Site, store: Store, tmp_path: Path, greader: bool
) -> None:
    passwords = [f"wrong guess {i}" for i in range(40)] + [PASSWORD]
    codes = asyncio.run(
        _guesses_at_once(store, tmp_path, passwords, client=("203.0.113.9", 4000), greader=greader)
    )
    # Only LIMIT passwords were checked; the right one, after them, is refused like the rest.
    assert codes.count(401) == LIMIT
    assert codes.count(429) == len(passwords) - LIMIT
    assert codes[-1] == 429
    failures = site.accounts.login_failures("alice", "203.0.113.9", NOW.replace(year=2000))
    assert failures == (LIMIT, LIMIT)


def test_reservations_from_many_processes_stop_at_the_limit(database_url: str) -> None:
    """Stores (engines, as in several `marsad serve` processes) reserving at once: the write
    transaction (SQLite) or the advisory lock (PostgreSQL) lets exactly the limit through."""
    stores = [open_store(database_url) for _ in range(PROCESSES)]
    try:
        got: list[int | None] = []
        start = threading.Barrier(PROCESSES)

        def reserve(store: Store) -> None:
            start.wait()
            got.append(
                Accounts(store).reserve_login_attempt(
                    "alice",
                    "203.0.113.9",
                    since=NOW.replace(year=2000),
                    now=NOW,
                    max_by_name=LIMIT,
                    max_by_address=4 * LIMIT,
                )
            )

        threads = [threading.Thread(target=reserve, args=(s,)) for s in stores]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len([g for g in got if g is not None]) == LIMIT
        assert Accounts(stores[0]).login_failures("alice", "x", NOW.replace(year=2000))[0] == LIMIT
    finally:
        for s in stores:
            s.close()


def test_a_right_password_leaves_no_failure_behind(site: Site) -> None:
    client = site.make_client(login_max_failures=3)
    for _ in range(2):
        assert login(client, "alice", "wrong password").status_code == 401
    for _ in range(3):  # each success removes its reserved attempt: 2 failures stay 2
        assert login(client, "alice").status_code == 303
    assert site.accounts.login_failures("alice", "testclient", NOW.replace(year=2000)) == (2, 2)
    assert login(client, "alice", "wrong password").status_code == 401
    assert login(client, "alice").status_code == 429


@pytest.mark.parametrize("keep", [False, True], ids=["passwd", "passwd-keep-tokens"])
def test_a_password_change_ends_tokens(
    site: Site,
    database_url: str,
    marsad_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    keep: bool,
) -> None:
    client = site.make_client()
    _, script = site.accounts.add_token(site.alice.id, "script", now=NOW)
    app = (
        client.post(
            "/accounts/ClientLogin", content=f"Email=alice&Passwd={quote(PASSWORD)}", headers=FORM
        )
        .text.split("Auth=")[1]
        .strip()
    )
    _, bobs = site.accounts.add_token(site.bob.id, "script", now=NOW)
    as_script = {"Authorization": f"Bearer {script}"}
    as_app = {"Authorization": f"GoogleLogin auth={app}"}
    user_info = "/api/greader.php/reader/api/0/user-info?output=json"
    assert client.get("/api/v1/me", headers=as_script).status_code == 200
    assert client.get(user_info, headers=as_app).status_code == 200

    monkeypatch.setenv("MARSAD_DATABASE_URL", database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("battery staple\n"))
    argv = ["users", "passwd", "alice", "--password-stdin"] + (["--keep-tokens"] if keep else [])
    assert main(argv) == 0
    said = capsys.readouterr().out

    assert client.get(user_info, headers=as_app).status_code == 401  # a reader app signs in again
    assert client.get("/api/v1/me", headers=as_script).status_code == (200 if keep else 401)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {bobs}"}).status_code == 200
    assert "tokens ended" in said


def test_api_writes_of_a_session_need_csrf_whatever_authorization_comes_along(
    site: Site,
) -> None:
    client = site.make_client()
    assert login(client, "alice").status_code == 303
    follow = {"kind": "country", "target": "EG"}
    for header in ("Basic YWxpY2U6eA==", "Bearer not-a-token", "GoogleLogin auth=x"):
        sent = client.post("/api/v1/me/follows", json=follow, headers={"Authorization": header})
        assert sent.status_code in (401, 403), header
    assert site.accounts.list_follows(site.alice.id) == []
    basic = {"Authorization": "Basic YWxpY2U6eA=="}
    assert client.post("/api/v1/me/follows", json=follow, headers=basic).status_code == 403
    with_csrf = {**basic, "X-CSRF-Token": csrf_of(client)}
    assert client.post("/api/v1/me/follows", json=follow, headers=with_csrf).status_code == 201
    # A user token alone (no cookie: not a browser's own request) needs no CSRF header.
    _, token = site.accounts.add_token(site.bob.id, "script", now=NOW)
    bearer = {"Authorization": f"Bearer {token}"}
    assert (
        site.make_client().post("/api/v1/me/follows", json=follow, headers=bearer).status_code
        == 201
    )


def test_clientlogin_takes_a_posted_form_only_and_is_not_stored(site: Site) -> None:
    client = site.make_client()
    query = f"Email=alice&Passwd={quote(PASSWORD)}"
    assert client.get(f"/accounts/ClientLogin?{query}").status_code == 405
    assert client.get(f"/api/greader.php/accounts/ClientLogin?{query}").status_code == 405
    in_url = client.post(f"/accounts/ClientLogin?{query}", content="", headers=FORM)
    assert in_url.status_code == 401
    assert in_url.headers["cache-control"] == "no-store"
    signed_in = client.post("/api/greader.php/accounts/ClientLogin", content=query, headers=FORM)
    assert signed_in.status_code == 200 and "Auth=" in signed_in.text
    assert signed_in.headers["cache-control"] == "no-store"
    as_json = client.post("/accounts/ClientLogin", content=query + "&output=json", headers=FORM)
    assert as_json.json()["Auth"] and as_json.headers["cache-control"] == "no-store"


def test_email_alerts_go_to_the_accounts_own_address_and_rules_are_capped(site: Site) -> None:
    carol = site.accounts.add_user("carol", PASSWORD, email="carol@example.org", now=NOW)
    follow = site.accounts.add_follow(carol.id, "country", "EG", "مصر", now=NOW)
    bobs = site.accounts.add_follow(site.bob.id, "country", "EG", "Egypt", now=NOW)
    alerts = Alerts(site.filled.store)
    client = site.make_client()
    assert login(client, "carol").status_code == 303
    csrf = csrf_of(client, "/me/alerts")
    rule = {"csrf": csrf, "follow_id": str(follow.id), "mode": "new", "channel": "email"}

    def add(**fields: str) -> int:
        sent = client.post("/me/alerts/rules", data={**rule, **fields}, follow_redirects=False)
        return sent.status_code

    assert add(target="victim@example.com") == 400  # no free address
    assert alerts.list_rules(carol.id) == []
    assert add(target="Carol@Example.org") == 303
    assert add(target="") == 303  # the form may leave it to the account's address
    assert {r.target for r in alerts.list_rules(carol.id)} == {"carol@example.org"}

    bob = site.make_client()  # bob has no e-mail address: no e-mail rule at all
    assert login(bob, "bob").status_code == 303
    mail = {"follow_id": str(bobs.id), "mode": "new", "channel": "email", "target": "b@x.org"}
    refused = bob.post("/me/alerts/rules", data={**mail, "csrf": csrf_of(bob, "/me/alerts")})
    assert refused.status_code == 400 and alerts.list_rules(site.bob.id) == []

    hook = {"channel": "webhook", "target": "https://hooks.example/carol"}
    codes = [add(**hook) for _ in range(MAX_RULES_PER_WEBHOOK + 1)]
    assert codes == [303] * MAX_RULES_PER_WEBHOOK + [400]
    other = 0
    while len(alerts.list_rules(carol.id)) < MAX_RULES:
        assert add(channel="webhook", target=f"https://hooks.example/{other}") == 303
        other += 1
    assert add(target="carol@example.org") == 400
    assert len(alerts.list_rules(carol.id)) == MAX_RULES


def test_ipv6_addresses_are_counted_by_their_64(site: Site, store: Store, tmp_path: Path) -> None:
    async def one(host: str, name: str, password: str) -> int:
        app = create_app(store, web_settings(tmp_path, login_max_failures=2), search_function=None)
        transport = httpx.ASGITransport(app=app, client=(host, 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://marsad.test") as c:
            body = f"Email={name}&Passwd={quote(password)}"
            sent = await c.post("/accounts/ClientLogin", content=body, headers=FORM)
            return sent.status_code

    # 4 x 2 failures from eight addresses of one /64, each at another name...
    for i in range(8):
        assert asyncio.run(one(f"2001:db8:7:8::{i + 1:x}", f"guess{i}", "wrong")) == 401
    # ...and the /64 is refused, a right password too; the next /64 is not.
    assert asyncio.run(one("2001:db8:7:8:ffff::1", "bob", PASSWORD)) == 429
    assert asyncio.run(one("2001:db8:7:9::1", "bob", PASSWORD)) == 200
    since = NOW.replace(year=2000)
    assert site.accounts.login_failures("guess0", "2001:db8:7:8::/64", since) == (1, 8)
    # An IPv4 client inside IPv6 (::ffff:a.b.c.d) is counted as the IPv4 address.
    assert asyncio.run(one("::ffff:203.0.113.5", "guess9", "wrong")) == 401
    assert site.accounts.login_failures("guess9", "203.0.113.5", since) == (1, 1)


@pytest.mark.parametrize("trusted", ["", "127.0.0.1"], ids=["default", "trusted"])
def test_forwarded_for_is_believed_only_from_trusted_proxies(
    site: Site, store: Store, tmp_path: Path, trusted: str
) -> None:
    """Through `marsad serve`'s own uvicorn: X-Forwarded-For picks the counted address only
    when the peer is listed in trusted_proxies."""
    settings = web_settings(tmp_path, trusted_proxies=trusted, login_max_failures=LIMIT)

    async def main() -> None:
        started: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = asyncio.create_task(
            serve_async(
                store,
                settings,
                host="127.0.0.1",
                port=port,
                crawl=False,
                on_started=started.set_result,
            )
        )
        try:
            url = await asyncio.wait_for(started, 30)
            async with httpx.AsyncClient(base_url=url) as c:
                sent = await c.post(
                    "/accounts/ClientLogin",
                    content="Email=alice&Passwd=wrong",
                    headers={**FORM, "X-Forwarded-For": "198.51.100.7"},
                )
                assert sent.status_code == 401
        finally:
            server.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await server

    asyncio.run(main())
    since = NOW.replace(year=2000)
    counted = site.accounts.login_failures("alice", "198.51.100.7", since)
    assert counted == ((1, 1) if trusted else (1, 0))


def test_csrf_tokens_are_masked_anew_on_each_page(site: Site) -> None:
    client = site.make_client()
    assert login(client, "alice").status_code == 303
    session_id = client.cookies[auth.SESSION_COOKIE]
    found = site.accounts.session(session_id, now=NOW)
    assert found is not None
    first, second = csrf_of(client), csrf_of(client)
    assert first != second  # no two pages carry the same bytes...
    for page in (client.get("/me").text, client.get("/me/tokens").text):
        assert found.csrf_secret not in page  # ...nor the secret itself
    for token in (first, second):  # both are this session's token
        sent = client.post("/me/seen", data={"csrf": token}, follow_redirects=False)
        assert sent.status_code == 303
    forged = first[:-4] + ("AAAA" if not first.endswith("AAAA") else "BBBB")
    assert client.post("/me/seen", data={"csrf": forged}).status_code == 403
    login_page = site.make_client().get("/login")
    assert login_page.cookies[auth.LOGIN_COOKIE] not in login_page.text


def test_https_cookies_are_host_only_and_a_cross_site_sign_in_is_refused(
    site: Site, store: Store, tmp_path: Path
) -> None:
    app = create_app(store, web_settings(tmp_path), search_function=None)
    with TestClient(app, base_url="https://marsad.test") as client:
        page = client.get("/login")
        set_login = page.headers["set-cookie"]
        assert set_login.startswith(f"__Host-{auth.LOGIN_COOKIE}=")
        assert "Secure" in set_login and "Path=/;" in set_login and "Domain" not in set_login
        form = {"csrf": hidden_fields(page.text)["csrf"], "name": "alice", "password": PASSWORD}
        # A cookie tossed by a sibling subdomain has the plain name: it is not the login's.
        tossed = TestClient(app, base_url="https://marsad.test")
        tossed.cookies.set(auth.LOGIN_COOKIE, "planted")
        assert tossed.post("/login", data={**form, "csrf": "planted"}).status_code == 403
        for site_of_form in ("cross-site", "same-site"):
            refused = client.post("/login", data=form, headers={"Sec-Fetch-Site": site_of_form})
            assert refused.status_code == 403, site_of_form
        done = client.post(
            "/login", data=form, headers={"Sec-Fetch-Site": "same-origin"}, follow_redirects=False
        )
        assert done.status_code == 303
        set_session = [
            v for k, v in done.headers.multi_items() if k == "set-cookie" and "session" in v
        ]
        assert set_session[0].startswith(f"__Host-{auth.SESSION_COOKIE}=")
        assert "Secure" in set_session[0] and "Path=/" in set_session[0]
        assert client.get("/me").status_code == 200
        me = client.get("/")  # a shared page seen signed in is private to this reader
        assert me.headers["cache-control"].startswith("private")
        out = client.post("/logout", data={"csrf": csrf_of(client)}, follow_redirects=False)
        assert out.status_code == 303
        assert client.get("/me", follow_redirects=False).status_code == 303


def test_a_login_cookie_the_site_did_not_make_is_refused(site: Site, tmp_path: Path) -> None:
    """Over plain HTTP no cookie name is host-only: a planted login cookie (any value, sent
    with the same value in the form) is refused, since it carries no signature by the site's
    key; the site's own tokens work, from every process of the home."""
    client = site.make_client()
    client.cookies.set(auth.LOGIN_COOKIE, "planted-by-a-sibling-host", path="/login")
    form = {"csrf": "planted-by-a-sibling-host", "name": "alice", "password": PASSWORD}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 403
    forged = "nonce." + "A" * 43
    client.cookies.set(auth.LOGIN_COOKIE, forged, path="/login")
    assert client.post("/login", data={**form, "csrf": forged}).status_code == 403
    page = client.get("/login")  # the planted value is replaced by a signed one
    assert "planted" not in page.headers["set-cookie"]
    assert login(site.make_client(), "alice").status_code == 303
    assert (tmp_path / "login_key").stat().st_mode & 0o077 == 0
