"""An Excel workbook's sheet as rows of text: python-calamine for the values, the workbook's
XML (xlsx_facts) for what calamine cannot tell.

Which sheet: the one asked for (`--sheet`), else the one Excel opens on (the active
sheet of an .xlsx; the first visible one of an .xls). For a legacy .xls, calamine
alone is used: hidden rows, error cells, uncalculated formulas, percentages and other
number formats are not detected there (its numbers are checked for lost digits all the same).

A number cell is sent as Excel shows it: a percentage as 50%, a number format shown
exactly (00000, 0.00, #,##0.00: numfmt) as Excel shows it; in any other format (a
fraction, an accounting format...) its row is refused, naming the cell and the format.
A code column (a field of kind code or int in schema/fields.py: status, solved, ticket_type,
channel) takes the number itself, whatever its format: 2.00 is status 2.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO, Any
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError
from zipfile import BadZipFile

from batch_updater.errors import InputError
from batch_updater.naming import option
from batch_updater.schema.columns import column_letter, resolve_columns
from batch_updater.sheet.limits import MAX_CELL_CHARS, MAX_CELLS, check_unzipped, too_many_cells
from batch_updater.sheet.sniff import ENCRYPTED
from batch_updater.sheet.xlsx_checks import damaged_part, used_range
from batch_updater.sheet.xlsx_facts import Book, SheetFacts, read_book, scan_sheet

_EXACT_FLOAT = 2**53
_EXCEL_DIGITS = 15  # Excel keeps 15 significant digits of a number typed into a cell
LOST_DIGITS = ("Excel stored this as a number and kept only its first 15 digits; format the column as Text, "
               "type the value again, and save. This row is not sent")
SHOWN_OTHERWISE = ("cell {cell} shows this number by {format}, which this tool cannot show exactly as Excel does; "
                   "type the value as text (format the column as Text) so that it is sent as shown. "
                   "This row is not sent")
_BROKEN = (BadZipFile, ParseError, ExpatError, KeyError, ValueError, EOFError, zlib.error)  # a damaged zip or XML
Records = list[list[str]]
Merge = tuple[tuple[int, int], tuple[int, int]]  # a merged cell: (first row, first column), (last row, last column)
Problems = dict[tuple[int, int], str]


def read_workbook(fp: IO[bytes], wanted: str | None, renames: Mapping[str, str] | None = None
                  ) -> tuple[Records, Problems, tuple[set[int], set[int]], str, list[str], list[Merge]]:
    """The chosen sheet's cells as text, the cells that cannot be used, its hidden rows and
    columns, its name, warnings and merged cells. `renames` as for resolve_columns (which columns
    are codes)."""
    from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

    is_zip = fp.read(4) == b"PK\x03\x04"
    fp.seek(0)
    if is_zip:
        check_unzipped(fp, "the workbook")
    try:
        book = CalamineWorkbook.from_filelike(fp)
    except PasswordError:
        raise InputError(ENCRYPTED) from None
    except Exception as e:  # calamine raises its own error types for damaged files
        raise _damaged(fp, None, f"cannot read the file as an Excel workbook: {e}", is_zip) from None
    names = list(book.sheet_names)
    if not names:
        raise InputError("the workbook has no sheets")
    fp.seek(0)
    try:
        info = read_book(fp) if is_zip else None
    except _BROKEN as e:
        raise _damaged(fp, None, f"cannot read the workbook's structure: {e}", is_zip) from None
    meta = {m.name: m for m in book.sheets_metadata}
    worksheets = [n for n in names if n not in meta or meta[n].typ == SheetTypeEnum.WorkSheet]
    visible = [n for n in worksheets if n not in meta or meta[n].visible == SheetVisibleEnum.Visible]
    warnings: list[str] = []
    if wanted is not None:
        name = _pick_sheet(names, wanted)
        if name in meta and meta[name].visible != SheetVisibleEnum.Visible:
            warnings.append(f"sheet {name!r} is hidden in Excel; it is read because {option('sheet')} asks for it")
    elif info is not None and info.active in visible:
        name = info.active
    elif visible:
        name = visible[0]
    else:
        name = worksheets[0] if worksheets else names[0]
        warnings.append(f"every sheet of the workbook is hidden in Excel; reading the first, {name!r}")
    if info is not None:  # a legacy .xls holds at most 65,536 x 256 cells: within MAX_CELLS
        try:
            used = used_range(fp, info, name)
        except ExpatError as e:  # calamine may read a malformed tag as another value: never read it
            raise InputError(f"the workbook is damaged in sheet {name!r} ({info.parts.get(name)}): its XML is cut "
                             f"short or malformed ({e}); {REPAIR}") from None
        except _BROKEN:
            used = None  # reading the sheet says what is wrong with it
        fp.seek(0)
        if used is not None and used[0] * used[1] > MAX_CELLS:
            raise InputError(too_many_cells(name, *used))
    try:
        chosen = book.get_sheet_by_name(name)
        values = chosen.to_python(skip_empty_area=False)
        merges = list(chosen.merged_cell_ranges or ())
    except Exception as e:
        raise _damaged(fp, info, f"cannot read sheet {name!r}: {e}", is_zip) from None
    records, lossy, numbers = _texts(values)
    try:
        facts = scan_sheet(fp, info, name, set(lossy), numbers) if info is not None else SheetFacts()
    except _BROKEN as e:
        raise _damaged(fp, info, f"cannot read sheet {name!r}: {e}", is_zip) from None
    problems = _apply(facts, values, records, lossy)
    _too_long(records, problems)
    if facts.formatted:
        _apply_formats(facts, values, records, lossy, problems, renames)
    return records, problems, (facts.hidden_rows, facts.hidden_columns), name, warnings, merges


REPAIR = ("open it in Excel, which offers to repair it, and save it again; or export it again from the program "
          "that made it")


def _damaged(fp: IO[bytes], book: Book | None, otherwise: str, is_zip: bool) -> InputError:
    """The error for a workbook a reader failed on: which part is damaged, when one is."""
    fp.seek(0)
    damage = damaged_part(fp, book) if is_zip else None
    return InputError(f"the workbook is damaged {damage}; {REPAIR}" if damage else otherwise)


def _too_long(records: Records, problems: Problems) -> None:
    """A cell longer than a CSV's cells may be (Excel itself holds 32,767 characters: a program wrote it)."""
    for r, rec in enumerate(records):
        if rec and max(map(len, rec)) > MAX_CELL_CHARS:
            for c, cell in enumerate(rec):
                if len(cell) > MAX_CELL_CHARS:
                    problems.setdefault((r, c), f"cell {column_letter(c)}{r + 1} holds {len(cell):,} characters, "
                                                f"more than {MAX_CELL_CHARS:,} (Excel itself holds 32,767): it "
                                                "was written by a program; shorten it. This row is not sent")


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


def may_have_lost_digits(value: float) -> bool:
    """A whole number that Excel may not hold exactly: more than 15 digits, of which no more than
    15 are significant (typed into Excel, the rest became zeros) or too many for a double."""
    if not value.is_integer() or abs(value) < 10**_EXCEL_DIGITS:
        return False
    if abs(value) >= _EXACT_FLOAT:
        return True
    return len(str(int(abs(value))).rstrip("0")) <= _EXCEL_DIGITS  # 16+ significant digits: not typed


def exact_digits(raw: str) -> bool:
    """The file's own text of a number holds more digits than Excel keeps: a program wrote it, exactly."""
    digits = raw[1:] if raw.startswith("-") else raw
    return digits.isdigit() and digits.isascii() and len(digits.lstrip("0").rstrip("0")) > _EXCEL_DIGITS


def percent_text(value: float | int, decimals: int) -> str:
    """A number formatted as a percentage, as Excel shows it: 0.5 -> 50%, 0.125 with 0.00% -> 12.50%."""
    try:
        shown = (Decimal(repr(value)) * 100).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # too many digits to show as Excel would: show the number itself
        return excel_text(value)
    return f"{shown}%"


def _pick_sheet(names: list[str], wanted: str) -> str:
    if wanted in names:
        return wanted
    folded = {n.strip().lower(): n for n in names}
    if wanted.strip().lower() in folded:
        return folded[wanted.strip().lower()]
    if wanted.strip().isdigit() and 1 <= int(wanted) <= len(names):
        return names[int(wanted) - 1]
    listed = ", ".join(f"{i}: {n!r}" for i, n in enumerate(names, 1))
    raise InputError(f"no sheet {wanted!r} in the workbook; its sheets are {listed}")


def _texts(values: list[list[Any]]) -> tuple[Records, dict[tuple[int, int], float], bool]:
    """Each cell as text, the number cells that may have lost digits, and whether there are numbers."""
    records: Records = []
    lossy: dict[tuple[int, int], float] = {}
    numbers = False
    for r, rec in enumerate(values):
        row = []
        for c, value in enumerate(rec):
            if type(value) is str:
                row.append(value)
                continue
            if type(value) is float:
                numbers = True
                if may_have_lost_digits(value):
                    lossy[(r, c)] = value
            elif type(value) is int:
                numbers = True
            row.append(excel_text(value))
        records.append(row)
    return records, lossy, numbers


def _apply(facts: SheetFacts, values: list[list[Any]], records: Records,
           lossy: dict[tuple[int, int], float]) -> Problems:
    """Correct the cells' text with what the XML says, and list the cells that cannot be used."""
    problems: Problems = {}

    def inside(r: int, c: int) -> bool:
        return 0 <= r < len(records) and 0 <= c < len(records[r])

    for (r, c), decimals in facts.percent.items():
        if inside(r, c) and isinstance(values[r][c], int | float) and not isinstance(values[r][c], bool):
            records[r][c] = percent_text(values[r][c], decimals)
    for (r, c), error in facts.errors.items():
        if inside(r, c):
            records[r][c] = error
            problems[(r, c)] = (f"cell {column_letter(c)}{r + 1} shows the error {error} in Excel; fix the "
                                "formula or type the value. This row is not sent")
    for (r, c), other in facts.linked.items():
        if inside(r, c):
            problems[(r, c)] = (f"cell {column_letter(c)}{r + 1} takes its value from another workbook ({other}) by a "
                                "formula: the value saved in this file is the one Excel last read from it, and may be "
                                "out of date; copy the column and paste it as values (Paste Special > Values), or type "
                                "the value. This row is not sent")
    for r, c in facts.uncalculated:
        if inside(r, c):
            problems[(r, c)] = (f"cell {column_letter(c)}{r + 1} holds a formula whose result is not in the file "
                                "(it was written by a program and never saved in Excel); open the file in Excel "
                                "and save it, or type the value. This row is not sent")
    for r, c in lossy:
        raw = facts.digits.get((r, c), "")
        if exact_digits(raw):
            records[r][c] = raw  # a program wrote every digit: the number is exact in the file
        else:
            problems[(r, c)] = LOST_DIGITS
    return problems


def _apply_formats(facts: SheetFacts, values: list[list[Any]], records: Records, lossy: dict[tuple[int, int], float],
                   problems: Problems, renames: Mapping[str, str] | None) -> None:
    """Each number cell with a number format: its text as Excel shows it, or a problem; the number
    itself in a code column. A long number keeps its own check (lossy)."""
    codes = _code_columns(records, renames)
    for (r, c), number_format in facts.formatted.items():
        if r >= len(records) or c >= len(records[r]) or c in codes or (r, c) in lossy:
            continue
        value = values[r][c]
        if type(value) not in (float, int):
            continue  # calamine read it otherwise (a date): its text stands
        shown = number_format.show(value)
        if shown is not None:
            records[r][c] = shown
        else:
            problems[(r, c)] = SHOWN_OTHERWISE.format(cell=f"{column_letter(c)}{r + 1}", format=number_format.what)


def _code_columns(records: Records, renames: Mapping[str, str] | None) -> set[int]:
    """The code columns (ColumnMap.number_cells), found in the header as read.py finds them."""
    header = next((rec for rec in records if any(c.strip() for c in rec)), None)
    if header is None:
        return set()
    try:
        return resolve_columns(header, renames).number_cells()
    except InputError:
        return set()  # read.py says why
