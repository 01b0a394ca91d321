"""The console names the run's options by its own controls, in the page's language (issue 19): the
library says which option, the page says which control; nothing rewrites a message's text."""

from __future__ import annotations

from batch_updater.console.controls import PageWords, in_words, language_of
from batch_updater.feishu.classify import classify
from batch_updater.feishu.client import Answer, Transport
from batch_updater.naming import advice, naming, option
from tests.console.test_web import IDS, follow, login, make_client, secret_env  # noqa: F401 - a fixture
from tests.support.sheets import csv_bytes

BIG5 = "ticket_id,comment\r\n7100000000000000001,客戶反饋登錄失敗，已重置密碼並通知用戶\r\n".encode("big5")


async def upload(client, name, data, lang=None):
    import aiohttp

    body = aiohttp.FormData(quote_fields=False)
    body.add_field("file", data, filename=name)
    return await client.post("/api/uploads", data=body, headers={"Accept-Language": lang} if lang else None)


async def test_an_unclear_encoding_names_the_page_s_list_in_the_page_s_language(make_client):  # noqa: F811
    client, _ = await make_client()
    await login(client)
    english = await (await upload(client, "big5.csv", BIG5, "en-GB,en;q=0.9")).json()
    assert "cannot tell the file's encoding" in english["problem"]
    assert "choose its encoding in the list above (e.g. utf-8, gb18030, cp1252, big5)" in english["problem"]
    chinese = await (await upload(client, "big5.csv", BIG5, "zh")).json()
    assert "请在上方列表中选择它的编码" in chinese["problem"]
    for problem in (english["problem"], chinese["problem"]):
        assert "--" not in problem and "encoding=" not in problem


async def test_a_plan_s_thread_speaks_the_words_of_the_page_that_started_it(make_client):  # noqa: F811
    env = {k: v for k, v in secret_env().items() if k not in ("FEISHU_APP_ID", "FEISHU_APP_SECRET")}
    client, _ = await make_client(env=env)
    await login(client)
    u = await (await upload(client, "in.csv", csv_bytes([["ticket_id", "status"], [IDS[0], "2"]]))).json()
    started = await (await client.post(f"/api/uploads/{u['id']}/plan", json={}, headers={"Accept-Language": "zh"}))\
        .json()
    done = await follow(client, started["id"], lambda s: False)
    assert done["state"] == "refused" and "读取工单需要租户访问令牌" in done["message"]  # the page's language
    assert done["message"].endswith("或用 `batch-updater serve --sandbox` 试一试")  # not the library's `sandbox`


def test_the_page_names_its_controls_and_sends_the_rest_to_the_command_line():
    english, chinese = PageWords("en"), PageWords("zh")
    assert english("rate") == "the speed box" and chinese("rate") == "速度框"
    assert english("retry_comments") == "the option to retry comments"
    assert english("fresh") == "the command line's --fresh" and chinese("fresh") == "命令行的 --fresh"
    assert english.advice("encoding", "utf-16-le") == "choose utf-16-le in the encoding list above"
    assert english.advice("header_row", 3) == "run it from the command line with --header-row 3"
    assert PageWords("fr").lang == "en"
    assert [language_of(h) for h in (None, "", "zh", "zh-CN,zh;q=0.9", "en-US", "fr,zh;q=0.5")] == [
        "en", "en", "zh", "zh", "en", "en"]


def test_a_row_s_message_speaks_the_front_end_s_words():
    """A row's msg is written while the run goes: the words of the front end that ran it, as its report keeps them."""
    def note() -> str:
        return classify(Answer(transport=Transport.DISCONNECTED), has_comment=True).note

    with naming(PageWords("en")):
        assert note().endswith("rerun with the option to retry comments to accept that risk")
    assert note().endswith("rerun with retry_comments to accept that risk")  # a library call's


def test_a_thread_the_console_starts_carries_its_words():
    import threading

    said: list[str] = []
    with naming(PageWords("zh")):
        work = in_words(lambda: said.append(advice("encoding")))
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert said == ["请在上方列表中选择它的编码"] and option("encoding") == "encoding"
