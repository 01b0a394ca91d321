"""Reading CSV / TSV / Excel into rows of text, with source row numbers.

Every cell becomes text as the spreadsheet shows it: a ticket id never passes
through a float. A number cell that cannot hold its value exactly (Excel keeps 15
digits) is shown the way Excel shows it, 6.94534590218581E+18, and the row is
refused with a message that says why. What cannot be read truly is never guessed:
a cell Excel shows as an error, a formula never calculated, a quote that swallows
the rows after it, a file in an encoding that does not read cleanly.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from batch_updater.errors import InputError
from batch_updater.i18n import tr
from batch_updater.model import FORMULA_TRIGGERS, Row
from batch_updater.naming import advice, option
from batch_updater.schema.columns import NoTicketIdColumn, column_letter
from batch_updater.schema.sheet import Sheet, SheetKind
from batch_updater.sheet.encodings import decode
from batch_updater.sheet.excel import excel_text, read_workbook
from batch_updater.sheet.header import columns_of, header_index, merged_cells, table_width, unnamed_warning
from batch_updater.sheet.limits import MAX_CELL_CHARS, check_file, check_unzipped
from batch_updater.sheet.sniff import ZIP, check_content

__all__ = ["decode", "excel_text", "load", "read_excel", "read_text", "ticket_ids_in"]

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
TEXT_SUFFIXES = {".csv": ",", ".tsv": "\t", ".txt": None}
SUPPORTED = ".csv, .tsv, .txt, .xlsx, .xlsm, .xls"
_CSV_FIELD_LIMIT = MAX_CELL_CHARS  # the csv module's default limit on a cell: longer is most likely a quote left open
# The inert-text marker our CSV reports put before a would-be formula (OWASP),
# taken off again on reading so that a report or retry file can be fed back in.
_INERT_PREFIX = "'"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what the csv module ends a line at
_SEP_LINE = re.compile(r'"?sep=(.)"?,*\s*')  # the first line Excel reads as "the separator is ..."

Problems = dict[tuple[int, int], str]  # (record index, column index) -> why the cell cannot be used


def load(path: str | Path, *, sheet: str | None = None, encoding: str | None = None,
         renames: Mapping[str, str] | None = None, header_row: int | None = None) -> Sheet:
    """Read the spreadsheet at `path`. Raises InputError with a one-line reason.

    `renames` maps the sheet's own header names onto the tool's (a job file's `columns`);
    `header_row` is the header's row (1 = the first), when it is not the first non-empty one."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXCEL_SUFFIXES and suffix not in TEXT_SUFFIXES:
        raise InputError(tr("{name}: unsupported file type {suffix}; use {supported}", name=path.name,
                            suffix=suffix or tr("(none)"), supported=SUPPORTED))
    try:
        check_file(path, path.name, excel=suffix in EXCEL_SUFFIXES)
        with path.open("rb") as fp:
            check_content(fp, path.name, excel=suffix in EXCEL_SUFFIXES)
            if suffix in EXCEL_SUFFIXES:
                try:
                    return read_excel(fp, sheet=sheet, renames=renames, header_row=header_row)
                except NoTicketIdColumn:
                    if sheet is not None or header_row is not None:
                        raise
                    found = _a_sheet_with_ticket_ids(fp, path, renames)
                    if found is None:
                        raise
                    return found
            if sheet is not None:
                raise InputError(tr("{option} applies to Excel files only", option=option("sheet")), option="sheet",
                                 value=sheet)
            return read_text(fp, delimiter=TEXT_SUFFIXES[suffix], encoding=encoding, renames=renames,
                             header_row=header_row)
    except FileNotFoundError:
        raise InputError(tr("{path}: no such file", path=path)) from None
    except IsADirectoryError:
        raise InputError(tr("{path}: is a directory, not a spreadsheet", path=path)) from None
    except PermissionError:
        raise InputError(tr("{path}: permission denied", path=path)) from None


def _a_sheet_with_ticket_ids(fp: IO[bytes], path: Path, renames: Mapping[str, str] | None) -> Sheet | None:
    """The sheet read by default has no ticket id column (a cover sheet, say): the first other
    sheet Excel shows that has one, with a warning that says so; None when none has."""
    for name in sheet_names(path):
        fp.seek(0)
        try:
            found = read_excel(fp, sheet=name, renames=renames)
        except InputError:
            continue
        warning = tr("the sheet Excel opens on has no ticket id column: sheet {name!r} was read instead ({advice})",
                     name=name, advice=advice("sheet"))
        return replace(found, warnings=(warning, *found.warnings))
    return None


def sheet_names(path: str | Path) -> list[str]:
    """The worksheets Excel shows in a workbook, in order (for a picker); [] for a text file."""
    if Path(path).suffix.lower() not in EXCEL_SUFFIXES:
        return []
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        check_file(path, Path(path).name, excel=True)
        with open(path, "rb") as fp:
            if fp.read(4) == ZIP:
                check_unzipped(fp, Path(path).name)
        book = CalamineWorkbook.from_path(str(path))
    except Exception:  # noqa: BLE001 - reading the sheet itself says what is wrong, in the run's words
        return []
    return [m.name for m in book.sheets_metadata
            if m.typ == SheetTypeEnum.WorkSheet and m.visible == SheetVisibleEnum.Visible]


def ticket_ids_in(path: str | Path) -> list[str]:
    """The digit-only ticket ids in a spreadsheet's ticket id column (for the sandbox)."""
    loaded = load(path)
    index = loaded.columns.index("ticket_id")
    assert index is not None  # resolve_columns guarantees it
    ids = (row.cells[index].strip() for row in loaded.rows)
    return list(dict.fromkeys(i for i in ids if i.isdigit() and i.isascii()))


# --- text files -----------------------------------------------------------------


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def read_text(fp: IO[bytes], *, delimiter: str | None = ",", encoding: str | None = None,
              renames: Mapping[str, str] | None = None, header_row: int | None = None) -> Sheet:
    text, used = decode(fp.read(), encoding)
    first = text.split("\n", 1)[0]
    said = _SEP_LINE.fullmatch(first)
    if said:  # Excel's "sep=;" line: the separator, then the file (its line kept, empty, for the numbering)
        delimiter, text = said.group(1), text[len(first.rstrip("\r")):]
    elif delimiter is None or delimiter == ",":
        delimiter = _sniff_delimiter(first)
    kind: SheetKind = "tsv" if delimiter == "\t" else "csv"
    problems: Problems = {}
    try:
        records = _records(text, delimiter)
    except csv.Error as e:
        if "field limit" not in str(e):
            raise InputError(tr("cannot read the file as {kind}: {error}", kind=kind.upper(), error=e)) from None
        # A cell over the csv module's limit (128 KiB): read it all, and make its row invalid.
        limit = csv.field_size_limit(min(len(text) + 1, 2**31 - 1))
        try:
            records = _records(text, delimiter)
        finally:
            csv.field_size_limit(limit)
        problems = {(r, c): tr("a cell of {n:,} characters (more than 128 KiB): check the quotes on this row; this "
                               "row is not sent", n=len(cell))
                    for r, rec in enumerate(records) for c, cell in enumerate(rec) if len(cell) > _CSV_FIELD_LIMIT}
    sheet = _build(kind, records, renames, problems, where=tr("the file"), encoding=used, delimiter=delimiter,
                   header_row=header_row)
    if said:
        sheet = replace(sheet, sep_line=True)
    if len(records) < _line_count(text):  # some cell spans lines: see that no quote was left open
        _check_quotes(records, sheet, delimiter)
    return sheet


def _records(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # Only a file with a ' in it can hold a cell marked inert by one of our reports.
    return [[_uninert(c) for c in rec] for rec in reader] if "'" in text else list(reader)


def _uninert(cell: str) -> str:
    """One ' off a cell that is ' (+ more ') + a formula trigger, as report.inert_row marks it; other ' stay."""
    if cell.startswith(_INERT_PREFIX) and cell.lstrip(_INERT_PREFIX).startswith(FORMULA_TRIGGERS):
        return cell[1:]
    return cell


def _breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _line_count(text: str) -> int:
    return _breaks(text) + (0 if not text or text.endswith(("\n", "\r")) else 1)


def _check_quotes(records: list[list[str]], sheet: Sheet, delimiter: str) -> None:
    """Refuse a cell whose quote was never closed: it has swallowed the lines after it.

    A quoted cell may hold line breaks (a comment of several lines). It is taken for a
    quote left open when a line inside it looks like a row of its own: at least as many
    cells as the header, with a ticket id (as long as this row's) in the ticket id column."""
    width = len(sheet.columns.header)
    id_index = sheet.columns.index("ticket_id")
    if width < 2 or id_index is None:
        return
    lines_before = 0  # line breaks inside the cells of the records before this one
    for index, record in enumerate(records):
        joined = "".join(record)
        if "\n" not in joined and "\r" not in joined:
            continue
        line = index + 1 + lines_before
        lines_before += sum(map(_breaks, record))
        for column, cell in enumerate(record):
            breaks = _breaks(cell)
            if not breaks:
                continue
            own_id = record[id_index].strip() if id_index < len(record) else ""
            looks_like_rows = [n for n, part in enumerate(_LINE_BREAK.split(cell)[1:], 1)
                               if _looks_like_a_row(part, delimiter, width, id_index, own_id)]
            if looks_like_rows:
                name = ((sheet.columns.header[column].strip() or tr("no header")) if column < width
                        else tr("beyond the header"))
                end, first = line + _breaks(cell.rstrip("\r\n")), line + looks_like_rows[0]
                if first == end:
                    raise InputError(tr(
                        "line {line}: the quote that opens column {column} ({name}) runs on to line {end}, so line "
                        "{end} was read into that one cell though it looks like a row of its own; close the quote on "
                        "line {line}, and write a quote inside a cell as two (\"\")", line=line,
                        column=column_letter(column), name=name, end=end))
                raise InputError(tr(
                    "line {line}: the quote that opens column {column} ({name}) runs on to line {end}, so lines "
                    "{first}-{end} were read into that one cell though they look like rows of their own; close the "
                    "quote on line {line}, and write a quote inside a cell as two (\"\")", line=line,
                    column=column_letter(column), name=name, end=end, first=first))
            line += breaks


def _looks_like_a_row(text: str, delimiter: str, width: int, id_index: int, own_id: str) -> bool:
    parts = text.split(delimiter)
    if len(parts) < width:
        return False
    candidate = parts[id_index].strip().strip('"')
    if not (candidate.isdigit() and candidate.isascii()):
        return False
    return len(candidate) == len(own_id) if own_id.isdigit() else True


# --- Excel -------------------------------------------------------------------------


def read_excel(fp: IO[bytes], *, sheet: str | None = None, renames: Mapping[str, str] | None = None,
               header_row: int | None = None) -> Sheet:
    """An Excel sheet: the one asked for, else the one Excel opens on (the active sheet)."""
    records, problems, hidden, name, warnings, merges = read_workbook(fp, sheet, renames)
    loaded = _build("xlsx", records, renames, problems, where=tr("sheet {name!r}", name=name), sheet_name=name,
                    header_row=header_row)
    rows, said = merged_cells(merges, loaded.columns, loaded.rows, loaded.header_row - 1)
    warnings += said + _hidden_warnings(loaded, hidden)
    return Sheet(loaded.kind, loaded.columns, rows, sheet_name=name,
                 warnings=loaded.warnings + tuple(warnings), header_row=loaded.header_row)


def _hidden_warnings(sheet: Sheet, hidden: tuple[set[int], set[int]]) -> list[str]:
    rows, columns = hidden
    warnings = []
    hidden_rows = [row.number for row in sheet.rows if row.number - 1 in rows]
    if hidden_rows:
        shown = ", ".join(map(str, hidden_rows[:10])) + (", ..." if len(hidden_rows) > 10 else "")
        if len(hidden_rows) == 1:
            warnings.append(tr("1 row is hidden in Excel (hidden or filtered out) but read and sent like the "
                               "others: {rows}", rows=shown))
        else:
            warnings.append(tr("{n} rows are hidden in Excel (hidden or filtered out) but read and sent like the "
                               "others: {rows}", n=len(hidden_rows), rows=shown))
    fields = [f"{column_letter(i)} ({sheet.columns.header[i].strip()})" for i in sorted(columns)
              if i < len(sheet.columns.roles) and sheet.columns.roles[i] is not None]
    if fields:
        warnings.append(tr("columns hidden in Excel are read and sent like the others: {columns}",
                           columns=", ".join(fields)))
    return warnings


# --- both --------------------------------------------------------------------------


def build_sheet(kind: SheetKind, records: list[list[str]], renames: Mapping[str, str] | None, problems: Problems,
                *, where: str, header_row: int | None = None, **detected: Any) -> Sheet:
    """Rows of text read elsewhere (a Feishu sheet's values: sources/sheets.py) into a Sheet, the
    header found and the blank rows left out as for a file."""
    return _build(kind, records, renames, problems, where=where, header_row=header_row, **detected)


def _build(kind: SheetKind, records: list[list[str]], renames: Mapping[str, str] | None, problems: Problems,
           *, where: str, header_row: int | None = None, **detected: Any) -> Sheet:
    start = header_index(records, header_row, where)
    width = table_width(records, start)
    columns = columns_of(records, start, width, renames, header_row)
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (r, c), why in sorted(problems.items()):
        if c < width:
            by_row.setdefault(r, []).append((c, why))
    rows = []
    for index in range(start + 1, len(records)):
        cells = records[index]
        if not any(cells) or "".join(cells).isspace():
            continue
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        overflow = tuple(c for c in cells[width:] if c.strip())
        rows.append(Row(index + 1, tuple(cells[:width]), overflow, tuple(by_row.get(index, ()))))
    warnings = list(columns.warnings)
    unnamed = unnamed_warning(columns, rows)
    if unnamed:
        warnings.append(unnamed)
    if not rows:
        warnings.append(tr("{where} has a header row but no rows below it: nothing to do", where=where))
    return Sheet(kind, columns, rows, warnings=tuple(warnings), header_row=start + 1, **detected)
