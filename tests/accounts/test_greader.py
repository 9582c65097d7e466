"""The Google Reader API as reader apps call it, replayed from the protocol's documentation.

The requests below are written the way the apps send them (FreshRSS's and FeedHQ's API
documentation, NetNewsWire's and Reeder's "FreshRSS / Google Reader API" accounts): a form POST
to ClientLogin, ``Authorization: GoogleLogin auth=...`` on every call, ``output=json``, stream
ids percent-encoded in paths, item ids in both the long hex form and the short decimal form.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.testclient import TestClient
from web.helpers import NOW

from .conftest import PASSWORD, Site

BASE = "/api/greader.php"
READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def client_login(client: TestClient, name: str, password: str = PASSWORD, base: str = BASE) -> str:
    # NetNewsWire: POST {base}/accounts/ClientLogin, body Email=...&Passwd=...
    body = f"Email={quote(name)}&Passwd={quote(password)}"
    response = client.post(f"{base}/accounts/ClientLogin", content=body, headers=FORM)
    assert response.status_code == 200, response.text
    lines = dict(line.split("=", 1) for line in response.text.strip().splitlines())
    assert set(lines) == {"SID", "LSID", "Auth"}
    return lines["Auth"]


def test_netnewswire_style_sync(site: Site) -> None:
    f = site.filled
    site.accounts.add_follow(site.alice.id, "country", "EG", "مصر", now=NOW)
    site.accounts.add_follow(site.alice.id, "entity", "org:un", "الأمم المتحدة", now=NOW)
    client = site.make_client()
    assert client.post(
        f"{BASE}/accounts/ClientLogin", content="Email=alice&Passwd=wrong", headers=FORM
    ).text.startswith("Error=BadAuthentication")
    auth = {"Authorization": f"GoogleLogin auth={client_login(client, 'alice')}"}
    api = f"{BASE}/reader/api/0"

    assert client.get(f"{api}/user-info?output=json").status_code == 401
    info = client.get(f"{api}/user-info?output=json", headers=auth).json()
    assert info["userName"] == "alice"
    tags = client.get(f"{api}/tag/list?output=json", headers=auth).json()["tags"]
    assert {"id": "user/-/label/بلد", "type": "folder"} in tags
    subs = client.get(f"{api}/subscription/list?output=json", headers=auth).json()
    titles = {s["title"]: s for s in subs["subscriptions"]}
    assert set(titles) == {"مصر", "الأمم المتحدة"}
    egypt = titles["مصر"]["id"]

    unread = client.get(
        f"{api}/stream/items/ids?s={quote(READING_LIST)}&n=1000&output=json&xt={quote(READ)}",
        headers=auth,
    ).json()["itemRefs"]
    ids = [int(ref["id"]) for ref in unread]
    assert f.articles["ar"] in ids and f.articles["other"] in ids
    assert f.articles["copy"] not in ids  # a republished copy is not shown twice
    starred = client.get(
        f"{api}/stream/items/ids?s={quote('user/-/state/com.google/starred')}&n=1000&output=json",
        headers=auth,
    ).json()
    assert starred["itemRefs"] == []

    # NetNewsWire asks for contents by long-form ids, in a POST body.
    token = client.get(f"{api}/token", headers=auth).text.strip()
    long_ids = [f"tag:google.com,2005:reader/item/{i:016x}" for i in ids]
    body = "&".join(f"i={quote(i)}" for i in long_ids)
    contents = client.post(
        f"{api}/stream/items/contents?output=json", content=body, headers={**auth, **FORM}
    ).json()["items"]
    assert sorted(item["id"] for item in contents) == sorted(long_ids)
    first = contents[0]
    assert first["origin"]["streamId"].startswith("feed/")
    assert READ not in first["categories"] and READING_LIST in first["categories"]

    # Mark one read (short decimal id), then the unread list no longer has it.
    marked = client.post(
        f"{api}/edit-tag?output=json",
        content=f"T={token}&a={quote(READ)}&i={f.articles['ar']}",
        headers={**auth, **FORM},
    )
    assert marked.text == "OK"
    unread_after = client.get(
        f"{api}/stream/items/ids?s={quote(READING_LIST)}&n=1000&output=json&xt={quote(READ)}",
        headers=auth,
    ).json()["itemRefs"]
    assert f.articles["ar"] not in [int(r["id"]) for r in unread_after]
    read_ids = client.get(
        f"{api}/stream/items/ids?s={quote(READ)}&n=1000&output=json", headers=auth
    ).json()["itemRefs"]
    assert [int(r["id"]) for r in read_ids] == [f.articles["ar"]]
    assert site.accounts.read_ids(site.alice.id, [f.articles["ar"]]) == {f.articles["ar"]}

    # A bad T is refused; unread again with r=.
    assert (
        client.post(
            f"{api}/edit-tag",
            content=f"T=forged&a={quote(READ)}&i={f.articles['other']}",
            headers={**auth, **FORM},
        ).status_code
        == 401
    )
    client.post(
        f"{api}/edit-tag",
        content=f"T={token}&r={quote(READ)}&i={f.articles['ar']}",
        headers={**auth, **FORM},
    )
    assert site.accounts.read_ids(site.alice.id, [f.articles["ar"]]) == set()

    # Reeder / FeedMe style: stream/contents of one feed, the id in the path, paged.
    page = client.get(
        f"{api}/stream/contents/{quote(egypt, safe='')}?output=json&n=2&xt={quote(READ)}",
        headers=auth,
    ).json()
    assert page["id"] == egypt and len(page["items"]) == 2 and page["continuation"] == "2"
    rest = client.get(
        f"{api}/stream/contents/{quote(egypt, safe='')}?output=json&n=2&c=2", headers=auth
    ).json()
    assert rest["items"] and {i["id"] for i in rest["items"]}.isdisjoint(
        {i["id"] for i in page["items"]}
    )
    counts = client.get(f"{api}/unread-count?output=json", headers=auth).json()
    by_id = {c["id"]: c["count"] for c in counts["unreadcounts"]}
    assert by_id[READING_LIST] >= by_id[egypt] > 0

    done = client.post(
        f"{api}/mark-all-as-read", content=f"T={token}&s={quote(egypt)}", headers={**auth, **FORM}
    )
    assert done.text == "OK"
    counts = client.get(f"{api}/unread-count?output=json", headers=auth).json()
    assert egypt not in {c["id"] for c in counts["unreadcounts"]}


def test_miniflux_paths_and_other_users_items(site: Site) -> None:
    """Miniflux serves /accounts/ClientLogin and /reader/api/0 at the root; bob sees only his."""
    f = site.filled
    site.accounts.add_follow(site.alice.id, "entity", "org:un", "UN", now=NOW)
    site.accounts.add_follow(site.bob.id, "source", str(f.sources["ar"]), "Ufuq", now=NOW)
    client = site.make_client(anonymous_reading=False)
    bob = {"Authorization": f"GoogleLogin auth={client_login(client, 'bob', base='')}"}
    refs = client.get(
        f"/reader/api/0/stream/items/ids?s={quote(READING_LIST)}&n=100&output=json", headers=bob
    ).json()["itemRefs"]
    ids = {int(r["id"]) for r in refs}
    assert f.articles["ar"] in ids and f.articles["other"] not in ids
    # Asking for alice's item by id gives nothing, and marking it read does not touch hers.
    other = f"tag:google.com,2005:reader/item/{f.articles['other']:016x}"
    got = client.post(
        "/reader/api/0/stream/items/contents", content=f"i={quote(other)}", headers={**bob, **FORM}
    ).json()
    assert got["items"] == []
    alice_feed = f"feed/{site.accounts.list_follows(site.alice.id)[0].id}"
    stream = client.get(
        f"/reader/api/0/stream/contents/{quote(alice_feed, safe='')}?output=json", headers=bob
    ).json()
    assert stream["items"] == []
    # The app's token is a user token: listed for bob, and revoking it ends the sync.
    tokens = site.accounts.list_tokens(site.bob.id)
    assert [t.name for t in tokens] == ["reader app"]
    site.accounts.revoke_token(site.bob.id, tokens[0].id)
    assert client.get("/reader/api/0/user-info?output=json", headers=bob).status_code == 401
