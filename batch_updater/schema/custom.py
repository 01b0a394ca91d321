"""A helpdesk's custom fields, as its field list names them (docs/api-facts.md §10): each field's
id, display name, type and, for a dropdown, its options. Pure: the run reads the list
(`GET /open-apis/helpdesk/v1/ticket_customized_fields`, run/fields.py) and passes it in.

A column headed by a field's display name (or `custom:<display name>`) is that field
(schema/labels.py), and a dropdown's cell may name an option by its display name
(rows/custom.py). How an update must write a dropdown is UNKNOWN (§10): the display name is
sent, as a read shows it, and the run reads the ticket back to confirm it (run/labels.py).
The forms chosen where §10 is silent (the sandbox plays the same ones):

- a nested dropdown: the display names of the path, joined by " / " (`硬件 / 打印机 / 卡纸`);
- several choices: their display names, in the options' order, joined by ",".

Reading a ticket back, these compare without regard to case, spaces or the order of choices.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

NESTED_SEPARATOR = " / "
MULTIPLE_SEPARATOR = ","
DROPDOWNS = ("dropdown", "dropdown_nested")


def option_key(text: str) -> str:
    """An option's name as compared: case and every space do not matter."""
    return "".join(text.split()).casefold()


def name_key(text: str) -> str:
    """A field's display name as a header is compared: case and surrounding spaces do not matter,
    inner runs of spaces are one."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a dropdown: its tag, its display name and, nested, the options below it."""

    tag: str
    name: str
    children: tuple[Choice, ...] = ()


@dataclass(frozen=True, slots=True)
class CustomField:
    """One custom field of the helpdesk."""

    id: str
    name: str  # its display name
    field_type: str  # string, multiline, dropdown, dropdown_nested (another: taken as text)
    key_name: str = ""
    choices: tuple[Choice, ...] = ()
    multiple: bool = False  # a dropdown that allows several choices
    editable: bool = True

    @property
    def dropdown(self) -> bool:
        return self.field_type in DROPDOWNS

    @property
    def nested(self) -> bool:
        return self.field_type == "dropdown_nested"


@dataclass(frozen=True)
class CustomFields:
    """The field list of one helpdesk, in its order."""

    fields: tuple[CustomField, ...] = ()

    def __iter__(self) -> Iterator[CustomField]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    @cached_property
    def by_id(self) -> Mapping[str, CustomField]:
        return {f.id: f for f in self.fields}

    @cached_property
    def by_name(self) -> Mapping[str, CustomField | None]:
        """Display name (as compared) -> the field; None when two fields share it (a name that
        cannot say which: such a field is named by its id)."""
        found: dict[str, CustomField | None] = {}
        for f in self.fields:
            key = name_key(f.name)
            found[key] = None if key in found else f
        return found

    def named(self, name: str) -> CustomField | None:
        return self.by_name.get(name_key(name))

    def ambiguous(self, name: str) -> bool:
        key = name_key(name)
        return key in self.by_name and self.by_name[key] is None

    def names(self, shown: int = 12) -> str:
        """The fields' display names, for a message."""
        names = [f.name for f in self.fields]
        return ", ".join(names[:shown]) + (f" and {len(names) - shown} more" if len(names) > shown else "")

    # --- the API's JSON, and the state folder's copy -------------------------------------

    @classmethod
    def from_api(cls, items: Sequence[Any]) -> CustomFields:
        """The field list's `items` (the raw JSON: lark-oapi's models drop keys they do not know).
        Never raises: an item without an id or a display name is left out."""
        fields = []
        for item in items:
            if not isinstance(item, Mapping):
                continue
            fid, name = item.get("ticket_customized_field_id"), item.get("display_name")
            if not isinstance(fid, str | int) or isinstance(fid, bool) or not str(fid) or not isinstance(name, str):
                continue
            options = item.get("dropdown_options")
            children = options.get("children") if isinstance(options, Mapping) else None
            fields.append(CustomField(
                str(fid), name, str(item.get("field_type") or "string"), str(item.get("key_name") or ""),
                _choices(children), item.get("dropdown_allow_multiple") is True, item.get("editable") is not False))
        return cls(tuple(fields))

    def to_json(self) -> list[dict[str, Any]]:
        return [{"ticket_customized_field_id": f.id, "display_name": f.name, "field_type": f.field_type,
                 "key_name": f.key_name, "dropdown_allow_multiple": f.multiple, "editable": f.editable,
                 "dropdown_options": {"children": [_choice_json(c) for c in f.choices]}} for f in self.fields]


def _choices(items: Any) -> tuple[Choice, ...]:
    found = []
    for item in items if isinstance(items, list) else ():
        if isinstance(item, Mapping) and isinstance(item.get("display_name"), str):
            found.append(Choice(str(item.get("tag") or ""), item["display_name"], _choices(item.get("children"))))
    return tuple(found)


def _choice_json(choice: Choice) -> dict[str, Any]:
    return {"tag": choice.tag, "display_name": choice.name, "children": [_choice_json(c) for c in choice.children]}

