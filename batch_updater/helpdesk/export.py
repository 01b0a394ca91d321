"""`batch-updater export`: the tickets a filter selects, written as a sheet in the input's own
columns (sheet.py), read through the list API (listing.py) with the app's tenant token."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from batch_updater.control import RunProgress
from batch_updater.errors import INTERRUPTED, CredentialsRefused, UsageError
from batch_updater.helpdesk.filters import CAP, LIST_RATES, Filters
from batch_updater.helpdesk.sheet import CONTEXT, TICKET_COLUMNS, custom_headers, export_table
from batch_updater.jobs.options import RunOptions
from batch_updater.logs import event, warn
from batch_updater.naming import option
from batch_updater.paths import atomic_path
from batch_updater.rows.exported import AS_EXPORTED
from batch_updater.run.fields import custom_fields
from batch_updater.run.prepare import send_settings
from batch_updater.schema.custom import CustomFields
from batch_updater.send.pacing import parse_rate
from batch_updater.sheet.write import delimiter_for, display_width, new_workbook, probe_folder, write_delimited
from batch_updater.sources.export_link import LinkExport, Written
from batch_updater.sources.links import is_link

if TYPE_CHECKING:  # the list's reading (aiohttp and all) is imported by an export, not by `import batch_updater`
    from batch_updater.helpdesk.listing import Selected

KINDS = (".xlsx", ".csv", ".tsv")


@dataclass
class ExportOptions:
    """What to export and where; the API as a run's options name it."""

    output: Path | str  # a .xlsx, .csv or .tsv file, or a Feishu Base table's or sheet's link
    filters: Filters = field(default_factory=Filters)
    base_url: str | None = None
    sandbox: bool = False
    refresh_fields: bool = False
    timeout: float = 30.0
    max_attempts: int = 5
    concurrency: int = 64
    rates: Sequence[tuple[int, float]] = LIST_RATES  # the list API's windows (documented 1000/min and 50/s)
    cap: int = CAP  # the results one query reaches (the API's 10,000; a test's sandbox may have fewer)

    def run_options(self) -> RunOptions:
        return RunOptions(input=Path("export") if is_link(self.output) else self.output, base_url=self.base_url,
                          sandbox=self.sandbox, refresh_fields=self.refresh_fields, timeout=self.timeout,
                          max_attempts=self.max_attempts, concurrency=self.concurrency)


@dataclass
class ExportResult:
    path: Path | None  # None: nothing written (the reading stopped), or written to a link
    selected: Selected
    elapsed: float  # seconds spent reading the list
    link: Written | None = None  # -o LINK: what was written into the Base table or sheet

    @property
    def written_to(self) -> str | None:
        """Where the tickets went: the file, or the Base table or sheet (None: nothing written)."""
        if self.link is not None:
            return self.link.what
        return None if self.path is None else str(self.path)

    @property
    def tickets(self) -> int:
        return len(self.selected.tickets)

    @property
    def exit_code(self) -> int:
        if self.selected.interrupted or (self.link is not None and self.link.interrupted):
            return INTERRUPTED
        if self.selected.stop_reason:
            return CredentialsRefused.exit_code
        return 0 if self.selected.complete and (self.link is None or self.link.problem is None) else 1


def read_selection(options: RunOptions, filters: Filters, env: Mapping[str, str], *,
                   rates: Sequence[tuple[int, float]] = LIST_RATES, cap: int = CAP,
                   on_progress: Callable[[RunProgress], None] | None = None,
                   check: Callable[[CustomFields], None] | None = None) -> tuple[Selected, CustomFields, float]:
    """The tickets `filters` select, the helpdesk's custom fields, and the seconds the list took;
    `check` is given the fields before any ticket is read (a --set's names and values)."""
    from batch_updater.helpdesk.listing import Lister
    from batch_updater.send.session import check_ready, open_endpoint

    options.check()
    if not env.get("FEISHU_USER_ACCESS_TOKEN", "").strip():  # reading takes the tenant token: no user token needed
        env = {**env, "FEISHU_USER_ACCESS_TOKEN": "not-used-for-reading"}
    settings = send_settings(options, parse_rate(options.rate), plan=True)
    check_ready(settings, env, reading=True)
    fields = custom_fields(options, env)
    if check is not None:
        check(fields)

    async def read() -> Selected:
        async with open_endpoint(settings, env) as session:
            return await Lister(session, settings, filters, rates=rates, cap=cap, on_progress=on_progress).run()

    started = time.monotonic()
    selected = asyncio.run(read())
    return selected, fields, time.monotonic() - started


def check_output(path: Path) -> None:
    """A file to write: its kind, and a folder it can be written in."""
    if path.suffix.lower() not in KINDS:
        raise UsageError(f"{option('output')} {path}: use a .xlsx, .csv or .tsv name", option="output", value=path)
    if path.is_dir():
        raise UsageError(f"{option('output')} {path}: is a folder; give a file name", option="output", value=path)
    problem = probe_folder(path.parent, path.name)
    if problem:
        raise UsageError(f"cannot write {path}: {problem}")


def write_table(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """The sheet, written whole or not at all; in .xlsx every cell is text, the columns not sent
    greyed."""
    with atomic_path(path) as tmp:
        if path.suffix.lower() != ".xlsx":
            write_delimited(tmp, header, iter(rows), delimiter_for(path, None))
            return
        book = new_workbook(tmp, constant_memory=True)
        try:
            ws = book.add_worksheet("Tickets")
            bold = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
            grey_head = book.add_format({"bold": True, "bg_color": "#E7E6E6", "font_color": "#595959", "border": 1})
            grey = book.add_format({"font_color": "#7F7F7F"})
            context = {j for j, name in enumerate(header) if name in CONTEXT or name == AS_EXPORTED}
            for j, name in enumerate(header):
                width = max([display_width(name)] + [display_width(r[j]) for r in rows[:200]])
                ws.set_column(j, j, min(max(width + 2, 8), 24 if name == AS_EXPORTED else 50))
                ws.write_string(0, j, name, grey_head if j in context else bold)
            ws.freeze_panes(1, 1)
            for i, cells in enumerate(rows, 1):
                for j, value in enumerate(cells):
                    ws.write_string(i, j, value, grey if j in context else None)
            ws.autofilter(0, 0, max(len(rows), 1), len(header) - 1)
        finally:
            book.close()


def export_tickets(options: ExportOptions, *, env: Mapping[str, str] | None = None,
                   on_progress: Callable[[RunProgress], None] | None = None,
                   on_warning: Callable[[str], None] | None = None) -> ExportResult:
    """Read every ticket `options.filters` select and write them to `options.output` (a file, or
    an empty Base table or sheet a link names). Raises a BatchUpdaterError for a problem found
    before anything is read (exit 2; a link the API refuses: 3); a read the API stopped (exit 3)
    or an interrupt (130) writes nothing and says so in the result; a link written in part, or
    not read back as written, says why in `result.link.problem` (exit 1)."""
    env = os.environ if env is None else env
    target = _link_target(options, env) if is_link(options.output) else None
    path = None
    if target is None:
        path = Path(options.output)
        check_output(path)
        path = path.resolve()

    def ready(fields: CustomFields) -> None:  # the credentials checked, the field list read: no ticket yet
        if target is not None:
            target.check([*TICKET_COLUMNS, *(h for _, h in custom_headers(fields, ())), *CONTEXT, AS_EXPORTED])

    selected, fields, elapsed = read_selection(options.run_options(), options.filters, env, rates=options.rates,
                                               cap=options.cap, on_progress=on_progress, check=ready)
    for warning in selected.warnings:
        warn(warning, on_warning)
    if selected.stop_reason or selected.interrupted:
        return ExportResult(None, selected, elapsed)
    header, rows = export_table(list(selected.tickets.values()), fields)
    if target is not None:
        written = target.write(header, rows)
        event("export", f"exported {written.rows} tickets to {written.what} ({selected.requests} requests, "
              f"{elapsed:.1f} s; {written.calls} writes)" + (f"; {written.problem}" if written.problem else ""),
              tickets=written.rows, requests=selected.requests, output=str(options.output))
        return ExportResult(None, selected, elapsed, written)
    assert path is not None
    write_table(path, header, rows)
    event("export", f"exported {len(rows)} tickets to {path} ({selected.requests} requests, {elapsed:.1f} s)",
          tickets=len(rows), requests=selected.requests, output=str(path))
    return ExportResult(path, selected, elapsed)


def _link_target(options: ExportOptions, env: Mapping[str, str]) -> LinkExport:
    """A Base table or a sheet to export into (checked once the credentials are, before any
    ticket is read: it can be read, it is empty, its fields of the export's names are Text)."""
    if options.sandbox:
        raise UsageError(f"{option('output')}: a link is written at the API it lives on, and the built-in sandbox "
                         "has no documents: run `batch-updater sandbox` (it serves a demo base and spreadsheet) and "
                         f"point FEISHU_BASE_URL at it, instead of {option('sandbox')}", option="sandbox")
    return LinkExport(str(options.output), env, options.base_url, timeout=options.timeout)
