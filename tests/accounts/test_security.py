"""Security of accounts: no IDOR, CSRF on every form, no session fixation, removal takes effect
at once, nothing secret in the logs, timing-safe checks, rate limits, the read gate."""

from __future__ import annotations

import logging
import re

import pytest
from starlette.testclient import TestClient
from web.helpers import ADMIN_TOKEN, NOW

from marsad.accounts import credentials
from marsad.web import auth

from .conftest import PASSWORD, Site, csrf_of, login


def signed_in(site: Site, name: str) -> TestClient:
    client = site.make_client()
    assert login(client, name).status_code == 303
    return client


def test_no_object_of_another_user_is_reachable(site: Site) -> None:
    alice_follow = site.accounts.add_follow(site.alice.id, "country", "EG", "مصر", now=NOW)
    alice_feed = site.accounts.new_feed_token(site.alice.id, alice_follow.id, now=NOW)
    alice_token, alice_secret = site.accounts.add_token(site.alice.id, "phone", now=NOW)
    _, bob_secret = site.accounts.add_token(site.bob.id, "phone", now=NOW)
    bob = signed_in(site, "bob")
    csrf = csrf_of(bob)
    fid = alice_follow.id
    assert bob.get(f"/me/follows/{fid}").status_code == 404
    for path, data in (
        ("/me/unfollow", {"follow_id": str(fid)}),
        (f"/me/follows/{fid}/feed", {}),
        (f"/me/follows/{fid}/feed/revoke", {}),
        ("/me/tokens/revoke", {"token_id": str(alice_token.id)}),
    ):
        response = bob.post(path, data={"csrf": csrf, **data}, follow_redirects=False)
        assert response.status_code == 404, path
    assert "مصر" not in bob.get("/me").text
    bob_api = {"Authorization": f"Bearer {bob_secret}"}
    assert bob.delete(f"/api/v1/me/follows/{fid}", headers=bob_api).status_code == 404
    assert bob.get("/api/v1/me/follows", headers=bob_api).json()["items"] == []
    # Everything of alice's is still there and still works.
    assert site.accounts.get_follow(site.alice.id, fid) == alice_follow
    assert site.accounts.follow_for_feed_token(alice_feed) == alice_follow
    assert site.accounts.user_for_token(alice_secret, now=NOW) == site.alice
    assert bob.get(f"/p/{alice_feed}/rss.xml").status_code == 200  # the URL is the secret
    assert bob.get(f"/p/{alice_feed[:-1]}x/rss.xml").status_code == 404


def test_every_form_needs_its_csrf_token(site: Site) -> None:
    follow = site.accounts.add_follow(site.alice.id, "country", "EG", "مصر", now=NOW)
    token, _ = site.accounts.add_token(site.alice.id, "phone", now=NOW)
    client = signed_in(site, "alice")
    forms = {
        "/logout": {},
        "/me/follow": {"kind": "country", "target": "PK"},
        "/me/unfollow": {"follow_id": str(follow.id)},
        "/me/seen": {},
        f"/me/follows/{follow.id}/feed": {},
        f"/me/follows/{follow.id}/feed/revoke": {},
        "/me/tokens": {"name": "x"},
        "/me/tokens/revoke": {"token_id": str(token.id)},
    }
    bob = signed_in(site, "bob")
    bobs_csrf = csrf_of(bob)
    for path, data in forms.items():
        for csrf in (None, "", "wrong", bobs_csrf):
            sent = dict(data) if csrf is None else {**data, "csrf": csrf}
            response = client.post(path, data=sent, follow_redirects=False)
            assert response.status_code == 403, (path, csrf)
    # Nothing changed, and the session still works.
    assert [f.target for f in site.accounts.list_follows(site.alice.id)] == ["EG"]
    assert len(site.accounts.list_tokens(site.alice.id)) == 1
    assert client.get("/me").status_code == 200
    # The API by session cookie needs the header too (a bearer token does not).
    assert (
        client.post("/api/v1/me/follows", json={"kind": "country", "target": "PK"}).status_code
        == 403
    )
    ok = client.post(
        "/api/v1/me/follows",
        json={"kind": "country", "target": "PK"},
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert ok.status_code == 201
    # The login form: its field must match its own cookie.
    fresh = site.make_client()
    fresh.get("/login")
    for csrf in (None, "wrong"):
        data = {"name": "alice", "password": PASSWORD}
        if csrf is not None:
            data["csrf"] = csrf
        assert fresh.post("/login", data=data, follow_redirects=False).status_code == 403


def test_session_id_is_new_at_login(site: Site) -> None:
    client = site.make_client()
    planted = "attacker-chosen-session-id"
    client.cookies.set(auth.SESSION_COOKIE, planted)
    response = login(client, "alice")
    assert response.status_code == 303
    given = re.search(rf"{auth.SESSION_COOKIE}=([^;]+)", response.headers["set-cookie"])
    assert given and given.group(1) != planted
    assert site.accounts.session(planted, now=NOW) is None
    attacker = site.make_client()
    attacker.cookies.set(auth.SESSION_COOKIE, planted)
    assert attacker.get("/me", follow_redirects=False).status_code == 303
    # Two logins, two different sessions.
    again = login(site.make_client(), "alice")
    other = re.search(rf"{auth.SESSION_COOKIE}=([^;]+)", again.headers["set-cookie"])
    assert other and other.group(1) != given.group(1)


def test_removed_account_loses_access_at_once(site: Site) -> None:
    follow = site.accounts.add_follow(site.alice.id, "country", "EG", "مصر", now=NOW)
    feed = site.accounts.new_feed_token(site.alice.id, follow.id, now=NOW)
    _, secret = site.accounts.add_token(site.alice.id, "phone", now=NOW)
    client = signed_in(site, "alice")
    api = {"Authorization": f"Bearer {secret}"}
    assert client.get("/me").status_code == 200
    assert client.get("/api/v1/me/follows", headers=api).status_code == 200
    assert client.get(f"/p/{feed}/atom.xml").status_code == 200
    site.accounts.remove_user("alice")
    assert client.get("/me", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/me/follows", headers=api).status_code == 401
    assert client.get(f"/p/{feed}/atom.xml").status_code == 404
    closed = site.make_client(anonymous_reading=False)
    closed.cookies.update(client.cookies)
    assert closed.get("/", follow_redirects=False).status_code == 303
    assert closed.get("/api/v1/stories", headers=api).status_code == 401


def test_passwords_and_tokens_never_logged(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = site.make_client()
    login(client, "alice", "a wrong password here")
    response = login(client, "alice")
    session_id = re.search(rf"{auth.SESSION_COOKIE}=([^;]+)", response.headers["set-cookie"])
    assert session_id
    follow = site.accounts.add_follow(site.alice.id, "country", "EG", "مصر", now=NOW)
    made = client.post(f"/me/follows/{follow.id}/feed", data={"csrf": csrf_of(client)})
    feed = re.search(r"/p/([A-Za-z0-9_-]+)/", made.text)
    assert feed
    client.get(f"/p/{feed.group(1)}/rss.xml")
    made = client.post("/me/tokens", data={"csrf": csrf_of(client), "name": "phone"})
    api = re.search(r'<code dir="ltr">([A-Za-z0-9_-]{40,})</code>', made.text)
    assert api
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {api.group(1)}"})
    reader = client.post(
        "/accounts/ClientLogin",
        content=f"Email=alice&Passwd={PASSWORD.replace(' ', '+')}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    app_token = reader.text.split("Auth=")[1].strip()
    # httpx's own lines are the test client's log of what it sent, not the server's.
    served = [r for r in caplog.records if not r.name.startswith("httpx")]
    logged = "\n".join(f"{r.getMessage()} {r.args}" for r in served)
    assert "failed login" in logged
    for secret in (
        PASSWORD,
        "a wrong password here",
        session_id.group(1),
        feed.group(1),
        api.group(1),
        app_token,
    ):
        assert secret not in logged


def test_secrets_are_compared_in_constant_time(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """CSRF and the admin token go through hmac.compare_digest; an unknown user name costs an
    argon2 verification like a known one (no enumeration by timing)."""
    compared: list[bytes] = []
    real = auth.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append(b)
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    client = signed_in(site, "alice")
    csrf = csrf_of(client)
    session = site.accounts.session(client.cookies[auth.SESSION_COOKIE], now=NOW)
    assert session is not None
    client.post("/me/seen", data={"csrf": csrf})
    assert session.csrf_secret.encode() in compared  # the page's token, unmasked, against it
    closed = site.make_client(anonymous_reading=False)
    closed.get("/api/v1/stories", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert ADMIN_TOKEN.encode() in compared

    verified: list[str] = []
    real_hasher = credentials._HASHER

    class Spy:
        def verify(self, hash_: str, password: str) -> bool:
            verified.append(hash_)
            return real_hasher.verify(hash_, password)

    monkeypatch.setattr(credentials, "_HASHER", Spy())
    login(site.make_client(), "nobody-at-all", PASSWORD)
    login(site.make_client(), "alice", "not it at all")
    assert len(verified) == 2 and all(h.startswith("$argon2id$") for h in verified)


def test_login_rate_limits(site: Site) -> None:
    client = site.make_client(login_max_failures=3)
    for _ in range(3):
        assert login(client, "alice", "wrong password").status_code == 401
    assert login(client, "alice").status_code == 429  # right password, still refused
    assert login(client, "bob").status_code == 303  # another account from the same address
    for i in range(9):  # 3 + 9 = 12 failures from this address: 4 x 3
        assert login(client, f"guess{i}", "wrong password").status_code == 401
    assert login(client, "bob").status_code == 429


def test_read_gate_when_anonymous_reading_is_off(site: Site) -> None:
    _, secret = site.accounts.add_token(site.bob.id, "script", now=NOW)
    client = site.make_client(anonymous_reading=False)
    assert client.get("/", follow_redirects=False).headers["location"] == "/login?next=%2F"
    assert client.get("/countries/EG/feeds/rss.xml").status_code == 401
    assert client.get("/api/v1/stories").status_code == 401
    assert client.get("/login").status_code == 200
    assert client.get("/static/style.css").status_code == 200
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    assert client.get("/api/v1/stories", headers=admin).status_code == 200
    user = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/stories", headers=user).status_code == 200
    assert client.get("/countries/EG/feeds/rss.xml", headers=user).status_code == 200
    assert login(client, "alice").status_code == 303
    assert client.get("/").status_code == 200
    assert client.get("/stories/1").status_code in (200, 301)


def test_cookies_and_redirects(site: Site) -> None:
    https = site.make_client()
    https.base_url = https.base_url.copy_with(scheme="https")
    response = login(https, "alice")
    assert "Secure" in response.headers["set-cookie"]
    # Behind a TLS proxy that does not say so, the app sees http: "always" marks them anyway.
    always = site.make_client(secure_cookies="always")
    assert "Secure" in always.get("/login").headers["set-cookie"]
    assert "Secure" not in site.make_client().get("/login").headers["set-cookie"]
    for bad in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        client = site.make_client()
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
        assert csrf
        response = client.post(
            "/login",
            data={"csrf": csrf.group(1), "next": bad, "name": "alice", "password": PASSWORD},
            follow_redirects=False,
        )
        assert response.headers["location"] == "/me", bad


def test_saved_search_label_is_escaped(site: Site) -> None:
    hostile = '<script>alert("x")</script>'
    site.accounts.add_follow(site.alice.id, "search", hostile, hostile, now=NOW)
    client = signed_in(site, "alice")
    page = client.get("/me").text
    assert hostile not in page and "&lt;script&gt;" in page


def test_cached_pages_carry_nothing_of_another_reader(site: Site) -> None:
    """Shared pages are cached whole; each reader's account link and buttons are filled per
    request, so what alice sees never reaches bob or an anonymous reader."""
    site.accounts.add_follow(site.alice.id, "country", "EG", "مصر", now=NOW)
    alice = signed_in(site, "alice")
    app = alice.app
    seen = alice.get("/countries/EG")
    assert "alice" in seen.text and 'action="/me/unfollow"' in seen.text
    assert seen.headers["cache-control"].startswith("private")
    bob = TestClient(app)
    assert login(bob, "bob").status_code == 303
    for client, must_not in ((bob, "alice"), (TestClient(app), "alice")):
        page = client.get("/countries/EG")
        assert must_not not in page.text and 'action="/me/unfollow"' not in page.text
    anonymous = TestClient(app).get("/countries/EG")
    assert "csrf" not in anonymous.text and "private" not in anonymous.headers["cache-control"]


def test_api_answers_match_the_openapi_document(site: Site) -> None:
    from jsonschema import Draft202012Validator

    from marsad.web.openapi import USER_OPERATIONS

    _, secret = site.accounts.add_token(site.alice.id, "script", now=NOW)
    client = site.make_client()
    document = client.get("/openapi.json").json()
    for op in USER_OPERATIONS:
        assert op.method in document["paths"][op.path]
    api = {"Authorization": f"Bearer {secret}"}
    region = client.post(
        "/api/v1/me/follows", json={"kind": "region", "target": "north_africa"}, headers=api
    )
    assert region.status_code == 201 and region.json()["label"] == "شمال أفريقيا"
    made = client.post(
        "/api/v1/me/follows", json={"kind": "entity", "target": "org:un"}, headers=api
    )
    for name, body in (
        ("Follow", made.json()),
        ("FollowList", client.get("/api/v1/me/follows", headers=api).json()),
        ("Me", client.get("/api/v1/me", headers=api).json()),
    ):
        Draft202012Validator({**document, "$ref": f"#/components/schemas/{name}"}).validate(body)
