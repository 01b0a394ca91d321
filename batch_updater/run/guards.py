"""A job's guards (plan/guards.py), read from its sheet: each `if:<field>` cell, parsed as the
field's cells are (a wrong one makes its row invalid), and, for `run --plan PLAN_FILE`, each
row's "now" values and its kind in the plan (only its `change` rows are applied; the others
are skipped, saying what the plan said)."""

from __future__ import annotations

from collections.abc import Sequence

from batch_updater.errors import UsageError
from batch_updater.model import FieldError, TicketUpdate
from batch_updater.naming import option
from batch_updater.plan.guards import Expect, Guard
from batch_updater.rows.custom import BadChoice, custom_item
from batch_updater.rows.validate import Bad, no_controls, parser
from batch_updater.schema.columns import CustomColumn
from batch_updater.schema.fields import fold
from batch_updater.schema.sheet import Sheet
from batch_updater.sheet.blocks import PLAN, block_spans

Checked = TicketUpdate | list[FieldError]
NOW = " (now)"


def _expect(sheet: Sheet, role: object, cell: str) -> Expect:
    columns = sheet.columns
    if isinstance(role, CustomColumn):
        try:
            item = custom_item(role, cell, columns.custom_fields, columns.unchecked is not None)
        except BadChoice as e:
            raise Bad(str(e)) from None
        return Expect(f"custom:{item['id']}", item["value"])
    field = columns.registry.get(role) if isinstance(role, str) else None
    if field is None or not field.scalar:
        raise Bad("not a field a condition can test: use a ticket field (status, solved, tag_names, ticket_type, "
                  "channel) or a custom field")
    try:
        return Expect(field.name, parser(field)(no_controls(cell)))
    except Bad:
        for shown in field.shown_only:  # status 52: shown by the API, so a ticket may have it
            if cell.strip() == str(shown.code) or fold(cell) in {fold(w) for w in shown.labels}:
                return Expect(field.name, shown.code)
        raise


def conditions(sheet: Sheet, checked: Sequence[Checked]) -> tuple[list[Checked], dict[int, Guard]]:
    """Each row's `if:` conditions; a row with a wrong one is invalid, naming it."""
    found: dict[int, Guard] = {}
    result = list(checked)
    if not sheet.columns.conditions:
        return result, found
    for index, (item, row) in enumerate(zip(checked, sheet.rows)):
        expects, errors = [], []
        for at, role in sheet.columns.conditions:
            cell = row.cells[at]
            if not cell.strip():
                continue
            try:
                expects.append(_expect(sheet, role, cell))
            except Bad as e:
                errors.append(FieldError(sheet.columns.header[at].strip(), cell.strip(), str(e)))
        if errors:
            result[index] = [*(item if isinstance(item, list) else []), *errors]
        elif expects and isinstance(item, TicketUpdate):
            found[index] = tuple(expects)
    return result, found


def from_plan(sheet: Sheet, checked: Sequence[Checked]) -> tuple[dict[int, Guard], dict[int, str]]:
    """A plan file's rows: what each expects its ticket to hold now, and the rows not to apply
    (not a `change` in the plan), with why."""
    header = sheet.columns.header
    spans = block_spans(header, PLAN)
    if not spans:
        raise UsageError(f"{option('plan_file')}: this file has no plan's columns (plan, <field> (now), "
                         "<field> (new), msg): give the file `batch-updater plan` wrote", option="plan_file")
    start, width = spans[-1]
    pairs = [(j, header[j].strip()[:-len(NOW)]) for j in range(start + 1, start + width - 1, 2)]
    guards: dict[int, Guard] = {}
    skips: dict[int, str] = {}
    for index, (item, row) in enumerate(zip(checked, sheet.rows)):
        if not isinstance(item, TicketUpdate):
            continue
        kind = row.cells[start].strip()
        if kind != "change":
            skips[index] = f"not applied: the plan said {kind or 'nothing'} for this row"
            continue
        guards[index] = tuple(Expect(name, row.cells[j].strip(), "shown", "plan") for j, name in pairs
                              if row.cells[j + 1].strip())
    return guards, skips
