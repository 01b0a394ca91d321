"""A sheet's check (a dry run) as the console keeps it: what the page shows of it, and each row's
line of the table, built once when the check ends (the page's requests only slice it). The
dry run's result itself (every cell of the sheet, every outcome) is not kept."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from batch_updater.console.samples import column_samples
from batch_updater.console.tables import result_rows
from batch_updater.model import Result
from batch_updater.run.job import RunResult


@dataclass(frozen=True)
class Checked:
    described: dict[str, Any]  # the check for the page: columns, counts, warnings...
    rows: list[dict[str, Any]]  # the table: each row's number, ticket, result, message (a valid row's body)
    sheet_name: str | None  # the sheet that was read (a workbook's)

    @classmethod
    def of(cls, result: RunResult, values: Mapping[str, Mapping[str, str]] | None = None) -> Checked:
        sheet = result.sheet
        assert sheet is not None
        rows = result_rows(result)
        roles = [r if r is None or isinstance(r, str) else f"custom:{r.field_id}" for r in sheet.columns.roles]
        comment = sheet.columns.index("comment")
        valid = [row for row, out in zip(sheet.rows, result.outcomes) if out.result is Result.VALID]
        tickets = {row["ticket"] for row in rows if row["result"] == Result.VALID.value}
        described = {
            "sheet": sheet.sheet_name, "source": sheet.source, "no_ticket_id": False,
            "columns": [{"header": h, "role": r} for h, r in zip(sheet.columns.header, roles)],
            "unknown": [h for h, r in zip(sheet.columns.header, roles) if r is None and h.strip()],
            "warnings": list(result.warnings), "counts": dict(result.summary.by_result), "rows": len(rows),
            "tickets": len(tickets), "repeated": result.summary.repeated_tickets,
            "comments": sum(1 for row in valid if comment is not None and row.cells[comment].strip()),
            "samples": column_samples(sheet, values),
        }
        return cls(described, rows, sheet.sheet_name)

    def ticket_ids(self) -> list[str]:
        """The ticket ids of the valid rows, in file order, each once."""
        return list(dict.fromkeys(row["ticket"] for row in self.rows if row["result"] == Result.VALID.value))
