"""The console's HTTP layer at its edges: odd tokens, dotted ids, error texts without server folders."""
from __future__ import annotations

from tests.console.test_web import login, make_client, upload  # noqa: F401 - make_client: a fixture


async def test_a_non_ascii_token_is_refused_not_a_500(make_client):  # noqa: F811
    client, _ = await make_client()
    r = await client.get("/api/status?token=%E4%BD%A0")
    r2 = await client.get("/api/status", headers={"Cookie": f"batch_updater_console_{client.server.port}=\u4f60"})
    assert r.status == 403 and r2.status == 403


async def test_dotted_ids_and_paths_find_nothing(make_client):  # noqa: F811
    client, _ = await make_client()
    await login(client)
    for path in ("/api/uploads/..", "/api/uploads/%2E%2E", "/api/uploads/..%2F..", "/api/runs/x/files/report",
                 "/api/runs/x/files/..%2F..%2Fetc%2Fpasswd"):
        response = await client.get(path)
        assert response.status in (403, 404), path
        assert b"root:" not in await response.read()


async def test_error_texts_hold_no_server_folders(make_client, tmp_path):  # noqa: F811
    client, _ = await make_client()
    await login(client)
    for name, data in [("bad.xlsx", b"PK\x03\x04garbage"), ("bad.csv", b"\xff\xfe\x00\x00\x00"), ("empty.csv", b""),
                       ("x.xls", b"garbage")]:
        r = await upload(client, name, data)
        text = await r.text()
        assert str(tmp_path) not in text
