"""Which API a run talks to, named once from its options (`--sandbox` or `--base-url`): below
this, code asks the endpoint (send/endpoint.py), never the flag. The in-process sandbox lives
here because send/ may not import the sandbox."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence

from batch_updater.jobs.options import RunOptions
from batch_updater.send.endpoint import Endpoint, feishu_endpoint


def endpoint_of(options: RunOptions) -> Endpoint:
    """The API a run's options name: `--sandbox`'s, or Feishu's (at --base-url, if given)."""
    return sandbox_endpoint() if options.sandbox else feishu_endpoint(options.base_url)


def sandbox_endpoint() -> Endpoint:
    """An in-process sandbox, started for the run's session with the run's tickets in it: it
    starts empty each time, so its jobs keep no journal and no rate is learned from it; its
    credentials are its own."""
    return Endpoint("sandbox", label="in-process sandbox", persistent=False, learns_rate=False,
                    refreshes_user_token=False, shares_budget=False, from_env=False, serve=_in_process_sandbox)


@contextlib.asynccontextmanager
async def _in_process_sandbox(endpoint: Endpoint, ticket_ids: Sequence[str], env: Mapping[str, str]
                              ) -> AsyncIterator[tuple[str | None, Mapping[str, str]]]:
    from batch_updater.sandbox import Sandbox, SandboxConfig

    ids = list(dict.fromkeys(ticket_ids)) or None  # none given (an export): the sandbox's demo tickets
    async with Sandbox(SandboxConfig(ticket_ids=ids)) as sandbox:
        yield sandbox.base_url, sandbox.credentials
