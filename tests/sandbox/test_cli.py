"""`batch-updater sandbox`: options, ticket files, the printed credentials, a clean Ctrl-C."""

from __future__ import annotations

import asyncio
import base64
import shlex
import signal
import sys
from pathlib import Path

import aiohttp
import pytest
from click.testing import CliRunner

from batch_updater.sandbox.cli import export_lines, load_ticket_ids, sandbox_command


def test_ticket_ids_from_a_spreadsheet(tmp_path: Path) -> None:
    sheet = tmp_path / "t.csv"
    sheet.write_text("ticket_id,status\n6945345902185807891,2\n6945345902185807892,3\n", encoding="utf-8")
    ids, source = load_ticket_ids((str(sheet),))
    assert ids == ["6945345902185807891", "6945345902185807892"] and source == "t.csv"


def test_export_lines_are_shell_safe() -> None:
    assert export_lines({"A": "x y", "B": "plain"}) == ["export A='x y'", "export B=plain"]


@pytest.mark.parametrize("args", [["--rate", "fast"], ["--rate", "0/s"], ["--error-rate", "2"],
                                  ["--latency-ms", "9", "--latency-max-ms", "5"]])
def test_bad_options_are_usage_errors(args: list[str]) -> None:
    result = CliRunner().invoke(sandbox_command, args)
    assert result.exit_code == 2, result.output


async def test_runs_in_the_foreground_prints_credentials_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    sheet = tmp_path / "t.csv"
    sheet.write_text("ticket_id\n6945345902185807891\n", encoding="utf-8")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "batch_updater", "sandbox", "--port", "0", "--tickets", str(sheet),
        "--rate", "2/s", "--rate", "100/min", "--forbidden", "1",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        assert proc.stdout is not None
        header = [(await asyncio.wait_for(proc.stdout.readline(), 20)).decode() for _ in range(2)]
        exports = dict(shlex.split(line.removeprefix("export "))[0].split("=", 1)
                       for line in [(await proc.stdout.readline()).decode() for _ in range(7)])
        assert "1 tickets (t.csv)" in header[0] and "PUT 2/s & 100/min" in header[0]
        assert set(exports) == {"FEISHU_BASE_URL", "FEISHU_USER_ACCESS_TOKEN", "FEISHU_HELPDESK_ID",
                                "FEISHU_HELPDESK_TOKEN", "FEISHU_APP_ID", "FEISHU_APP_SECRET",
                                "FEISHU_REFRESH_TOKEN"}
        assert exports["FEISHU_BASE_URL"].startswith("http://127.0.0.1:")
        url = f"{exports['FEISHU_BASE_URL']}/open-apis/helpdesk/v1/tickets/6945345902185807891"
        async with aiohttp.ClientSession() as session:
            helpdesk = f"{exports['FEISHU_HELPDESK_ID']}:{exports['FEISHU_HELPDESK_TOKEN']}"
            async with session.put(url, json={"status": 2}, headers={
                    "Authorization": f"Bearer {exports['FEISHU_USER_ACCESS_TOKEN']}",
                    "X-Lark-Helpdesk-Authorization": base64.b64encode(helpdesk.encode()).decode()}) as resp:
                assert (resp.status, (await resp.json())["code"]) == (200, 0)
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = await asyncio.wait_for(proc.communicate(), 10)
    assert proc.returncode == 0
    assert "Traceback" not in err.decode()
