"""Token endpoints: tenant/app tokens, and the single-use rotating refresh of §4.2."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from batch_updater.feishu.codes import CODES
from batch_updater.sandbox import ManualClock, Sandbox
from tests.support.sandbox_http import get, put

TENANT = "/open-apis/auth/v3/tenant_access_token/internal"
APP = "/open-apis/auth/v3/app_access_token/internal"
REFRESH = "/open-apis/authen/v2/oauth/token"


async def post(session: aiohttp.ClientSession, sb: Sandbox, path: str, body: dict[str, Any],
               form: bool = False) -> tuple[int, dict[str, Any]]:
    async with session.post(sb.base_url + path, **({"data": body} if form else {"json": body})) as resp:
        assert resp.headers["X-Tt-Logid"]
        return resp.status, await resp.json()


def app_credentials(sb: Sandbox) -> dict[str, str]:
    return {"app_id": sb.credentials["FEISHU_APP_ID"], "app_secret": sb.credentials["FEISHU_APP_SECRET"]}


def refresh_body(sb: Sandbox, refresh_token: str | None = None) -> dict[str, str]:
    creds = sb.credentials
    return {"grant_type": "refresh_token", "client_id": creds["FEISHU_APP_ID"],
            "client_secret": creds["FEISHU_APP_SECRET"],
            "refresh_token": refresh_token or creds["FEISHU_REFRESH_TOKEN"]}


async def test_tenant_token_is_reused_until_30_minutes_remain(
        sandbox: Sandbox, session: aiohttp.ClientSession, sandbox_clock: ManualClock) -> None:
    status, body = await post(session, sandbox, TENANT, app_credentials(sandbox))
    assert status == 200 and body["code"] == 0 and body["msg"] == "ok" and body["expire"] == 7200
    token = body["tenant_access_token"]
    assert token.startswith("t-")
    sandbox_clock.advance(5400)
    _, again = await post(session, sandbox, TENANT, app_credentials(sandbox))
    assert (again["tenant_access_token"], again["expire"]) == (token, 1800)
    sandbox_clock.advance(1)
    _, fresh = await post(session, sandbox, TENANT, app_credentials(sandbox))
    assert fresh["tenant_access_token"] != token and fresh["expire"] == 7200
    tid = next(iter(sandbox.tickets))
    assert (await get(session, sandbox, tid, token))[0] == 200  # the old one still works
    sandbox_clock.advance(1800)
    assert (await get(session, sandbox, tid, token))[1]["code"] == 99991663  # now expired


async def test_app_token_endpoint(sandbox: Sandbox, session: aiohttp.ClientSession) -> None:
    status, body = await post(session, sandbox, APP, app_credentials(sandbox))
    assert status == 200 and body["code"] == 0 and body["expire"] == 7200
    assert body["app_access_token"].startswith("t-") and body["tenant_access_token"].startswith("t-")


@pytest.mark.parametrize("path", [TENANT, APP])
async def test_wrong_app_secret(sandbox: Sandbox, session: aiohttp.ClientSession, path: str) -> None:
    status, body = await post(session, sandbox, path, {**app_credentials(sandbox), "app_secret": "nope"})
    assert (status, body["code"], body["msg"]) == (400, 99991543, CODES[99991543].msg)


async def test_refresh_rotates_and_the_old_token_has_a_minute_of_grace(
        sandbox: Sandbox, session: aiohttp.ClientSession, sandbox_clock: ManualClock,
        ticket_id: str) -> None:
    old_access = sandbox.credentials["FEISHU_USER_ACCESS_TOKEN"]
    status, body = await post(session, sandbox, REFRESH, refresh_body(sandbox))
    assert status == 200
    assert set(body) == {"code", "access_token", "expires_in", "refresh_token",
                         "refresh_token_expires_in", "scope", "token_type"}
    assert (body["code"], body["expires_in"], body["refresh_token_expires_in"], body["token_type"]) == (
        0, 7200, 604800, "Bearer")
    assert body["access_token"] != old_access
    new_headers = sandbox.user_headers(body["access_token"])
    assert (await put(session, sandbox, ticket_id, {"status": 2}, new_headers))[0] == 200

    sandbox_clock.advance(59.9)
    assert (await put(session, sandbox, ticket_id, {"status": 2}))[0] == 200  # old token, in grace
    sandbox_clock.advance(0.1)
    status, answer, _ = await put(session, sandbox, ticket_id, {"status": 2})
    assert answer["code"] == 99991668
    assert sandbox.stats()["refreshes"] == 1

    # The new refresh token works once more; the first one is spent.
    assert (await post(session, sandbox, REFRESH, refresh_body(sandbox, body["refresh_token"])))[0] == 200


async def test_a_refresh_token_is_single_use(sandbox: Sandbox, session: aiohttp.ClientSession) -> None:
    assert (await post(session, sandbox, REFRESH, refresh_body(sandbox)))[0] == 200
    status, body = await post(session, sandbox, REFRESH, refresh_body(sandbox))
    assert (status, body) == (400, {"code": 20073, "error": "invalid_grant",
                                    "error_description": CODES[20073].msg})


async def test_form_encoded_refresh_as_lark_cli_sends_it(sandbox: Sandbox,
                                                         session: aiohttp.ClientSession) -> None:
    status, body = await post(session, sandbox, REFRESH, refresh_body(sandbox), form=True)
    assert status == 200 and body["code"] == 0


@pytest.mark.parametrize(("change", "code"), [
    ({"refresh_token": "ur-unknown"}, 20026),
    ({"grant_type": "authorization_code"}, 20036),
    ({"client_secret": "nope"}, 20002),
    ({"refresh_token": ""}, 20001),
])
async def test_refresh_refusals(sandbox: Sandbox, session: aiohttp.ClientSession,
                                change: dict[str, str], code: int) -> None:
    status, body = await post(session, sandbox, REFRESH, {**refresh_body(sandbox), **change})
    assert (status, body["code"], body["error_description"]) == (CODES[code].http_status, code, CODES[code].msg)
    assert "access_token" not in body


async def test_expired_refresh_token(sandbox: Sandbox, session: aiohttp.ClientSession,
                                     sandbox_clock: ManualClock) -> None:
    sandbox_clock.advance(604800)
    status, body = await post(session, sandbox, REFRESH, refresh_body(sandbox))
    assert (status, body["code"]) == (400, 20037)


async def test_injected_refresh_failure_then_success(sandbox: Sandbox,
                                                     session: aiohttp.ClientSession) -> None:
    sandbox.fail_next_refreshes(20050)
    status, body = await post(session, sandbox, REFRESH, refresh_body(sandbox))
    assert (status, body["code"], body["error"]) == (500, 20050, "server_error")
    # The failed call did not spend the refresh token: the retry succeeds.
    assert (await post(session, sandbox, REFRESH, refresh_body(sandbox)))[1]["code"] == 0
