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

from batch_updater.api import HelpdeskClient, Transport
from batch_updater.classify import is_final
from batch_updater.cli import cli
from batch_updater.credentials import Credentials, check_base_url
from batch_updater.errors import UsageError
from batch_updater.limit import Pacer
from batch_updater.load import read_text
from batch_updater.model import Outcome, Result, TicketUpdate
from batch_updater.pacing import PaceController
from batch_updater.report import write_report
from batch_updater.run import RunOptions, run_job
from batch_updater.sandbox import Faults, SandboxConfig
from tests.fakehttp import stub
from tests.send_harness import ThreadSandbox
from tests.sheets import csv_bytes, write_csv

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
