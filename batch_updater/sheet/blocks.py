"""The columns a write-back adds beside the user's own (a block), how they look, and where an
earlier block of the same kind sits in a header row. Pure, but for the dataclass that carries
a checked write-back from before sending to after."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from batch_updater.model import Outcome
from batch_updater.sheet.report import RESULT_COLOURS

# The columns a run writes back (the report's, less http_status: `code` and `msg` say it).
RESULT_HEADER = ("result", "code", "msg", "log_id", "attempts", "finished_at")
RESULTS, PLAN = "results", "plan"  # the two kinds of block; also the file's tag


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


def results_block(outcomes: Sequence[Outcome]) -> Block:
    rows = [[o.result.value, "" if o.code is None else o.code, o.msg, o.log_id, o.attempts or "", o.finished_at]
            for o in outcomes]
    looks = [{0: Look(fill=RESULT_COLOURS[o.result])} for o in outcomes]
    return Block(RESULTS, RESULT_HEADER, rows, looks, frozenset({RESULT_HEADER.index("msg")}))


def block_spans(header: Sequence[object], kind: str) -> list[tuple[int, int]]:
    """Pure: where earlier blocks of `kind` are in a header row, as (first column, width), 0-based.
    A results block is exactly RESULT_HEADER; a plan block is `plan`, pairs of `<f> (now)`,
    `<f> (new)`, then `msg`. A column of the user's own named `result` is not one of them."""
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    spans = []
    i = 0
    while i < len(names):
        width = _results_at(names, i) if kind == RESULTS else _plan_at(names, i)
        if width:
            spans.append((i, width))
            i += width
        else:
            i += 1
    return spans


def _results_at(names: list[str], i: int) -> int:
    return len(RESULT_HEADER) if tuple(names[i:i + len(RESULT_HEADER)]) == RESULT_HEADER else 0


def _plan_at(names: list[str], i: int) -> int:
    if names[i] != "plan":
        return 0
    j = i + 1
    while j + 1 < len(names) and names[j].endswith(" (now)") and names[j + 1] == names[j][:-6] + " (new)":
        j += 2
    return j - i + 1 if j < len(names) and names[j] == "msg" else 0


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
