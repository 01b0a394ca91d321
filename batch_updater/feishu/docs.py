"""Feishu's document APIs a link names (Base, Sheets, Wiki: docs/api-facts.md §9): one request at
a time per API, each held to its documented rate, with the app's tenant token or the user token;
and the same request made again, with backoff, while the answer says nothing was done (a throttle,
a write conflict, "not ready", a server error, no answer).

What the answers mean is codes.py's table; what the tool does with them is the sources' (a read
refused stops the job before anything is sent, a write that keeps failing is said at the end).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import aiohttp

from batch_updater.errors import CredentialsRefused, UsageError
from batch_updater.feishu.client import JSON_TYPE, Answer, Transport, exchange
from batch_updater.feishu.codes import TENANT_REJECTED, Action, action_for
from batch_updater.feishu.credentials import api_origin
from batch_updater.feishu.tokens import TenantToken

# Each API's documented rate (requests per second): the client never asks faster (§9.1, §9.3, §9.4, §9.7).
RATES = {"search": 20.0, "fields": 20.0, "field_create": 20.0, "batch_update": 50.0, "batch_create": 50.0,
         "sheets_query": 100 / 60, "values_get": 100.0, "values_batch_update": 100.0, "get_node": 100 / 60}
ATTEMPTS = 8  # a call made at most this many times while its answers say nothing was done
BACKOFF_S = 0.5  # the first wait; doubled each time, at most MAX_BACKOFF_S, with jitter
MAX_BACKOFF_S = 8.0
CONFLICT = 1254291  # a write conflict: wait 0.5-1 s and write the batch again (§9.6)
NEEDS = ("reading or writing a Feishu Base or sheet needs the app's credentials (FEISHU_APP_ID and "
         "FEISHU_APP_SECRET: its tenant token) or a user token (FEISHU_USER_ACCESS_TOKEN)")


class DocsApi:
    """Document API calls on one aiohttp session, at `base_url`, with `token()` (the tenant
    token, refreshed when an answer rejects it, or a user token)."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, token: Callable[[], Awaitable[str]], *,
                 tenant: TenantToken | None = None, timeout: float = 30.0,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
                 clock: Callable[[], float] = time.monotonic, rng: random.Random | None = None) -> None:
        self.session, self.base_url = session, base_url.rstrip("/")
        self._token, self._tenant = token, tenant
        self.timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=min(timeout, 10.0))
        self.sleep, self.clock, self.rng = sleep, clock, rng or random.Random()
        self._next: dict[str, float] = {}  # the earliest time each API may be called again
        self.calls: Counter[str] = Counter()  # requests made, by API
        self.retries: Counter[str] = Counter()  # of them, made again after an answer that did nothing
        self.waited = 0.0  # seconds spent in backoff

    async def call(self, api: str, method: str, path: str, *, params: Mapping[str, str] | None = None,
                   body: Any = None) -> Answer:
        """One request of `api` (a RATES key), in its turn; a tenant token the answer rejects is
        fetched again and the request made once more."""
        await self._turn(api)
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        token = await self._token()
        answer = await self._send(api, method, path, params, data, token)
        if self._tenant is not None and answer.code in TENANT_REJECTED:
            answer = await self._send(api, method, path, params, data, await self._tenant.refresh(token))
        return answer

    async def retrying(self, api: str, method: str, path: str, *, params: Mapping[str, str] | None = None,
                       body: Any = None, attempts: int = ATTEMPTS) -> Answer:
        """`call`, made again with backoff while the answer says nothing was done (a throttle, a
        write conflict, not ready, a server error, no answer at all; a write is all or nothing,
        and writing the same values twice is harmless): the last answer."""
        for attempt in range(1, attempts + 1):
            answer = await self.call(api, method, path, params=params, body=body)
            if attempt == attempts or not again(answer):
                return answer
            self.retries[api] += 1
            wait = backoff(answer, attempt, self.rng)
            self.waited += wait
            await self.sleep(wait)
        raise AssertionError("unreachable")

    async def _turn(self, api: str) -> None:
        now = self.clock()
        due = max(now, self._next.get(api, now))
        self._next[api] = due + 1.0 / RATES[api]
        if due > now:
            await self.sleep(due - now)

    async def _send(self, api: str, method: str, path: str, params: Mapping[str, str] | None, data: bytes | None,
                    token: str) -> Answer:
        self.calls[api] += 1
        headers = {"Authorization": f"Bearer {token}", "Content-Type": JSON_TYPE}
        return await exchange(self.session, method, self.base_url + path, data, headers, self.timeout, params=params)


def again(answer: Answer) -> bool:
    """The answer says nothing was done and the same call may succeed later."""
    if answer.http_status == 413:  # the request is too large: the same one never succeeds
        return False
    if answer.transport is not None:
        return True
    if answer.code is None:
        return False
    return action_for(answer.code, answer.http_status or 0) in (Action.THROTTLE, Action.RETRY)


def backoff(answer: Answer, attempt: int, rng: random.Random) -> float:
    """Seconds before the next attempt: the reset header when there is one; 0.5-1 s after a write
    conflict (§9.6); else 0.5, 1, 2... (at most 8) s, each with up to a quarter more at random."""
    if answer.reset_after is not None:
        return answer.reset_after + rng.uniform(0, 0.25)
    if answer.code == CONFLICT:
        return BACKOFF_S * (1 + rng.random())
    base = min(BACKOFF_S * 2 ** (attempt - 1), MAX_BACKOFF_S)
    return base * (1 + rng.uniform(0, 0.25))


@contextlib.asynccontextmanager
async def open_docs(env: Mapping[str, str], base_url: str | None, *, timeout: float = 30.0) -> AsyncIterator[DocsApi]:
    """A DocsApi at the run's API (`base_url`, else $FEISHU_BASE_URL, else Feishu's), with the
    app's tenant token when FEISHU_APP_ID and FEISHU_APP_SECRET are set, else the user token."""
    origin = api_origin(base_url, env)
    user = env.get("FEISHU_USER_ACCESS_TOKEN", "").strip()
    async with aiohttp.ClientSession() as session:
        tenant = TenantToken.from_env(env, session, origin, timeout=timeout)
        if tenant is None and not user:
            raise UsageError(NEEDS)

        async def token() -> str:
            if tenant is None:
                return user
            try:
                return await tenant.current()
            except CredentialsRefused as e:  # its message speaks of tickets: say what it was for here
                raise CredentialsRefused(str(e).replace("reading tickets needs", "a Feishu Base or sheet needs",
                                                        1)) from None

        yield DocsApi(session, origin, token, tenant=tenant, timeout=timeout)


def problem(answer: Answer) -> str:
    """An answer that is not a success, in words: its code and msg, or what happened instead."""
    if answer.transport is Transport.NOT_CONNECTED:
        return f"cannot reach the API: {answer.msg}"
    if answer.code is None:
        return answer.msg or f"HTTP {answer.http_status}"
    return f"{answer.code} {answer.describe()}".strip()
