"""Header resolution: which input column carries which field. Pure.

Headers are trimmed and compared case-insensitively; the field registry's Chinese and English
aliases are accepted (schema/fields.py). Columns that are not fields are kept for the report and
named in a warning. The columns an earlier run wrote (a report, retry or results file fed back
in: a whole block, `result` first, found by the reader: sheet/blocks.tool_columns) are dropped,
since the new report writes them again; a lone `code` or `msg` is the sheet's own.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from batch_updater.errors import InputError, UsageError
from batch_updater.naming import option
from batch_updater.schema.custom import CustomFields
from batch_updater.schema.fields import REGISTRY, Registry, fold

# custom:<field id> or custom:<field id>:<key name>; an empty id (custom:) is a custom column too, whose
# cells are refused saying that the id is missing (not a column silently kept and not sent).
_CUSTOM = re.compile(r"^(?:custom|自定义)\s*[:：]\s*([^:：]*?)\s*(?:[:：]\s*(.+?)\s*)?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CustomColumn:
    field_id: str  # digits; or, before the field list resolved it, the display name the column gave
    key_name: str | None
    name: str | None = field(default=None, compare=False)  # the display name that named it (schema/labels.py)


Role = str | CustomColumn | None  # a field name, a custom field column, or None (kept, not sent)


class NoTicketIdColumn(InputError):
    """The header row has no ticket id column; `header` is what it has (a page can offer to map one)."""

    def __init__(self, message: str, header: tuple[str, ...]) -> None:
        super().__init__(message)
        self.header = header


@dataclass(frozen=True, slots=True)
class ColumnMap:
    header: tuple[str, ...]  # the input's own header, as read
    roles: tuple[Role, ...]  # one per header column
    kept: tuple[int, ...]  # indexes of the columns the report and retry file keep
    warnings: tuple[str, ...]
    registry: Registry = field(default=REGISTRY, compare=False, repr=False)  # the fields the roles name
    # The helpdesk's custom fields (schema/labels.py put them in: columns named by display names,
    # dropdown cells checked); None: not read. `unchecked`: why they could not be (a dry run without
    # the app's credentials), so a column naming a field by its name is taken as written.
    custom_fields: CustomFields | None = field(default=None, compare=False, repr=False)
    unchecked: str | None = None
    conditions: tuple[tuple[int, Role], ...] = ()  # `if:<field>` columns: (index, the field it tests)

    def index(self, role: str) -> int | None:
        try:
            return self.roles.index(role)
        except ValueError:
            return None

    def sent(self) -> str:
        """The columns that are sent, as `header` or `header → field` where the names differ."""
        shown = []
        for name, role in zip(self.header, self.roles):
            if role is None:
                continue
            ours = role if isinstance(role, str) else f"custom:{role.field_id}"
            shown.append(name.strip() if fold(name) == ours else f"{name.strip()} → {ours}")
        return ", ".join(shown)

    def number_cells(self) -> set[int]:
        """The code columns: an Excel number cell there means the number, whatever its format."""
        return {i for i, role in enumerate(self.roles)
                if isinstance(role, str) and role in self.registry and self.registry[role].number_cell}


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _role(name: str, registry: Registry) -> Role:
    known = registry.headers.get(fold(name))
    if known is not None:
        return known
    m = _CUSTOM.match(name.strip())
    if m:
        return CustomColumn(m.group(1), m.group(2))
    return None


def listed(names: Sequence[str], shown: int = 10) -> str:
    """Names for a warning: the first few and how many more (16,000 columns made a line of 117 KB)."""
    return ", ".join(names[:shown]) + (f" and {len(names) - shown:,} more" if len(names) > shown else "")


def check_renames(renames: Mapping[str, str], registry: Registry = REGISTRY) -> None:
    """A job file's `columns` map: each target must be a field this tool knows."""
    for theirs, ours in renames.items():
        if _role(ours, registry) is None:
            raise UsageError(f"columns.{theirs}: {ours!r} is not a field; use one of "
                             f"{', '.join(registry.names)}, custom:<id>")


def resolve_columns(header: list[str] | tuple[str, ...], renames: Mapping[str, str] | None = None, *,
                    earlier: Collection[int] = (), registry: Registry = REGISTRY) -> ColumnMap:
    """Each column's role; `renames` maps a sheet's own header names onto ours (a job file's `columns`);
    `earlier`: the columns an earlier run of the tool wrote (sheet/blocks.tool_columns), dropped."""
    renamed = {fold(k): v for k, v in (renames or {}).items()}
    roles: list[Role] = []
    kept: list[int] = []
    seen: dict[object, int] = {}
    unknown: list[str] = []
    dropped: list[str] = []
    ours = set(earlier)
    for i, name in enumerate(header):
        role = _role(renamed.get(fold(name), name), registry)
        if role is None and i in ours:
            dropped.append(name.strip())
            roles.append(None)
            continue
        if role is not None:
            if role in seen:
                first = seen[role]
                what = role if isinstance(role, str) else f"custom field {role.field_id}"
                raise InputError(
                    f"columns {column_letter(first)} ({header[first].strip()!r}) and "
                    f"{column_letter(i)} ({name.strip()!r}) both mean {what}: keep one of them"
                )
            seen[role] = i
        elif name.strip():
            unknown.append(name.strip())
        roles.append(role)
        kept.append(i)
    if "ticket_id" not in seen:
        shown = ", ".join(repr(h.strip()) for h in header if h.strip()) or "none"
        raise NoTicketIdColumn(
            f"no ticket id column: expected a header named ticket_id (or 工单ID / 工单编号); "
            f"the header row has {shown}", tuple(h.strip() for h in header if h.strip()))
    warnings = []
    absent = sorted(set(renamed) - {fold(h) for h in header})
    if absent:
        warnings.append(f"columns named in {option('columns')} but not in the sheet: " + ", ".join(absent))
    if unknown:
        warnings.append("columns kept in the report but not sent (not a ticket field): " + listed(unknown))
    if dropped:
        warnings.append("columns an earlier run of the tool wrote (its results) are not read as input: "
                        + listed(dropped))
    return ColumnMap(tuple(header), tuple(roles), tuple(kept), tuple(warnings), registry)
