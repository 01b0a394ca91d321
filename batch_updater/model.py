"""The values that flow through a run: one row's intended change and what happened to it."""

from __future__ import annotations

import enum
from collections.abc import Callable
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
        """The report's result cells, in RESULT_COLUMNS' order."""
        return [column.cell(self) for column in RESULT_COLUMNS]


@dataclass(frozen=True, slots=True)
class ResultColumn:
    """One result column, and how each writer takes it: the report (sheet/report.py, every
    column), a write-back (sheet/blocks.py), a DataFrame (sheet/frames.py: typed by `dtype`) and
    the console's table (console/tables.py)."""

    name: str
    get: Callable[[Outcome], Any]  # the value from an Outcome; None where there is none
    dtype: str  # pandas: "category" (of Result's values), "Int64", "str", or "datetime" (aware, UTC)
    in_write_back: bool = True  # also written back beside the user's own columns
    in_console: bool = True  # also a field of the console's rows (by this name)
    zero_is_blank: bool = False  # a report's or write-back's cell is empty for 0, as for None

    def cell(self, outcome: Outcome) -> Any:
        """The value as a report's cell: empty where there is none."""
        value = self.get(outcome)
        return "" if value is None or (self.zero_is_blank and value == 0) else value


# The result columns, in order, after the input's own columns (a contract: the README's "The
# report"). The report adds `row` after them: the row's number in the sheet, which is the row's,
# not the outcome's (sheet/blocks.py ROW; the console's rows and a frame's index have it too).
RESULT_COLUMNS: tuple[ResultColumn, ...] = (
    ResultColumn("result", lambda o: o.result.value, "category"),
    ResultColumn("http_status", lambda o: o.http_status, "Int64", in_write_back=False, in_console=False),
    ResultColumn("code", lambda o: o.code, "Int64"),
    ResultColumn("msg", lambda o: o.msg, "str"),
    ResultColumn("log_id", lambda o: o.log_id, "str", in_console=False),
    ResultColumn("attempts", lambda o: o.attempts, "Int64", zero_is_blank=True),  # a frame's is 0 for a row never sent
    ResultColumn("finished_at", lambda o: o.finished_at or None, "datetime", in_console=False),
)
RESULT_NAMES = tuple(column.name for column in RESULT_COLUMNS)


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
