"""End to end through `run_job`, the CLI and a `batch-updater run` subprocess, against a
sandbox on 127.0.0.1: reports, exit codes, early stops, signals, the learned rate."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from batch_updater.cli import cli
from batch_updater.errors import UsageError
from batch_updater.model import TicketUpdate
from batch_updater.run.job import RunOptions, run_job
from batch_updater.sandbox import Faults, Sandbox, SandboxConfig
from batch_updater.send.pacing import parse_rate
from batch_updater.send.pool import SendOptions
from batch_updater.send.session import SendSettings, load_learned, open_endpoint, send_on, state_path
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv
from tests.support.virtual_time import run_virtual

IDS = ["6945345902185807891", "6945345902185815810", "6945345902185823729", "6945345902185831648"]
UNLIMITED = [(1_000_000, 1.0)]


def ticket_file(path: Path, n: int, *, comment: bool = False, ids: list[str] = IDS) -> Path:
    header = ["ticket_id", "tag_names"] + (["comment"] if comment else [])
    rows = [[ids[i % len(ids)], f"row-{i}"] + ([f"comment {i}"] if comment else []) for i in range(n)]
    write_csv(path, [header, *rows])
    return path


def test_run_job_with_the_sandbox_writes_a_report_of_ok_rows(tmp_path):
    source = ticket_file(tmp_path / "in.csv", 8, comment=True)
    result = run_job(RunOptions(input=source, sandbox=True, rate="10/s", report=tmp_path / "out.csv"), env={})
    assert result.exit_code == 0 and result.stop_reason is None
    assert result.summary.by_result == {"ok": 8}
    rows = read_rows(tmp_path / "out.csv")
    assert [r["tag_names"] for r in rows] == [f"row-{i}" for i in range(8)]  # the input's order
    for row in rows:
        assert (row["result"], row["http_status"], row["code"], row["msg"], row["attempts"]) == \
            ("ok", "200", "0", "success", "1")
        assert row["log_id"] and row["finished_at"]
    assert result.retry_path is None and not (tmp_path / "out-retry.csv").exists()
    assert result.sent is not None and result.sent.base_url.startswith("http://127.0.0.1:")


def test_run_job_with_invalid_rows_sends_only_the_valid_ones(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "51"], ["x1", "51"], [IDS[1], "2"]])
    result = run_job(RunOptions(input=tmp_path / "in.csv", sandbox=True, rate="10/s",
                                report=tmp_path / "out.csv"), env={})
    assert result.exit_code == 1
    assert [r["result"] for r in read_rows(tmp_path / "out.csv")] == ["ok", "invalid", "ok"]
    assert [r["ticket_id"] for r in read_rows(tmp_path / "out-retry.csv")] == ["x1"]


@pytest.mark.parametrize("env, missing", [
    ({}, ["FEISHU_USER_ACCESS_TOKEN", "FEISHU_HELPDESK_ID", "FEISHU_HELPDESK_TOKEN"]),
    ({"FEISHU_USER_ACCESS_TOKEN": "u-x", "FEISHU_HELPDESK_ID": " "}, ["FEISHU_HELPDESK_ID", "FEISHU_HELPDESK_TOKEN"]),
])
@pytest.mark.usefixtures("cli_words")
def test_missing_credentials_are_a_usage_error_before_anything_is_sent(tmp_path, env, missing):
    source = ticket_file(tmp_path / "in.csv", 3)
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS)) as ts:
        env = {**env, "FEISHU_BASE_URL": ts.env()["FEISHU_BASE_URL"]}
        with pytest.raises(UsageError) as caught:
            run_job(RunOptions(input=source, report=tmp_path / "out.csv"), env=env)
        assert ts.stats()["requests"] == 0
    assert caught.value.exit_code == 2
    message = str(caught.value)
    assert all(name in message for name in missing) and "--sandbox" in message
    assert not (tmp_path / "out.csv").exists()


STOPS = {
    "wrong user token": ({"FEISHU_USER_ACCESS_TOKEN": "u-wrong", "FEISHU_REFRESH_TOKEN": ""}, Faults(), 99991668),
    "wrong helpdesk token": ({"FEISHU_HELPDESK_TOKEN": "wrong"}, Faults(), 154001),
    "scope missing": ({}, Faults(scope_missing=True), 99991672),
    "monthly quota": ({}, Faults(monthly_quota=0), 99991403),
}


@pytest.mark.parametrize("env, faults, code", STOPS.values(), ids=STOPS.keys())
def test_run_job_stops_on_refused_credentials_with_exit_3(tmp_path, env, faults, code):
    source = ticket_file(tmp_path / "in.csv", 400)
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, faults=faults)) as ts:
        result = run_job(RunOptions(input=source, rate="1000/s", report=tmp_path / "out.csv"),
                         env=ts.env(**env))
        requests = ts.stats()["requests"]
    assert result.exit_code == 3 and str(code) in result.stop_reason
    assert requests <= 5 + 2 * 8
    rows = read_rows(tmp_path / "out.csv")
    assert len(rows) == 400
    failed = [r for r in rows if r["result"] == "failed"]
    assert len(failed) == requests and all(r["code"] == str(code) and r["log_id"] for r in failed)
    assert sum(r["result"] == "not_attempted" for r in rows) == 400 - requests
    assert len(read_rows(tmp_path / "out-retry.csv")) == 400  # every row is to be sent again


def test_the_cli_names_the_missing_scope_and_exits_3(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ticket_file(tmp_path / "in.csv", 50)
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, faults=Faults(scope_missing=True))) as ts:
        for name, value in ts.env().items():
            monkeypatch.setenv(name, value)
        result = CliRunner().invoke(cli, ["run", "in.csv", "--rate", "100/s", "--report", "out.csv"])
    assert result.exit_code == 3, result.output
    assert "error: stopped early:" in result.output and "the missing scope: helpdesk:all" in result.output
    assert "not_attempted" in result.output


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_a_cli_run_with_exit_130_and_a_full_report(tmp_path, sig):
    """A real `batch-updater run` process, told 20/s for 200 rows (10 s), signalled once
    the sandbox has seen 10 of them."""
    ticket_file(tmp_path / "in.csv", 200, comment=True)
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=UNLIMITED, faults=Faults(latency_ms=20))) as ts:
        env = {**os.environ, **ts.env(), "BATCH_UPDATER_STATE_DIR": str(tmp_path / "state")}
        command = [sys.executable, "-m", "batch_updater", "run", "in.csv", "--rate", "20/s", "--report", "out.csv"]
        proc = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        try:
            deadline = time.monotonic() + 20
            while ts.stats()["requests"] < 10 and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            proc.send_signal(sig)
            out, err = proc.communicate(timeout=20)
        finally:
            proc.kill()
        stats = ts.stats()
    assert proc.returncode == 130, (out, err)
    assert "Interrupted: rows not sent are marked not_attempted" in err
    rows = read_rows(tmp_path / "out.csv")
    results = [r["result"] for r in rows]
    assert len(rows) == 200 and set(results) == {"ok", "not_attempted"}
    assert results.count("ok") == stats["applied"] == stats["requests"] < 100
    for tid in IDS:  # per ticket, the rows sent are the first ones in file order
        per_ticket = [r["result"] for r in rows if r["ticket_id"] == tid]
        assert per_ticket == sorted(per_ticket, key=lambda result: result != "ok")
    assert len(read_rows(tmp_path / "out-retry.csv")) == results.count("not_attempted")


def test_the_settled_rate_is_learned_and_the_next_run_starts_from_it(tmp_path):
    """Through `send_on` (what a live run calls) on a virtual clock: 10/s, found by one run, is
    where the next run for the same API and helpdesk starts."""
    async def send_once(specs, settings, env):
        async with open_endpoint(settings, env) as endpoint:
            return await send_on(endpoint, specs, settings, env)

    async def main():
        async with Sandbox(SandboxConfig(ticket_ids=IDS, rates=[(10, 1.0)],
                                         clock=asyncio.get_running_loop().time)) as sb:
            specs = [(i, TicketUpdate(i + 2, IDS[i % 4], {"tag_names": [f"t{i}"]})) for i in range(150)]
            settings = SendSettings(parse_rate("auto"), SendOptions(), state_dir=tmp_path)
            first = await send_once(specs, settings, sb.credentials)
            learned = json.loads((tmp_path / "pacing.json").read_text())
            second = await send_once(specs, settings, sb.credentials)
            return first, learned, second, sb.credentials

    first, learned, second, env = run_virtual(main())
    assert first.start_rate == 1.5 and first.limit_found
    assert list(learned.values()) == [round(first.final_rate, 3)] and 8.5 <= first.final_rate <= 10.3  # as the other auto cases: 0.85 of the limit at least
    assert load_learned(state_path(SendSettings(parse_rate("auto"), SendOptions(), state_dir=tmp_path), env),
                        next(iter(learned))) == pytest.approx(first.final_rate, abs=1e-3)
    assert second.start_rate == pytest.approx(first.final_rate, abs=1e-3)
    assert second.throttles <= first.throttles
    assert all(o.result == "ok" for o in second.outcomes.values())
