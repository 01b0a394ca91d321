"""A custom field's cell -> the value the update sends. Pure: no files, no HTTP.

With the helpdesk's field list (schema/custom.py), a dropdown's cell names its option by the
option's display name, without regard to case or spaces, and is checked against the options: a
wrong one makes the row invalid, naming the nearest options. A nested dropdown takes a path
(`硬件 / 打印机 / 卡纸`), checked level by level; a dropdown that allows several choices takes them
separated as tags are (`华北, 华东`). The value sent is the options' display names as the field
list writes them, in the form schema/custom.py describes. Text fields are sent as written.
Without the field list, a column that names its field by a display name cannot be checked: its
value is taken as written, and the run says so."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from batch_updater.schema.columns import CustomColumn
from batch_updater.schema.custom import (
    MULTIPLE_SEPARATOR,
    NESTED_SEPARATOR,
    Choice,
    CustomField,
    CustomFields,
    option_key,
)

_DIGITS = re.compile(r"[0-9]+")
_CHOICES_SPLIT = re.compile(r"[,，;；、]")
_PATH_SPLIT = re.compile(r"\s*[/／]\s*")
NO_FIELD_ID = ("no custom field id: write the field's id after custom:, like custom:6948728206392295444 "
               "(or custom:6948728206392295444:key_name)")
UNCHECKED = "custom:"  # the id a dry run shows for a field named by its name, not checked


class BadChoice(ValueError):
    """A cell that is not a value of its field; the message says why."""


def _nearest(text: str, choices: Sequence[Choice]) -> str:
    names = [c.name for c in choices]
    keys = {option_key(n): n for n in names}
    close = [keys[k] for k in difflib.get_close_matches(option_key(text), list(keys), n=3, cutoff=0.3)]
    if close:
        return "nearest: " + ", ".join(close)
    return "its options: " + ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")


def _choice(text: str, choices: Sequence[Choice], where: str) -> Choice:
    key = option_key(text)
    for choice in choices:
        if option_key(choice.name) == key:
            return choice
    if not choices:
        raise BadChoice(f"{where} has no options below it")
    raise BadChoice(f"{text.strip()!r} is not an option of {where} ({_nearest(text, choices)})")


def _path(text: str, field: CustomField) -> str:
    parts = [p for p in _PATH_SPLIT.split(text.strip()) if p]
    if not parts:
        raise BadChoice(f"no option in it: write a path of {field.name}'s options, like a / b / c")
    names: list[str] = []
    level: Sequence[Choice] = field.choices
    for part in parts:
        where = field.name if not names else f"{field.name} / {' / '.join(names)}"
        choice = _choice(part, level, where)
        names.append(choice.name)
        level = choice.children
    return NESTED_SEPARATOR.join(names)


def choice_value(field: CustomField, text: str) -> str:
    """A dropdown cell's value to send: its option's display name (a nested path's, several
    choices' in the options' order); BadChoice naming the nearest options when it is none."""
    if field.nested:
        return _path(text, field)
    whole = next((c for c in field.choices if option_key(c.name) == option_key(text)), None)
    if whole is not None:
        return whole.name
    parts = [p.strip() for p in _CHOICES_SPLIT.split(text) if p.strip()]
    if len(parts) > 1:
        if not field.multiple:
            raise BadChoice(f"{field.name} takes one option, and this cell has {len(parts)}")
        chosen = {_choice(p, field.choices, field.name).name for p in parts}
        return MULTIPLE_SEPARATOR.join(c.name for c in field.choices if c.name in chosen)
    return _choice(text, field.choices, field.name).name


def same_value(field: CustomField | None, a: str | None, b: str | None) -> bool:
    """Whether a ticket's value is the one sent: a dropdown's without regard to case, spaces and
    the order of several choices; anything else exactly."""
    if a is None or b is None or field is None or not field.dropdown:
        return a == b
    if field.nested:
        return [option_key(p) for p in _PATH_SPLIT.split(a.strip())] == \
            [option_key(p) for p in _PATH_SPLIT.split(b.strip())]
    if field.multiple:
        return {option_key(p) for p in _CHOICES_SPLIT.split(a) if p.strip()} == \
            {option_key(p) for p in _CHOICES_SPLIT.split(b) if p.strip()}
    return option_key(a) == option_key(b)


def custom_item(role: CustomColumn, cell: str, fields: CustomFields | None, unchecked: bool = False
                ) -> dict[str, str]:
    """One custom field column's cell as an item of the body's customized_fields. `unchecked`:
    the field list could not be read (a dry run without the app's credentials), so a field named
    by its name is taken as written (its id shown as `custom:<name>`)."""
    if not role.field_id:
        raise BadChoice(NO_FIELD_ID)
    if not _DIGITS.fullmatch(role.field_id):  # a display name the field list did not resolve
        if fields is not None:
            raise BadChoice(f"{role.field_id!r} is not a custom field of this helpdesk (its fields: "
                            f"{fields.names()}); a custom field's id is digits only, like 6948728206392295444")
        if unchecked:
            return {"id": UNCHECKED + role.field_id, "value": cell.strip()}
        raise BadChoice(f"{role.field_id!r} is not a field id: a custom field id is digits only, like "
                        "6948728206392295444 (a field named by its display name is looked up in the helpdesk's "
                        "field list, which needs the app's credentials)")
    field = fields.by_id.get(role.field_id) if fields is not None else None
    value = choice_value(field, cell) if field is not None and field.dropdown else cell.strip()
    item = {"id": role.field_id, "value": value}
    if role.key_name:
        item["key_name"] = role.key_name
    return item


def unchecked(body_items: Sequence[dict[str, str]]) -> list[str]:
    """The fields of a body named by their names and not checked (no field list)."""
    return [item["id"][len(UNCHECKED):] for item in body_items if item["id"].startswith(UNCHECKED)]
