"""`PUT /open-apis/helpdesk/v1/tickets/:id`: every answer, its HTTP status, code and msg."""

from __future__ import annotations

import base64
from typing import Any

import aiohttp
import pytest

from batch_updater.feishu.codes import CODES
from batch_updater.sandbox import ManualClock, Sandbox, SandboxConfig
from tests.support.sandbox_http import put


def assert_answer(status: int, body: dict[str, Any], code: int) -> None:
    assert (status, body["code"], body["msg"]) == (CODES[code].http_status, code, CODES[code].msg)


async def test_success_applies_fields_comment_and_history(
        sandbox: Sandbox, session: aiohttp.ClientSession, ticket_id: str) -> None:
    update = {"status": 51, "solved": 2, "tag_names": ["bulk", "vip"], "comment": "done",
              "customized_fields": [{"id": "777", "value": "x", "key_name": "k"}],
              "ticket_type": 1, "channel": 9}
    status, body, resp = await put(session, sandbox, ticket_id, update)
    assert (status, body) == (200, {"code": 0, "msg": "success", "data": {}})
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    ticket = sandbox.tickets[ticket_id]
    assert (ticket.status, ticket.solve, ticket.tags, ticket.ticket_type, ticket.channel) == (
        51, 2, ["bulk", "vip"], 1, 9)
    assert ticket.customized_fields["777"] == {"key_name": "k", "value": "x"}
    assert ticket.closed_at > 0 and ticket.updated_at > 0
    [comment] = ticket.comments
    assert comment.content == "done" and comment.created_at > 0 and comment.id == 1
    assert comment.user.name
    [update_record] = ticket.history
    assert update_record.body == update and update_record.log_id == resp.headers["X-Tt-Logid"]

    await put(session, sandbox, ticket_id, {"comment": "again"})
    assert [c.content for c in ticket.comments] == ["done", "again"]
    assert len(ticket.history) == 2


@pytest.mark.parametrize(("authorization", "code"), [
    (None, 99991661),
    ("", 99991661),
    ("Bearer ", 99991661),
    ("u-unknown-but-no-prefix", 99991661),
    ("bearer u-lowercase-prefix", 99991661),
    ("Bearer u-0000000000000000000000000000", 99991668),
    ("Bearer TENANT", 99991663),  # a tenant token on the user-only API
])
async def test_user_token_refusals(sandbox: Sandbox, session: aiohttp.ClientSession, ticket_id: str,
                                   authorization: str | None, code: int) -> None:
    headers = {"X-Lark-Helpdesk-Authorization": sandbox.helpdesk_header}
    if authorization is not None:
        headers["Authorization"] = authorization.replace("TENANT", sandbox.tenant_token())
    status, body, resp = await put(session, sandbox, ticket_id, {"status": 2}, headers)
    assert_answer(status, body, code)
    assert body["error"]["log_id"] == resp.headers["X-Tt-Logid"]
    assert "troubleshooter" in body["error"]
    assert sandbox.tickets[ticket_id].history == []


async def test_expired_user_token(sandbox: Sandbox, session: aiohttp.ClientSession, ticket_id: str,
                                  sandbox_clock: ManualClock) -> None:
    sandbox_clock.advance(7199.9)
    assert (await put(session, sandbox, ticket_id, {"status": 2}))[0] == 200
    sandbox_clock.advance(0.1)
    status, body, _ = await put(session, sandbox, ticket_id, {"status": 3})
    assert_answer(status, body, 99991677)


async def test_user_token_expires_after_n_requests(make_sandbox: Any,
                                                   session: aiohttp.ClientSession) -> None:
    sb = await make_sandbox(user_token_max_requests=2, rates=[(100, 1.0)])
    tid = next(iter(sb.tickets))
    assert [(await put(session, sb, tid, {"status": 2}))[0] for _ in range(2)] == [200, 200]
    status, body, _ = await put(session, sb, tid, {"status": 2})
    assert_answer(status, body, 99991677)


async def test_scope_missing_carries_the_error_object(
        sandbox: Sandbox, session: aiohttp.ClientSession, ticket_id: str) -> None:
    sandbox.set_faults(scope_missing=True)
    status, body, resp = await put(session, sandbox, ticket_id, {"status": 2})
    assert_answer(status, body, 99991672)
    error = body["error"]
    assert error["log_id"] == resp.headers["X-Tt-Logid"]
    assert resp.headers["X-Tt-Logid"] in error["troubleshooter"]
    assert error["permission_violations"] == [{"type": "action_scope_required", "subject": "helpdesk:all"}]


async def test_monthly_quota(sandbox: Sandbox, session: aiohttp.ClientSession, ticket_id: str) -> None:
    sandbox.set_faults(monthly_quota=1)
    assert (await put(session, sandbox, ticket_id, {"status": 2}))[0] == 200
    status, body, _ = await put(session, sandbox, ticket_id, {"status": 3})
    assert_answer(status, body, 99991403)
    assert sandbox.tickets[ticket_id].status == 2


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("helpdesk", [
    None, "", "Bearer RIGHT", "ID:TOKEN", "WRONG_TOKEN", "RIGHTx",
])
async def test_wrong_helpdesk_header(sandbox: Sandbox, session: aiohttp.ClientSession, ticket_id: str,
                                     helpdesk: str | None) -> None:
    creds = sandbox.credentials
    headers = {"Authorization": f"Bearer {creds['FEISHU_USER_ACCESS_TOKEN']}"}
    if helpdesk is not None:
        headers["X-Lark-Helpdesk-Authorization"] = (
            helpdesk.replace("RIGHT", sandbox.helpdesk_header)
            .replace("ID:TOKEN", f"{creds['FEISHU_HELPDESK_ID']}:{creds['FEISHU_HELPDESK_TOKEN']}")
            .replace("WRONG_TOKEN", b64(f"{creds['FEISHU_HELPDESK_ID']}:nope")))
    status, body, _ = await put(session, sandbox, ticket_id, {"status": 2}, headers)
    assert_answer(status, body, 154001)
    assert (status, "error" in body) == (401, False)


async def test_helpdesk_header_is_base64_of_id_colon_token(sandbox: Sandbox) -> None:
    creds = sandbox.credentials
    assert sandbox.helpdesk_header == b64(f"{creds['FEISHU_HELPDESK_ID']}:{creds['FEISHU_HELPDESK_TOKEN']}")


@pytest.mark.parametrize("body", [{}, {"status": 52}, {"solved": 3}, {"status": None}, {"nope": 1}, [1]])
async def test_bad_body(sandbox: Sandbox, session: aiohttp.ClientSession, ticket_id: str, body: Any) -> None:
    status, answer, _ = await put(session, sandbox, ticket_id, body)
    assert_answer(status, answer, 154000)
    assert sandbox.tickets[ticket_id].history == []


async def test_body_that_is_not_json(sandbox: Sandbox, session: aiohttp.ClientSession, ticket_id: str) -> None:
    for data, content_type in [(b'{"status": 2', "application/json"), (b'{"status": 2}', "text/plain")]:
        headers = {**sandbox.user_headers(), "Content-Type": content_type}
        async with session.put(sandbox.ticket_url(ticket_id), data=data, headers=headers) as resp:
            assert_answer(resp.status, await resp.json(), 154000)


async def test_unknown_ticket(sandbox: Sandbox, session: aiohttp.ClientSession) -> None:
    status, body, _ = await put(session, sandbox, "6945345902185807891", {"status": 2})
    assert_answer(status, body, 154004)


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(ticket_ids=["1", "2"], forbidden=frozenset({"2"}))],
                         indirect=True)
async def test_given_ids_and_forbidden_ticket(sandbox: Sandbox, session: aiohttp.ClientSession) -> None:
    assert list(sandbox.tickets) == ["1", "2"]
    assert (await put(session, sandbox, "1", {"status": 2}))[0] == 200
    status, body, _ = await put(session, sandbox, "2", {"status": 2})
    assert_answer(status, body, 154003)
    assert sandbox.tickets["2"].history == []


async def test_injected_internal_error_is_not_applied(
        sandbox: Sandbox, session: aiohttp.ClientSession, ticket_id: str) -> None:
    sandbox.set_faults(error_rate=1.0)
    status, body, _ = await put(session, sandbox, ticket_id, {"comment": "x"})
    assert_answer(status, body, 155000)
    assert sandbox.tickets[ticket_id].comments == []


async def test_every_answer_has_a_unique_log_id(sandbox: Sandbox, session: aiohttp.ClientSession,
                                               ticket_id: str) -> None:
    sandbox.set_rates([(3, 1.0)])
    log_ids = []
    for body, headers in [({"status": 2}, None), ({}, None), ({"status": 2}, {}), ({"status": 2}, None)]:
        _, _, resp = await put(session, sandbox, ticket_id, body, headers)
        log_ids.append(resp.headers["X-Tt-Logid"])
    assert resp.status == 429
    async with session.get(f"{sandbox.base_url}/open-apis/nowhere") as resp:
        assert resp.status == 404
        log_ids.append(resp.headers["X-Tt-Logid"])
    assert len(set(log_ids)) == len(log_ids) == 5


async def test_ids_are_19_digits_and_seeded(make_sandbox: Any) -> None:
    a, b, c = [await make_sandbox(seed=s) for s in (7, 7, 8)]
    assert list(a.tickets) == list(b.tickets) != list(c.tickets)
    assert all(len(t) == 19 and t.isdigit() for t in a.tickets)
    assert a.credentials["FEISHU_USER_ACCESS_TOKEN"] == b.credentials["FEISHU_USER_ACCESS_TOKEN"]
