"""Reading every ticket a filter selects through the list API (docs/api-facts.md §5: a tenant
token, `page_size` at most 200, 1000/min and 50/s, at most 10,000 results per query).

A query whose `total` reaches the 10,000 it can page through is split into windows of creation
time (a ticket's never changes, so each ticket is in exactly one window), each asked for its own
total, and split again until every window fits; then each window is paged, its pages at once
under the list's throttle (send/fetch.py's WindowLimiter, through the worker pool's retries and
stops). Windows are both-ends-included millisecond ranges that do not overlap. A window of one
millisecond that still holds 10,000 or more cannot be split: its first 10,000 are read and the
result says so. Each window read is checked against its total; one that came back short or long
(tickets created, deleted or edited while it was read) is read again once, then the result says
so. A ticket seen twice is kept once. Every ticket is tested against the filters again
(helpdesk/filters.py), so the result is exact whatever the API makes of them."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from batch_updater.control import RunProgress
from batch_updater.helpdesk.filters import CAP, LIST_RATES, PAGE_SIZE, Filters
from batch_updater.send.fetch import Fetched, WindowLimiter, fetch
from batch_updater.send.session import SendSettings, Session

__all__ = ["CAP", "LIST_RATES", "PAGE_SIZE", "Lister", "Selected"]
MAX_PARTS = 32


@dataclass
class Selected:
    """The tickets read (each once, in the order read), and what the reading met."""

    tickets: dict[str, dict[str, Any]] = field(default_factory=dict)
    reported: int = 0  # the total the first query reported
    requests: int = 0
    warnings: list[str] = field(default_factory=list)
    complete: bool = True  # False: some tickets could not be read (said in `warnings`)
    stop_reason: str | None = None
    interrupted: bool = False
    windows: int = 0  # windows paged (after splitting)


class _Stopped(Exception):
    def __init__(self, page: Fetched) -> None:
        super().__init__(page.stop_reason or "interrupted")
        self.page = page


Window = tuple[int, int]  # creation times, ms, both ends included


class Lister:
    """One pass over the list API for `filters`; `on_progress` is told of the tickets read."""

    def __init__(self, session: Session, settings: SendSettings, filters: Filters, *,
                 rates: Sequence[tuple[int, float]] = LIST_RATES, cap: int = CAP,
                 on_progress: Callable[[RunProgress], None] | None = None,
                 now_ms: Callable[[], int] = lambda: int(time.time() * 1000)) -> None:
        self.session, self.settings, self.filters, self.cap = session, settings, filters, cap
        self.limiter = WindowLimiter(rates, max_in_flight=settings.send.concurrency)
        self.on_progress = on_progress
        self.now_ms = now_ms
        self.result = Selected()

    async def run(self) -> Selected:
        try:
            if self.filters.ids:
                await self._by_id()
            else:
                await self._by_windows()
        except _Stopped as stop:
            self.result.stop_reason = stop.page.stop_reason or (str(stop.page.stop_error) if stop.page.stop_error
                                                                else None)
            self.result.interrupted = stop.page.interrupted
            self.result.complete = False
        return self.result

    # --- requests ----------------------------------------------------------------------

    async def _pages(self, asks: Sequence[tuple[Window | None, int, int]]) -> list[Mapping[str, Any]]:
        """The pages asked for ((window, page, size) each), in order: each its `data`."""
        keys = [f"{w[0] if w else ''}-{w[1] if w else ''}:{page}:{size}" for w, page, size in asks]
        queries = {key: [*self.filters.query(w), ("page", str(page)), ("page_size", str(size))]
                   for key, (w, page, size) in zip(keys, asks)}
        fetched = await fetch(self.session, keys, lambda key: self.session.client.list_tickets(queries[key]),
                              self.limiter, self.settings)
        self.result.requests += len(keys)
        if fetched.stopped:
            raise _Stopped(fetched)
        found = []
        for key in keys:
            answer = fetched.answers.get(key)
            if answer is None or answer.code != 0 or not isinstance(answer.data, Mapping):
                outcome = fetched.outcomes.get(key)
                raise _Stopped(Fetched({}, {}, f"reading the ticket list failed: "
                                                f"{outcome.msg if outcome else 'no answer'}", None, False))
            found.append(answer.data)
        return found

    def _take(self, tickets: Any) -> int:
        taken = 0
        for ticket in tickets if isinstance(tickets, list) else ():
            if isinstance(ticket, Mapping) and isinstance(ticket.get("ticket_id"), str) and \
                    self.filters.matches(ticket):
                if ticket["ticket_id"] not in self.result.tickets:
                    taken += 1
                self.result.tickets[ticket["ticket_id"]] = dict(ticket)
        self._progress()
        return taken

    def _progress(self) -> None:
        if self.on_progress is not None:
            pace = self.limiter.snapshot()
            done = len(self.result.tickets)
            self.on_progress(RunProgress(done, max(done, self.result.reported), {"read": done}, pace.rate,
                                         pace.paused, True, pace.throttles, pace.pauses))

    # --- the windows -------------------------------------------------------------------

    async def _by_windows(self) -> None:
        start, end = self.filters.created_window(self.now_ms())
        assert start is not None and end is not None
        if end < start:
            return
        [first] = await self._pages([((start, end), 1, PAGE_SIZE)])
        self.result.reported = _total(first)
        waiting: list[tuple[Window, Mapping[str, Any]]] = [((start, end), first)]
        while waiting:
            fits, split = [], []
            for window, page in waiting:
                (fits if _total(page) < self.cap or window[0] == window[1] else split).append((window, page))
            await self._read_windows(fits)
            parts = [part for window, page in split for part in _parts(window, _total(page), self.cap)]
            probes = await self._pages([(w, 1, PAGE_SIZE) for w in parts]) if parts else []
            waiting = [(w, p) for w, p in zip(parts, probes) if _total(p) > 0]

    async def _read_windows(self, fits: Sequence[tuple[Window, Mapping[str, Any]]], again: bool = True) -> None:
        """Page every window that fits (their first pages are read): all their pages at once."""
        asks: list[tuple[Window | None, int, int]] = []
        spans = []
        for window, first in fits:
            total = _total(first)
            if total == 0:
                continue
            if total >= self.cap and again:
                self.result.complete = False
                self.result.warnings.append(
                    f"a single millisecond ({window[0]}) holds {total:,} tickets, more than the {self.cap:,} one "
                    f"query of the list API reaches: only {self.cap:,} of them could be read")
            reachable = min(total, self.cap)
            spans.append((window, first, len(asks), reachable))
            asks += [(window, n, PAGE_SIZE) for n in range(2, math.ceil(reachable / PAGE_SIZE) + 1)]
        pages = await self._pages(asks) if asks else []
        redo = []
        for window, first, at, reachable in spans:
            rest = pages[at:at + math.ceil(reachable / PAGE_SIZE) - 1]
            seen: set[str] = set()
            for page in (first, *rest):
                tickets = page.get("tickets") if isinstance(page.get("tickets"), list) else []
                seen.update(t["ticket_id"] for t in tickets if isinstance(t, Mapping)
                            and isinstance(t.get("ticket_id"), str))
                self._take(tickets)
            if len(seen) == reachable and all(_total(p) == _total(first) for p in rest):
                self.result.windows += 1
            elif again:  # tickets changed while it was read: once more, from its first page
                redo.append(window)
            else:
                self.result.windows += 1
                self.result.complete = False
                self.result.warnings.append(
                    f"tickets changed while they were read (created {window[0]}-{window[1]} ms: {_total(first):,} "
                    f"listed, {len(seen):,} read): run it again to be sure none was missed")
        if redo:
            firsts = await self._pages([(w, 1, PAGE_SIZE) for w in redo])
            await self._read_windows(list(zip(redo, firsts)), again=False)

    async def _by_id(self) -> None:
        """One query per id (the list's `ticket_id` filter: 50/s, where a GET per ticket is 10/s)."""
        ids = list(self.filters.ids)
        self.result.reported = len(ids)
        client, query = self.session.client, self.filters.query()
        for n in range(0, len(ids), 500):
            chunk = ids[n:n + 500]
            fetched = await fetch(self.session, chunk, lambda tid: client.list_tickets(
                [*query, ("ticket_id", tid), ("page", "1"), ("page_size", "1")]), self.limiter, self.settings)
            self.result.requests += len(chunk)
            if fetched.stopped:
                raise _Stopped(fetched)
            for tid in chunk:
                answer = fetched.answers.get(tid)
                data = answer.data if answer is not None and isinstance(answer.data, Mapping) else {}
                self._take(data.get("tickets"))
        missing = [tid for tid in ids if tid not in self.result.tickets]
        if missing:
            self.result.warnings.append(f"{len(missing)} of the {len(ids)} ids are not in the helpdesk, or do not "
                                        f"match the filters: {', '.join(missing[:10])}")


def _total(page: Mapping[str, Any]) -> int:
    total = page.get("total")
    return total if isinstance(total, int) and not isinstance(total, bool) and total > 0 else 0


def _parts(window: Window, total: int, cap: int) -> list[Window]:
    """`window` cut into parts of equal length, enough that each would fit if tickets were spread
    evenly (at least 2; a part is at least one millisecond)."""
    start, end = window
    count = min(MAX_PARTS, max(2, math.ceil(2 * total / cap)), end - start + 1)
    size = (end - start + 1) / count
    bounds = [start + round(i * size) for i in range(count)] + [end + 1]
    return [(bounds[i], bounds[i + 1] - 1) for i in range(count) if bounds[i + 1] > bounds[i]]
