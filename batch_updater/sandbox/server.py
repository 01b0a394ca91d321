"""`Sandbox`: the emulator as an async context manager, on a free loopback port."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiohttp import web

from batch_updater.sandbox.app import make_app
from batch_updater.sandbox.config import Faults, Rate, SandboxConfig
from batch_updater.sandbox.core import SandboxCore
from batch_updater.sandbox.docs import Docs
from batch_updater.sandbox.state import Ticket


class Sandbox:
    """A local Feishu helpdesk API. Runs in the caller's event loop::

        async with Sandbox(SandboxConfig(rates=[(20, 1.0), (600, 60.0)])) as sb:
            env = sb.credentials          # FEISHU_* -> value, FEISHU_BASE_URL included
            ...                           # point a client at sb.base_url
            assert sb.stats()["max_accepted_1s"] <= 20
    """

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.core = SandboxCore(config or SandboxConfig())
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def start(self) -> Sandbox:
        config = self.core.config
        self._runner = web.AppRunner(make_app(self.core), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        # A deep backlog: a burst of new connections must not wait out SYN retries (1 s).
        site = web.TCPSite(self._runner, config.host, config.port, backlog=1024)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
        return self

    async def close(self) -> None:
        if self._runner is not None:
            self.core.close()
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Sandbox:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # -- what tests read -----------------------------------------------------------
    @property
    def credentials(self) -> dict[str, str]:
        """Env var name -> value, for the client under test (tokens are the initial ones)."""
        return self.core.credentials(self.base_url)

    @property
    def helpdesk_header(self) -> str:
        """The right `X-Lark-Helpdesk-Authorization` value."""
        return self.core.tokens.identity.helpdesk_header

    def user_headers(self, token: str | None = None) -> dict[str, str]:
        """Headers a PUT needs: the (initial) user token and the helpdesk header."""
        token = token or self.core.tokens.initial_user_token
        return {"Authorization": f"Bearer {token}", "X-Lark-Helpdesk-Authorization": self.helpdesk_header}

    def tenant_token(self) -> str:
        """A tenant_access_token (the GET needs one), issued as the token endpoint would."""
        ident = self.core.tokens.identity
        _, token = self.core.tokens.issue_app_token(
            {"app_id": ident.app_id, "app_secret": ident.app_secret}, "tenant")
        assert token is not None
        return token.value

    def ticket_url(self, ticket_id: str) -> str:
        return f"{self.base_url}/open-apis/helpdesk/v1/tickets/{ticket_id}"

    @property
    def docs(self) -> Docs:
        """Its Bases, spreadsheets and wiki nodes (docs.py): add them, inject faults, read the counters."""
        return self.core.docs

    @property
    def tickets(self) -> dict[str, Ticket]:
        return self.core.tickets.tickets

    def add_tickets(self, ticket_ids: Sequence[str]) -> int:
        """Make these tickets exist (seeded like the others); how many were new."""
        return self.core.tickets.add(ticket_ids)

    def stats(self) -> dict[str, Any]:
        """The same dict `GET /_sandbox/stats` answers."""
        return self.core.snapshot()

    # -- what tests change ---------------------------------------------------------
    @property
    def faults(self) -> Faults:
        return self.core.faults

    def set_faults(self, **changes: Any) -> Faults:
        """Change some `Faults` fields, e.g. `sb.set_faults(error_rate=0.2)`."""
        return self.core.set_faults(**changes)

    def set_rates(self, rates: Sequence[Rate] | None = None,
                  get_rates: Sequence[Rate] | None = None, list_rates: Sequence[Rate] | None = None) -> None:
        self.core.set_rates(rates, get_rates, list_rates)

    def throttle_next(self, n: int) -> None:
        """The next `n` PUTs answer 429, whatever the windows say."""
        self.core.throttle_next(n)

    def fail_next_refreshes(self, *codes: int) -> None:
        """The next refreshes answer these codes in order (e.g. 20050), before any check."""
        self.core.fail_next_refreshes(*codes)

    def reset(self) -> None:
        """Back to the state at start (tickets, tokens, windows, stats); faults are kept."""
        self.core.reset()
