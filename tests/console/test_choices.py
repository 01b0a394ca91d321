"""The mapping by name, sample and value (issue 23): the fields a column can be mapped to come from
the server with their Chinese and English names; each column's first values; a value map per
column fixes it at once (checked as a job file's [values] would be); the choices, value maps
included, are kept for the next upload of the same name, saved as a job file and loaded again."""

from __future__ import annotations

import tomllib

from batch_updater.console.jobfile import read_job_file
from tests.console.test_web import IDS, login, make_client, upload  # noqa: F401 - make_client: a fixture
from tests.support.sheets import csv_bytes

MESSY = [["工单ID", "状态", "是否解决", "优先级"],
         *[[tid, ["已完成", "处理中", "已完成"][i % 3], "搞定" if i % 2 else "", "P2"] for i, tid in enumerate(IDS)]]


async def test_the_targets_name_each_field_in_chinese_and_english_and_offer_custom_fields(make_client):  # noqa: F811
    client, console = await make_client()
    await login(client)
    targets = await (await client.get("/api/targets")).json()
    by_name = {t["name"]: t for t in targets}
    assert by_name["status"]["zh"] == "状态" and by_name["tag_names"]["en"] == "tags"
    assert {"code": 51, "zh": "人工关闭工单", "en": "closed by agent"} in by_name["status"]["codes"]
    assert targets[-1]["name"] == "custom:" and targets[-2]["name"] == "customized_fields"  # by id; the JSON last
    console.more_targets = lambda: [{"name": "custom:6948728206392295444", "zh": "优先级", "en": "Priority",
                                     "kind": "text"}]  # the seam where a helpdesk's own fields join the list
    more = await (await client.get("/api/targets")).json()
    assert more[-2]["zh"] == "优先级" and more[-1]["name"] == "custom:"


async def test_a_value_map_fixes_a_whole_column_and_the_samples_show_what_is_wrong(make_client):  # noqa: F811
    client, _ = await make_client()
    await login(client)
    u = await (await upload(client, "messy.csv", csv_bytes(MESSY))).json()
    assert u["counts"] == {"valid": 1, "invalid": 5}
    status = next(s for s in u["samples"] if s["header"] == "状态")
    assert [(s["value"], s["n"], bool(s["problem"])) for s in status["samples"]] == [("已完成", 4, True), ("处理中", 2, False)]
    fixed = await (await client.post(f"/api/uploads/{u['id']}/check", json={
        "values": {"状态": {"已完成": "51"}, "是否解决": {"搞定": "resolved"}}})).json()
    assert fixed["counts"] == {"valid": 6} and fixed["values"] == {"状态": {"已完成": "51"}, "是否解决": {"搞定": "resolved"}}
    rows = await (await client.get(f"/api/uploads/{u['id']}/rows?size=25")).json()
    assert '"status":51' in rows["rows"][0]["msg"].replace(" ", "") and '"solved":2' in rows["rows"][1]["msg"]
    status = next(s for s in fixed["samples"] if s["header"] == "状态")
    assert status["samples"][0] == {"value": "已完成", "whole": True, "n": 4, "mapped": "51", "problem": ""}

    again = await (await upload(client, "messy.csv", csv_bytes(MESSY))).json()  # the same name: the maps stay
    assert again["counts"] == {"valid": 6} and again["kept"]["values"] == fixed["values"]


async def test_the_choices_go_to_a_job_file_and_come_back(make_client):  # noqa: F811
    client, _ = await make_client()
    await login(client)
    u = await (await upload(client, "export.csv", csv_bytes([["Number", "State"], [IDS[0], "done"], [IDS[1], "2"]]))).json()
    assert u["no_ticket_id"]
    await client.post(f"/api/uploads/{u['id']}/check", json={"renames": {"Number": "ticket_id", "State": "status"},
                                                            "values": {"State": {"done": "51"}}})
    saved = await client.get(f"/api/uploads/{u['id']}/job.toml?rate=5/s&retry_comments=1")
    assert saved.status == 200 and "export-job.toml" in saved.headers["Content-Disposition"]
    text = await saved.text()
    job = tomllib.loads(text)
    assert job["input"] == "export.csv" and job["rate"] == "5/s" and job["retry_comments"] is True
    assert job["columns"] == {"Number": "ticket_id", "State": "status"} and job["values"] == {"State": {"done": "51"}}
    config, run = read_job_file(text, "export-job.toml")  # as the command line reads it
    assert config.values == {"State": {"done": "51"}} and run == {"rate": "5/s", "retry_comments": True, "ignored": []}

    forgot = await (await client.post(f"/api/uploads/{u['id']}/check", json={"renames": {}, "values": {}})).json()
    assert forgot["no_ticket_id"]
    loaded = await (await client.post(f"/api/uploads/{u['id']}/job", json={"text": text, "name": "export-job.toml"})).json()
    assert loaded["counts"] == {"valid": 2} and loaded["renames"] == {"Number": "ticket_id", "State": "status"}
    assert loaded["kept_from"] == "export-job.toml" and loaded["run"]["rate"] == "5/s"
    bad = await client.post(f"/api/uploads/{u['id']}/job", json={"text": "columns = 3\n", "name": "x.toml"})
    assert bad.status == 400 and "job file x.toml: columns" in (await bad.json())["error"]


async def test_the_sheets_kept_are_listed_to_reopen(make_client):  # noqa: F811
    client, _ = await make_client()
    await login(client)
    for name in ("a.csv", "b.csv"):
        await upload(client, name, csv_bytes([["ticket_id", "status"], [IDS[0], "2"]]))
    listed = await (await client.get("/api/uploads")).json()
    assert sorted(s["name"] for s in listed) == ["a.csv", "b.csv"] and all(s["checked_at"] for s in listed)
    opened = await (await client.get(f"/api/uploads/{listed[0]['id']}")).json()
    assert opened["name"] == listed[0]["name"]
