"""Issue 18, item 19: the API gone mid-run. Before, every remaining row was tried 5 times
(minutes of backoff) and ended `failed`, with "fix those rows in your input". Now the run stops
once GONE_PROBE requests in a row, for GONE_ROWS rows or more, got no answer: exit 3, "cannot
reach <origin>", the rest `not_attempted`; a row that may have been applied stays `unknown`."""

from __future__ import annotations

import asyncio
import csv
import io
import threading
import time

from click.testing import CliRunner

from batch_updater.cli import cli
from batch_updater.feishu.classify import is_final
from batch_updater.model import Result
from batch_updater.sandbox import Sandbox, SandboxConfig
from batch_updater.send.stops import GONE_PROBE
from tests.support.send_harness import ThreadSandbox, applied_bodies, send_rows, updates
from tests.support.sheets import write_csv

UNLIMITED = [(1_000_000, 1.0)]


async def test_the_api_gone_mid_run_stops_the_run_and_sends_nothing_more():
    sb = await Sandbox(SandboxConfig(rates=UNLIMITED, n_tickets=20, clock=time.monotonic)).start()
    specs = updates(sb, 400)
    for index, spec in specs[::2]:
        spec.body["comment"] = f"comment of row {index}"
    closing: list[asyncio.Task] = []

    def on_progress(sender, progress):
        if progress.done >= 100 and not closing:  # the API goes away: its port refuses connections
            closing.append(asyncio.ensure_future(sb.close()))

    run = await send_rows(sb, specs, rate="1000/s", concurrency=8, on_progress=on_progress)
    await asyncio.gather(*closing)
    outcomes = run.outcomes
    assert run.sender.stop_reason is not None
    assert run.sender.stop_reason.startswith(f"cannot reach {sb.base_url}: connection refused (the API stopped")
    results = run.results()
    assert results["ok"] >= 100 and results["not_attempted"] >= 250
    tried = [o for o in outcomes.values() if o.result is not Result.OK and o.attempts]
    assert sum(o.attempts for o in tried) <= GONE_PROBE + 2 * 8  # before: 5 for every row left, 1500 in all
    for index, spec in specs:
        outcome = outcomes[index]
        if outcome.result is Result.OK:
            assert spec.body in applied_bodies(sb, spec.ticket_id)
        elif outcome.result is Result.FAILED:  # never connected: nothing applied, sent again on resume
            assert outcome.code is None and outcome.failure == "connection refused", outcome
            assert not is_final(outcome, spec.has_comment)
        elif outcome.result is Result.UNKNOWN:  # its request may have reached the API before it went
            assert spec.has_comment and "may have applied" in outcome.msg, outcome
    assert sb.stats()["duplicate_comments"] == {}


def test_the_cli_exits_3_when_the_api_goes_away_mid_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with ThreadSandbox(SandboxConfig(rates=UNLIMITED, n_tickets=20)) as ts:
        ids = ts.call(lambda sb: list(sb.tickets))
        write_csv(tmp_path / "in.csv", [["ticket_id", "tag_names"], *([ids[i % 20], f"t{i}"] for i in range(600))])
        for name, value in ts.env().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("BATCH_UPDATER_STATE_DIR", str(tmp_path / "state"))
        base = ts.env()["FEISHU_BASE_URL"]

        def close_after_50() -> None:
            deadline = time.monotonic() + 30
            while ts.call(lambda sb: sb.stats()["applied"]) < 50 and time.monotonic() < deadline:
                time.sleep(0.01)
            asyncio.run_coroutine_threadsafe(ts.sb.close(), ts.loop).result(10)

        watcher = threading.Thread(target=close_after_50)
        watcher.start()
        result = CliRunner().invoke(cli, ["run", "in.csv", "--rate", "100/s", "--report", "out.csv"])
        watcher.join()
    assert result.exit_code == 3, result.output
    assert f"error: stopped early: cannot reach {base}: connection refused" in result.output
    assert "Fix those rows" not in result.output and "Traceback" not in result.output
    report = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8-sig"))))
    counts = {r: sum(row["result"] == r for row in report) for r in ("ok", "failed", "not_attempted")}
    assert counts["ok"] >= 50 and counts["not_attempted"] >= 400 and len(report) == 600
    assert all(row["code"] == "" for row in report if row["result"] == "failed")  # no API refusal among them


def test_rows_that_never_reached_the_api_are_not_called_rows_to_fix(tmp_path, monkeypatch):
    """Too few requests for any stop (2 rows, 4 refused connections): they end `failed`, and the advice
    is to run again, not to fix the input; a row the API refused for good is still one to fix."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.chdir(tmp_path)
    for name, value in {"FEISHU_USER_ACCESS_TOKEN": "u-x", "FEISHU_HELPDESK_ID": "1", "FEISHU_HELPDESK_TOKEN": "h",
                        "BATCH_UPDATER_STATE_DIR": str(tmp_path / "state")}.items():
        monkeypatch.setenv(name, value)
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], ["6945345902185807891", "2"], ["6945345902185815810", "2"]])
    result = CliRunner().invoke(cli, ["run", "in.csv", "--base-url", f"http://127.0.0.1:{port}", "--rate", "1000/s",
                                      "--max-attempts", "2"])
    assert result.exit_code == 1, result.output
    assert "2 x connection refused" in result.output
    assert "Fix those rows" not in result.output
    assert "Nothing to fix in those rows: the API gave them no final answer" in result.output

    with ThreadSandbox(SandboxConfig(n_tickets=2, forbidden=frozenset())) as ts:
        ids = ts.call(lambda sb: list(sb.tickets))
        for name, value in ts.env().items():
            monkeypatch.setenv(name, value)
        write_csv(tmp_path / "two.csv", [["ticket_id", "status"], [ids[0], "2"], ["6945345902185815810", "2"]])
        result = CliRunner().invoke(cli, ["run", "two.csv", "--rate", "1000/s"])
    assert result.exit_code == 1, result.output
    assert "Fix those rows in your input" in result.output  # 154004: no such ticket


async def test_an_api_that_stops_answering_in_time_stops_the_run_too():
    """The API accepts connections but answers nothing any more (a hang): 20 timeouts in a row,
    for 5 rows or more, stop the run, "no answer from <origin>"."""
    import random

    import aiohttp
    from aioresponses import aioresponses

    from batch_updater.feishu.client import HelpdeskClient
    from batch_updater.feishu.credentials import Credentials
    from batch_updater.model import TicketUpdate
    from batch_updater.send.limiter import Pacer
    from batch_updater.send.pacing import PaceController
    from batch_updater.send.pool import Sender, SendOptions
    from tests.support.fakehttp import stub

    base = "http://127.0.0.1:9"
    ids = [str(6945345902185807891 + i) for i in range(60)]
    specs = [(i, TicketUpdate(i + 2, ids[i], {"tag_names": ["x"]})) for i in range(60)]

    async def no_sleep(seconds):
        await asyncio.sleep(0)

    async with aiohttp.ClientSession() as session:
        client = HelpdeskClient(session, base, Credentials("u-x", "1", "h"), timeout=5)
        sender = Sender(client, Pacer(PaceController(1000.0, fixed=True)), SendOptions(concurrency=4),
                        sleep=no_sleep, rng=random.Random(0))
        with aioresponses() as m:
            for i, ticket in enumerate(ids):
                url = f"{base}/open-apis/helpdesk/v1/tickets/{ticket}"
                if i < 10:
                    stub(m, "PUT", url, status=200, payload={"code": 0, "msg": "success", "data": {}})
                else:
                    stub(m, "PUT", url, exception=TimeoutError(), repeat=True)
            outcomes = await sender.send_all(specs)
    assert sender.stop_reason.startswith(f"no answer from {base}: no answer within 5 s (the API stopped answering: "
                                         f"the last {GONE_PROBE} requests, for ")
    results = [outcomes[i].result for i in range(60)]
    assert results[:10] == [Result.OK] * 10
    assert results.count(Result.NOT_ATTEMPTED) >= 40
