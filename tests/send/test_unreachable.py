"""Issue 14, defect 10: an API that cannot be reached.

A base URL with an impossible port is a usage error (exit 2) before anything is read; a
run whose first requests all fail to connect stops (exit 3, "cannot reach <origin>: ...")
instead of trying every row five times; connection failures are counted in the console's
"Most common answers" and in the report's Summary sheet, the same way.
"""

from __future__ import annotations

import asyncio
import csv
import io
import random
import socket
from pathlib import Path
from types import SimpleNamespace

import aiohttp
import openpyxl
import pytest
from aioresponses import aioresponses
from click.testing import CliRunner

from batch_updater.cli import cli
from batch_updater.errors import UsageError
from batch_updater.feishu.classify import is_final
from batch_updater.feishu.client import HelpdeskClient, Transport
from batch_updater.feishu.credentials import Credentials, check_base_url
from batch_updater.model import Outcome, Result, TicketUpdate
from batch_updater.run.job import RunOptions, run_job
from batch_updater.sandbox import Faults, SandboxConfig
from batch_updater.send.limiter import Pacer
from batch_updater.send.pacing import PaceController
from batch_updater.send.pool import Sender, SendOptions
from batch_updater.send.stops import UNREACHABLE_PROBE
from batch_updater.sheet.read import read_text
from batch_updater.sheet.report import write_report
from batch_updater.summary import answer_counts, summarize
from tests.support.fakehttp import stub
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import csv_bytes, write_csv

IDS = ["6945345902185807891", "6945345902185815810", "6945345902185823729", "6945345902185831648"]
TOKEN = "u-secret-user-token"
ENV = {"FEISHU_USER_ACCESS_TOKEN": TOKEN, "FEISHU_HELPDESK_ID": "1", "FEISHU_HELPDESK_TOKEN": "hd-secret"}
OK = {"status": 200, "payload": {"code": 0, "msg": "success", "data": {}}}


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on: bound, read, closed."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def refused(port: int = 9) -> aiohttp.ClientConnectorError:
    return aiohttp.ClientConnectorError(SimpleNamespace(ssl=False, host="127.0.0.1", port=port),
                                        ConnectionRefusedError(111, f"Connect call failed ('127.0.0.1', {port})"))


def rows(n: int, *, comment: bool = False) -> list[tuple[int, TicketUpdate]]:
    body = {"tag_names": ["x"], **({"comment": "once"} if comment else {})}
    return [(i, TicketUpdate(i + 2, IDS[i % 4], dict(body))) for i in range(n)]


async def send(base: str, specs, *, stubs=None, concurrency: int = 4) -> tuple[list[Outcome], Sender]:
    """The real Sender and client, backoff sleeps skipped; `stubs` (url -> answers) fakes the HTTP."""
    async def no_sleep(seconds: float) -> None:
        await asyncio.sleep(0)

    async with aiohttp.ClientSession() as session:
        client = HelpdeskClient(session, base, Credentials(TOKEN, "1", "hd-secret"), timeout=5)
        sender = Sender(client, Pacer(PaceController(1000.0, fixed=True)), SendOptions(concurrency=concurrency),
                        sleep=no_sleep, rng=random.Random(0))
        if stubs is None:
            outcomes = await sender.send_all(specs)
        else:
            with aioresponses() as m:
                for url, answers in stubs.items():
                    for answer in answers:
                        stub(m, "PUT", url, **answer)
                outcomes = await sender.send_all(specs)
    return [outcomes[i] for i, _ in specs], sender


def ticket_url(base: str, ticket: str) -> str:
    return f"{base}/open-apis/helpdesk/v1/tickets/{ticket}"


# --- the base URL: checked before anything is read or sent ---------------------------------

@pytest.mark.parametrize("url, problem", [
    ("http://127.0.0.1:99999", "port"),
    ("http://127.0.0.1:0", "port"),
    ("http://127.0.0.1:abc", "port"),
    ("https://[::1", "host"),
    ("https://a..b", "host"),
])
def test_an_impossible_base_url_is_a_usage_error(url, problem):
    with pytest.raises(UsageError, match=problem) as caught:
        check_base_url(url)
    assert caught.value.exit_code == 2


def test_the_base_url_message_never_echoes_a_password_or_query():
    for url in ("https://user:pa55word@open.example.com", "https://open.example.com/?token=s3cret"):
        with pytest.raises(UsageError) as caught:
            check_base_url(url)
        assert "pa55word" not in str(caught.value) and "s3cret" not in str(caught.value)


@pytest.mark.parametrize("where", ["flag", "env"])
def test_the_cli_refuses_a_port_out_of_range_before_reading_the_input(tmp_path, monkeypatch, where):
    monkeypatch.chdir(tmp_path)
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    args = ["run", "missing.csv"]  # never read: the base URL is checked first
    if where == "flag":
        args += ["--base-url", "http://127.0.0.1:99999"]
    else:
        monkeypatch.setenv("FEISHU_BASE_URL", "http://127.0.0.1:99999")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "error: base URL 'http://127.0.0.1:99999'" in result.output and "port" in result.output
    assert not (tmp_path / "reports").exists()


# --- the client: a connection failure says what happened, in a few stable words -------------

@pytest.mark.parametrize("error, msg", [
    (refused(), "connection refused"),
    (aiohttp.ClientConnectorDNSError(SimpleNamespace(ssl=True, host="bad.example", port=443),
                                     socket.gaierror(-2, "Name or service not known")),
     "DNS lookup failed (Name or service not known)"),
    (aiohttp.ConnectionTimeoutError("Connection timeout to host https://x"), "connection timed out"),
])
async def test_a_failed_connection_is_named_plainly(error, msg):
    async with aiohttp.ClientSession() as session:
        client = HelpdeskClient(session, "http://127.0.0.1:9", Credentials(TOKEN, "1", "t"), timeout=5)
        with aioresponses() as m:
            stub(m, "PUT", ticket_url("http://127.0.0.1:9", IDS[0]), exception=error)
            answer = await client.update(IDS[0], {"status": 2})
    assert (answer.transport, answer.msg, answer.http_status) == (Transport.NOT_CONNECTED, msg, None)


# --- the sender: the first requests all fail to connect: stop ------------------------------

async def test_a_closed_port_stops_the_run_after_the_first_requests(closed_port):
    base = f"http://127.0.0.1:{closed_port}"
    outcomes, sender = await send(base, rows(60))
    assert sender.stop_reason == f"cannot reach {base}: connection refused"
    sent = [o for o in outcomes if o.attempts]
    assert UNREACHABLE_PROBE <= sum(o.attempts for o in sent) < UNREACHABLE_PROBE + 4  # 4 in flight at most
    assert all(o.result is Result.FAILED and o.failure == "connection refused" and o.code is None for o in sent)
    rest = [o for o in outcomes if not o.attempts]
    assert len(rest) >= 60 - UNREACHABLE_PROBE and all(o.result is Result.NOT_ATTEMPTED for o in rest)


async def test_comment_rows_that_never_connected_are_failed_not_unknown_and_sent_again_later(closed_port):
    """The comment rule: a refused connection proves nothing was applied, so such a row is
    retried, and a resumed job sends it again (it is not final)."""
    outcomes, sender = await send(f"http://127.0.0.1:{closed_port}", rows(30, comment=True))
    assert sender.stop_reason and sender.stop_reason.startswith("cannot reach")
    assert {o.result for o in outcomes} == {Result.FAILED, Result.NOT_ATTEMPTED}
    assert max(o.attempts for o in outcomes) > 1  # retried even with a comment
    assert not any(is_final(o, has_comment=True) for o in outcomes)


async def test_a_dns_failure_stops_the_run_the_same_way():
    base = "https://helpdesk.example.invalid"
    dns = aiohttp.ClientConnectorDNSError(SimpleNamespace(ssl=True, host="helpdesk.example.invalid", port=443),
                                          socket.gaierror(-2, "Name or service not known"))
    specs = rows(40)
    stubs = {ticket_url(base, t): [{"exception": dns, "repeat": True}] for t in IDS}
    outcomes, sender = await send(base, specs, stubs=stubs)
    assert sender.stop_reason == f"cannot reach {base}: DNS lookup failed (Name or service not known)"
    assert sum(o.result is Result.NOT_ATTEMPTED for o in outcomes) >= 40 - UNREACHABLE_PROBE


async def test_the_stop_message_names_the_origin_only():
    base = "https://open.example.com"
    outcomes, sender = await send(base, rows(30), stubs={ticket_url(base, t): [{"exception": refused(), "repeat": True}]
                                                           for t in IDS})
    assert sender.stop_reason == f"cannot reach {base}: connection refused"
    assert TOKEN not in sender.stop_reason and "hd-secret" not in sender.stop_reason


async def test_timeouts_are_not_a_failure_to_connect():
    """A timeout after connecting may have been applied: it never trips the first requests' stop
    (4 rows: too few for the mid-run stop, which needs GONE_ROWS rows without an answer)."""
    base = "http://127.0.0.1:9"
    stubs = {ticket_url(base, t): [{"exception": TimeoutError(), "repeat": True}] for t in IDS}
    outcomes, sender = await send(base, rows(4), stubs=stubs)
    assert sender.stop_reason is None
    assert sum(o.attempts for o in outcomes) > UNREACHABLE_PROBE
    assert all(o.result is Result.FAILED and o.failure.startswith("no answer within") for o in outcomes)


async def test_an_answer_first_means_the_api_is_reachable_and_rows_keep_their_retries():
    base = "http://127.0.0.1:9"
    first, *others = IDS
    stubs = {ticket_url(base, first): [OK]} | {ticket_url(base, t): [{"exception": refused(), "repeat": True}]
                                                for t in others}
    outcomes, sender = await send(base, rows(4), stubs=stubs, concurrency=1)
    assert sender.stop_reason is None
    assert [o.result for o in outcomes] == [Result.OK, Result.FAILED, Result.FAILED, Result.FAILED]
    assert [o.attempts for o in outcomes] == [1, 5, 5, 5]


# --- the summaries: connection errors are answers too, counted once -------------------------

def test_connection_errors_are_among_the_most_common_answers():
    outcomes = [Outcome(Result.FAILED, msg="gave up after 5 attempts; last answer: connection refused",
                        attempts=5, failure="connection refused")] * 3 + [
        Outcome(Result.FAILED, 404, 154004, "Resource not found", attempts=1),
        Outcome(Result.NOT_ATTEMPTED, msg="not sent"), Outcome(Result.OK, 200, 0, "success", attempts=1)]
    checked = [TicketUpdate(i + 2, IDS[0], {"status": 2}) for i in range(len(outcomes))]
    assert summarize(checked, outcomes).common_codes == [("connection refused", 3), ("154004 Resource not found", 1)]


def test_the_summary_sheet_counts_answers_as_the_console_does(tmp_path):
    sheet = read_text(io.BytesIO(csv_bytes([["ticket_id"], *([t] for t in IDS)])))
    outcomes = [Outcome(Result.OK, 200, 0, "success", attempts=1),
                Outcome(Result.FAILED, msg="gave up", attempts=5, failure="connection refused"),
                Outcome(Result.FAILED, msg="gave up", attempts=5, failure="connection refused"),
                Outcome(Result.FAILED, 404, 154004, "Resource not found", attempts=1)]
    write_report(tmp_path / "r.xlsx", sheet, outcomes, {})
    cells = {r[0]: r[1] for r in openpyxl.load_workbook(tmp_path / "r.xlsx")["Summary"].iter_rows(values_only=True)}
    counted = answer_counts(outcomes)
    assert counted == {"0 success": 1, "connection refused": 2, "154004 Resource not found": 1}
    assert all(cells[text] == n for text, n in counted.items())
    checked = [TicketUpdate(i + 2, t, {"status": 2}) for i, t in enumerate(IDS)]
    assert dict(summarize(checked, outcomes).common_codes) == {k: v for k, v in counted.items() if k != "0 success"}


# --- end to end: the CLI against a closed port ----------------------------------------------

def test_the_cli_stops_with_exit_3_when_the_api_cannot_be_reached(tmp_path, monkeypatch, closed_port):
    monkeypatch.chdir(tmp_path)
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], *([IDS[i % 4], "2"] for i in range(200))])
    base = f"http://127.0.0.1:{closed_port}"
    result = CliRunner().invoke(cli, ["run", "in.csv", "--base-url", base, "--rate", "1000/s",
                                      "--report", "out.csv"])
    assert result.exit_code == 3, result.output
    assert f"error: stopped early: cannot reach {base}: connection refused" in result.output
    assert "Most common answers:" in result.output
    line = next(x for x in result.output.splitlines() if x.endswith("x connection refused"))
    report = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8-sig"))))
    failed = [r for r in report if r["result"] == "failed"]
    assert int(line.split("x")[0]) == len(failed) > 0
    assert {r["result"] for r in report} == {"failed", "not_attempted"} and len(report) == 200
    assert "credentials" not in result.output.split("error: stopped early:")[1]
    assert TOKEN not in result.output and "hd-secret" not in result.output
    assert "Traceback" not in result.output


def test_run_job_exit_code_is_3_and_the_report_says_why(tmp_path, closed_port):
    write_csv(tmp_path / "in.csv", [["ticket_id", "tag_names"], *([IDS[i % 4], f"t{i}"] for i in range(50))])
    base = f"http://127.0.0.1:{closed_port}"
    result = run_job(RunOptions(input=tmp_path / "in.csv", base_url=base, rate="1000/s",
                                report=tmp_path / "out.xlsx"), env=ENV)
    assert result.exit_code == 3 and result.stop_reason == f"cannot reach {base}: connection refused"
    cells = {r[0]: r[1] for r in openpyxl.load_workbook(tmp_path / "out.xlsx")["Summary"].iter_rows(values_only=True)}
    assert cells["connection refused"] == result.summary.by_result["failed"]
    assert cells["stopped because"] == result.stop_reason
    assert Path(tmp_path / "out-retry.xlsx").exists()


def test_answers_that_time_out_are_counted_and_do_not_stop_the_run(tmp_path, monkeypatch):
    """Against the sandbox: every update is applied, then its answer is late. A timeout after
    connecting may have been applied, so 12 of them in a row are not "cannot reach" (no stop),
    no comment row is sent twice, and the summary counts the timeouts."""
    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], *([IDS[i % 4], f"c{i}"] for i in range(12))])
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=[(1_000_000, 1.0)],
                                     faults=Faults(slow_rate=1.0, slow_s=1.0))) as ts:
        for name, value in ts.env().items():
            monkeypatch.setenv(name, value)
        result = CliRunner().invoke(cli, ["run", "in.csv", "--rate", "1000/s", "--concurrency", "4",
                                          "--timeout", "0.2", "--report", "out.csv"])
        comments = ts.call(lambda sb: [len(t.comments) for t in sb.tickets.values()])
    assert result.exit_code == 1, result.output
    assert "stopped early" not in result.output and 12 > UNREACHABLE_PROBE
    assert comments == [3, 3, 3, 3]  # every row applied once, none sent again
    report = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8-sig"))))
    unknown = sum(r["result"] == "unknown" for r in report)
    assert unknown >= 8 and {r["result"] for r in report} <= {"unknown", "ok"}  # ok: read back
    assert f"{unknown:>8} x no answer within 0.2 s" in result.output.splitlines()
