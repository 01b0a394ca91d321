"""Reading CSV / TSV / Excel into rows of text, with source row numbers.

Every cell becomes text as the spreadsheet shows it: a ticket id never passes
through a float. A number cell that cannot hold the id exactly (19 digits lose
their tail in a double) is shown the way Excel shows it, 6.94534590218581E+18,
and validation refuses it with a message that says why.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from batch_updater.columns import ColumnMap, resolve_columns
from batch_updater.errors import InputError
from batch_updater.model import FORMULA_TRIGGERS, Row

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
TEXT_SUFFIXES = {".csv": ",", ".tsv": "\t", ".txt": None}
SUPPORTED = ".csv, .tsv, .txt, .xlsx, .xlsm, .xls"
_EXACT_FLOAT = 2**53
# The inert-text marker our CSV reports put before a would-be formula (OWASP),
# taken off again on reading so that a report or retry file can be fed back in.
_INERT_PREFIX = "'"


@dataclass(frozen=True, slots=True)
class Sheet:
    """A loaded input: its header, its rows and what was detected."""

    kind: str  # "csv", "tsv" or "xlsx": also the report's kind
    columns: ColumnMap
    rows: list[Row]
    encoding: str | None = None
    sheet_name: str | None = None
    delimiter: str | None = None


def load(path: str | Path, *, sheet: str | None = None, encoding: str | None = None,
         renames: Mapping[str, str] | None = None) -> Sheet:
    """Read the spreadsheet at `path`. Raises InputError with a one-line reason.

    `renames` maps the sheet's own header names onto the tool's (a job file's `columns`)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXCEL_SUFFIXES and suffix not in TEXT_SUFFIXES:
        raise InputError(f"{path.name}: unsupported file type {suffix or '(none)'}; use {SUPPORTED}")
    try:
        with path.open("rb") as fp:
            if suffix in EXCEL_SUFFIXES:
                return read_excel(fp, sheet=sheet, renames=renames)
            if sheet is not None:
                raise InputError("--sheet applies to Excel files only")
            return read_text(fp, delimiter=TEXT_SUFFIXES[suffix], encoding=encoding, renames=renames)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a spreadsheet") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None


def ticket_ids_in(path: str | Path) -> list[str]:
    """The digit-only ticket ids in a spreadsheet's ticket id column (for the sandbox)."""
    loaded = load(path)
    index = loaded.columns.index("ticket_id")
    assert index is not None  # resolve_columns guarantees it
    ids = (row.cells[index].strip() for row in loaded.rows)
    return list(dict.fromkeys(i for i in ids if i.isdigit() and i.isascii()))


# --- text files -----------------------------------------------------------------


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode bytes, detecting UTF-8 (with or without BOM), UTF-16 and GBK/GB18030."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}") from None
        try:
            return data.decode(encoding), encoding
        except LookupError:  # a codec that is not a text encoding (base64, hex...)
            raise InputError(f"{encoding!r} is not a text encoding; use e.g. utf-8 or gb18030") from None
        except UnicodeDecodeError as e:
            raise InputError(f"the file is not valid {encoding} (byte {e.start}); check --encoding") from None
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    for candidate in ("utf-8", "gb18030"):
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError("cannot tell the file's text encoding; pass --encoding (e.g. utf-8, gb18030)")
    return str(best), best.encoding


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def read_text(fp: IO[bytes], *, delimiter: str | None = ",", encoding: str | None = None,
              renames: Mapping[str, str] | None = None) -> Sheet:
    text, used = decode(fp.read(), encoding)
    if delimiter is None or delimiter == ",":
        delimiter = _sniff_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Only a file with a ' in it can hold a cell marked inert by one of our reports.
        records = [[_uninert(c) for c in rec] for rec in reader] if "'" in text else list(reader)
    except csv.Error as e:
        raise InputError(f"cannot read the file as {'TSV' if delimiter == chr(9) else 'CSV'}: {e}") from None
    return _build("tsv" if delimiter == "\t" else "csv", records, renames, encoding=used, delimiter=delimiter)


def _uninert(cell: str) -> str:
    """One ' off a cell that is ' (+ more ') + a formula trigger, as report.inert_row marks it; other ' stay."""
    if cell.startswith(_INERT_PREFIX) and cell.lstrip(_INERT_PREFIX).startswith(FORMULA_TRIGGERS):
        return cell[1:]
    return cell


# --- Excel -------------------------------------------------------------------------


def read_excel(fp: IO[bytes], *, sheet: str | None = None, renames: Mapping[str, str] | None = None) -> Sheet:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(fp)
    except Exception as e:  # calamine raises its own error types for damaged files
        raise InputError(f"cannot read the file as an Excel workbook: {e}") from None
    names = list(book.sheet_names)
    if not names:
        raise InputError("the workbook has no sheets")
    name = _pick_sheet(names, sheet)
    try:
        values = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as e:
        raise InputError(f"cannot read sheet {name!r}: {e}") from None
    records = [[excel_text(v) for v in rec] for rec in values]
    return _build("xlsx", records, renames, sheet_name=name)


def _pick_sheet(names: list[str], wanted: str | None) -> str:
    if wanted is None:
        return names[0]
    if wanted in names:
        return wanted
    folded = {n.strip().lower(): n for n in names}
    if wanted.strip().lower() in folded:
        return folded[wanted.strip().lower()]
    if wanted.strip().isdigit() and 1 <= int(wanted) <= len(names):
        return names[int(wanted) - 1]
    listed = ", ".join(f"{i}: {n!r}" for i, n in enumerate(names, 1))
    raise InputError(f"no sheet {wanted!r} in the workbook; its sheets are {listed}")


def excel_text(value: Any) -> str:
    """A cell's value as the text Excel shows, never losing an exact integer."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            if abs(value) < _EXACT_FLOAT:
                return str(int(value))
            # Digits beyond a double's precision are already gone in the file.
            mantissa, exponent = f"{value:.14E}".split("E")
            return f"{mantissa.rstrip('0').rstrip('.')}E{exponent[0]}{int(exponent[1:])}"
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return "" if value is None else str(value)


# --- both --------------------------------------------------------------------------


def _build(kind: str, records: list[list[str]], renames: Mapping[str, str] | None, **detected: Any) -> Sheet:
    start = next((i for i, rec in enumerate(records) if any(c.strip() for c in rec)), None)
    if start is None:
        raise InputError("the file is empty: expected a header row with a ticket_id column")
    header = records[start]
    while header and not header[-1].strip():
        header = header[:-1]
    columns = resolve_columns(header, renames)
    width = len(header)
    rows = []
    for index in range(start + 1, len(records)):
        cells = records[index]
        if not any(cells) or "".join(cells).isspace():
            continue
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        overflow = tuple(c for c in cells[width:] if c.strip())
        rows.append(Row(index + 1, tuple(cells[:width]), overflow))
    return Sheet(kind, columns, rows, **detected)
