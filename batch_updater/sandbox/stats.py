"""What tests and benchmarks read back: `GET /_sandbox/stats`, `Sandbox.stats()`."""

from __future__ import annotations

from collections import Counter
from typing import Any

from batch_updater.sandbox.throttle import PeakCounter


class Accepted:
    """Requests one API's throttle let through, and the most in any 1 s and 60 s window."""

    def __init__(self) -> None:
        self.count = 0
        self.peak_1s = PeakCounter(1.0)
        self.peak_60s = PeakCounter(60.0)

    def add(self, now: float) -> None:
        self.count += 1
        self.peak_1s.add(now)
        self.peak_60s.add(now)

    def as_dict(self) -> dict[str, int]:
        return {"accepted": self.count, "max_accepted_1s": self.peak_1s.peak,
                "max_accepted_60s": self.peak_60s.peak}


class Stats:
    """Counters for /open-apis traffic. Keys are strings so the Python view equals the JSON one."""

    def __init__(self) -> None:
        self.requests = 0
        self.by_status: Counter[str] = Counter()  # "200", "429", ... and "dropped"
        self.by_code: Counter[str] = Counter()
        self.put = Accepted()
        self.get = Accepted()
        self.list = Accepted()  # GET tickets (the list)
        self.fields = Accepted()  # GET ticket_customized_fields
        self.in_flight = 0
        self.max_in_flight = 0
        self.dropped_before_apply = 0
        self.dropped_after_apply = 0
        self.slow_answers = 0

    def started(self) -> None:
        self.requests += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def finished(self, status: str, code: int | None) -> None:
        self.in_flight -= 1
        self.by_status[status] += 1
        if code is not None:
            self.by_code[str(code)] += 1

    def snapshot(self, comments: dict[str, list[str]], updates: dict[str, int],
                 refreshes: int) -> dict[str, Any]:
        duplicated = {tid: sorted({t for t in texts if texts.count(t) > 1})
                      for tid, texts in comments.items() if len(set(texts)) < len(texts)}
        return {
            "requests": self.requests,
            "by_status": dict(self.by_status),
            "by_code": dict(self.by_code),
            **self.put.as_dict(),
            "get": self.get.as_dict(),
            "list": self.list.as_dict(),
            "fields": self.fields.as_dict(),
            "applied": sum(updates.values()),
            "updates_per_ticket": updates,
            "comments_per_ticket": comments,
            "duplicate_comments": duplicated,
            "tickets_with_duplicate_comments": len(duplicated),
            "refreshes": refreshes,
            "dropped_before_apply": self.dropped_before_apply,
            "dropped_after_apply": self.dropped_after_apply,
            "slow_answers": self.slow_answers,
            "in_flight": self.in_flight,
            "max_in_flight": self.max_in_flight,
        }
