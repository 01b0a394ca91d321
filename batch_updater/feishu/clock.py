"""How far the API's clock is from this machine's, from the `Date` header of its answers. Pure.

A comment's `created_at` is stamped by the API's clock, a row's time of sending by this
machine's: comparing the two needs their offset. Each answer's `Date` (whole seconds, RFC 9110
§6.6.1: when the answer was made) was read on the API's clock at some moment between the
request leaving and its answer arriving on ours, so it bounds the offset:

    date - received  <=  offset (API clock - ours)  <  date + 1 s - sent

Every answer narrows the bounds; bounds that stop overlapping (a clock was set meanwhile) start
again from the newest answer.
"""

from __future__ import annotations

import math
from email.utils import parsedate_to_datetime


class ClockOffset:
    """The API's clock minus this machine's, as bounds in seconds; `bounds_ms()` for a verdict."""

    __slots__ = ("low", "high", "answers", "_date")

    def __init__(self) -> None:
        self.low = -math.inf
        self.high = math.inf
        self.answers = 0  # answers with a readable Date
        self._date: tuple[str, float | None] = ("", None)  # the last header and its epoch seconds

    def observe(self, date: str | None, sent: float, received: float) -> None:
        """One answer: its `Date` header, and when (epoch seconds, our clock) its request left and
        its answer arrived."""
        if not date:
            return
        if date != self._date[0]:
            self._date = (date, _epoch(date))
        at = self._date[1]
        if at is None:
            return
        low, high = at - received, at + 1.0 - sent
        if low > self.high or high < self.low:  # a clock was set meanwhile: the old bounds are void
            self.low, self.high = low, high
        else:
            self.low, self.high = max(self.low, low), min(self.high, high)
        self.answers += 1

    def bounds_ms(self) -> tuple[int, int] | None:
        """(low, high) in ms, None before any answer said its time."""
        if not self.answers:
            return None
        return math.floor(self.low * 1000), math.ceil(self.high * 1000)


def _epoch(date: str) -> float | None:
    try:
        parsed = parsedate_to_datetime(date)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.timestamp() if parsed.tzinfo is not None else None
