"""The documents a sandbox serves besides tickets: Bases, spreadsheets and the wiki nodes that
point at them (bitable.py, sheetdocs.py), with their own throttles, faults and counters.

    docs = sb.core.docs
    base, table = docs.add_base("Tickets", [("ticket_id", TEXT), ("status", TEXT)], rows)
    docs.fail_next("batch_update", 1254290, 1254291)   # the next two writes: throttled, then a conflict
    docs.stats.snapshot()["overlapping_writes"]        # two writes to one base at once: 0 for a good client

Each API has the rate its doc gives (docs/api-facts.md §9): a request past it is answered as the
API answers a throttle (1254290 with HTTP 200 for a Base, 90217 for Sheets, 429 for the wiki).
"""

from __future__ import annotations

import csv
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from batch_updater.sandbox.bitable import APP_NOT_FOUND, NUMBER, TEXT, Base, Ids, Refused, Table, new_base
from batch_updater.sandbox.sheetdocs import SheetDoc, Spreadsheet, WikiNode, as_cell
from batch_updater.sandbox.throttle import Throttle


@dataclass(frozen=True)
class Api:
    """One API of the documents: its windows (documented), and the throttle answer's code and HTTP status."""

    rates: tuple[tuple[int, float], ...]
    throttle_code: int
    throttle_status: int = 200


APIS: dict[str, Api] = {
    "search": Api(((20, 1.0),), 1254290),  # records/search: 20/s
    "fields": Api(((20, 1.0),), 1254290),  # fields list: 20/s
    "field_create": Api(((20, 1.0),), 1254290),  # UNKNOWN: taken as the field list's
    "batch_update": Api(((50, 1.0),), 1254290),  # 50/s
    "batch_create": Api(((50, 1.0),), 1254290),  # 50/s (app-table-record/batch_create)
    "sheets_query": Api(((100, 60.0),), 90217),  # 100/min
    "values_get": Api(((100, 1.0),), 90217),  # 100/s
    "values_batch_update": Api(((100, 1.0),), 90217),  # 100/s
    "get_node": Api(((100, 60.0),), 99991400, 429),  # 100/min, the gateway's throttle
}


class DocStats:
    """What a test reads back: calls per API, throttled calls, codes answered, writes applied and
    overlapping (two writes to one base or document at once: the client broke the one-writer rule)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.throttled: Counter[str] = Counter()
        self.codes: Counter[str] = Counter()
        self.overlapping_writes = 0
        self.writes_applied = 0  # batch_update, batch_create and values_batch_update calls that wrote
        self.records_written = 0  # records a Base's batch_update wrote (all or nothing)
        self.records_created = 0  # records a Base's batch_create added (all or nothing)
        self.rows_written = 0  # rows values_batch_update wrote
        self.write_times: list[float] = []  # the clock at each applied write
        self.write_sizes: list[int] = []  # the records or rows each applied write held

    def snapshot(self) -> dict[str, Any]:
        return {"calls": dict(self.calls), "throttled": dict(self.throttled), "codes": dict(self.codes),
                "overlapping_writes": self.overlapping_writes, "writes_applied": self.writes_applied,
                "records_written": self.records_written, "records_created": self.records_created,
                "rows_written": self.rows_written}


class Docs:
    """Every Base, spreadsheet and wiki node of a sandbox, the APIs' throttles and queued faults."""

    def __init__(self, seed: int | str, clock: Callable[[], float], write_s: float = 0.02) -> None:
        self.ids = Ids(seed)
        self.clock = clock
        self.write_s = write_s  # how long a write takes: another write to the same base meanwhile overlaps
        self.bases: dict[str, Base] = {}
        self.books: dict[str, Spreadsheet] = {}
        self.nodes: dict[str, WikiNode] = {}
        self.space_id = str(7_000_000_000_000_000_000 + self.ids.rng.randrange(10**15))
        self.throttles = {name: Throttle(api.rates) for name, api in APIS.items()}
        self.faults: dict[str, deque[int]] = {}
        self.lost: dict[str, deque[int]] = {}  # writes applied, then answered with these codes (fail_after_applying)
        self.max_answer_bytes = 10 * 1024 * 1024  # values get: a bigger answer is 90221
        self.missing_scope: str | None = None  # set: every call answers 99991672 naming this scope
        self.stats = DocStats()

    def base(self, app_token: str) -> Base:
        if app_token not in self.bases:
            raise Refused(APP_NOT_FOUND, app_token)
        return self.bases[app_token]

    # -- building ------------------------------------------------------------------------
    def add_base(self, table_name: str, columns: Sequence[tuple[str, int]], rows: Iterable[Mapping[str, Any]] = (),
                 views: Sequence[tuple[str, Sequence[tuple[str, str, Sequence[str]]]]] = (), *,
                 name: str = "Demo base") -> tuple[Base, Table]:
        base, table = new_base(self.ids, name, table_name, columns, rows, views)
        self.bases[base.app_token] = base
        return base, table

    def add_spreadsheet(self, title: str, sheets: Sequence[tuple[str, list[list[Any]]]]) -> Spreadsheet:
        book = Spreadsheet(self.ids.make("shtcn", 20), title,
                           [SheetDoc(self.ids.make("", 6), name, [[as_cell(v) for v in r] for r in cells])
                            for name, cells in sheets])
        self.books[book.token] = book
        return book

    def add_wiki_node(self, obj_type: str, obj_token: str, title: str = "") -> WikiNode:
        node = WikiNode(self.ids.make("wikcn", 20), obj_type, obj_token, title)
        self.nodes[node.node_token] = node
        return node

    # -- what tests change ---------------------------------------------------------------
    def fail_next(self, api: str, *codes: int) -> None:
        """The next calls of `api` (an APIS key) answer these codes in order, before anything else."""
        if api not in APIS:
            raise ValueError(f"no API {api!r}; one of {', '.join(APIS)}")
        self.faults.setdefault(api, deque()).extend(codes)

    def fail_after_applying(self, api: str, *codes: int) -> None:
        """The next writes of `api` are applied, then answered with these codes in order: an answer
        that says nothing was done though it was (a timeout after the write)."""
        if api not in APIS:
            raise ValueError(f"no API {api!r}; one of {', '.join(APIS)}")
        self.lost.setdefault(api, deque()).extend(codes)

    def lost_answer(self, api: str) -> int | None:
        """The code to answer a write of `api` just applied with, if one was queued."""
        queued = self.lost.get(api)
        return queued.popleft() if queued else None

    def set_rate(self, api: str, *rates: tuple[int, float]) -> None:
        self.throttles[api] = Throttle(rates)

    # -- for the handlers ----------------------------------------------------------------
    def admit(self, api: str) -> tuple[int, int, int] | None:
        """None if `api` may answer now; else (code, HTTP status, reset seconds) of its refusal:
        an injected fault first, then its throttle."""
        self.stats.calls[api] += 1
        queued = self.faults.get(api)
        if queued:
            code = queued.popleft()
            if code == APIS[api].throttle_code:
                self.stats.throttled[api] += 1
            return code, APIS[api].throttle_status if code == APIS[api].throttle_code else 200, 1
        refusal = self.throttles[api].try_admit(self.clock())
        if refusal is None:
            return None
        self.stats.throttled[api] += 1
        return APIS[api].throttle_code, APIS[api].throttle_status, refusal.reset_s


SAMPLE_VIEW = ("Not closed yet", [("status", "isNot", ["人工关闭工单", "closed"])])


def demo_docs(docs: Docs, sample: Path) -> dict[str, str]:
    """A demo base (a table of the sample sheet's rows, Text fields but a Number `channel`; a grid
    view and one filtered view) and a demo spreadsheet of the same rows; each with a wiki node.
    Returns their links, by name."""
    with sample.open(encoding="utf-8-sig", newline="") as f:
        rows = [row for row in csv.reader(f) if any(cell.strip() for cell in row)]
    header, body = rows[0], rows[1:]
    columns = [(name, NUMBER if name == "channel" else TEXT) for name in header]
    records = [{name: (float(cell) if name == "channel" and cell.strip().isdigit() else cell)
                for name, cell in zip(header, row) if cell != ""} for row in body]
    base, table = docs.add_base("Tickets", columns, records, [SAMPLE_VIEW], name="Helpdesk changes")
    book = docs.add_spreadsheet("Helpdesk changes", [("Tickets", [header, *body])])
    sheet = book.sheets[0]
    base_node = docs.add_wiki_node("bitable", base.app_token, "Helpdesk changes (Base)")
    sheet_node = docs.add_wiki_node("sheet", book.token, "Helpdesk changes (Sheets)")
    site = "https://sandbox.feishu.cn"
    view = table.views[1].view_id
    return {"base": f"{site}/base/{base.app_token}?table={table.table_id}&view={table.views[0].view_id}",
            "base view": f"{site}/base/{base.app_token}?table={table.table_id}&view={view}",
            "sheet": f"{site}/sheets/{book.token}?sheet={sheet.sheet_id}",
            "wiki (base)": f"{site}/wiki/{base_node.node_token}?table={table.table_id}&view={table.views[0].view_id}",
            "wiki (sheet)": f"{site}/wiki/{sheet_node.node_token}"}


def demo_export_targets(docs: Docs) -> dict[str, str]:
    """An empty Base table (a primary Text field and a few blank records, as Feishu makes a new
    table) and an empty spreadsheet, for `batch-updater export -o LINK`; their links by name."""
    base, table = docs.add_base("Export", [("多行文本", TEXT)], [{}] * 3, name="Export here")
    book = docs.add_spreadsheet("Export here", [("Sheet1", [])])
    site = "https://sandbox.feishu.cn"
    return {"export base": f"{site}/base/{base.app_token}?table={table.table_id}",
            "export sheet": f"{site}/sheets/{book.token}?sheet={book.sheets[0].sheet_id}"}
