"""Row -> TicketUpdate or every error in the row. Pure: no files, no HTTP, no clock.

A cell parses by its field's kind (schema/fields.py): one parser per kind, a code field's
built from its labels."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictStr, ValidationError

from batch_updater.errors import UsageError
from batch_updater.i18n import N_, tr
from batch_updater.model import FieldError, Row, TicketUpdate, stored_comment
from batch_updater.rows.custom import NO_FIELD_ID, BadChoice, custom_item  # noqa: F401 (NO_FIELD_ID: its old home)
from batch_updater.schema.columns import ColumnMap, CustomColumn
from batch_updater.schema.fields import REGISTRY, Field, Kind, Labels, Registry, fold

INT32_MAX = 2**31 - 1
# Feishu ticket ids are 19 digits today (6945345902185807891); 16 to 18 leave room for older ones.
# An id outside this rule is refused with a message that asks the user to report it.
TICKET_ID_DIGITS = (16, 19)
_TICKET_ID = re.compile("[0-9]{{{},{}}}".format(*TICKET_ID_DIGITS))
_DIGITS = re.compile(r"[0-9]+")  # also a plain custom field id (Feishu's are numbers written as text)
# C0 controls but tab, LF and CR; DEL; C1 controls. Never meant in a ticket's text, often a broken export.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SCIENTIFIC = re.compile(r"[+-]?[0-9](?:\.[0-9]+)?[eE][+]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?[0-9]{10,}\.[0-9]*")  # 6945345902185807872.0: an id that was a float
_WHOLE = re.compile(r"[+-]?[0-9]{1,12}(?:\.0*)?")  # more digits than any code or id field takes
_TAG_SPLIT = re.compile(r"[,，;；、]")
_LABEL_SPACE = re.compile(r"[\s_\-]+")

ROW = N_("row")  # a problem of the whole row, said where a column's header would be
LOST_DIGITS = N_(
    "Excel stored this id as a number and lost its last digits (a 19-digit id does not fit in a "
    "number cell); format the column as Text, type the ids again, and save. This row is not sent"
)


def _label_key(text: str) -> str:
    return _LABEL_SPACE.sub(" ", text.strip().lower())


def _label_table(labels: Labels) -> dict[str, int]:
    table = {str(code): code for code in labels}
    for code, names in labels.items():
        table.update({_label_key(name): code for name in names})
    return table


class CustomField(BaseModel):
    """One item of a JSON customized_fields cell, checked against the API's types.

    A JSON integer arrives here as the text it was written as (parse_custom_json)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: StrictStr
    value: StrictStr
    key_name: StrictStr | None = None


class Bad(ValueError):
    """A cell that cannot become its field's value; the message says why."""


def no_controls(text: str) -> str:
    """`text`, or Bad naming its first control character, escaped (tab, LF and CR are text)."""
    found = _CONTROL.search(text)
    if found:
        raise Bad(tr("contains the control character {char!r} (character {at}); remove it",
                     char=found.group(), at=found.start() + 1))
    return text


def check_field_id(field_id: str) -> str:
    if not _DIGITS.fullmatch(field_id):
        raise Bad(tr("{id!r} is not a field id: a custom field id is digits only, like 6948728206392295444",
                     id=field_id))
    return field_id


# --- one parser per field: text in, the API's value out ----------------------------


def parse_ticket_id(text: str) -> str:
    value = text.strip()
    if _TICKET_ID.fullmatch(value):
        return value
    low, high = TICKET_ID_DIGITS
    if _DIGITS.fullmatch(value):
        raise Bad(tr("a ticket id has {low} to {high} digits and this one has {n}; if Feishu really issued it, "
                     "please report it so that the rule can be widened", low=low, high=high, n=len(value)))
    if _SCIENTIFIC.fullmatch(value):
        raise Bad(tr(LOST_DIGITS))
    if _DECIMAL.fullmatch(value):
        raise Bad(tr("a ticket id is digits only, and this one is written as a number with a decimal point: it "
                     "went through a spreadsheet or a program as a number, which keeps about 15 to 17 digits, so "
                     "its last digits may have been lost; export the ids as text and check them"))
    if value.startswith("'"):
        raise Bad(tr("a ticket id is digits only ({low} to {high} of them): take off the leading '",
                     low=low, high=high))
    raise Bad(tr("a ticket id is digits only ({low} to {high} of them)", low=low, high=high))


def _labelled(text: str, table: dict[str, int], what: str) -> int:
    code = table.get(text)  # the common case, a code or label written plainly: no normalizing
    if code is not None:
        return code
    key = _label_key(text)
    if _WHOLE.fullmatch(key):
        key = str(int(float(key)))
    if key in table:
        return table[key]
    raise Bad(tr(what))


def code_parser(field: Field) -> Callable[[str], int]:
    """A code field's parser: one of its codes, or a word for one (`labels`); a code the API shows
    but cannot set (`shown_only`, status 52) is refused saying so."""
    table = _label_table(field.labels)
    shown_only = [(s, frozenset(map(_label_key, s.labels))) for s in field.shown_only]

    def parse(text: str) -> int:
        try:
            return _labelled(text, table, field.wrong)
        except Bad:
            for shown, words in shown_only:
                if _label_key(text) in words or (_WHOLE.fullmatch(text.strip()) and int(float(text)) == shown.code):
                    raise Bad(tr(shown.refusal)) from None
            raise

    return parse


def parse_int(text: str) -> int:
    value = text.strip()
    if not _WHOLE.fullmatch(value):
        raise Bad(tr("not a whole number"))
    number = int(float(value)) if "." in value else int(value)
    if not 0 <= number <= INT32_MAX:
        raise Bad(tr("out of range: must be between 0 and {max}", max=INT32_MAX))
    return number


parse_status = code_parser(REGISTRY["status"])
parse_solved = code_parser(REGISTRY["solved"])
parse_ticket_type = code_parser(REGISTRY["ticket_type"])


def parse_tags(text: str) -> list[str]:
    value = text.strip()
    if value == "[]":
        return []  # [] clears the ticket's tags
    if value.startswith("["):
        try:
            items = json.loads(value)
        except json.JSONDecodeError:
            raise Bad(tr('looks like a JSON array but is not one; write ["a", "b"] or a, b')) from None
        if not isinstance(items, list) or not all(isinstance(t, str) for t in items):
            raise Bad(tr("a JSON tag list must hold strings only"))
        for tag in items:
            no_controls(tag)  # a \u escape can write one
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
        raise Bad(tr("no tag names in it; write [] to clear the tags"))
    return tags


def _text_for_number(literal: str) -> str:
    raise Bad(tr('the JSON number {literal} is not sent as a number (the API takes text): write the exact '
                 'text in quotes, "{literal}"', literal=literal))


def _no_constant(name: str) -> str:
    raise Bad(tr("{name} is not a JSON value; write the text to send in quotes", name=name))


def parse_custom_json(text: str) -> list[CustomField]:
    """A JSON customized_fields cell. The API takes text: a JSON integer is sent as the digits
    written (7 -> "7"); a number with a fraction or exponent, NaN and Infinity are refused."""
    try:
        items = json.loads(text, parse_int=str, parse_float=_text_for_number, parse_constant=_no_constant)
    except json.JSONDecodeError:
        raise Bad(tr('not JSON; write [{{"id": "123", "value": "x"}}]')) from None
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise Bad(tr('must be a JSON list like [{{"id": "123", "value": "x"}}]'))
    try:
        fields = [CustomField.model_validate(item) for item in items]
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "item"
        raise Bad(f"{where}: {first['msg']}") from None
    for field in fields:
        check_field_id(field.id)
        for name in ("value", "key_name"):
            try:
                no_controls(getattr(field, name) or "")
            except Bad as e:
                raise Bad(f"{name}: {e}") from None
    return fields


def _as_written(text: str) -> str:
    return text


# Text in, the API's value out: one parser per kind (a code field's is built from its labels, and
# customized_fields cells are lists of items, gathered by the row).
PARSERS: dict[Kind, Callable[[str], Any]] = {
    "id": parse_ticket_id,
    "int": parse_int,
    "text": _as_written,
    "tags": parse_tags,
    "custom": parse_custom_json,
    "comment": _as_written,  # sent as it is: the spaces and line breaks around it are the user's
}


def parser(field: Field) -> Callable[[str], Any]:
    return code_parser(field) if field.kind == "code" else PARSERS[field.kind]


def parsers(registry: Registry) -> dict[str, Callable[[str], Any]]:
    """Each field's parser, by name."""
    return {field.name: parser(field) for field in registry}


# --- a whole row ---------------------------------------------------------------------


def parse_defaults(defaults: Mapping[str, str | int], registry: Registry = REGISTRY) -> dict[str, Any]:
    """A job file's `defaults`, parsed once; a bad one names its key (exit 2)."""
    parsed: dict[str, Any] = {}
    for name, value in defaults.items():
        field = registry.get(name)
        if field is None or not field.defaultable:
            raise UsageError(tr("defaults.{name}: not a field that can have a default; use one of {fields}",
                                name=name, fields=", ".join(registry.defaultable)))
        text = str(value)
        try:
            no_controls(text)
            parsed[name] = parser(field)(text)
        except Bad as e:
            raise UsageError(f"defaults.{name} {text!r}: {e}") from None
    return parsed


ValueMaps = Mapping[str, Mapping[str, str]]  # the sheet's header -> {a cell as written -> the cell to read instead}


def value_maps(columns: ColumnMap, values: ValueMaps | None) -> dict[int, dict[str, str]]:
    """A job's `values` (its value maps: `已完成` -> `51` in the status column) by column index, each
    cell compared as a header is (schema/fields.fold: case and surrounding spaces do not matter)."""
    by_header = {fold(header): {fold(str(k)): str(v) for k, v in table.items()}
                 for header, table in (values or {}).items()}
    return {i: by_header[fold(name)] for i, name in enumerate(columns.header) if fold(name) in by_header}


def unmatched_value_maps(columns: ColumnMap, values: ValueMaps | None) -> list[str]:
    """The columns `values` maps that the sheet has none of (a warning names them)."""
    headers = {fold(name) for name in columns.header}
    return sorted(header for header in (values or {}) if fold(header) not in headers)


class RowValidator:
    """Validates rows of one sheet: the work per column is decided once, not per row.

    `defaults` (parsed by parse_defaults) fill the fields a row leaves empty; `values` (a column's
    value map) replace a cell before it is read: `已完成` read as `51`; a cell mapped to "" is empty."""

    def __init__(self, columns: ColumnMap, defaults: Mapping[str, Any] | None = None,
                 values: ValueMaps | None = None) -> None:
        registry = columns.registry
        parse = parsers(registry)
        # (column index, its header, its role, the role's kind, its parser), for the columns sent
        self.plan: list[tuple[int, str, str | CustomColumn, Kind | None, Callable[[str], Any] | None]] = [
            (i, name.strip(), role, *((registry[role].kind, parse[role]) if isinstance(role, str) else (None, None)))
            for i, (name, role) in enumerate(zip(columns.header, columns.roles)) if role is not None]
        self.defaults = dict(defaults or {})
        self.body_names = registry.body_names
        self.maps = value_maps(columns, values)
        self.custom_fields, self.unchecked = columns.custom_fields, columns.unchecked is not None
        self.id_header = next((name for _, name, _, kind, _ in self.plan if kind == "id"), "ticket_id")

    def __call__(self, row: Row) -> TicketUpdate | list[FieldError]:
        """Every error in the row, or its update with the exact JSON body."""
        errors: list[FieldError] = []
        ticket_id = ""
        fields: dict[str, Any] = {}
        custom: list[dict[str, str]] = []
        cells = row.cells
        unusable = dict(row.problems) if row.problems else None  # cells the reader could not read truly
        for i, column, role, kind, parse in self.plan:
            cell = cells[i]
            if unusable and i in unusable:
                errors.append(FieldError(column, cell.strip(), unusable[i]))
                continue
            shown = None  # a cell the column's value map replaced: said as `已完成 → 51`
            if self.maps and i in self.maps and cell.strip():  # an empty cell stays empty
                mapped = self.maps[i].get(fold(cell))
                if mapped is not None:
                    shown, cell = f"{cell.strip()} → {mapped}", mapped
            if not cell or cell.isspace():
                if kind == "id":
                    errors.append(FieldError(column, "", tr("required")))
                continue
            try:
                no_controls(cell)
                if isinstance(role, CustomColumn):
                    if role.key_name:
                        no_controls(role.key_name)
                    try:
                        custom.append(custom_item(role, cell, self.custom_fields, self.unchecked))
                    except BadChoice as e:
                        raise Bad(str(e)) from None
                elif kind == "id":
                    ticket_id = parse_ticket_id(cell)
                elif kind == "custom":
                    custom.extend(f.model_dump(exclude_none=True) for f in parse_custom_json(cell))
                else:
                    assert parse is not None  # a field's column
                    fields[role] = parse(cell)
            except Bad as e:
                errors.append(FieldError(column, shown or cell.strip(), str(e)))
        if custom:
            keys = [(c["id"], c.get("key_name")) for c in custom]
            repeated = sorted({i + (f":{k}" if k else "") for i, k in keys if keys.count((i, k)) > 1})
            if repeated:
                errors.append(FieldError("customized_fields", "", tr("custom field given twice: {fields}",
                                                                      fields=", ".join(repeated))))
            fields["customized_fields"] = custom
        if row.overflow:
            errors.append(FieldError(tr(ROW), "", tr(
                "{n} cell(s) beyond the last column ({cells}): a separator inside a cell needs quotes",
                n=len(row.overflow), cells=", ".join(row.overflow)[:60])))
        for name, value in self.defaults.items():
            fields.setdefault(name, value)
        if not errors and not fields:
            errors.append(FieldError(tr(ROW), "", tr("nothing to change: fill at least one field besides {id_column}",
                                                     id_column=self.id_header)))
        if errors:
            return errors
        # Exactly the given fields, in the API doc's order, never a null.
        return TicketUpdate(row.number, ticket_id, {k: fields[k] for k in self.body_names if k in fields})


def validate_row(row: Row, columns: ColumnMap) -> TicketUpdate | list[FieldError]:
    return RowValidator(columns)(row)


def validate_rows(rows: Iterable[Row], columns: ColumnMap, defaults: Mapping[str, Any] | None = None,
                  values: ValueMaps | None = None) -> list[TicketUpdate | list[FieldError]]:
    at = columns.index("comment")
    return once_per_comment(list(map(RowValidator(columns, defaults, values), rows)),
                            columns.header[at].strip() if at is not None else "comment",
                            default_comment="comment" in (defaults or {}))


def once_per_comment(checked: list[TicketUpdate | list[FieldError]], column: str = "comment", *,
                     default_comment: bool = False) -> list[TicketUpdate | list[FieldError]]:
    """A valid row that would post on its ticket the very comment an earlier valid row posts there
    is made invalid (a copied row, most often): the customer would read it twice. Comments compare
    as the API may store them (model.stored_comment: a trailing space does not make another one)."""
    fix = (tr("give one of the rows a comment of its own (a blank cell takes the default comment), or keep the "
              "ticket on one row") if default_comment else tr("clear it on one of the rows"))
    first: dict[tuple[str, str], tuple[int, str]] = {}
    for i, item in enumerate(checked):
        if isinstance(item, TicketUpdate) and item.has_comment:
            comment = item.body["comment"]
            earlier, text = first.setdefault((item.ticket_id, stored_comment(comment)), (item.row, comment))
            if earlier != item.row:
                same = tr("the same comment") if text == comment else tr(
                    "the same comment (but for the spaces or line breaks around it, which do not count)")
                checked[i] = [FieldError(column, comment, tr("row {row} posts {same} on this ticket: it would be "
                                                             "posted twice; {fix}", row=earlier, same=same, fix=fix))]
    return checked

