"""The columns the header resolution leaves to the helpdesk (schema/columns.py resolves the
ticket fields): a column headed by a custom field's display name, or `custom:<display name>`,
is that field; `if:<field>` holds the value a ticket must have now for its row to be applied
(plan/guards.py); a column whose header ends in `(not sent)` is context the tool wrote (an
export's guest, times, last comment) and is kept without a warning. Pure: the field list is read
by the run (run/fields.py) and passed in.

A field named by its display name needs the field list. Without one (a dry run without the
app's credentials), `unchecked` says why: a `custom:<name>` column is then taken as written
and the run says its names were not checked, and a bare display name is a column like any other
the tool does not know.
"""

from __future__ import annotations

import re
from dataclasses import replace

from batch_updater.errors import InputError
from batch_updater.schema.columns import ColumnMap, CustomColumn, Role, _role, column_letter, listed
from batch_updater.schema.custom import CustomFields
from batch_updater.schema.fields import fold

NOT_SENT = "(not sent)"  # the end of a context column's header
_CONDITION = re.compile(r"^if\s*[:：]\s*(.+?)\s*$", re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]+")
_UNKNOWN = "columns kept in the report but not sent (not a ticket field): "


def is_context(header: str) -> bool:
    return fold(header).endswith(NOT_SENT)


def by_name(name: str, fields: CustomFields | None) -> CustomColumn | None:
    """The custom field a display name names, as a column's role."""
    found = fields.named(name) if fields is not None else None
    return CustomColumn(found.id, None, found.name) if found is not None else None


def _resolved(role: Role, fields: CustomFields | None) -> Role:
    """`custom:<display name>` as the field's id, when the field list knows the name."""
    if isinstance(role, CustomColumn) and role.field_id and not _DIGITS.fullmatch(role.field_id):
        named = by_name(role.field_id, fields)
        if named is not None:
            return CustomColumn(named.field_id, role.key_name, named.name)
    return role


def condition_role(name: str, columns: ColumnMap, fields: CustomFields | None) -> Role:
    """The field an `if:<name>` column tests: a ticket field, `custom:<id or name>`, or a custom
    field's display name; None when it names none."""
    role = _resolved(_role(name, columns.registry), fields)
    return role if role is not None else by_name(name, fields)


def with_labels(columns: ColumnMap, fields: CustomFields | None, unchecked: str | None = None) -> ColumnMap:
    """`columns` with the helpdesk's custom fields known (`fields`, None: not read; `unchecked`:
    why not), `if:` columns found and context columns kept quietly."""
    roles = list(columns.roles)
    kept = set(columns.kept)
    conditions: list[tuple[int, Role]] = []
    unknown: list[str] = []
    for i, (name, role) in enumerate(zip(columns.header, columns.roles)):
        text = name.strip()
        if role is not None:
            roles[i] = _resolved(role, fields)
            continue
        if i not in kept or not text or is_context(text):
            continue
        test = _CONDITION.match(text)
        if test:
            conditions.append((i, condition_role(test.group(1), columns, fields)))
            continue
        named = by_name(text, fields)
        if named is not None:
            roles[i] = named
            continue
        unknown.append(text)
    seen: dict[object, int] = {}
    for i, role in enumerate(roles):
        if isinstance(role, CustomColumn):
            if role in seen:
                first = seen[role]
                raise InputError(
                    f"columns {column_letter(first)} ({columns.header[first].strip()!r}) and {column_letter(i)} "
                    f"({columns.header[i].strip()!r}) both mean custom field {role.name or role.field_id}: keep one "
                    "of them")
            seen[role] = i
    warnings = [w for w in columns.warnings if not w.startswith(_UNKNOWN)]
    if unknown:
        warnings.append(_UNKNOWN + listed(unknown))
    return replace(columns, roles=tuple(roles), warnings=tuple(warnings), custom_fields=fields, unchecked=unchecked,
                   conditions=tuple(conditions))


def names_to_look_up(columns: ColumnMap) -> tuple[list[str], list[str]]:
    """The names that may be a custom field's display name: those that must be (`custom:<name>`,
    `if:<name>` of no ticket field), whose column needs the field list; and those that may be (a
    header the tool does not know), looked up when it can be read."""
    certain, maybe = [], []
    for i, (name, role) in enumerate(zip(columns.header, columns.roles)):
        text = name.strip()
        if isinstance(role, CustomColumn):
            if role.field_id and not _DIGITS.fullmatch(role.field_id):
                certain.append(role.field_id)
        elif role is None and i in columns.kept and text and not is_context(text):
            test = _CONDITION.match(text)
            if test is None:
                maybe.append(text)
            elif _role(test.group(1), columns.registry) is None:
                certain.append(test.group(1))
    return certain, maybe
