"""The values that flow through a run: one row's intended change and what happened to it."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# The ticket fields (their names, header aliases, labels, kinds) are schema/fields.py's registry.


class Result(enum.StrEnum):
    OK = "ok"
    INVALID = "invalid"
    FAILED = "failed"
    UNKNOWN = "unknown"
    NOT_ATTEMPTED = "not_attempted"
    SKIPPED = "skipped"
    VALID = "valid"  # dry run only


# A cell starting with one of these could become a formula in a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Report columns appended after the input's own columns (a contract: the README's "The report").
RESULT_COLUMNS = ("result", "http_status", "code", "msg", "log_id", "attempts", "finished_at")


@dataclass(frozen=True, slots=True)
class Row:
    """One input row: its number as the spreadsheet shows it, and its cells as text."""

    number: int
    cells: tuple[str, ...]
    overflow: tuple[str, ...] = ()  # non-empty cells beyond the header's width
    # Cells the reader found unusable, whatever their text says: (column index, why). E.g. an
    # Excel error cell, a formula never calculated, a long number Excel kept only 15 digits of.
    problems: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True, slots=True)
class FieldError:
    column: str
    value: str
    problem: str

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 40 else self.value[:37] + "..."
        return f"{self.column} {shown!r}: {self.problem}" if self.value else f"{self.column}: {self.problem}"


@dataclass(frozen=True, slots=True)
class TicketUpdate:
    """One valid row's intended change: the ticket and the exact JSON body to PUT."""

    row: int
    ticket_id: str
    body: dict[str, Any]

    @property
    def has_comment(self) -> bool:
        return "comment" in self.body


def stored_comment(text: str) -> str:
    """A comment as the API may keep it, to compare two comments (never to send): without the
    spaces and line breaks around it. Whether Feishu trims them is UNKNOWN (docs/api-facts.md
    says nothing; the sandbox keeps them), so two comments that differ only there count as one."""
    return text.strip()


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one row. Exactly one per input row. Frozen: a row's outcome with a note
    added is a new one (run/outcomes.py merges them)."""

    result: Result
    http_status: int | None = None
    code: int | None = None
    msg: str = ""
    log_id: str = ""
    attempts: int = 0
    finished_at: str = ""
    # The last request got no API answer: what happened, in a few words the same for every row
    # ("connection refused", "no answer within 30 s"), counted in the summaries. Not a column.
    failure: str = ""

    def report_cells(self) -> list[Any]:
        return [
            self.result.value,
            "" if self.http_status is None else self.http_status,
            "" if self.code is None else self.code,
            self.msg,
            self.log_id,
            self.attempts if self.attempts else "",
            self.finished_at,
        ]


@dataclass(frozen=True, slots=True)
class Second:
    """One second of a run, for the report's chart."""

    second: int
    accepted: int
    throttled: int
    rate: float  # the pacing rate at the end of that second


def invalid_outcome(errors: list[FieldError]) -> Outcome:
    """An invalid row's outcome: every problem found, in one message."""
    return Outcome(Result.INVALID, msg="; ".join(str(e) for e in errors))


def now_text() -> str:
    """Now, as an outcome's `finished_at`: local time with its offset, to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")
