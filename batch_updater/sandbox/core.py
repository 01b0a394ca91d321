"""Everything a running sandbox knows, in one object the handlers share."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import os
import time
from collections.abc import Sequence
from typing import Any

from batch_updater.sandbox.auth import TokenStore
from batch_updater.sandbox.config import Faults, Rate, SandboxConfig
from batch_updater.sandbox.docs import Docs
from batch_updater.sandbox.faults import FaultDice
from batch_updater.sandbox.state import TicketStore
from batch_updater.sandbox.stats import Stats
from batch_updater.sandbox.throttle import Throttle


class SandboxCore:
    """Tickets, tokens, throttles, faults and stats. `reset()` rebuilds all of it from
    the config (same seed: same tickets and credentials) but keeps the current faults."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.clock = config.clock
        self.faults = config.faults
        self._log_seq = itertools.count(1)
        self._closing: asyncio.Event | None = None
        self.docs = Docs(config.seed, self.clock)  # Bases, spreadsheets, wiki nodes (kept by reset)
        self.reset()

    def reset(self) -> None:
        config = self.config
        self.tokens = TokenStore(config, self.clock)
        self.tickets = TicketStore(config)
        self.put_throttle = Throttle(config.rates)
        self.get_throttle = Throttle(config.get_rates)
        self.list_throttle = Throttle(config.list_rates)
        self.fields_throttle = Throttle(config.fields_rates)
        self.stats = Stats()
        self.dice = FaultDice(config.seed)

    # -- run-time changes ------------------------------------------------------------
    def set_faults(self, **changes: Any) -> Faults:
        self.faults = dataclasses.replace(self.faults, **changes)
        return self.faults

    def set_rates(self, rates: Sequence[Rate] | None = None,
                  get_rates: Sequence[Rate] | None = None, list_rates: Sequence[Rate] | None = None) -> None:
        """New windows, starting empty."""
        self.config = dataclasses.replace(
            self.config, rates=tuple(rates or self.config.rates),
            get_rates=tuple(get_rates or self.config.get_rates),
            list_rates=tuple(list_rates or self.config.list_rates))
        self.put_throttle = Throttle(self.config.rates)
        self.get_throttle = Throttle(self.config.get_rates)
        self.list_throttle = Throttle(self.config.list_rates)

    def throttle_next(self, n: int) -> None:
        """The next `n` PUTs answer 429 whatever the windows say."""
        self.dice.burst_left = n

    def fail_next_refreshes(self, *codes: int) -> None:
        """The next refreshes answer these codes (e.g. 20050), in order, before anything else."""
        self.tokens.refresh_failures.extend(codes)

    # -- helpers for the handlers ----------------------------------------------------
    def next_log_id(self) -> str:
        return f"{time.strftime('%Y%m%d%H%M%S')}{next(self._log_seq):010X}{os.urandom(5).hex().upper()}"

    async def pause(self, seconds: float) -> None:
        """Sleep, but wake at once when the sandbox closes (so shutdown never waits on a fault)."""
        if seconds <= 0:
            return
        if self._closing is None:
            self._closing = asyncio.Event()
        try:
            await asyncio.wait_for(self._closing.wait(), seconds)
        except TimeoutError:
            pass

    def close(self) -> None:
        if self._closing is None:
            self._closing = asyncio.Event()
        self._closing.set()

    def snapshot(self) -> dict[str, Any]:
        tickets = self.tickets.tickets
        updates = {tid: len(t.history) for tid, t in tickets.items() if t.history}
        return self.stats.snapshot(self.tickets.comment_texts(), updates, self.tokens.refreshes)

    def credentials(self, base_url: str) -> dict[str, str]:
        ident = self.tokens.identity
        return {
            "FEISHU_BASE_URL": base_url,
            "FEISHU_USER_ACCESS_TOKEN": self.tokens.initial_user_token,
            "FEISHU_HELPDESK_ID": ident.helpdesk_id,
            "FEISHU_HELPDESK_TOKEN": ident.helpdesk_token,
            "FEISHU_APP_ID": ident.app_id,
            "FEISHU_APP_SECRET": ident.app_secret,
            "FEISHU_REFRESH_TOKEN": self.tokens.initial_refresh_token,
        }
