"""UserTokens and TokenFile against the sandbox's single-use rotating refresh tokens (ManualClock,
no sleeping), and odd answers through aioresponses."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import stat
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses
from yarl import URL

from batch_updater.errors import CredentialsRefused, UsageError
from batch_updater.feishu.tokens import REFRESH_PATH, TokenFile, UserTokens, fingerprint
from batch_updater.sandbox import ManualClock, Sandbox
from tests.support.fakehttp import stub

BASE = "https://open.feishu.example"


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


@pytest.fixture
def env(sandbox: Sandbox, tmp_path: Path) -> dict[str, str]:
    return {**sandbox.credentials, "BATCH_UPDATER_STATE_DIR": str(tmp_path / "state")}


@pytest.fixture
def sleeps() -> list[float]:
    return []


def make(env: dict[str, str], session: aiohttp.ClientSession, clock: Any, sleeps: list[float],
         base_url: str | None = None) -> UserTokens:
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    tokens = UserTokens.from_env(env, session, base_url or env["FEISHU_BASE_URL"], clock=clock, sleep=sleep)
    assert tokens is not None
    return tokens


def saved(env: dict[str, str]) -> dict[str, Any]:
    path = Path(env["BATCH_UPDATER_STATE_DIR"]) / "tokens" / f"{env['FEISHU_APP_ID']}.json"
    return json.loads(path.read_text())


async def put_status(session: aiohttp.ClientSession, sb: Sandbox, token: str) -> int:
    async with session.put(sb.ticket_url(next(iter(sb.tickets))), json={"status": 2},
                           headers=sb.user_headers(token)) as resp:
        return int((await resp.json())["code"])


def test_from_env_needs_all_three_variables(sandbox: Sandbox, env: dict[str, str]) -> None:
    for name in ("FEISHU_APP_ID", "FEISHU_APP_SECRET", "FEISHU_REFRESH_TOKEN"):
        assert UserTokens.from_env({**env, name: ""}, None, BASE) is None  # type: ignore[arg-type]


def test_token_file_location(tmp_path: Path) -> None:
    home = {"XDG_STATE_HOME": str(tmp_path / "xdg")}
    assert TokenFile.for_app("cli_a", home).path == tmp_path / "xdg/batch-updater/tokens/cli_a.json"
    assert TokenFile.for_app("cli_a", {**home, "BATCH_UPDATER_STATE_DIR": "/s"}).path == Path("/s/tokens/cli_a.json")
    assert TokenFile.for_app("../x", {"BATCH_UPDATER_STATE_DIR": "/s"}).path == Path("/s/tokens/.._x.json")
    assert TokenFile.for_app("cli_a", {**home, "FEISHU_TOKEN_FILE": "/t/tok.json"}).path == Path("/t/tok.json")


async def test_rejected_token_is_refreshed_and_saved_before_use(
        sandbox: Sandbox, env: dict[str, str], session: aiohttp.ClientSession, sandbox_clock: ManualClock,
        sleeps: list[float]) -> None:
    tokens = make(env, session, sandbox_clock, sleeps)
    first = await tokens.current()
    assert first == env["FEISHU_USER_ACCESS_TOKEN"] and tokens.source == "env"
    new = await tokens.refresh(first)
    assert new != first and await tokens.current() == new
    assert await put_status(session, sandbox, new) == 0
    record = saved(env)
    assert (record["access_token"], record["app_id"]) == (new, env["FEISHU_APP_ID"])
    assert record["seed"] == fingerprint(env["FEISHU_REFRESH_TOKEN"])
    assert record["expires_at"] == sandbox_clock.now + 7200
    assert record["refresh_expires_at"] == sandbox_clock.now + 604800
    path = Path(env["BATCH_UPDATER_STATE_DIR"]) / "tokens" / f"{env['FEISHU_APP_ID']}.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not list(path.parent.glob("*.tmp"))
    # A worker whose request used the old token gets the new one, without a second refresh.
    assert await tokens.refresh(first) == new
    assert sandbox.stats()["refreshes"] == 1 and sleeps == []


async def test_refresh_ahead_of_expiry(
        sandbox: Sandbox, env: dict[str, str], session: aiohttp.ClientSession, sandbox_clock: ManualClock,
        sleeps: list[float]) -> None:
    tokens = make(env, session, sandbox_clock, sleeps)
    second = await tokens.refresh(env["FEISHU_USER_ACCESS_TOKEN"])
    sandbox_clock.advance(7200 - 300 - 1)
    assert await tokens.current() == second
    sandbox_clock.advance(1)  # 5 minutes before expiry
    third = await tokens.current()
    assert third != second and sandbox.stats()["refreshes"] == 2
    assert tokens.expires_at == sandbox_clock.now + 7200
    assert await put_status(session, sandbox, third) == 0


async def test_no_access_token_in_env_refreshes_first(
        sandbox: Sandbox, env: dict[str, str], session: aiohttp.ClientSession, sandbox_clock: ManualClock,
        sleeps: list[float]) -> None:
    tokens = make({**env, "FEISHU_USER_ACCESS_TOKEN": ""}, session, sandbox_clock, sleeps)
    assert await put_status(session, sandbox, await tokens.current()) == 0
    assert sandbox.stats()["refreshes"] == 1


@pytest.mark.parametrize("how", ["rejected", "expiring"])
async def test_fifty_workers_share_one_refresh(
        sandbox: Sandbox, env: dict[str, str], session: aiohttp.ClientSession, sandbox_clock: ManualClock,
        sleeps: list[float], how: str) -> None:
    tokens = make(env, session, sandbox_clock, sleeps)
    old = env["FEISHU_USER_ACCESS_TOKEN"]
    if how == "expiring":
        old = await tokens.refresh(old)
        sandbox_clock.advance(7000)
        got = await asyncio.gather(*(tokens.current() for _ in range(50)))
    else:
        got = await asyncio.gather(*(tokens.refresh(old) for _ in range(50)))
    assert len(set(got)) == 1 and got[0] != old
    assert sandbox.stats()["refreshes"] == (2 if how == "expiring" else 1)


async def test_next_run_starts_from_the_file(
        sandbox: Sandbox, env: dict[str, str], session: aiohttp.ClientSession, sandbox_clock: ManualClock,
        sleeps: list[float]) -> None:
    first = make(env, session, sandbox_clock, sleeps)
    new = await first.refresh(env["FEISHU_USER_ACCESS_TOKEN"])
    again = make(env, session, sandbox_clock, sleeps)  # the env still holds the spent refresh token
    assert again.source == "file" and await again.current() == new
    newer = await again.refresh(new)  # the file's refresh token works; the env's would be 20073
    assert newer != new and saved(env)["access_token"] == newer
    assert sandbox.stats()["refreshes"] == 2


async def test_a_new_authorization_in_the_env_wins_over_the_file(
        sandbox: Sandbox, env: dict[str, str], session: aiohttp.ClientSession, sandbox_clock: ManualClock,
        sleeps: list[float]) -> None:
    await make(env, session, sandbox_clock, sleeps).refresh(env["FEISHU_USER_ACCESS_TOKEN"])
    access, refresh = sandbox.core.tokens._issue_pair()  # the user authorized again
    reauthorized = {**env, "FEISHU_USER_ACCESS_TOKEN": access, "FEISHU_REFRESH_TOKEN": refresh}
    tokens = make(reauthorized, session, sandbox_clock, sleeps)
    assert tokens.source == "env" and await tokens.current() == access
    await tokens.refresh(access)
    assert saved(env)["seed"] == fingerprint(refresh)


async def test_another_process_refreshed_meanwhile(
        sandbox: Sandbox, env: dict[str, str], session: aiohttp.ClientSession, sandbox_clock: ManualClock,
        sleeps: list[float]) -> None:
    ours, theirs = make(env, session, sandbox_clock, sleeps), make(env, session, sandbox_clock, sleeps)
    old = env["FEISHU_USER_ACCESS_TOKEN"]
    new = await theirs.refresh(old)
    assert await ours.refresh(old) == new  # taken from the file, the spent refresh token not sent
    assert sandbox.stats()["refreshes"] == 1


async def test_a_spent_refresh_token_stops_with_exit_3(
        sandbox: Sandbox, env: dict[str, str], session: aiohttp.ClientSession, sandbox_clock: ManualClock,
        sleeps: list[float]) -> None:
    await make(env, session, sandbox_clock, sleeps).refresh(env["FEISHU_USER_ACCESS_TOKEN"])
    saved_path = TokenFile.for_app(env["FEISHU_APP_ID"], env).path
    saved_path.unlink()  # the file was lost: the env's refresh token is spent
    tokens = make(env, session, sandbox_clock, sleeps)
    with pytest.raises(CredentialsRefused) as caught:
        await tokens.refresh(env["FEISHU_USER_ACCESS_TOKEN"])
    message = str(caught.value)
    assert caught.value.exit_code == 3
    assert "20073" in message and "authorize the app again" in message and "offline_access" in message
    assert "FEISHU_REFRESH_TOKEN" in message and str(saved_path) in message
    # Every other worker is stopped too, without another refresh call.
    assert sandbox.stats()["by_code"]["20073"] == 1
    with pytest.raises(CredentialsRefused, match="20073"):
        await tokens.refresh(env["FEISHU_USER_ACCESS_TOKEN"])
    assert sandbox.stats()["by_code"]["20073"] == 1


async def test_20050_is_retried_once(
        sandbox: Sandbox, env: dict[str, str], session: aiohttp.ClientSession, sandbox_clock: ManualClock,
        sleeps: list[float]) -> None:
    sandbox.core.fail_next_refreshes(20050)
    tokens = make(env, session, sandbox_clock, sleeps)
    new = await tokens.refresh(env["FEISHU_USER_ACCESS_TOKEN"])
    assert await put_status(session, sandbox, new) == 0 and sleeps == [1.0]


async def test_20050_twice_stops(
        sandbox: Sandbox, env: dict[str, str], session: aiohttp.ClientSession, sandbox_clock: ManualClock,
        sleeps: list[float]) -> None:
    sandbox.core.fail_next_refreshes(20050, 20072)
    tokens = make(env, session, sandbox_clock, sleeps)
    with pytest.raises(CredentialsRefused, match="after one retry.*20072") as caught:
        await tokens.refresh(env["FEISHU_USER_ACCESS_TOKEN"])
    assert caught.value.exit_code == 3 and sleeps == [1.0]
    assert await tokens.current() == env["FEISHU_USER_ACCESS_TOKEN"]  # no new pair was handed out


async def test_a_failed_save_leaves_the_old_file_and_hands_out_nothing(
        sandbox: Sandbox, env: dict[str, str], session: aiohttp.ClientSession, sandbox_clock: ManualClock,
        sleeps: list[float], monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = make(env, session, sandbox_clock, sleeps)
    first = await tokens.refresh(env["FEISHU_USER_ACCESS_TOKEN"])
    path = TokenFile.for_app(env["FEISHU_APP_ID"], env).path
    before = path.read_bytes()

    def disk_full(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(UsageError, match="cannot write the token file.*No space left") as caught:
        await tokens.refresh(first)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == before and sorted(p.name for p in path.parent.iterdir()) == sorted(
        [path.name, path.name + ".lock"])
    assert await tokens.current() == first


async def test_request_shape_and_missing_lifetimes(session: aiohttp.ClientSession, tmp_path: Path) -> None:
    env = {"FEISHU_APP_ID": "cli_x", "FEISHU_APP_SECRET": "s3cr3t-app", "FEISHU_REFRESH_TOKEN": "ur-old-token",
           "FEISHU_USER_ACCESS_TOKEN": "u-old-token", "FEISHU_TOKEN_FILE": str(tmp_path / "t" / "tok.json")}
    tokens = make(env, session, lambda: 5000.0, [], BASE)
    with aioresponses() as m:
        stub(m, "POST", BASE + REFRESH_PATH, payload={"code": 0, "access_token": "u-new", "refresh_token": "ur-new"})
        assert await tokens.refresh("u-old-token") == "u-new"
        (call,) = m.requests[("POST", URL(BASE + REFRESH_PATH))]
    headers = call.kwargs["headers"]
    assert headers == {"Content-Type": "application/json; charset=utf-8"}
    assert json.loads(call.kwargs["data"]) == {"grant_type": "refresh_token", "client_id": "cli_x",
                                               "client_secret": "s3cr3t-app", "refresh_token": "ur-old-token"}
    record = json.loads((tmp_path / "t" / "tok.json").read_text())
    assert (record["expires_at"], record["refresh_expires_at"]) == (5000 + 7200, 5000 + 604800)


SECRETS = ("s3cr3t-app", "ur-old-token", "u-old-token")


@pytest.mark.parametrize("answer, expected", [
    ({"status": 502, "body": "<html>bad gateway ur-old-token</html>", "content_type": "text/html"},
     "HTTP 502 with a non-API answer (text/html)"),
    ({"status": 400, "payload": {"code": 20002, "error": "invalid_client",
                                 "error_description": "The client secret s3cr3t-app is invalid."}},
     "code 20002: The client secret *** is invalid."),
    ({"exception": aiohttp.ClientConnectorError(
        aiohttp.client_reqrep.ConnectionKey("h", 443, True, True, None, None, None), OSError(111, "refused"))},
     f"could not be refreshed: cannot reach {BASE}: connection refused"),  # as `run` says it, not a class name
    ({"exception": TimeoutError()}, f"could not be refreshed: no answer from {BASE}: no answer within"),
])
async def test_odd_answers_stop_without_leaking_secrets(
        session: aiohttp.ClientSession, tmp_path: Path, caplog: pytest.LogCaptureFixture,
        answer: dict[str, Any], expected: str) -> None:
    caplog.set_level(logging.DEBUG, logger="batch_updater")
    env = {"FEISHU_APP_ID": "cli_x", "FEISHU_APP_SECRET": SECRETS[0], "FEISHU_REFRESH_TOKEN": SECRETS[1],
           "FEISHU_USER_ACCESS_TOKEN": SECRETS[2], "FEISHU_TOKEN_FILE": str(tmp_path / "tok.json")}
    tokens = make(env, session, lambda: 0.0, [], BASE)
    with aioresponses() as m:
        stub(m, "POST", BASE + REFRESH_PATH, **answer)
        with pytest.raises(CredentialsRefused) as caught:
            await tokens.refresh(SECRETS[2])
    assert expected in str(caught.value)
    shown = [str(caught.value), repr(caught.value), repr(tokens), caplog.text,
             *(repr(vars(r)) for r in caplog.records)]
    assert not [s for s in SECRETS if any(s in text for text in shown)]


async def test_no_secret_in_logs_or_reprs(
        sandbox: Sandbox, env: dict[str, str], session: aiohttp.ClientSession, sandbox_clock: ManualClock,
        sleeps: list[float], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="batch_updater")
    sandbox.core.fail_next_refreshes(20050)
    tokens = make(env, session, sandbox_clock, sleeps)
    new = await tokens.refresh(env["FEISHU_USER_ACCESS_TOKEN"])
    secrets = [env[k] for k in ("FEISHU_APP_SECRET", "FEISHU_REFRESH_TOKEN", "FEISHU_USER_ACCESS_TOKEN")]
    secrets += [new, saved(env)["refresh_token"]]
    events = [getattr(r, "event", None) for r in caplog.records]
    assert events == ["token_source", "token_refresh_retry", "token_refreshed"]
    shown = [repr(tokens), repr(tokens._pair), repr(tokens.token_file), caplog.text,
             *(repr(vars(r)) for r in caplog.records)]
    assert not [s for s in secrets if any(s in text for text in shown)]


async def test_an_unreadable_file_is_ignored(
        sandbox: Sandbox, env: dict[str, str], session: aiohttp.ClientSession, sandbox_clock: ManualClock,
        sleeps: list[float], caplog: pytest.LogCaptureFixture) -> None:
    path = TokenFile.for_app(env["FEISHU_APP_ID"], env).path
    path.parent.mkdir(parents=True)
    path.write_text('{"app_id": "cli_')  # cut short by hand: our own writes are atomic
    tokens = make(env, session, sandbox_clock, sleeps)
    assert tokens.source == "env" and "token_file_unreadable" in [getattr(r, "event", "") for r in caplog.records]
    await tokens.refresh(env["FEISHU_USER_ACCESS_TOKEN"])
    assert saved(env)["seed"] == fingerprint(env["FEISHU_REFRESH_TOKEN"])


async def test_tenant_token_is_fetched_once_and_reused(sandbox: Sandbox) -> None:
    from batch_updater.feishu.tokens import TenantToken

    env = sandbox.credentials
    async with aiohttp.ClientSession() as session:
        tenant = TenantToken.from_env(env, session, sandbox.base_url)
        assert tenant is not None
        first = await tenant.current()
        assert await tenant.current() == first
        async with session.get(sandbox.ticket_url(sorted(sandbox.tickets)[0]),
                               headers={"Authorization": f"Bearer {first}",
                                        "X-Lark-Helpdesk-Authorization": sandbox.helpdesk_header}) as resp:
            assert (await resp.json())["code"] == 0


async def test_a_wrong_app_secret_is_refused_without_showing_it(sandbox: Sandbox) -> None:
    from batch_updater.feishu.tokens import TenantToken

    env = {**sandbox.credentials, "FEISHU_APP_SECRET": "not-the-secret-123"}
    async with aiohttp.ClientSession() as session:
        tenant = TenantToken.from_env(env, session, sandbox.base_url)
        assert tenant is not None
        with pytest.raises(CredentialsRefused) as caught:
            await tenant.current()
    assert "FEISHU_APP_SECRET" in str(caught.value) and "not-the-secret-123" not in str(caught.value)
    assert TenantToken.from_env({"FEISHU_APP_ID": "cli_x"}, session, sandbox.base_url) is None


async def test_a_file_from_another_server_is_not_taken(
        sandbox: Sandbox, env: dict[str, str], session: aiohttp.ClientSession, sandbox_clock: ManualClock,
        sleeps: list[float]) -> None:
    # A sandbox restarted with the same seed (on another port) prints the same first tokens but
    # forgets the pair it rotated for the last run: that run's file is not taken.
    new = await make(env, session, sandbox_clock, sleeps).refresh(env["FEISHU_USER_ACCESS_TOKEN"])
    assert saved(env)["server"] == env["FEISHU_BASE_URL"].rstrip("/")
    elsewhere = make(env, session, sandbox_clock, sleeps, base_url="http://127.0.0.1:9")
    assert elsewhere.source == "env" and await elsewhere.current() == env["FEISHU_USER_ACCESS_TOKEN"]
    here = make(env, session, sandbox_clock, sleeps)
    assert here.source == "file" and await here.current() == new
    assert "//127.0.0.1:" in env["FEISHU_BASE_URL"]
    as_localhost = make(env, session, sandbox_clock, sleeps,  # the same API, written another way
                        base_url=env["FEISHU_BASE_URL"].replace("127.0.0.1", "localhost").rstrip("/") + "/")
    assert as_localhost.source == "file"


async def test_a_file_an_earlier_version_wrote_without_its_server_is_still_taken(
        sandbox: Sandbox, env: dict[str, str], session: aiohttp.ClientSession, sandbox_clock: ManualClock,
        sleeps: list[float]) -> None:
    new = await make(env, session, sandbox_clock, sleeps).refresh(env["FEISHU_USER_ACCESS_TOKEN"])
    path = Path(env["BATCH_UPDATER_STATE_DIR"]) / "tokens" / f"{env['FEISHU_APP_ID']}.json"
    record = saved(env)
    del record["server"]
    path.write_text(json.dumps(record))
    again = make(env, session, sandbox_clock, sleeps)
    assert again.source == "file" and await again.current() == new


async def test_a_refused_refresh_token_from_the_file_names_the_file_to_delete(
        sandbox: Sandbox, env: dict[str, str], session: aiohttp.ClientSession, sandbox_clock: ManualClock,
        sleeps: list[float]) -> None:
    sandbox.core.fail_next_refreshes(20026)
    with pytest.raises(CredentialsRefused) as from_env:
        await make(env, session, sandbox_clock, sleeps).refresh(env["FEISHU_USER_ACCESS_TOKEN"])
    assert "came from that file" not in str(from_env.value)
    new = await make(env, session, sandbox_clock, sleeps).refresh(env["FEISHU_USER_ACCESS_TOKEN"])
    later = make(env, session, sandbox_clock, sleeps)
    assert later.source == "file"
    sandbox.core.fail_next_refreshes(20026)  # as a sandbox restarted on the same port answers
    with pytest.raises(CredentialsRefused) as from_file:
        await later.refresh(new)
    assert "came from that file" in str(from_file.value) and "delete the file" in str(from_file.value)
