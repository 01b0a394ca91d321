"""The tables the page shows, one page at a time: a check's or a run's rows (result and message,
or the JSON body a valid row would send), and a plan's rows (each field now and new)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from batch_updater.model import RESULT_COLUMNS
from batch_updater.plan.state import display
from batch_updater.run.job import RunResult
from batch_updater.run.plan import PlanResult
from batch_updater.schema.fields import REGISTRY

PAGE_SIZES = (25, 50, 100, 200)
_NAMED = {f.name: f.named_codes for f in REGISTRY if f.named_codes}  # codes the page names, in Chinese and English
_SHOWN = tuple(column for column in RESULT_COLUMNS if column.in_console)  # result, code, msg, attempts


def page_of(rows: list[dict[str, Any]], query: Mapping[str, str], key: str) -> dict[str, Any]:
    """One page of `rows`, filtered on `key` by `?filter=`; `?page=` from 1, `?size=`."""
    wanted = query.get("filter", "")
    chosen = [r for r in rows if r[key] == wanted] if wanted else rows
    size = int(query.get("size", "50"))
    size = size if size in PAGE_SIZES else 50
    pages = max(1, -(-len(chosen) // size))
    page = min(max(1, int(query.get("page", "1"))), pages)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r[key]] = counts.get(r[key], 0) + 1
    return {"rows": chosen[(page - 1) * size: page * size], "page": page, "pages": pages, "size": size,
            "matching": len(chosen), "total": len(rows), "counts": counts}


def _ticket(result: RunResult | PlanResult, cells: tuple[str, ...]) -> str:
    sheet = result.sheet
    index = sheet.columns.index("ticket_id") if sheet is not None else None
    return cells[index].strip() if index is not None and index < len(cells) else ""


def result_rows(result: RunResult) -> list[dict[str, Any]]:
    """Each row of a check or a run: its number in the sheet, ticket, result, code and message (for a
    valid row of a check, the JSON body it would send)."""
    sheet = result.sheet
    assert sheet is not None
    return [{"row": row.number, "ticket": _ticket(result, row.cells), **{c.name: c.get(out) for c in _SHOWN}}
            for row, out in zip(sheet.rows, result.outcomes)]


def plan_rows(result: PlanResult) -> list[dict[str, Any]]:
    """Each row of a plan: its kind, and for each field it sets the value now and the new one."""
    sheet = result.sheet
    assert sheet is not None
    rows = []
    for row, planned in zip(sheet.rows, result.planned):
        fields = []
        if planned.plan is not None and planned.before is not None:
            fields = [_field(c.field, c.old, c.new, True) for c in planned.plan.changes]
            fields += [_field(name, planned.before.value(name), planned.before.value(name), False)
                       for name in planned.plan.same]
        rows.append({"row": row.number, "ticket": _ticket(result, row.cells), "kind": planned.kind,
                     "msg": planned.msg, "fields": fields,
                     "comment": planned.plan.comment if planned.plan is not None else None})
    return rows


def _field(name: str, now: Any, new: Any, changed: bool) -> dict[str, Any]:
    """One field of a plan row; a status or solved code also by its name (`names`: zh and en)."""
    field: dict[str, Any] = {"name": name, "now": display(now), "new": display(new), "changed": changed}
    labels = _NAMED.get(name)
    if labels is not None:
        field["names"] = {"now": _names(labels, now), "new": _names(labels, new)}
    return field


def _names(labels: Mapping[int, tuple[str, ...]], value: Any) -> dict[str, str] | None:
    words = labels.get(value) if isinstance(value, int) else None
    return {"zh": words[0], "en": words[1]} if words else None
