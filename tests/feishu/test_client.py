import base64
import json
from types import SimpleNamespace

import aiohttp
import pytest
from aioresponses import aioresponses
from multidict import CIMultiDict

from batch_updater.errors import UsageError
from batch_updater.feishu.client import Answer, HelpdeskClient, Transport, encode_body, parse_answer
from batch_updater.feishu.credentials import Credentials, check_base_url
from tests.support.fakehttp import stub

BASE = "http://127.0.0.1:9"
URL = f"{BASE}/open-apis/helpdesk/v1/tickets/6945345902185807891"
CREDS = Credentials("u-secret-token", "hd-1", "hd-secret")


def headers(**kw):
    return CIMultiDict({k.replace("_", "-"): v for k, v in kw.items()})


@pytest.mark.parametrize("name", ["X-Tt-Logid", "x-tt-logid", "X-TT-LOGID"])
def test_log_id_header_in_any_case(name):
    answer = parse_answer(200, CIMultiDict({name: "log-1"}), '{"code":0,"msg":"success","data":{}}')
    assert answer == Answer(200, 0, "success", "log-1", data={})


def test_throttle_headers_and_error_object():
    body = {"code": 99991672, "msg": "Access denied.", "error": {
        "log_id": "L2", "troubleshooter": "Troubleshooting suggestions: https://example.invalid/t",
        "permission_violations": [{"type": "action_scope_required", "subject": "helpdesk:all"}]}}
    answer = parse_answer(400, headers(x_ogw_ratelimit_reset="7"), json.dumps(body))
    assert (answer.code, answer.log_id, answer.reset_after, answer.scopes) == (99991672, "L2", 7.0, ("helpdesk:all",))
    assert answer.describe() == "Access denied. (https://example.invalid/t)"


def test_retry_after_is_the_fallback_for_the_reset():
    assert parse_answer(429, headers(Retry_After="3"), '{"code":99991400,"msg":"x"}').reset_after == 3.0
    assert parse_answer(429, headers(Retry_After="soon"), '{"code":99991400,"msg":"x"}').reset_after is None


@pytest.mark.parametrize("text", ["<html><body>502 Bad Gateway</body></html>", "", "[1, 2]", '{"msg": "no code"}'])
def test_non_api_answers_are_transport_failures(text):
    answer = parse_answer(502, headers(Content_Type="text/html"), text)
    assert answer.transport is Transport.BAD_ANSWER and answer.code is None
    assert answer.msg.startswith("HTTP 502 with a non-API answer (text/html)")


async def send(**stub_args):
    async with aiohttp.ClientSession() as session:
        client = HelpdeskClient(session, BASE, CREDS, timeout=5)
        with aioresponses() as m:
            stub(m, "PUT", URL, **stub_args)
            answer = await client.update("6945345902185807891", {"status": 51, "comment": "已关闭"})
            return answer, m.requests


async def test_the_request_is_what_the_doc_says():
    answer, requests = await send(status=200, payload={"code": 0, "msg": "success", "data": {}},
                                  headers={"X-Tt-Logid": "abc"})
    assert (answer.http_status, answer.code, answer.log_id) == (200, 0, "abc")
    ((method, url), calls), = requests.items()
    sent = calls[0].kwargs
    assert method == "PUT" and str(url) == URL
    assert sent["headers"]["Authorization"] == "Bearer u-secret-token"
    assert sent["headers"]["X-Lark-Helpdesk-Authorization"] == base64.b64encode(b"hd-1:hd-secret").decode()
    assert sent["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(sent["data"]) == {"status": 51, "comment": "已关闭"}
    assert sent["allow_redirects"] is False


def test_a_body_is_encoded_compact_in_utf8():
    assert encode_body({"comment": "已关闭 \"ok\"", "tag_names": ["a", "b"]}) == \
        '{"comment":"已关闭 \\"ok\\"","tag_names":["a","b"]}'.encode()


async def test_a_body_encoded_once_is_sent_as_it_is():
    async with aiohttp.ClientSession() as session:
        client = HelpdeskClient(session, BASE, CREDS, timeout=5)
        with aioresponses() as m:
            stub(m, "PUT", URL, status=200, payload={"code": 0, "msg": "success"})
            await client.update("6945345902185807891", b'{"status":51}')
            ((_, calls),) = m.requests.items()
    assert calls[0].kwargs["data"] == b'{"status":51}'


async def test_headers_are_built_once_per_token():
    async with aiohttp.ClientSession() as session:
        client = HelpdeskClient(session, BASE, CREDS)
        first = client._headers("u-one")
        assert client._headers("u-one") is first
        assert client._headers("u-two")["Authorization"] == "Bearer u-two" and first["Authorization"] == "Bearer u-one"


@pytest.mark.parametrize("raw, content_type", [
    ('{"code":0,"msg":"成功"}'.encode(), "application/json"),
    ('{"code":0,"msg":"成功"}'.encode("gbk"), "application/json; charset=GBK"),  # a gateway's own charset
])
def test_an_answer_read_as_bytes_is_decoded_as_it_says(raw, content_type):
    answer = parse_answer(200, headers(Content_Type=content_type), raw)
    assert (answer.code, answer.msg) == (0, "成功")


def test_a_non_api_answer_in_bytes_keeps_a_readable_snippet():
    answer = parse_answer(502, headers(Content_Type="text/html; charset=gbk"), "<p>网关错误</p>".encode("gbk"))
    assert answer.transport is Transport.BAD_ANSWER and answer.msg.endswith("<p>网关错误</p>")


@pytest.mark.parametrize("error, kind", [
    (aiohttp.ClientConnectorError(SimpleNamespace(ssl=True, host="127.0.0.1", port=9), OSError(111, "refused")),
     Transport.NOT_CONNECTED),
    (aiohttp.ConnectionTimeoutError(), Transport.NOT_CONNECTED),
    (TimeoutError(), Transport.TIMEOUT),
    (aiohttp.ServerDisconnectedError(), Transport.DISCONNECTED),
    (aiohttp.ClientOSError(104, "reset"), Transport.DISCONNECTED),
    (aiohttp.ClientPayloadError("cut"), Transport.DISCONNECTED),
])
async def test_aiohttp_errors_become_transport_answers(error, kind):
    answer, _ = await send(exception=error)
    assert answer.transport is kind and answer.http_status is None and answer.msg


async def test_aiohttps_hidden_resend_is_switched_off():
    async with aiohttp.ClientSession() as session:
        HelpdeskClient(session, BASE, CREDS)
        assert session._retry_connection is False


async def test_aiohttp_still_has_the_switch_the_client_turns_off():
    """client.py turns off aiohttp's silent resend of a PUT through a private attribute (no public
    switch). Were it renamed, setting it would change nothing and a comment could be posted twice:
    this fails first. aiohttp's default is on, and the session declares the attribute."""
    async with aiohttp.ClientSession() as session:
        assert session._retry_connection is True, "aiohttp renamed ClientSession._retry_connection: see client.py"
    assert "_retry_connection" in aiohttp.ClientSession.ATTRS


def test_no_secret_in_reprs():
    assert "secret" not in repr(CREDS)


@pytest.mark.parametrize("url, expected", [
    ("https://open.example.com/", "https://open.example.com"),
    ("http://127.0.0.1:8787", "http://127.0.0.1:8787"),
    ("http://localhost:1", "http://localhost:1"),
    ("http://[::1]:8787", "http://[::1]:8787"),
])
def test_base_urls(url, expected):
    assert check_base_url(url) == expected


@pytest.mark.parametrize("url, message", [
    ("http://10.0.0.1:8080", "plain http is refused"),
    ("ftp://x", "expected https://host"),
    ("https://host/open-apis", "origin only"),
    ("open.feishu", "expected https://host"),
])
def test_bad_base_urls(url, message):
    with pytest.raises(UsageError, match=message):
        check_base_url(url)


@pytest.mark.usefixtures("cli_words")
def test_missing_credentials_name_the_variables_and_suggest_the_sandbox():
    with pytest.raises(UsageError) as e:
        Credentials.from_env({"FEISHU_HELPDESK_ID": "x"})
    assert "FEISHU_USER_ACCESS_TOKEN, FEISHU_HELPDESK_TOKEN" in str(e.value) and "--sandbox" in str(e.value)


def test_only_feishu_catches_aiohttp_s_errors():
    """aiohttp's errors are translated in feishu/ (client.py into Answer values, tokens.py into a
    token's refusal or a failure's words), never caught further up (README: For developers).
    The sandbox and the console are aiohttp servers of their own."""
    import re
    from pathlib import Path

    import batch_updater

    package = Path(batch_updater.__file__).parent
    catching = re.compile(r"except\b[^:]*aiohttp|aiohttp\.\w*(Error|Disconnected)")
    found = [str(path.relative_to(package)) for path in package.rglob("*.py")
             if not str(path.relative_to(package)).startswith(("feishu/", "sandbox/", "console/"))
             and catching.search(path.read_text())]
    assert found == []
