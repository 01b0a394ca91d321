"""A Base record's cells and a sheet's values as the text a file's cells would hold (docs/api-facts.md
§9.5, §9.7), and the cells that cannot be used: a number in the ticket id column (a double keeps
about 15 digits: a 19-digit id has already lost its last ones), or a long number in a column sent
as text (the rule for Excel's number cells). Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from batch_updater.model import Row
from batch_updater.schema.columns import ColumnMap

DATE_TYPES = frozenset({5, 1001, 1002})  # DateTime, created time, modified time: Unix ms
NUMBER_TYPE = 2
_EXACT = 2**53
BASE_ID_NUMBER = ("this is a Number field: the Base keeps a number as a double, which holds about 15 digits, so "
                  "a ticket id in it has already lost its last digits; change the field's type to Text, enter the "
                  "ids again, and run again. This row is not sent")
SHEET_ID_NUMBER = ("this cell holds a number: a sheet keeps a number as a double, which holds about 15 digits, so "
                   "a ticket id typed as a number has already lost its last digits; format the column as plain text "
                   "(纯文本), enter the ids again, and run again. This row is not sent")
LOST_DIGITS = ("this number has more than 15 digits, more than a double holds exactly: its last digits may be "
               "lost; make the column text and enter the value again. This row is not sent")


def number_text(value: float | int) -> str:
    """A number as a cell shows it: whole numbers without `.0`."""
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT:
        return str(int(value))
    return str(value)


def date_text(ms: int | float) -> str:
    """Unix milliseconds as this machine's local date (and time, when not midnight)."""
    moment = datetime.fromtimestamp(ms / 1000).astimezone()
    if (moment.hour, moment.minute, moment.second) == (0, 0, 0):
        return moment.date().isoformat()
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def base_cell(value: Any, field_type: int | None = None) -> tuple[str, float | None]:
    """A Base cell's text, and its number when it holds one (§9.5): Text segments joined,
    selects as text, a multi-select's or a user field's items separated by commas, dates as
    dates, a lookup's or a formula's values by their own type."""
    if value is None:
        return "", None
    if isinstance(value, bool):
        return ("true" if value else "false"), None
    if isinstance(value, int | float):
        if field_type in DATE_TYPES:
            return date_text(value), None
        return number_text(value), float(value)
    if isinstance(value, str):
        return value, None
    if isinstance(value, dict):
        if "value" in value and "type" in value:  # a lookup or a formula: {"type": n, "value": [...]}
            inner = value["type"] if isinstance(value["type"], int) else None
            return base_cell(value["value"], inner)
        for key in ("text", "name", "link", "en_name", "email", "id"):
            if isinstance(value.get(key), str):
                return value[key], None
        return "", None
    if isinstance(value, list):
        if all(isinstance(v, dict) and "text" in v and "type" in v for v in value):  # Text segments
            return "".join(str(v.get("text") or "") for v in value), None
        parts = [base_cell(v, field_type) for v in value]
        if len(parts) == 1:
            return parts[0]
        return ",".join(text for text, _ in parts if text), None
    return str(value), None


def sheet_cell(value: Any) -> tuple[str, float | None]:
    """A sheet's value (FormattedValue, dates as text) as text, and its number when it is one."""
    if value is None:
        return "", None
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), None
    if isinstance(value, int | float):
        return number_text(value), float(value)
    if isinstance(value, list):  # rich text: segments with their text (mentions, links)
        return "".join(base_cell(v)[0] for v in value), None
    if isinstance(value, dict):
        return base_cell(value)
    return str(value), None


def lossy(number: float) -> bool:
    """A whole number of more than 15 digits: a double may not hold it exactly."""
    return number.is_integer() and abs(number) >= 10**15


def number_problems(columns: ColumnMap, numbers: Mapping[int, float], id_message: str) -> tuple[tuple[int, str], ...]:
    """The cells of one row that cannot be used, given its number cells by column: any number in
    the ticket id column; a long number in a column sent as text (not a code column)."""
    problems = []
    id_column = columns.index("ticket_id")
    registry = columns.registry.by_name
    for column, number in sorted(numbers.items()):
        role = columns.roles[column] if column < len(columns.roles) else None
        if column == id_column:
            problems.append((column, id_message))
        elif role is not None and lossy(number):
            field = registry.get(role) if isinstance(role, str) else None
            if field is None or not field.number_cell:
                problems.append((column, LOST_DIGITS))
    return tuple(problems)


def with_problems(row: Row, problems: Sequence[tuple[int, str]]) -> Row:
    return row if not problems else Row(row.number, row.cells, row.overflow, (*row.problems, *problems))
