"""What a run talks to: Feishu (or the API at a base URL), or an API this process serves itself
(the in-process sandbox, run/endpoints.py's `sandbox_endpoint`).

Below the front ends nothing asks "is this the sandbox?": it asks the endpoint what it does.
`RunOptions.sandbox` is the user's flag, turned into an endpoint once (run/endpoints.py's
`endpoint_of`). Nothing here loads aiohttp: session.py opens one.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

# Where the API is and the credentials for it, while a run talks to it: given the endpoint, the
# tickets the run will touch and the environment's variables, the base URL (None: $FEISHU_BASE_URL
# or Feishu's) and the FEISHU_* variables to use.
Serve = Callable[["Endpoint", Sequence[str], Mapping[str, str]],
                 AbstractAsyncContextManager[tuple[str | None, Mapping[str, str]]]]


@contextlib.asynccontextmanager
async def as_given(endpoint: Endpoint, ticket_ids: Sequence[str], env: Mapping[str, str]
                   ) -> AsyncIterator[tuple[str | None, Mapping[str, str]]]:
    """An API that is there already: at the endpoint's base URL, with the environment's credentials."""
    yield endpoint.base_url, env


@dataclass(frozen=True)
class Endpoint:
    """An API a run can talk to, before any session is open."""

    mode: str  # the run's mode in the report's summary: "live", "sandbox"
    base_url: str | None = None  # None: $FEISHU_BASE_URL, else Feishu's
    label: str | None = None  # how the report names the API (None: by the base URL it was sent to)
    persistent: bool = True  # its jobs keep a journal (resume, the lock, the comment ledger) between runs
    learns_rate: bool = True  # the rate found against it is kept for the next run (--rate auto)
    refreshes_user_token: bool = True  # a user token that expires is refreshed (FEISHU_REFRESH_TOKEN)
    shares_budget: bool = True  # its rate budget is shared with other processes (--limiter; send/shared.py)
    from_env: bool = True  # its base URL and credentials are the environment's: checked before anything is read
    serve: Serve = as_given

    def serving(self, ticket_ids: Sequence[str], env: Mapping[str, str]
                ) -> AbstractAsyncContextManager[tuple[str | None, Mapping[str, str]]]:
        """While in this block, the API is there: its base URL and the FEISHU_* variables for it."""
        return self.serve(self, ticket_ids, env)


def feishu_endpoint(base_url: str | None = None) -> Endpoint:
    """Feishu / Lark, or the API at `base_url` (else $FEISHU_BASE_URL), with the environment's
    credentials: its jobs and the rate it allows are kept between runs."""
    return Endpoint("live", base_url)
