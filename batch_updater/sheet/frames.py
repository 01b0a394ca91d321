"""pandas DataFrames in and out: a frame's rows as a Sheet, and a run's or plan's results joined
onto the frame (or onto the sheet's rows). pandas is an optional extra (`pip install
batch-updater[pandas]`), imported only here, and only when a frame is given or asked for.

Cells become text as the loader makes them, never through a float: an int64 id is exact and
is taken as written; a float id column is refused, as an Excel number cell is, because a
double keeps only about 16 digits of a 19-digit id. A float in another column sent as text
is refused on its row when it is too large to be exact.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from batch_updater.errors import InputError, UsageError
from batch_updater.model import RESULT_COLUMNS, Outcome, Result, Row
from batch_updater.schema.columns import resolve_columns
from batch_updater.schema.sheet import Sheet
from batch_updater.sheet.blocks import PLAN, RESULTS, named_apart, tool_columns
from batch_updater.sheet.excel import excel_text

FRAME = "frame"  # Sheet.kind of a frame's rows
_EXACT_FLOAT = 2**53  # from here on, not every whole number is a double
FLOAT_ID = ("holds floats ({dtype}): a float keeps only about 16 digits, so a 19-digit ticket id has already lost "
            "its last digits; pass the ids as text (str) or as int64")
FLOAT_CELL = ("a float of more than 15 digits ({value!r}) has lost its last digits; pass this column as text (str) "
              "or int64. This row is not sent")
RESULT_KINDS = [r.value for r in Result]


def pandas() -> Any:
    try:
        import pandas as pd
    except ImportError:
        raise UsageError("DataFrames need pandas: pip install 'batch-updater[pandas]'") from None
    return pd


def sheet_from_frame(frame: Any, renames: Mapping[str, str] | None = None) -> Sheet:
    """A DataFrame's rows as a Sheet: one Row per frame row, in order (row numbers 1, 2, ... are
    positions: row n is frame.iloc[n - 1]), each cell as text; None and NaN are empty cells."""
    pd = pandas()
    if not isinstance(frame, pd.DataFrame):
        raise UsageError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    if isinstance(frame.columns, pd.MultiIndex):
        raise UsageError("the frame's columns have several levels: give it one row of column names")
    header = tuple(str(c) for c in frame.columns)
    if not header:
        raise InputError("the frame has no columns: expected a ticket_id column")
    columns = resolve_columns(header, renames, earlier=tool_columns(header))
    id_column = columns.index("ticket_id")
    texts: list[list[str]] = []
    problems: dict[int, list[tuple[int, str]]] = {}
    for c, name in enumerate(header):
        series = frame.iloc[:, c]
        if c == id_column and pd.api.types.is_float_dtype(series.dtype):
            raise InputError(f"the frame's {name} column " + FLOAT_ID.format(dtype=series.dtype))
        sent = columns.roles[c] is not None
        cells = []
        for r, value in enumerate(series.tolist()):
            text, why = _text(value, pd, is_id=c == id_column)
            if why and sent:
                problems.setdefault(r, []).append((c, why))
            cells.append(text)
        texts.append(cells)
    rows = [Row(r + 1, tuple(col[r] for col in texts), (), tuple(problems.get(r, ())))
            for r in range(len(frame))]
    warnings = list(columns.warnings)
    if not rows:
        warnings.append("the frame has no rows: nothing to do")
    return Sheet(FRAME, columns, rows, warnings=tuple(warnings), header_row=0)


def _text(value: Any, pd: Any, *, is_id: bool) -> tuple[str, str | None]:
    """A cell as text, and why it cannot be used (None: it can)."""
    if isinstance(value, str):
        return value, None
    if isinstance(value, list | tuple | dict):  # tags as a list, customized_fields as JSON
        return json.dumps(value, ensure_ascii=False, default=str), None
    if value is None or (not hasattr(value, "__len__") and pd.isna(value)):
        return "", None
    if isinstance(value, float):
        text = excel_text(value)
        if is_id:
            return text, FLOAT_ID.format(dtype="a float cell")
        if value.is_integer() and abs(value) >= _EXACT_FLOAT:
            return text, FLOAT_CELL.format(value=value)
        return text, None
    return excel_text(value), None


def results_frame(frame: Any, sheet: Sheet | None, outcomes: Sequence[Outcome]) -> Any:
    """The input (`frame`, or the sheet's columns) with the report's columns joined on, typed:
    `result` a Categorical, `http_status`, `code` and `attempts` nullable integers, `finished_at`
    a timezone-aware datetime (UTC)."""
    pd = pandas()
    added = {column.name: _typed(pd, column.dtype, [column.get(o) for o in outcomes]) for column in RESULT_COLUMNS}
    return _joined(pd, frame, sheet, added, RESULTS)


def _typed(pd: Any, dtype: str, values: list[Any]) -> Any:
    """A result column's values as its pandas type (model.ResultColumn.dtype); text stays text
    even when there is no row."""
    if dtype == "category":
        return pd.Categorical(values, categories=RESULT_KINDS)
    if dtype == "datetime":
        return pd.to_datetime(pd.Series(values, dtype=object), utc=True, format="ISO8601").array
    return pd.array(values, dtype=dtype)


def plan_frame_of(frame: Any, sheet: Sheet, header: Sequence[str], rows: Sequence[Sequence[Any]],
                  kinds: Sequence[str]) -> Any:
    """The input with a plan's columns joined on: `plan` a Categorical of `kinds`, the rest text."""
    pd = pandas()
    added: dict[str, Any] = {}
    for j, name in enumerate(header):
        values = [cells[j] for cells in rows]
        added[name] = (pd.Categorical(values, categories=list(kinds)) if j == 0
                       else pd.array([str(v) for v in values], dtype="str"))
    return _joined(pd, frame, sheet, added, PLAN)


def _joined(pd: Any, frame: Any, sheet: Sheet | None, added: Mapping[str, Any], kind: str) -> Any:
    """`added` beside the input's own columns, row for row. An earlier block of the tool's (a frame
    that came out of to_frame) is replaced, as the loader replaces an earlier report's; a column of
    the input's own with one of the added names is kept, and the added one named apart."""
    base = frame if frame is not None else _sheet_frame(pd, sheet)
    ours = set(tool_columns([str(c) for c in base.columns]))
    if ours:
        base = base.iloc[:, [i for i in range(base.shape[1]) if i not in ours]]
    names = named_apart(list(added), [str(c) for c in base.columns], kind)
    return base.assign(**dict(zip(names, added.values()))) if added else base


def _sheet_frame(pd: Any, sheet: Sheet | None) -> Any:
    """A file's rows as a frame: its kept columns as text, indexed by row number."""
    if sheet is None:
        return pd.DataFrame()
    kept = sheet.columns.kept
    records = [[row.cells[i] for i in kept] for row in sheet.rows]
    index = pd.Index([row.number for row in sheet.rows], name="row")
    return pd.DataFrame(records, columns=[sheet.columns.header[i] for i in kept], index=index, dtype=object)
