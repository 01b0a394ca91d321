"""Writing the plan (each row's current value beside its new one) and the undo sheet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from batch_updater.i18n import N_, tr
from batch_updater.model import FieldError, TicketUpdate
from batch_updater.paths import atomic_path, sibling_path
from batch_updater.plan.preview import PlannedRow, field_columns, targets
from batch_updater.plan.state import display
from batch_updater.plan.undo import Undo
from batch_updater.schema.sheet import Sheet
from batch_updater.sheet.blocks import PLAN, Block, Look, named_apart
from batch_updater.sheet.report import SUMMARY_TITLE, own_columns
from batch_updater.sheet.write import delimiter_for, display_width, new_workbook, write_delimited

PLAN_COLOURS = {"change": "#FFEB9C", "no-op": "#C6EFCE", "skipped": "#DDEBF7", "missing": "#FFC7CE",
                "forbidden": "#FFC7CE", "invalid": "#FFD8B1", "failed": "#FFC7CE", "not_attempted": "#E7E6E6"}
PLAN_KINDS = tuple(PLAN_COLOURS)  # every kind a row's plan can be
NEW_LOOK = Look(fill="#FFEB9C", bold=True)  # a value that would change: the new one, and the old struck through
OLD_LOOK = Look(strike=True, color="#9C0006")
PLAN_TITLE = N_("Plan")  # the plan file's sheets: named in the language in use (run reads the first sheet)
COMMENT_NOTE = N_("These comments were posted and cannot be taken back through the Feishu API; "
                  "the undo sheet does not remove them.")


def plan_table(sheet: Sheet, checked: Sequence[TicketUpdate | list[FieldError]],
               planned: Sequence[PlannedRow]) -> tuple[list[str], list[list[str]], list[set[int]]]:
    """Header, rows and, per row, the columns whose value would change (to highlight)."""
    fields = field_columns(checked)
    kept = sheet.columns.kept
    own = own_columns(sheet)
    added = ["plan"]
    for name in fields:
        added += [f"{name} (now)", f"{name} (new)"]
    added.append("msg")
    header = [*own, *named_apart(added, own, PLAN)]  # `msg (plan)` beside the sheet's own `msg`
    rows, changed = [], []
    for row, item, plan in zip(sheet.rows, checked, planned):
        cells = [row.cells[i] for i in kept] + [plan.kind]
        new = targets(item.body) if isinstance(item, TicketUpdate) else {}
        moving = {c.field for c in plan.plan.changes} if plan.plan else set()
        marks = set()
        for name in fields:
            now = display(plan.before.value(name)) if plan.before is not None and name in new else ""
            if name in moving:
                marks.add(len(cells) + 1)
            cells += [now, display(new[name]) if name in new else ""]
        comment = plan.plan.comment if plan.plan else None
        cells.append(plan.msg or (tr("posts a comment: {comment}", comment=comment) if comment is not None else ""))
        rows.append(cells)
        changed.append(marks)
    return header, rows, changed


def plan_block(sheet: Sheet, checked: Sequence[TicketUpdate | list[FieldError]],
               planned: Sequence[PlannedRow]) -> Block:
    """The plan's columns (`plan`, each field's now and new value, `msg`) to write back beside the
    input's own, coloured as in the plan file."""
    header, rows, changed = plan_table(sheet, checked, planned)
    skip = len(sheet.columns.kept)
    looks = []
    for cells, marks in zip(rows, changed):
        look = {0: Look(fill=PLAN_COLOURS.get(cells[skip]))}
        look.update((j - skip, NEW_LOOK) for j in marks)
        look.update((j - 1 - skip, OLD_LOOK) for j in marks)
        looks.append(look)
    msg = len(header) - 1 - skip
    return Block(PLAN, tuple(header[skip:]), [cells[skip:] for cells in rows], looks, frozenset({msg}))


def write_plan(path: Path, sheet: Sheet, checked: Sequence[TicketUpdate | list[FieldError]],
               planned: Sequence[PlannedRow], settings: Mapping[str, Any]) -> None:
    header, rows, changed = plan_table(sheet, checked, planned)
    with atomic_path(path) as tmp:
        if path.suffix.lower() != ".xlsx":
            write_delimited(tmp, header, rows, delimiter_for(path, sheet.output_delimiter))
            return
        book = new_workbook(tmp)
        try:
            ws = book.add_worksheet(tr(PLAN_TITLE))
            bold = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True})
            new_cell = book.add_format({"bg_color": NEW_LOOK.fill, "bold": True})
            old_cell = book.add_format({"font_color": OLD_LOOK.color, "font_strikeout": True})
            kinds = {k: book.add_format({"bg_color": c}) for k, c in PLAN_COLOURS.items()}
            plan_col = len(sheet.columns.kept)
            for j, name in enumerate(header):
                width = max([display_width(name)] + [display_width(r[j]) for r in rows[:200]])
                ws.set_column(j, j, min(max(width + 2, 8), 60))
            ws.write_row(0, 0, header, bold)
            ws.freeze_panes(1, 0)
            for i, (cells, marks) in enumerate(zip(rows, changed), 1):
                for j, value in enumerate(cells):
                    fmt = (kinds.get(value) if j == plan_col else new_cell if j in marks
                           else old_cell if j + 1 in marks else None)
                    ws.write_string(i, j, value, fmt)
            ws.autofilter(0, 0, max(len(rows), 1), len(header) - 1)
            info = book.add_worksheet(tr(SUMMARY_TITLE))
            info.set_column(0, 1, 40)
            for i, (key, value) in enumerate(settings.items()):
                info.write_string(i, 0, str(key))
                info.write_string(i, 1, str(value))
        finally:
            book.close()


def undo_paths(report: Path) -> tuple[Path, Path]:
    """`<report stem>-undo.<ext>` and, for CSV/TSV, `<report stem>-undo-comments.<ext>`."""
    return sibling_path(report, "undo"), sibling_path(report, "undo-comments")


def write_undo(report: Path, undo: Undo, delimiter: str | None = None) -> tuple[Path | None, Path | None]:
    """The undo sheet beside the report, in the columns `run` reads; the posted comments apart.
    A CSV takes `delimiter` (the input's), as the report does."""
    sheet_path, comments_path = undo_paths(report)
    if not undo.rows and not undo.comments:
        return None, None
    columns: dict[str, None] = {"ticket_id": None}
    for row in undo.rows:
        columns.update(dict.fromkeys(row))
    header = list(columns)
    rows = [[row.get(c, "") for c in header] for row in undo.rows]
    comment_rows = [[tid, text] for tid, text in undo.comments]
    comment_header = ["ticket_id", tr("comment posted (cannot be undone)")]  # not read back: in the user's words
    with atomic_path(sheet_path) as tmp:
        if sheet_path.suffix.lower() == ".xlsx":
            book = new_workbook(tmp)
            try:
                ws = book.add_worksheet("Undo")
                ws.write_row(0, 0, header)
                for i, cells in enumerate(rows, 1):
                    for j, value in enumerate(cells):
                        ws.write_string(i, j, value)
                ws.set_column(0, 0, 22)
                posted = book.add_worksheet(tr("Comments posted"))
                posted.write_string(0, 0, tr(COMMENT_NOTE))
                posted.write_row(1, 0, comment_header)
                for i, (tid, text) in enumerate(comment_rows, 2):
                    posted.write_string(i, 0, tid)
                    posted.write_string(i, 1, text)
                posted.set_column(0, 1, 40)
            finally:
                book.close()
            return sheet_path, None
        write_delimited(tmp, header, rows, delimiter_for(sheet_path, delimiter))
    if comment_rows:
        with atomic_path(comments_path) as tmp:
            write_delimited(tmp, comment_header, [*comment_rows, ["", tr(COMMENT_NOTE)]],
                            delimiter_for(comments_path, delimiter))
        return sheet_path, comments_path
    return sheet_path, None

