"""The Excel half of a write-back: openpyxl (the maintained library that edits an existing
workbook; calamine only reads and xlsxwriter only writes new files) opens a copy of the
user's workbook, adds the block of result columns and saves it. Imported only by a
write-back, so that a plain run does not pay for openpyxl.

What openpyxl keeps: every sheet, cell value, formula, style, merged range, comment, filter,
freeze pane, column width, data validation, conditional format, defined name, table, chart
and (with Pillow installed) image; an .xlsm's macros with keep_vba. What it cannot keep
(shapes, slicers, threaded comments, Excel 2010 extensions...) it says when it opens the file:
those warnings are passed on before anything is sent, and the saved copy is compared with the
input, part by part, to name anything else it left out. Formulas keep their text but lose the
value Excel last calculated: the copy asks Excel to calculate them again when it opens.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from copy import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

from batch_updater.errors import InputError
from batch_updater.naming import option
from batch_updater.sheet.blocks import Block, Look, WriteBack, block_spans, placement
from batch_updater.sheet.write import display_width

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

# Parts of a workbook a person would miss, by the folder (or file) they live in under xl/.
_PARTS = {
    "media": "images", "charts": "charts", "drawings": "drawings (shapes, text boxes, images)",
    "comments": "comments", "threadedComments": "threaded comments", "tables": "tables",
    "slicers": "slicers", "slicerCaches": "slicers", "timelines": "timelines", "pivotTables": "pivot tables",
    "ctrlProps": "form controls", "activeX": "ActiveX controls", "embeddings": "embedded objects",
    "externalLinks": "links to other workbooks", "customXml": "custom XML data", "model": "the data model",
    "queryTables": "query tables", "connections": "data connections", "vbaProject": "macros",
}
_NUMBERED = re.compile(r"\d*\.\w+$")


def check_book(data: bytes, name: str, sheet_name: str | None, *, macros: bool) -> list[str]:
    """Before sending: openpyxl can open the workbook and find the sheet that was read. What it
    will leave out of the copy, as warnings. Raises InputError (exit 2)."""
    with _opened(data, name, macros) as (book, said):
        if sheet_name not in book.sheetnames or not hasattr(book[sheet_name], "cell"):
            raise InputError(f"{option('write_back')}: openpyxl does not find sheet {sheet_name!r} in {name} "
                             "(nothing was sent)", option="write_back", value=True)
    if any(n.startswith("xl/media/") for n in _names(data)) and not _has_pillow():
        said.append("the workbook's images cannot be carried into the results file without Pillow "
                    "(pip install pillow)")
    return said


def write_book(back: WriteBack, numbers: Sequence[int], block: Block, path: Path) -> list[str]:
    """The copy, saved at `path`: `block` beside the used range of the sheet that was read (or
    where an earlier block of the same kind was), its cells on rows `numbers`. Warnings: what the
    copy lacks that the input had."""
    with _opened(back.data, back.target.name, macros=back.target.suffix.lower() == ".xlsm") as (book, _):
        _add_block(book[back.sheet_name], back.header_row, numbers, block)
        book.calculation.fullCalcOnLoad = True  # openpyxl keeps formulas, not their last values
        book.save(path)
    return _lost(back.data, path.read_bytes())


def _add_block(sheet: Worksheet, header_row: int, numbers: Sequence[int], block: Block) -> None:
    headers = [sheet.cell(header_row, c).value for c in range(1, sheet.max_column + 1)]
    spans = block_spans(headers, block.kind)
    for start, width in spans:
        _clear(sheet, header_row, start + 1, start + width)
    used = max([sheet.max_column, *(r.max_col for r in sheet.merged_cells.ranges)])
    first = placement(used, spans, len(block.header)) + 1
    like = _header_cell(sheet, header_row, first, headers, spans)
    _write_header(sheet, header_row, first, block, like)
    styles: dict[Look, tuple[Any, Any]] = {}
    for number, cells, looks in zip(numbers, block.rows, block.looks or [{}] * len(numbers)):
        for j, value in enumerate(cells):
            cell = sheet.cell(number, first + j)
            _set(cell, value)
            look = looks.get(j)
            if look is not None:
                cell.font, cell.fill = styles.get(look) or styles.setdefault(look, _style(look, cell.font))
    _widths(sheet, first, block)
    if like is not None:
        _extend_filter(sheet, header_row, like.column, first + len(block.header) - 1)


@contextlib.contextmanager
def _opened(data: bytes, name: str, macros: bool) -> Iterator[tuple[Workbook, list[str]]]:
    """The workbook as openpyxl reads it, and what it said it cannot keep."""
    import openpyxl

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), keep_vba=macros, rich_text=True)
        except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds for a file it cannot edit
            raise InputError(f"{option('write_back')}: openpyxl cannot open {name} to edit it ({type(e).__name__}: "
                             f"{e}); run without {option('write_back')} for the plain report (nothing was sent)",
                             option="write_back", value=True) from None
    said = dict.fromkeys(f"the results file will lack what openpyxl cannot edit: {w.message}" for w in caught)
    try:
        yield book, list(said)
    finally:
        if book.vba_archive is not None:  # keep_vba holds the macros in a zip of its own
            book.vba_archive.close()


def _names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.namelist()


def _has_pillow() -> bool:
    try:
        import PIL  # noqa: F401
    except ImportError:
        return False
    return True


def _clear(sheet: Worksheet, header_row: int, first: int, last: int) -> None:
    """An earlier block's cells, from its header down: empty, with the sheet's default look."""
    for row in sheet.iter_rows(min_row=header_row, max_row=sheet.max_row, min_col=first, max_col=last):
        for cell in row:
            cell.value = None
            cell.style = "Normal"
            cell.comment = None
            cell.hyperlink = None


def _header_cell(sheet: Worksheet, header_row: int, first: int, headers: list[Any],
                 spans: Sequence[tuple[int, int]]) -> Any:
    """The user's own header cell nearest to the left of the block: the block's header looks like it."""
    ours = {c for start, width in spans for c in range(start, start + width)}
    for index in range(min(first - 1, len(headers)) - 1, -1, -1):
        if index not in ours and headers[index] not in (None, ""):
            return sheet.cell(header_row, index + 1)
    return None


def _write_header(sheet: Worksheet, header_row: int, first: int, block: Block, like: Any) -> None:
    for j, name in enumerate(block.header):
        cell = sheet.cell(header_row, first + j)
        _set(cell, name)
        if like is not None and like.has_style:
            for attribute in ("font", "fill", "border", "alignment", "number_format", "protection"):
                setattr(cell, attribute, copy(getattr(like, attribute)))


def _set(cell: Any, value: str | int) -> None:
    """A value as the report writes it: numbers as numbers, text as text, never a formula."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        cell.value = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value) if value else None
        if cell.value is not None:
            cell.data_type = "s"  # "=..." would be a formula, "#N/A" an error: both are text here
    else:
        cell.value = value


def _style(look: Look, font: Any) -> tuple[Any, Any]:
    """The font (the sheet's own, bold or struck through as asked) and the fill of a look."""
    from openpyxl.styles import Color, PatternFill

    font = copy(font)
    font.b, font.strike = look.bold or font.b, look.strike or font.strike
    if look.color:
        font.color = Color(_argb(look.color))
    fill = PatternFill("solid", fgColor=_argb(look.fill)) if look.fill else PatternFill()
    return font, fill


def _argb(colour: str | None) -> str | None:
    return "FF" + colour.lstrip("#").upper() if colour else None


def _widths(sheet: Worksheet, first: int, block: Block) -> None:
    from openpyxl.utils import get_column_letter

    for j, name in enumerate(block.header):
        sample = [display_width(str(cells[j])) for cells in block.rows[:200]]
        width = 60 if j in block.wide else min(max([display_width(name), *sample]) + 2, 60)
        sheet.column_dimensions[get_column_letter(first + j)].width = max(width, 8)


def _extend_filter(sheet: Worksheet, header_row: int, named: int, last: int) -> None:
    """A filter on the header row that covers the user's last named column takes the block in too,
    so that the rows can be filtered by result."""
    if not sheet.auto_filter.ref:
        return
    from openpyxl.utils.cell import get_column_letter, range_boundaries

    min_col, min_row, max_col, max_row = range_boundaries(sheet.auto_filter.ref)
    if min_row == header_row and min_col <= named <= max_col < last:
        sheet.auto_filter.ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(last)}{max_row}"


def _lost(before: bytes, after: bytes) -> list[str]:
    """What the copy lacks, part by part, that the input had (fewer images, no slicers...)."""
    had, has = _parts(before), _parts(after)
    missing = dict.fromkeys(_PARTS[kind] for kind, n in had.items() if has[kind] < n)
    return [f"the results file lacks some of the workbook's {what}: openpyxl cannot carry them over; "
            "your workbook itself is unchanged" for what in missing]


def _parts(data: bytes) -> Counter[str]:
    counts: Counter[str] = Counter()
    for name in _names(data):
        path = name.split("/")
        if "_rels" in path or len(path) < 2:
            continue
        kind = path[1] if path[0] == "xl" else path[0]
        kind = _NUMBERED.sub("", kind)  # xl/comments1.xml and xl/comments/comment1.xml are both comments
        if kind in _PARTS:
            counts[kind] += 1
    return counts
