"""Header resolution: which input column carries which field.

Headers are trimmed and compared case-insensitively; Chinese aliases are
accepted. Columns that are not fields are kept for the report and named in a
warning. The columns an earlier run wrote (a report, retry or results file fed
back in: a whole block, `result` first, see blocks.py) are dropped, since the
new report writes them again; a lone `code` or `msg` is the sheet's own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from batch_updater.errors import InputError, UsageError
from batch_updater.sheet.blocks import tool_columns

ALIASES: dict[str, str] = {
    "ticket_id": "ticket_id", "ticket id": "ticket_id", "ticketid": "ticket_id",
    "工单id": "ticket_id", "工单编号": "ticket_id", "工单号": "ticket_id",
    "status": "status", "状态": "status", "工单状态": "status",
    "tag_names": "tag_names", "tags": "tag_names", "tag": "tag_names", "标签": "tag_names",
    "comment": "comment", "评论": "comment",  # not 备注: a note for the team, not a comment the customer sees
    "solved": "solved", "是否解决": "solved", "解决状态": "solved",
    "ticket_type": "ticket_type", "工单类型": "ticket_type",
    "channel": "channel", "渠道": "channel", "来源渠道": "channel",
    "customized_fields": "customized_fields", "自定义字段": "customized_fields",
}

# custom:<field id> or custom:<field id>:<key name>; an empty id (custom:) is a custom column too, whose
# cells are refused saying that the id is missing (not a column silently kept and not sent).
_CUSTOM = re.compile(r"^(?:custom|自定义)\s*[:：]\s*([^:：]*?)\s*(?:[:：]\s*(.+?)\s*)?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CustomColumn:
    field_id: str
    key_name: str | None


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
            field = role if isinstance(role, str) else f"custom:{role.field_id}"
            shown.append(name.strip() if _fold(name) == field else f"{name.strip()} → {field}")
        return ", ".join(shown)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _role(name: str) -> Role:
    key = _fold(name)
    if key in ALIASES:
        return ALIASES[key]
    m = _CUSTOM.match(name.strip())
    if m:
        return CustomColumn(m.group(1), m.group(2))
    return None


def _fold(name: str) -> str:
    return " ".join(name.strip().split()).lower()


def listed(names: Sequence[str], shown: int = 10) -> str:
    """Names for a warning: the first few and how many more (16,000 columns made a line of 117 KB)."""
    return ", ".join(names[:shown]) + (f" and {len(names) - shown:,} more" if len(names) > shown else "")


def check_renames(renames: Mapping[str, str]) -> None:
    """A job file's `columns` map: each target must be a field this tool knows."""
    for theirs, ours in renames.items():
        if _role(ours) is None:
            raise UsageError(f"columns.{theirs}: {ours!r} is not a field; use one of ticket_id, status, "
                             "tag_names, comment, solved, ticket_type, channel, customized_fields, custom:<id>")


def resolve_columns(header: list[str] | tuple[str, ...], renames: Mapping[str, str] | None = None) -> ColumnMap:
    """Each column's role; `renames` maps a sheet's own header names onto ours (a job file's `columns`)."""
    renamed = {_fold(k): v for k, v in (renames or {}).items()}
    roles: list[Role] = []
    kept: list[int] = []
    seen: dict[object, int] = {}
    unknown: list[str] = []
    dropped: list[str] = []
    ours = set(tool_columns(header))
    for i, name in enumerate(header):
        role = _role(renamed.get(_fold(name), name))
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
    absent = sorted(set(renamed) - {_fold(h) for h in header})
    if absent:
        warnings.append("columns named in the job file but not in the sheet: " + ", ".join(absent))
    if unknown:
        warnings.append("columns kept in the report but not sent (not a ticket field): " + listed(unknown))
    if dropped:
        warnings.append("columns from an earlier report are replaced by this run's results: " + listed(dropped))
    return ColumnMap(tuple(header), tuple(roles), tuple(kept), tuple(warnings))
