"""The console's own sentences in the page's language (issue 23 item 1): its API's errors, a
pasted link's check (the source line and the warnings, said on the request's worker thread), an
export's filters, the token page and a refused Host; English stays as it was."""

from __future__ import annotations

from batch_updater.console.exports import selected
from batch_updater.helpdesk.filters import filters_from
from batch_updater.i18n import speaking
from batch_updater.sandbox import Sandbox, SandboxConfig
from tests.console.test_web import login, make_client  # noqa: F401 - make_client: a fixture

ZH = {"Accept-Language": "zh"}
IDS = [str(7100000000000000001 + i * 7919) for i in range(12)]


async def test_the_api_s_errors_are_said_in_the_page_s_language(make_client):  # noqa: F811
    client, _ = await make_client()
    await login(client)
    missing = await client.get("/api/runs/nope", headers=ZH)
    assert missing.status == 404 and (await missing.json())["error"] == "未找到（服务器重启后只保留运行列表和文件）"
    english = await client.get("/api/runs/nope")
    assert (await english.json())["error"].startswith("not found (after a restart of the server")
    not_json = await client.post("/api/links", data=b"{", headers={**ZH, "Content-Type": "application/json"})
    assert not_json.status == 400 and (await not_json.json())["error"] == "请求正文不是 JSON"
    no_link = await client.post("/api/links", json={"link": " "}, headers=ZH)
    assert (await no_link.json())["error"].startswith("请粘贴多维表格或电子表格的链接")
    bad_filter = await client.post("/api/exports", json={"filters": {"colour": "red"}}, headers=ZH)
    assert bad_filter.status == 400 and (await bad_filter.json())["error"].startswith("不是筛选条件：colour；可用 ")


async def test_a_refused_host_and_the_token_page_speak_the_browser_s_language(make_client):  # noqa: F811
    client, _ = await make_client()
    foreign = await client.get("/api/status", headers={**ZH, "Host": "evil.example"})
    assert foreign.status == 403 and "此服务器只响应它自己的地址" in (await foreign.json())["error"]
    page = await client.get("/", headers={"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9"})
    text = await page.text()
    assert page.status == 403 and text.index("此页面需要控制台的访问令牌。") < text.index("This page needs the console")
    assert "地址或令牌" in text and "<title>batch-updater 控制台</title>" in text


async def test_a_link_checked_from_a_chinese_page_is_described_in_chinese(make_client):  # noqa: F811
    from batch_updater.sandbox.cli import demo_links

    async with Sandbox(SandboxConfig(ticket_ids=IDS)) as sb:
        link = demo_links(sb)["base"]
        client, _ = await make_client(env=sb.credentials)
        await login(client)
        chinese = await (await client.post("/api/links", json={"link": link}, headers=ZH)).json()
        assert chinese["source"].startswith("多维表格数据表 ") and "Base table" not in chinese["source"]
        assert any(w.startswith("这些列保留在报告中但不发送") for w in chinese["warnings"]), chinese["warnings"]
        assert not any("kept in the report" in w for w in chinese["warnings"])
        english = await (await client.post("/api/links", json={"link": link})).json()  # pasted again: the same job
        assert english["id"] == chinese["id"] and english["source"].startswith("Base table ")
        assert any(w.startswith("columns kept in the report but not sent") for w in english["warnings"])


def test_an_export_s_filters_are_said_in_the_page_s_language():
    filters = filters_from({"status": ["1", "4"], "tag": "billing, vip", "created_since": "2000-01-01",
                            "solved": "2"})
    english = selected(filters)
    assert english.startswith("status=1,4 tag=billing tag=vip solved=2 created-since=2000-01-01T00:00:00")
    assert english == filters.describe()  # as a --select string says them
    with speaking("zh"):
        chinese = selected(filters)
    assert chinese.startswith("状态=1,4；标签=billing；标签=vip；是否解决=2；创建时间不早于 2000-01-01T00:00:00")
