"""The endpoint seam: a run's options name an endpoint once (`endpoint_of`), and below that what
varies between Feishu and the in-process sandbox (a journal, a learned rate, the user token's
refresh, whose credentials) is asked of the endpoint, not of the `sandbox` flag."""

from __future__ import annotations

from pathlib import Path

import pytest

from batch_updater.errors import UsageError
from batch_updater.jobs.options import RunOptions
from batch_updater.model import TicketUpdate
from batch_updater.run.endpoints import endpoint_of, sandbox_endpoint
from batch_updater.sandbox import Sandbox, SandboxConfig
from batch_updater.send.endpoint import feishu_endpoint
from batch_updater.send.pool import SendOptions
from batch_updater.send.session import READ_RATE, SendSettings, check_ready, open_endpoint, read_on
from batch_updater.sources.links import APIS

LARK = APIS[True]  # an origin as written, never called: nothing here sends

TICKET = "6945345902185807891"


def test_the_sandbox_endpoint_keeps_nothing_and_brings_its_own_credentials():
    endpoint = endpoint_of(RunOptions(input=Path("in.csv"), sandbox=True))
    assert endpoint == sandbox_endpoint()
    assert (endpoint.mode, endpoint.label) == ("sandbox", "in-process sandbox")
    assert not (endpoint.persistent or endpoint.learns_rate or endpoint.refreshes_user_token or endpoint.from_env)
    check_ready(SendSettings(READ_RATE, SendOptions(), endpoint=endpoint), {}, reading=True)  # nothing to check


def test_a_feishu_endpoint_keeps_its_jobs_and_rate_and_refreshes_user_tokens():
    endpoint = endpoint_of(RunOptions(input=Path("in.csv"), base_url=LARK))
    assert endpoint == feishu_endpoint(LARK)
    assert (endpoint.mode, endpoint.label, endpoint.base_url) == ("live", None, LARK)
    assert endpoint.persistent and endpoint.learns_rate and endpoint.refreshes_user_token and endpoint.from_env
    with pytest.raises(UsageError):  # its credentials come from the environment: none there
        check_ready(SendSettings(READ_RATE, SendOptions(), endpoint=endpoint), {})


async def test_each_endpoint_opens_as_it_says(tmp_path):
    """Opened: Feishu's (a sandbox plays it here, a refresh token in the environment) refreshes the
    user token; the in-process sandbox starts with the run's tickets, on credentials of its own."""
    async with Sandbox(SandboxConfig(n_tickets=1)) as sb:
        settings = SendSettings(READ_RATE, SendOptions(), endpoint=feishu_endpoint())
        env = {**sb.credentials, "BATCH_UPDATER_STATE_DIR": str(tmp_path)}
        async with open_endpoint(settings, env) as session:
            assert session.client.tokens is not None and session.base_url == sb.base_url

    settings = SendSettings(READ_RATE, SendOptions(), endpoint=sandbox_endpoint())
    async with open_endpoint(settings, {"BATCH_UPDATER_STATE_DIR": str(tmp_path)}, [TICKET]) as session:
        assert session.client.tokens is None and session.endpoint == sandbox_endpoint()
        read = await read_on(session, [TicketUpdate(2, TICKET, {})], settings)
    assert list(read.tickets) == [TICKET]
