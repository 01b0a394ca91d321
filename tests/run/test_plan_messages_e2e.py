"""Issue 18: what `plan` says when it cannot read. Reads use the app's tenant token, so 154003 on
every read is the app's missing scope or rights, not the user's token (item 12); an API that
cannot be reached is named as `run` names it, not by an aiohttp class name (item 24)."""

from __future__ import annotations

import socket

from aioresponses import aioresponses
from click.testing import CliRunner

from batch_updater.cli import cli
from batch_updater.feishu.tokens import TENANT_PATH
from tests.support.fakehttp import stub
from tests.support.sheets import write_csv

IDS = [str(7100000000000000001 + i * 7919) for i in range(25)]
ENV = {"FEISHU_USER_ACCESS_TOKEN": "u-secret-user", "FEISHU_HELPDESK_ID": "1", "FEISHU_HELPDESK_TOKEN": "hd-secret",
       "FEISHU_APP_ID": "cli_app", "FEISHU_APP_SECRET": "app-secret"}


def _plan(tmp_path, base: str) -> object:
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], *([t, "2"] for t in IDS)])
    return CliRunner(env={**ENV, "BATCH_UPDATER_STATE_DIR": str(tmp_path / "state")}).invoke(
        cli, ["plan", str(tmp_path / "in.csv"), "--base-url", base, "--report", str(tmp_path / "plan.csv")])


def test_every_read_refused_154003_blames_the_apps_scope_not_the_users_token(tmp_path):
    base = "http://127.0.0.1:9"
    with aioresponses() as m:
        stub(m, "POST", base + TENANT_PATH, payload={"code": 0, "msg": "ok", "tenant_access_token": "t-x",
                                                    "expire": 7200})
        for ticket in IDS:
            stub(m, "GET", f"{base}/open-apis/helpdesk/v1/tickets/{ticket}", status=403,
                 payload={"code": 154003, "msg": "Please check you have the correct access"}, repeat=True)
        result = _plan(tmp_path, base)
    assert result.exit_code == 3, result.output
    stopped = result.output.split("error: stopped early:")[1]
    assert "the first 20 tickets read all answered 154003" in stopped
    assert "the app (FEISHU_APP_ID)" in stopped and "helpdesk:all:readonly" in stopped
    assert "user whose token" not in stopped  # before: "the user whose token is used is probably not an agent"
    assert "secret" not in result.output


def test_plan_against_a_closed_port_says_cannot_reach_as_run_does(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    result = _plan(tmp_path, base)
    assert result.exit_code == 3, result.output
    assert f"error: stopped early: cannot reach {base}: connection refused" in result.output
    assert "ClientConnectorError" not in result.output and "Error" not in result.output.replace("error:", "")
