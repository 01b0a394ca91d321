"""The tool's own columns: the blocks it adds beside the user's columns (the report's result
columns, a write-back's, a plan's, the retry file's), how they look, how they are named apart from
columns of the user's that have the same names, and where an earlier block sits in a header row.
Every block starts with its kind's first column (`result`, or `plan`): columns are taken as the
tool's only when a whole block is there. Pure, but for the dataclass that carries a checked
write-back from before sending to after."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from batch_updater.model import RESULT_COLUMNS, RESULT_NAMES, Outcome, Result

# The report's block: the contract's result columns, in order, then the row's number in the sheet
# that was read (`row`, last: the input's own columns and the result columns stay where they were).
ROW = "row"
REPORT_HEADER = (*RESULT_NAMES, ROW)
# The columns a run writes back (the report's, less http_status: `code` and `msg` say it).
WRITE_BACK_COLUMNS = tuple(column for column in RESULT_COLUMNS if column.in_write_back)
RESULT_HEADER = tuple(column.name for column in WRITE_BACK_COLUMNS)
# The retry and unknown files' block: what happened, why, and the row it came from.
RETRY_HEADER = ("result", "why", ROW)
RESULTS, PLAN = "results", "plan"  # the two kinds of write-back block; also the file's tag
CHECK = "check"  # the file's tag of a dry run's results block: a check never replaces a run's results
APART = {RESULTS: " (run)", PLAN: " (plan)"}  # after an added column's name the sheet already uses
RESULT_COLOURS = {
    Result.OK: "#C6EFCE", Result.VALID: "#C6EFCE", Result.SKIPPED: "#DDEBF7",
    Result.INVALID: "#FFD8B1", Result.FAILED: "#FFC7CE", Result.UNKNOWN: "#FFEB9C",
    Result.NOT_ATTEMPTED: "#E7E6E6",
}


def fold(name: object) -> str:
    """A header as compared: spaces and case do not matter."""
    return " ".join(str(name).split()).lower() if name is not None else ""


def named_apart(names: Sequence[str], taken: Iterable[object], kind: str = RESULTS) -> tuple[str, ...]:
    """`names` (a block's), each that one of the user's columns (`taken`) already has followed by
    ` (run)` (` (plan)` for a plan's): `code (run)` beside the sheet's own `code`."""
    used = {fold(name) for name in taken}
    return tuple(f"{name}{APART[kind]}" if fold(name) in used else name for name in names)


@dataclass(frozen=True, slots=True)
class Look:
    """How one written cell looks, beyond the sheet's default."""

    fill: str | None = None  # "#RRGGBB", as the report's colours
    bold: bool = False
    strike: bool = False
    color: str | None = None  # the font's


@dataclass(frozen=True)
class Block:
    """The columns written beside the user's own: a header, and one row of cells per sheet row."""

    kind: str  # RESULTS or PLAN: an earlier block of the same kind is replaced
    header: tuple[str, ...]
    rows: Sequence[Sequence[str | int]]
    looks: Sequence[Mapping[int, Look]] = ()  # per row: column in the block -> look
    wide: frozenset[int] = frozenset()  # columns in the block that hold long text (msg)


def results_block(outcomes: Sequence[Outcome], taken: Iterable[object] = ()) -> Block:
    """The result columns to write back beside the user's own (`taken`: their names)."""
    rows = [[column.cell(o) for column in WRITE_BACK_COLUMNS] for o in outcomes]
    looks = [{0: Look(fill=RESULT_COLOURS[o.result])} for o in outcomes]
    return Block(RESULTS, named_apart(RESULT_HEADER, taken), rows, looks, frozenset({RESULT_HEADER.index("msg")}))


def block_spans(header: Sequence[object], kind: str) -> list[tuple[int, int]]:
    """Pure: where earlier blocks of `kind` are in a header row, as (first column, width), 0-based.
    A results block is RESULT_HEADER; a plan block is `plan`, pairs of `<f> (now)`, `<f> (new)`,
    then `msg` (either's names may be named apart). A column of the user's own named `result`
    is not one of them."""
    return _spans([fold(h) for h in header], _results_at if kind == RESULTS else _plan_at)


def tool_columns(header: Sequence[object]) -> list[int]:
    """Pure: the columns of a header row that an earlier run of the tool wrote, to be left out of
    an input (the report's, a write-back's, a plan's block, the retry file's), 0-based."""
    names = [fold(h) for h in header]
    spans = _spans(names, lambda names, i: _results_at(names, i) or _plan_at(names, i))
    return [c for start, width in spans for c in range(start, start + width)]


def _spans(names: list[str], width_at: Callable[[list[str], int], int]) -> list[tuple[int, int]]:
    spans = []
    i = 0
    while i < len(names):
        width = width_at(names, i)
        if width:
            spans.append((i, width))
            i += width
        else:
            i += 1
    return spans


def _is(name: str, ours: str, kind: str = RESULTS) -> bool:
    return name in (ours, ours + APART[kind])


def _run_of(names: list[str], i: int, header: Sequence[str], kind: str = RESULTS) -> bool:
    return len(names) >= i + len(header) and all(_is(names[i + j], h, kind) for j, h in enumerate(header))


def _results_at(names: list[str], i: int) -> int:
    """The width of a result block (the report's, a write-back's, a retry file's) at column `i`."""
    for header in (RESULT_NAMES, RESULT_HEADER, RETRY_HEADER[:-1]):
        if _run_of(names, i, header):
            end = i + len(header)
            return len(header) + (header is not RESULT_HEADER and end < len(names) and _is(names[end], ROW))
    return 0


def _plan_at(names: list[str], i: int) -> int:
    if not _is(names[i], "plan", PLAN):
        return 0
    j = i + 1
    while j + 1 < len(names) and names[j].endswith(" (now)") and names[j + 1] == names[j][:-6] + " (new)":
        j += 2
    return j - i + 1 if j < len(names) and _is(names[j], "msg", PLAN) else 0


def placement(used: int, spans: Sequence[tuple[int, int]], width: int) -> int:
    """Pure: the first column (0-based) of a new block `width` wide: where the last earlier block
    was when it ends the used range or the new one fits in it, else right of the used range."""
    if spans:
        start, old = spans[-1]
        if start + old >= used or width <= old:
            return start
    return used


@dataclass(frozen=True)
class WriteBack:
    """A write-back checked before sending: where it goes, and the input as it was read."""

    target: Path
    data: bytes  # the input's bytes when the run read it
    excel: bool
    sheet_name: str | None
    header_row: int
    encoding: str | None
    delimiter: str | None
    mode: int | None = None  # the input's permissions, which the copy beside it keeps (a team's file stays shared)
