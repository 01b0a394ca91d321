"""Bases and spreadsheets in a sandbox (sandbox/docs.py) for the link tests, and their links."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from batch_updater.sandbox.bitable import NUMBER, TEXT
from tests.support.send_harness import ThreadSandbox

SITE = "https://acme.feishu.cn"
IDS = [str(7400000000000000001 + i * 7919) for i in range(3000)]
UNLIMITED = [(1_000_000, 1.0)]


@pytest.fixture(autouse=True)
def _quick_backoff(monkeypatch):
    """The documents' retries wait 0.01 s, not 0.5 s and up (the policy itself is unit-tested)."""
    monkeypatch.setattr("batch_updater.feishu.docs.BACKOFF_S", 0.01)


def base_link(ts: ThreadSandbox, rows: Sequence[dict[str, Any]], *, columns: Sequence[tuple[str, int]] | None = None,
              views: Sequence[tuple[str, Sequence[tuple[str, str, Sequence[str]]]]] = (), view: int | None = None
              ) -> tuple[str, Any, Any]:
    """A base of one table holding `rows`; its link (to view number `view`, if given), base, table."""
    columns = columns or [("ticket_id", TEXT), ("status", TEXT), ("comment", TEXT), ("owner", TEXT)]
    base, table = ts.call(lambda sb: sb.docs.add_base("Tickets", columns, rows, views))
    tail = f"&view={table.views[view].view_id}" if view is not None else ""
    return f"{SITE}/base/{base.app_token}?table={table.table_id}{tail}", base, table


def sheet_link(ts: ThreadSandbox, cells: list[list[Any]], *, with_sheet: bool = True) -> tuple[str, Any]:
    book = ts.call(lambda sb: sb.docs.add_spreadsheet("Changes", [("Tickets", cells), ("Other", [["x"]])]))
    tail = f"?sheet={book.sheets[0].sheet_id}" if with_sheet else ""
    return f"{SITE}/sheets/{book.token}{tail}", book


def field(table: Any, name: str) -> list[Any]:
    """One field's stored values, record by record."""
    return [values.get(name) for values in table.records.values()]


__all__ = ["IDS", "NUMBER", "SITE", "TEXT", "UNLIMITED", "base_link", "field", "sheet_link"]
