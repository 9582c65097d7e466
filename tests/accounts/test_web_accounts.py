"""Sign in, follow, /me, private feeds and the /api/v1/me API through the real app."""

from __future__ import annotations

import re

from web.helpers import NOW

from .conftest import PASSWORD, Site, csrf_of, hidden_fields, login


def test_login_follow_me_and_private_feed(site: Site) -> None:
    client = site.make_client()
    home = client.get("/")
    assert 'href="/login?next=' in home.text and "marsad-account" not in home.text
    response = login(client, "alice")
    assert response.status_code == 303 and response.headers["location"] == "/me"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "Secure" not in cookie  # plain http in the test
    me = client.get("/me")
    assert me.status_code == 200 and "alice" in me.text
    assert me.headers["cache-control"].startswith("private")

    country = client.get("/countries/EG")
    assert 'action="/me/follow"' in country.text
    form = hidden_fields(country.text.split('action="/me/follow"', 1)[1])
    assert form["kind"] == "country" and form["target"] == "EG"
    done = client.post("/me/follow", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/countries/EG"
    again = client.get("/countries/EG")
    assert 'action="/me/unfollow"' in again.text
    follows = site.accounts.list_follows(site.alice.id)
    assert [(f.kind, f.target) for f in follows] == [("country", "EG")]
    assert follows[0].label == "مصر"

    me = client.get("/me")
    assert "مصر" in me.text and "جديد منذ زيارتك الأخيرة" in me.text
    page = client.get(f"/me/follows/{follows[0].id}")
    assert page.status_code == 200
    assert "لا جديد منذ زيارتك الأخيرة" in client.get("/me").text

    made = client.post(f"/me/follows/{follows[0].id}/feed", data={"csrf": csrf_of(client)})
    urls = re.findall(
        r"http://testserver/p/[A-Za-z0-9_-]+/(?:rss\.xml|atom\.xml|feed\.json)", made.text
    )
    assert len(urls) == 3
    anonymous = site.make_client()
    feed = anonymous.get(urls[0].replace("http://testserver", ""))
    assert feed.status_code == 200 and "<rss" in feed.text
    again = anonymous.get(
        urls[0].replace("http://testserver", ""), headers={"If-None-Match": feed.headers["etag"]}
    )
    assert again.status_code == 304 and feed.headers["cache-control"].startswith("private")
    json_feed = anonymous.get(urls[2].replace("http://testserver", "")).json()
    assert json_feed["items"]
    client.post(f"/me/follows/{follows[0].id}/feed/revoke", data={"csrf": csrf_of(client)})
    assert anonymous.get(urls[0].replace("http://testserver", "")).status_code == 404

    out = client.post("/logout", data={"csrf": csrf_of(client)}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/me", follow_redirects=False).status_code == 303


def test_save_search_and_follow_every_kind(site: Site) -> None:
    client = site.make_client()
    login(client, "bob")
    f = site.filled
    for path in (
        "/regions/north_africa",
        "/entities/person:amina-haddad",
        f"/sources/{f.sources['ar']}",
        f"/stories/{f.stories['main']}",
        "/search?q=" + "القاهرة",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert 'action="/me/follow"' in page.text, path
        form = hidden_fields(page.text.split('action="/me/follow"', 1)[1])
        assert client.post("/me/follow", data=form, follow_redirects=False).status_code == 303
    kinds = sorted(f.kind for f in site.accounts.list_follows(site.bob.id))
    assert kinds == ["entity", "region", "search", "source", "story"]
    me = client.get("/me?lang=en")
    assert "Saved search" in me.text and "القاهرة" in me.text


def test_api_follows_with_a_user_token(site: Site) -> None:
    client = site.make_client()
    _, token = site.accounts.add_token(site.alice.id, "script", now=NOW)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me/follows").status_code == 401
    assert client.get("/api/v1/me", headers=headers).json()["name"] == "alice"
    made = client.post(
        "/api/v1/me/follows", json={"kind": "country", "target": "pk"}, headers=headers
    )
    assert made.status_code == 201 and made.json()["target"] == "PK"
    assert made.json()["label"] == "باكستان"
    again = client.post(
        "/api/v1/me/follows", json={"kind": "country", "target": "PK"}, headers=headers
    )
    assert again.status_code == 200 and again.json()["id"] == made.json()["id"]
    saved = client.post(
        "/api/v1/me/follows",
        json={"kind": "search", "target": "الذكاء الاصطناعي"},
        headers=headers,
    )
    assert saved.status_code == 201
    bad = client.post(
        "/api/v1/me/follows", json={"kind": "country", "target": "XX"}, headers=headers
    )
    assert bad.status_code == 404
    listed = client.get("/api/v1/me/follows", headers=headers).json()["items"]
    assert [i["kind"] for i in listed] == ["country", "search"]
    gone = client.delete(f"/api/v1/me/follows/{made.json()['id']}", headers=headers)
    assert gone.status_code == 204
    assert len(client.get("/api/v1/me/follows", headers=headers).json()["items"]) == 1


def test_wrong_password_and_unknown_user_look_the_same(site: Site) -> None:
    client = site.make_client()
    wrong = login(client, "alice", "not the password")
    nobody = login(client, "nobody", PASSWORD)
    assert wrong.status_code == nobody.status_code == 401
    strip = lambda t: re.sub(r'value="[^"]*"', "", t)  # noqa: E731
    assert strip(wrong.text) == strip(nobody.text)
