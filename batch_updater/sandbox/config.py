"""What a sandbox is told to be: tickets, windows, token lifetimes and faults.

`SandboxConfig` is fixed at start; `Faults` can be swapped at run time
(`Sandbox.set_faults`, `POST /_sandbox/faults`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from batch_updater.sandbox.fields import DEMO_FIELDS, SandboxField

Rate = tuple[int, float]  # (requests allowed, window length in seconds)

_RATE = re.compile(r"^\s*(\d+)\s*(?:/\s*(s|sec|second|m|min|minute))?\s*$", re.IGNORECASE)


def parse_window(text: str) -> Rate:
    """A throttle window: `"20/s"` -> (20, 1.0); `"600/min"` -> (600, 60.0); a bare `"20"` means per second."""
    match = _RATE.match(text)
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"not a rate: {text!r} (expected N, N/s or N/min with N >= 1)")
    unit = (match.group(2) or "s").lower()
    return int(match.group(1)), (1.0 if unit.startswith("s") else 60.0)


@dataclass(frozen=True, slots=True)
class Faults:
    """Trouble to inject, drawn from one `random.Random(seed)` so a run can be replayed.

    Rates are shares in 0..1, drawn per `PUT` in the order the request meets them.
    """

    latency_ms: float = 0.0  # added before every /open-apis request is handled
    latency_max_ms: float | None = None  # if set: uniform(latency_ms, latency_max_ms)
    bad_gateway_rate: float = 0.0  # HTML 502 from the "gateway"; not applied
    error_rate: float = 0.0  # HTTP 500 / 155000; not applied
    drop_before_apply_rate: float = 0.0  # connection closed, no answer; not applied
    drop_after_apply_rate: float = 0.0  # applied, then connection closed, no answer
    slow_rate: float = 0.0  # applied, then the answer waits `slow_s` seconds
    slow_s: float = 0.0
    scope_missing: bool = False  # every PUT/GET answers 99991672 (the app lacks helpdesk:all)
    monthly_quota: int | None = None  # authenticated calls allowed before 99991403

    def __post_init__(self) -> None:
        for name in ("bad_gateway_rate", "error_rate", "drop_before_apply_rate",
                     "drop_after_apply_rate", "slow_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.latency_ms < 0 or self.slow_s < 0:
            raise ValueError("latency_ms and slow_s must be >= 0")
        if self.latency_max_ms is not None and self.latency_max_ms < self.latency_ms:
            raise ValueError("latency_max_ms must be >= latency_ms")


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """How the sandbox starts. Every field has a default that works for a test."""

    seed: int = 0
    ticket_ids: Sequence[str] | None = None  # None: generate `n_tickets` 19-digit ids from the seed
    n_tickets: int = 100
    forbidden: frozenset[str] = frozenset()  # tickets the helpdesk may not touch: 403 / 154003
    closed_by_user: frozenset[str] = frozenset()  # tickets that start at status 52
    initial_status: int = 1
    rates: Sequence[Rate] = ((10, 1.0),)  # PUT windows, all enforced at once
    get_rates: Sequence[Rate] = ((10, 1.0),)  # GET ticket's own windows (documented 10/s)
    # The ticket list's windows (documented 1000/min and 50/s), and the field list's (UNKNOWN: the
    # lowest published tier, 5/s, the harder case for a client).
    list_rates: Sequence[Rate] = ((1000, 60.0), (50, 1.0))
    fields_rates: Sequence[Rate] = ((5, 1.0),)
    list_cap: int = 10_000  # results one list query reaches at most (docs/api-facts.md §5)
    # The helpdesk's custom fields (sandbox/fields.py); what an update's dropdown value means:
    # "display_name" (what a read shows) or "tag" (UNKNOWN in §10).
    custom_fields: Sequence[SandboxField] = DEMO_FIELDS
    dropdown_write: str = "display_name"
    created_span_ms: int = 30 * 86_400_000  # seeded tickets are created within this span (1: the same ms)
    user_token_ttl_s: float = 7200.0
    user_token_max_requests: int | None = None  # requests a user token authenticates before 99991677
    refresh_token_ttl_s: float = 604800.0
    refresh_grace_s: float = 60.0  # the old user token keeps working this long after a refresh
    tenant_token_ttl_s: float = 7200.0
    faults: Faults = field(default_factory=Faults)
    # Seconds, monotonic. Throttle windows, token expiry and the stats' windows read it;
    # a test passes a `ManualClock` and never sleeps.
    clock: Callable[[], float] = time.monotonic
    # Seconds the API's wall clock is ahead of this machine's (negative: behind): comments'
    # `created_at`, `updated_at`, `closed_at` and every answer's `Date` header are shifted by it.
    clock_offset_s: float = 0.0
    host: str = "127.0.0.1"
    port: int = 0  # 0: a free port

    def wall_time(self) -> float:
        """The API's wall clock (epoch seconds): this machine's, shifted by `clock_offset_s`."""
        return time.time() + self.clock_offset_s

    def __post_init__(self) -> None:
        for limit, period in (*self.rates, *self.get_rates, *self.list_rates, *self.fields_rates):
            if limit < 1 or period <= 0:
                raise ValueError(f"bad rate window ({limit}, {period})")
        if not self.rates or not self.get_rates or not self.list_rates or not self.fields_rates:
            raise ValueError("at least one rate window is needed")
        if self.dropdown_write not in ("display_name", "tag"):
            raise ValueError("dropdown_write must be display_name or tag")
        if self.created_span_ms < 1 or self.list_cap < 1:
            raise ValueError("created_span_ms and list_cap must be at least 1")


class ManualClock:
    """A clock a test moves by hand: `clock.advance(1.5)`."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
