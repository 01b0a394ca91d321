"""Row -> TicketUpdate or every error in the row. Pure: no files, no HTTP, no clock."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictStr, ValidationError, field_validator

from batch_updater.columns import ColumnMap, CustomColumn
from batch_updater.errors import UsageError
from batch_updater.model import FIELDS, SOLVED_LABELS, STATUS_LABELS, FieldError, Row, TicketUpdate

INT32_MAX = 2**31 - 1
_DIGITS = re.compile(r"[0-9]+")
_SCIENTIFIC = re.compile(r"[+-]?[0-9](?:\.[0-9]+)?[eE][+]?[0-9]+")
_WHOLE = re.compile(r"[+-]?[0-9]{1,12}(?:\.0*)?")  # more digits than any code or id field takes
_TAG_SPLIT = re.compile(r"[,，;；、]")
_LABEL_SPACE = re.compile(r"[\s_\-]+")

LOST_DIGITS = (
    "Excel stored this id as a number and lost its last digits (a 19-digit id does not fit in a "
    "number cell); format the column as Text, type the ids again, and save. This row is not sent"
)


def _label_key(text: str) -> str:
    return _LABEL_SPACE.sub(" ", text.strip().lower())


def _label_table(labels: dict[int, tuple[str, ...]]) -> dict[str, int]:
    table = {str(code): code for code in labels}
    for code, names in labels.items():
        table.update({_label_key(name): code for name in names})
    return table


_STATUS = _label_table(STATUS_LABELS)
_SOLVED = _label_table(SOLVED_LABELS)


class CustomField(BaseModel):
    """One item of a JSON customized_fields cell, checked against the API's types."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: StrictStr
    value: StrictStr
    key_name: StrictStr | None = None

    @field_validator("id", "value", mode="before")
    @classmethod
    def _numbers_as_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v


class Bad(ValueError):
    """A cell that cannot become its field's value; the message says why."""


# --- one parser per field: text in, the API's value out ----------------------------


def parse_ticket_id(text: str) -> str:
    value = text.strip().lstrip("'")
    if _DIGITS.fullmatch(value):
        return value
    if _SCIENTIFIC.fullmatch(value):
        raise Bad(LOST_DIGITS)
    raise Bad("a ticket id is digits only")


def _labelled(text: str, table: dict[str, int], what: str) -> int:
    code = table.get(text)  # the common case, a code or label written plainly: no normalizing
    if code is not None:
        return code
    key = _label_key(text)
    if _WHOLE.fullmatch(key):
        key = str(int(float(key)))
    if key in table:
        return table[key]
    raise Bad(what)


def parse_status(text: str) -> int:
    try:
        return _labelled(text, _STATUS, "not a status: use 1-5, 50, 51 or a label such as 处理中 / in progress / "
                                        "closed")
    except Bad:
        if _WHOLE.fullmatch(text.strip()) and int(float(text)) == 52:
            raise Bad("52 (closed by user) cannot be set through the update API; use 51 (closed by agent)") from None
        raise


def parse_solved(text: str) -> int:
    return _labelled(text, _SOLVED, "not a solved value: use 1 / unresolved / 未解决 or 2 / resolved / 已解决")


def parse_int(text: str) -> int:
    value = text.strip()
    if not _WHOLE.fullmatch(value):
        raise Bad("not a whole number")
    number = int(float(value)) if "." in value else int(value)
    if not 0 <= number <= INT32_MAX:
        raise Bad("out of range: must be between 0 and 2147483647")
    return number


def parse_tags(text: str) -> list[str]:
    value = text.strip()
    if value == "[]":
        return []  # [] clears the ticket's tags
    if value.startswith("["):
        try:
            items = json.loads(value)
        except json.JSONDecodeError:
            raise Bad('looks like a JSON array but is not one; write ["a", "b"] or a, b') from None
        if not isinstance(items, list) or not all(isinstance(t, str) for t in items):
            raise Bad("a JSON tag list must hold strings only")
        if not items:
            return []  # [] clears the ticket's tags
    elif not _TAG_SPLIT.search(value):
        return [value]
    else:
        items = _TAG_SPLIT.split(value)
    tags = [t for t in map(str.strip, items) if t]
    if len(set(tags)) < len(tags):
        tags = list(dict.fromkeys(tags))
    if not tags:
        raise Bad("no tag names in it; write [] to clear the tags")
    return tags


def parse_custom_json(text: str) -> list[CustomField]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError:
        raise Bad('not JSON; write [{"id": "123", "value": "x"}]') from None
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise Bad('must be a JSON list like [{"id": "123", "value": "x"}]')
    try:
        return [CustomField.model_validate(item) for item in items]
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "item"
        raise Bad(f"{where}: {first['msg']}") from None


PARSERS = {
    "status": parse_status,
    "tag_names": parse_tags,
    "ticket_type": parse_int,
    "solved": parse_solved,
    "channel": parse_int,
}


# --- a whole row ---------------------------------------------------------------------


DEFAULTABLE = ("status", "tag_names", "comment", "ticket_type", "solved", "channel")


def parse_defaults(defaults: Mapping[str, str | int]) -> dict[str, Any]:
    """A job file's `defaults`, parsed once; a bad one names its key (exit 2)."""
    parsed: dict[str, Any] = {}
    for name, value in defaults.items():
        if name not in DEFAULTABLE:
            raise UsageError(f"defaults.{name}: not a field that can have a default; use one of "
                             + ", ".join(DEFAULTABLE))
        text = str(value)
        try:
            parsed[name] = text if name == "comment" else PARSERS[name](text)
        except Bad as e:
            raise UsageError(f"defaults.{name} {text!r}: {e}") from None
    return parsed


class RowValidator:
    """Validates rows of one sheet: the work per column is decided once, not per row.

    `defaults` (parsed by parse_defaults) fill the fields a row leaves empty."""

    def __init__(self, columns: ColumnMap, defaults: Mapping[str, Any] | None = None) -> None:
        self.plan = [(i, name.strip(), role) for i, (name, role) in enumerate(zip(columns.header, columns.roles))
                     if role is not None]
        self.defaults = dict(defaults or {})

    def __call__(self, row: Row) -> TicketUpdate | list[FieldError]:
        """Every error in the row, or its update with the exact JSON body."""
        errors: list[FieldError] = []
        ticket_id = ""
        fields: dict[str, Any] = {}
        custom: list[dict[str, str]] = []
        cells = row.cells
        unusable = dict(row.problems) if row.problems else None  # cells the reader could not read truly
        for i, column, role in self.plan:
            cell = cells[i]
            if unusable and i in unusable:
                errors.append(FieldError(column, cell.strip(), unusable[i]))
                continue
            if not cell or cell.isspace():
                if role == "ticket_id":
                    errors.append(FieldError(column, "", "required"))
                continue
            try:
                if role == "ticket_id":
                    ticket_id = parse_ticket_id(cell)
                elif role == "comment":
                    fields["comment"] = cell
                elif role == "customized_fields":
                    custom.extend(f.model_dump(exclude_none=True) for f in parse_custom_json(cell))
                elif isinstance(role, CustomColumn):
                    item = {"id": role.field_id, "value": cell.strip()}
                    if role.key_name:
                        item["key_name"] = role.key_name
                    custom.append(item)
                else:
                    fields[role] = PARSERS[role](cell)
            except Bad as e:
                errors.append(FieldError(column, cell.strip(), str(e)))
        if custom:
            keys = [(c["id"], c.get("key_name")) for c in custom]
            repeated = sorted({i + (f":{k}" if k else "") for i, k in keys if keys.count((i, k)) > 1})
            if repeated:
                errors.append(FieldError("customized_fields", "", f"custom field given twice: {', '.join(repeated)}"))
            fields["customized_fields"] = custom
        if row.overflow:
            errors.append(FieldError(
                "row", "", f"{len(row.overflow)} cell(s) beyond the last column ({', '.join(row.overflow)[:60]}): "
                "a separator inside a cell needs quotes",
            ))
        for name, value in self.defaults.items():
            fields.setdefault(name, value)
        if not errors and not fields:
            errors.append(FieldError("row", "", "nothing to change: fill at least one field besides ticket_id"))
        if errors:
            return errors
        # Exactly the given fields, in the API doc's order, never a null.
        return TicketUpdate(row.number, ticket_id, {k: fields[k] for k in FIELDS if k in fields})


def validate_row(row: Row, columns: ColumnMap) -> TicketUpdate | list[FieldError]:
    return RowValidator(columns)(row)


def validate_rows(rows: Iterable[Row], columns: ColumnMap,
                  defaults: Mapping[str, Any] | None = None) -> list[TicketUpdate | list[FieldError]]:
    return list(map(RowValidator(columns, defaults), rows))
