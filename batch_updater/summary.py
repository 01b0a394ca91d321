"""Counting what happened: pure functions over outcomes and validated rows."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from batch_updater.model import FieldError, Outcome, Result, Second, TicketUpdate


@dataclass(frozen=True, slots=True)
class Summary:
    rows: int
    by_result: dict[str, int]
    common_errors: list[tuple[str, int]] = field(default_factory=list)
    more_errors: tuple[int, int] = (0, 0)  # the kinds of problem not in common_errors, and how many rows' worth
    common_codes: list[tuple[str, int]] = field(default_factory=list)
    repeated_tickets: int = 0  # tickets named on more than one row
    rows_on_repeated: int = 0


def summarize(checked: Sequence[TicketUpdate | list[FieldError]], outcomes: Sequence[Outcome],
              top: int = 5) -> Summary:
    by_result = Counter(o.result.value for o in outcomes)
    errors = Counter(
        f"{e.column}: {e.problem}" for item in checked if isinstance(item, list) for e in item
    )
    codes = answer_counts(outcomes)
    del codes[SUCCESS]
    per_ticket = Counter(item.ticket_id for item in checked if isinstance(item, TicketUpdate))
    repeated = {t: n for t, n in per_ticket.items() if n > 1}
    return Summary(
        rows=len(outcomes),
        by_result=dict(by_result),
        common_errors=errors.most_common(top),
        more_errors=(max(0, len(errors) - top), sum(n for _, n in errors.most_common()[top:])),
        common_codes=codes.most_common(top),
        repeated_tickets=len(repeated),
        rows_on_repeated=sum(repeated.values()),
    )


SUCCESS = "0 success"


def answer_text(outcome: Outcome) -> str | None:
    """A row's last answer as the summaries count it: the API's code and message, or what
    happened instead of an answer ("connection refused"); None for a row with neither."""
    if outcome.result is Result.INVALID:
        return None
    if outcome.code == 0:
        return SUCCESS
    if outcome.code is not None:
        return f"{outcome.code} {outcome.msg}"[:100]
    return outcome.failure[:100] or None


def answer_counts(outcomes: Sequence[Outcome]) -> Counter[str]:
    """Rows by their last answer; the console's "Most common answers" and the report's Summary
    sheet both read this, so they agree."""
    return Counter(text for o in outcomes if (text := answer_text(o)) is not None)


def per_second(accepted: Sequence[float], throttled: Sequence[float], rate_history: Sequence[tuple[float, float]],
               started: float, finished: float) -> list[Second]:
    """The run second by second: accepted and throttled answers, and the pacing rate then."""
    seconds = max(1, math.ceil(finished - started))
    ok, slow = [0] * seconds, [0] * seconds
    for times, counts in ((accepted, ok), (throttled, slow)):
        for t in times:
            counts[min(seconds - 1, max(0, int(t - started)))] += 1
    rates, j, rate = [], 0, rate_history[0][1] if rate_history else 0.0
    for s in range(seconds):
        while j < len(rate_history) and rate_history[j][0] <= started + s + 1:
            rate = rate_history[j][1]
            j += 1
        rates.append(rate)
    return [Second(s, ok[s], slow[s], rates[s]) for s in range(seconds)]
