"""Writing the report (input columns + result columns) and the retry file, safely.

Safe means: never over the input, written to a temporary file and renamed, and
no cell can become a formula. In xlsx every text is a string cell (inert by
type); in CSV a cell that starts like a formula is prefixed with ' (OWASP),
which the loader takes off again so that a report can be fed back in.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from batch_updater.errors import ReportPlaceError
from batch_updater.logs import warn
from batch_updater.model import Outcome, Result, Row, Second
from batch_updater.naming import option
from batch_updater.paths import NAME_MAX, atomic_path, name_size, report_names, report_path
from batch_updater.schema.sheet import Sheet
from batch_updater.sheet.blocks import REPORT_HEADER, RESULT_COLOURS, RETRY_HEADER, named_apart
from batch_updater.sheet.excel_cells import SHOWN_MAX, any_too_long, marked
from batch_updater.sheet.write import delimiter_for, display_width, new_workbook, probe_folder, write_delimited
from batch_updater.summary import answer_counts

REPORT_SUFFIX = {"xlsx": ".xlsx", "csv": ".csv", "tsv": ".tsv"}


def default_report_path(input_path: Path, kind: str, directory: Path, now: datetime, tag: str = "") -> Path:
    """`<input stem><tag>-<date>-<time>.<kind>` in `directory` (paths.report_path: it fits)."""
    return report_path(input_path, directory, REPORT_SUFFIX[kind], now, tag)


def check_report_path(report: Path, input_path: Path | None) -> None:
    """The report and the files beside it (retry, undo) must never be the input (a file's: None,
    an input that is not one), and its name must be one a file can have."""
    if report.suffix.lower() not in (".xlsx", ".csv", ".tsv"):
        raise ReportPlaceError(f"{option('report')} {report}: use a .xlsx, .csv or .tsv name", path=report)
    if name_size(report.name) > NAME_MAX:
        raise ReportPlaceError(f"{option('report')} {report.name}: a file name holds at most {NAME_MAX} bytes and "
                               f"this one has {name_size(report.name)}; choose a shorter name (nothing was sent)",
                               path=report)
    if input_path is None:
        return
    for path in report_names(report):
        with contextlib.suppress(OSError):  # not there, or not a path at all: check_writable tells
            if path.resolve() == input_path.resolve() or path.samefile(input_path):
                raise ReportPlaceError(f"{option('report')} {report} would write {path.name} over the input "
                                       "file: the input is never overwritten", path=report)


def check_writable(report: Path) -> None:
    """Before anything is sent: the report's folder exists (or can be made) and takes a new file
    with the longest name written there (the retry, unknown and undo files go beside the report)."""
    try:
        folder = report.is_dir()
    except OSError as e:
        raise ReportPlaceError(f"{option('report')} {report}: {e.strerror or e}; choose another place with "
                               f"{option('report')} (nothing was sent)", path=report) from None
    if folder:
        raise ReportPlaceError(f"{option('report')} {report}: is a folder; give a file name", path=report)
    problem = probe_folder(report.parent)  # any file at all, first: a message about the folder, not a name
    if problem:
        raise ReportPlaceError(f"cannot write the report: cannot create files in {report.parent} ({problem}); "
                               f"choose another {option('report')} (nothing was sent)", path=report)
    longest = report_names(report)[-1].name
    problem = probe_folder(report.parent, longest)
    if problem:
        raise ReportPlaceError(f"cannot write the report in {report.parent}: {problem} (writing {longest}); "
                               f"choose another place with {option('report')} (nothing was sent)", path=report)


def own_columns(sheet: Sheet) -> list[str]:
    """The input's own columns' names (an earlier run's columns are not kept)."""
    return [sheet.columns.header[i] for i in sheet.columns.kept]


def report_header(sheet: Sheet) -> list[str]:
    """The input's own columns, then the result columns (the contract's, in order) and `row`; any
    of those the input already has is named apart (`code (run)`)."""
    own = own_columns(sheet)
    return [*own, *named_apart(REPORT_HEADER, own)]


def _table(sheet: Sheet, outcomes: Sequence[Outcome]) -> tuple[list[str], Iterator[list[Any]]]:
    kept = sheet.columns.kept
    rows = ([row.cells[i] for i in kept] + out.report_cells() + [row.number]
            for row, out in zip(sheet.rows, outcomes))
    return report_header(sheet), rows


def write_report(path: Path, sheet: Sheet, outcomes: Sequence[Outcome], settings: Mapping[str, Any],
                 timeline: Sequence[Second] = ()) -> None:
    """Every input row, in order, with its outcome's columns and its row number in the sheet."""
    header, rows = _table(sheet, outcomes)
    with atomic_path(path) as tmp:
        if path.suffix.lower() == ".xlsx":
            result_col = len(sheet.columns.kept)
            rows = marked(rows, result_col, result_col + 3, CSV_INSTEAD)
            _write_xlsx(tmp, header, rows, summary=_summary_rows(outcomes, settings), rows_sample=sheet,
                        timeline=timeline)
        else:
            write_delimited(tmp, header, rows, delimiter_for(path, sheet.output_delimiter))


def write_retry(path: Path, sheet: Sheet, outcomes: Sequence[Outcome], keep: set[Result]) -> int:
    """The rows whose result is not in `keep`, in the input's own columns, then `result`, `why`
    (what to fix) and `row`; 0 rows: no file. (write_retry_file also says where it went.)"""
    return write_retry_file(path, sheet, outcomes, keep)[1]


def write_retry_file(path: Path, sheet: Sheet, outcomes: Sequence[Outcome], keep: set[Result],
                     on_warning: Callable[[str], None] | None = None) -> tuple[Path | None, int]:
    """write_retry: where the rows were written (write_rows: maybe a .csv for an .xlsx), and how many."""
    return write_rows(path, sheet, [(row, out) for row, out in zip(sheet.rows, outcomes) if out.result not in keep],
                      on_warning=on_warning)


def write_unknown(path: Path, sheet: Sheet, outcomes: Sequence[Outcome],
                  on_warning: Callable[[str], None] | None = None) -> tuple[Path | None, int]:
    """The rows that may or may not have been applied, as the retry file has them: never fed back
    blindly (a comment would be posted twice). Where they were written, and how many."""
    return write_rows(path, sheet, [(row, out) for row, out in zip(sheet.rows, outcomes)
                                    if out.result is Result.UNKNOWN], "Unknown", on_warning)


WHY = {Result.INVALID: "fix this row", Result.FAILED: "the API refused it",
       Result.NOT_ATTEMPTED: "not sent: the run stopped before it", Result.UNKNOWN: "it may have been applied"}
# The report's note on a row whose cell Excel cuts, by where that row goes (write_rows writes it whole, as a CSV).
CSV_INSTEAD = {**{r.value: "the retry file is a CSV" for r in WHY if r is not Result.UNKNOWN},
               Result.UNKNOWN.value: "the unknown file is a CSV"}


def write_rows(path: Path, sheet: Sheet, rows: list[tuple[Row, Outcome]], title: str = "Retry",
               on_warning: Callable[[str], None] | None = None) -> tuple[Path | None, int]:
    """Some of the input's rows in its own columns, with what happened, why and the row's number
    in the sheet: where they were written and how many (0 rows: no file, and None). Such a file is
    fed back in, so no cell of it is ever cut: an .xlsx whose cell would pass Excel's limit is
    written as a .csv of the same name instead, and a warning says why."""
    if not rows:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return None, 0
    subset = Sheet(sheet.kind, sheet.columns, [row for row, _ in rows], delimiter=sheet.delimiter)
    own = own_columns(sheet)
    header = [*own, *named_apart(RETRY_HEADER, own)]
    kept = sheet.columns.kept
    cells = [[*(row.cells[i] for i in kept), out.result.value, out.msg or WHY.get(out.result, ""), row.number]
             for row, out in rows]
    if path.suffix.lower() == ".xlsx" and any_too_long(cells):
        instead = path.with_suffix(".csv")
        warn(f"{instead.name} is written as a CSV, not {path.name}: a cell of it holds more than {SHOWN_MAX} "
             "characters, which Excel would cut (fed back in, a cut cell would send another value)", on_warning)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()  # an earlier run's, which would look like this one's
        path = instead
    with atomic_path(path) as tmp:
        if path.suffix.lower() == ".xlsx":
            _write_xlsx(tmp, header, iter(cells), summary=None, rows_sample=subset, title=title)
        else:
            write_delimited(tmp, header, iter(cells), delimiter_for(path, sheet.output_delimiter))
    return path, len(rows)


def _widths(header: list[str], sheet: Sheet, sample: int = 200) -> list[int]:
    widths = [display_width(h) for h in header]
    kept = sheet.columns.kept
    for row in sheet.rows[:sample]:
        for j, i in enumerate(kept):
            widths[j] = max(widths[j], display_width(row.cells[i]))
    return [min(max(w + 2, 8), 60) for w in widths]


def _write_xlsx(path: Path, header: list[str], rows: Iterator[list[Any]], *,
                summary: list[list[Any]] | None, rows_sample: Sheet, timeline: Sequence[Second] = (),
                title: str = "Report") -> None:
    book = new_workbook(path, constant_memory=True)
    try:
        sheet = book.add_worksheet(title)
        bold = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
        colours = {r.value: book.add_format({"bg_color": c}) for r, c in RESULT_COLOURS.items()}
        widths = _widths(header, rows_sample)
        for j, w in enumerate(widths):
            sheet.set_column(j, j, 70 if header[j] == "msg" else w)
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, header, bold)
        result_col = len(rows_sample.columns.kept)  # the report's and the retry file's `result`
        last = 0
        for last, row in enumerate(rows, 1):
            for j, value in enumerate(row):
                if isinstance(value, int):
                    sheet.write_number(last, j, value)
                elif j == result_col:
                    sheet.write_string(last, j, value, colours.get(value))
                elif value != "":
                    sheet.write_string(last, j, value)
        sheet.autofilter(0, 0, max(last, 1), len(header) - 1)
        if summary is not None:
            _write_summary(book, bold, summary, timeline)
    finally:
        book.close()


def _summary_rows(outcomes: Sequence[Outcome], settings: Mapping[str, Any]) -> list[list[Any]]:
    by_result: dict[str, int] = {}
    for out in outcomes:
        by_result[out.result.value] = by_result.get(out.result.value, 0) + 1
    rows: list[list[Any]] = [["Rows by result", ""], *([k, v] for k, v in by_result.items()), ["", ""]]
    if by_code := answer_counts(outcomes):  # counted as the console counts them
        rows += [["Answers", ""], *([text, n] for text, n in by_code.most_common()), ["", ""]]
    rows += [["Settings", ""], *([k, str(v)] for k, v in settings.items())]
    return rows


def _write_summary(book: Any, bold: Any, rows: list[list[Any]], timeline: Sequence[Second]) -> None:
    sheet = book.add_worksheet("Summary")
    sheet.set_column(0, 0, 44)
    sheet.set_column(1, 1, 40)
    for i, (label, value) in enumerate(rows):
        if value == "" and label:
            sheet.write_string(i, 0, label, bold)
        else:
            sheet.write_string(i, 0, label)
            if isinstance(value, int):
                sheet.write_number(i, 1, value)
            else:
                sheet.write_string(i, 1, value)
    results = next((i for i in range(1, len(rows)) if rows[i][1] == ""), 1) - 1  # rows 1..results: the counts
    if results >= 1:
        chart = book.add_chart({"type": "bar"})
        chart.add_series({"name": "rows", "categories": ["Summary", 1, 0, results, 0],
                          "values": ["Summary", 1, 1, results, 1], "data_labels": {"value": True}})
        chart.set_title({"name": "Rows by result"})
        chart.set_legend({"none": True})
        sheet.insert_chart(0, 3, chart, {"x_scale": 1.2, "y_scale": 0.9})
    if timeline:
        _write_timeline(book, bold, sheet, timeline)


def _write_timeline(book: Any, bold: Any, summary: Any, timeline: Sequence[Second]) -> None:
    data = book.add_worksheet("Timeline")
    data.write_row(0, 0, ["second", "accepted", "throttled", "pacing rate (/s)"], bold)
    for i, s in enumerate(timeline, 1):
        data.write_row(i, 0, [s.second, s.accepted, s.throttled, round(s.rate, 2)])
    last = len(timeline)
    chart = book.add_chart({"type": "column"})
    chart.add_series({"name": "accepted per second", "categories": ["Timeline", 1, 0, last, 0],
                      "values": ["Timeline", 1, 1, last, 1], "fill": {"color": "#5B9BD5"}, "gap": 20})
    chart.add_series({"name": "throttle answers (pauses)", "categories": ["Timeline", 1, 0, last, 0],
                      "values": ["Timeline", 1, 2, last, 2], "fill": {"color": "#E74C3C"}, "gap": 20})
    line = book.add_chart({"type": "line"})
    line.add_series({"name": "pacing rate", "categories": ["Timeline", 1, 0, last, 0],
                     "values": ["Timeline", 1, 3, last, 3], "line": {"color": "#2E7D32", "width": 2}})
    chart.combine(line)
    chart.set_title({"name": "Requests over the run"})
    chart.set_x_axis({"name": "seconds since start"})
    chart.set_y_axis({"name": "requests"})
    chart.set_legend({"position": "bottom"})
    summary.insert_chart(18, 3, chart, {"x_scale": 1.6, "y_scale": 1.1})
