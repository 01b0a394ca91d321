"""Where processes that share one rate budget keep it: a `SlotStore` holds one GCRA slot schedule
(the theoretical arrival time of the next request, `tat`), the shared throttle pause, the rate
decisions of `--rate auto` (pacing.Decision) and the answers accepted per 100 ms, for every
process of one app, API and helpdesk (send/shared.py uses it; the key is made there).

`FileSlots` keeps it in a file of the state folder, under an exclusive `flock`: every process on
this machine that uses the same state folder shares it (the default). Its clock is the event
loop's, `time.monotonic()`: the same for every process of this machine, and never set back; a
schedule left by an earlier run (unused for STALE seconds), or from before a reboot (the file
names the boot), is stale and ignored. send/redis_limiter.py keeps the same on a Redis server,
on the server's clock, for processes on several machines.

Every operation is one short critical section (read, change, write a small JSON file: some tens
of microseconds), so it is done in the event loop's thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from batch_updater.i18n import N_
from batch_updater.paths import private_dir

MAX_LATE = 0.005  # seconds of lateness a slot may make up (limiter.MAX_LATE)
STALE = 120.0  # seconds without a take after which a schedule and its decisions are forgotten
FAR = 300.0  # a due time or a pause further ahead than this is not believed (a clock that jumped)
BUCKET = 0.1  # seconds: answers accepted are counted per bucket of this width
HORIZON = 70.0  # seconds of buckets kept (the controller looks back a minute at most)
STATE_FOLDER = N_("the state folder")  # where FileSlots keep the shared budget, as a message names it
ACTIVE = 2.0  # seconds since its last take that a process counts as sharing the budget


@dataclass(frozen=True, slots=True)
class Grant:
    """Slots taken: the store's clock when it granted them, when the first is due, the shared
    pause, and the version of the shared rate decision (0: none yet)."""

    now: float
    due: float
    paused_until: float
    version: int
    others: int = 0  # other processes that took slots in the last ACTIVE seconds


@dataclass(frozen=True, slots=True)
class Shared:
    """The shared rate decision and pause, as the store holds them."""

    now: float
    paused_until: float
    version: int
    writer: str
    decision: dict[str, Any] | None


class SlotStore(Protocol):
    """One budget's shared state (one API's slots: updates and reads each have their own)."""

    label: str  # where it is kept, for messages: "the state folder", "redis://host:6379/0"

    async def take(self, n: int, interval: float, writer: str = "") -> Grant:
        """Reserve `n` slots `interval` seconds apart for `writer`, after the shared pause: the first is
        due at `due`."""

    async def shared(self) -> Shared: ...

    async def decide(self, writer: str, decision: Mapping[str, Any]) -> int:
        """Publish `writer`'s rate decision; returns its version."""

    async def pause(self, writer: str, sent_at: float, until: float, decision: Mapping[str, Any] | None) -> bool:
        """A throttle answer to a request sent at `sent_at` (store clock): pause every process until
        `until` and publish `decision` (if given), unless that request was sent before the last pause
        began or during it (a process that had not heard of it yet): then the answer is old news
        (False), and nothing changes."""

    async def depart(self, count: int, seconds: float, late: float = 0.0) -> float:
        """A request about to leave at a fixed rate: 0.0 (recorded as leaving now, plus `late`: a
        request that opens a connection reaches the API that much later) unless `count` requests of
        any process left in the last `seconds`; then the seconds to wait first."""

    async def count(self, deltas: Mapping[int, int]) -> dict[int, int]:
        """Add this process's answers accepted per bucket; every process's counts, the last HORIZON."""

    async def push(self, at_least: float) -> None:
        """A slot was used late: the next is due no earlier than `at_least` (as one process's pacing
        makes up at most MAX_LATE of a late wake-up: more would be a burst)."""

    async def leave(self, writer: str) -> None:
        """`writer` stops taking slots: it no longer counts as sharing the budget."""

    async def close(self) -> None: ...


def _fresh(state: dict[str, Any], now: float, boot: str = "") -> dict[str, Any]:
    """The state, or an empty one if nobody used it for STALE seconds or its clock is not believable."""
    touched = state.get("touched")
    if not isinstance(touched, int | float) or not now - STALE <= touched <= now + FAR or state.get("boot", "") != boot:
        return {"version": 0, "boot": boot}
    return state


def _boot_id() -> str:
    """This boot of the machine (monotonic clocks start again at each)."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as f:
            return f.read().strip()
    except OSError:
        return ""


class FileSlots:
    """A SlotStore in `<folder>/<name>.json` (and `.counts.json`), locked with `<name>.lock`."""

    label = STATE_FOLDER  # said through tr()

    def __init__(self, folder: Path, name: str, *, clock: Callable[[], float] | None = None) -> None:
        private_dir(folder)
        self.path = folder / f"{name}.json"
        self.counts_path = folder / f"{name}.counts.json"
        self._lock = os.open(folder / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        self._clock = clock or (lambda: asyncio.get_running_loop().time())
        self._boot = _boot_id()

    @contextlib.contextmanager
    def _held(self, path: Path) -> Iterator[tuple[dict[str, Any], float]]:
        """The file's state, locked; written back (in place: every reader holds the lock) after the block."""
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                raw = os.pread(fd, 1 << 20, 0)
                try:
                    state = json.loads(raw) if raw else {}
                except ValueError:  # cut short by a crash mid-write: start afresh
                    state = {}
                state = state if isinstance(state, dict) else {}
                before = dict(state)
                now = self._clock()
                if path == self.path:  # the schedule: one left by an earlier run is forgotten
                    fresh = _fresh(state, now, self._boot)
                    if fresh is not state:
                        state.clear()
                        state.update(fresh)
                yield state, now
                if state != before:
                    data = json.dumps(state, separators=(",", ":")).encode()
                    os.pwrite(fd, data, 0)
                    os.ftruncate(fd, len(data))
            finally:
                os.close(fd)
        finally:
            fcntl.flock(self._lock, fcntl.LOCK_UN)

    async def take(self, n: int, interval: float, writer: str = "") -> Grant:
        with self._held(self.path) as (state, now):
            tat, paused = _number(state.get("tat"), now), _number(state.get("paused_until"), now)
            due = max(tat, paused, now - MAX_LATE)
            state["tat"] = due + n * interval
            state["touched"] = now
            takers = state.get("takers")
            takers = {w: t for w, t in takers.items() if isinstance(t, int | float) and t > now - ACTIVE} \
                if isinstance(takers, dict) else {}
            takers[writer] = now
            state["takers"] = takers
            return Grant(now, due, paused, int(state.get("version", 0)), len(takers) - 1)

    async def shared(self) -> Shared:
        with self._held(self.path) as (state, now):
            decision = state.get("decision")
            return Shared(now, _number(state.get("paused_until"), now), int(state.get("version", 0)),
                          str(state.get("writer", "")), decision if isinstance(decision, dict) else None)

    async def decide(self, writer: str, decision: Mapping[str, Any]) -> int:
        with self._held(self.path) as (state, now):
            state["version"] = int(state.get("version", 0)) + 1
            state["writer"], state["decision"], state["touched"] = writer, dict(decision), now
            return int(state["version"])

    async def pause(self, writer: str, sent_at: float, until: float, decision: Mapping[str, Any] | None) -> bool:
        with self._held(self.path) as (state, now):
            if sent_at < max(_number(state.get("pause_began"), now), _number(state.get("paused_until"), now)):
                return False  # sent before the last pause began, or during it: the same event
            state["pause_began"] = now
            state["paused_until"] = max(_number(state.get("paused_until"), now), min(until, now + FAR))
            state["touched"] = now
            if decision is not None:
                state["version"] = int(state.get("version", 0)) + 1
                state["writer"], state["decision"] = writer, dict(decision)
            return True

    async def depart(self, count: int, seconds: float, late: float = 0.0) -> float:
        with self._held(self.path) as (state, now):
            departed = sorted(t for t in state.get("departed", ()) if isinstance(t, int | float)
                              and now - FAR < t <= now + FAR)
            if len(departed) >= count and departed[-count] + seconds > now:
                return departed[-count] + seconds - now
            state["departed"] = sorted([*departed[-(count - 1):], now + late] if count > 1 else [now + late])
            return 0.0

    async def count(self, deltas: Mapping[int, int]) -> dict[int, int]:
        with self._held(self.counts_path) as (state, now):
            oldest = int((now - HORIZON) / BUCKET)
            counts = {int(k): int(v) for k, v in state.items() if int(k) >= oldest}
            for bucket, n in deltas.items():
                if bucket >= oldest:
                    counts[bucket] = counts.get(bucket, 0) + n
            state.clear()
            state.update({str(k): v for k, v in counts.items()})
            return counts

    async def push(self, at_least: float) -> None:
        with self._held(self.path) as (state, now):
            if at_least <= now + FAR and at_least > _number(state.get("tat"), now):
                state["tat"] = at_least

    async def leave(self, writer: str) -> None:
        with self._held(self.path) as (state, _):
            takers = state.get("takers")
            if isinstance(takers, dict) and writer in takers:
                state["takers"] = {w: t for w, t in takers.items() if w != writer}  # a new dict: written back

    async def close(self) -> None:
        if self._lock >= 0:
            os.close(self._lock)
            self._lock = -1


def _number(value: object, now: float) -> float:
    """A time from the store: -inf if missing, or further ahead than FAR (not to be believed)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value <= now + FAR:
        return float(value)
    return float("-inf")
