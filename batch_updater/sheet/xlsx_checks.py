"""What could take the Excel reader down, or leave it with a bare error, read from the workbook's XML:
a sheet's used range (python-calamine makes room for every cell of it), and where a workbook is
damaged (its error for a sheet cut short inside a cell is the tag's name, "c")."""

from __future__ import annotations

import re
import zipfile
import zlib
from typing import IO, Any
from xml.parsers.expat import ExpatError, ParserCreate

from batch_updater.schema.columns import column_letter
from batch_updater.sheet.xlsx_facts import CELL_REF, Book, column_index

CHUNK = 1 << 20
# A cell whose reference is not the usual first attribute r="A1" to r="AU1048576" (47 columns of
# 1,048,576 rows stay within MAX_CELLS): past column AU, placed by its order, or written otherwise.
_NOT_NARROW = re.compile(rb"""<c(?:[>/\t\r\n]| (?!r="(?:[A-Z]|A[A-U])[0-9]))""")


_PART_WHAT = {
    "[content_types].xml": "the list of its parts", "_rels/.rels": "the links between its parts",
    "xl/_rels/workbook.xml.rels": "the links between its parts", "xl/workbook.xml": "the list of its sheets",
    "xl/styles.xml": "its cell styles", "xl/sharedstrings.xml": "the text of its cells (shared strings)",
}


def damaged_part(fp: IO[bytes], book: Book | None = None) -> str | None:
    """Where the workbook is damaged, in words ("in sheet 'S' (xl/worksheets/sheet1.xml): ..."), for a
    reader's bare error such as "c" (the sheet's XML ends inside a <c>); None when the zip and every
    XML part in it read."""
    sheets = {part.lower(): f"sheet {name!r}" for name, part in (book.parts.items() if book else ())}
    try:
        with zipfile.ZipFile(fp) as archive:
            for info in archive.infolist():
                part = info.filename
                if not part.lower().endswith((".xml", ".rels")):
                    continue
                what = sheets.get(part.lower()) or _PART_WHAT.get(part.lower()) or (
                    "one of its sheets" if part.lower().startswith("xl/worksheets/") else "a part")
                try:
                    with archive.open(info) as source:
                        ParserCreate().ParseFile(source)
                except ExpatError as e:
                    return f"in {what} ({part}): its XML is cut short or malformed ({e})"
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as e:
                    return f"in {what} ({part}): it cannot be unpacked ({e})"
    except (zipfile.BadZipFile, OSError) as e:
        return f"as a whole: it is not a readable zip, as an .xlsx is ({e})"
    finally:
        fp.seek(0)
    return None


def used_range(fp: IO[bytes], book: Book, name: str) -> tuple[int, int, str] | None:
    """The sheet's used range as python-calamine reads it: (rows, columns, a cell on its far edge) from A1
    to the last row and column of a cell that holds something (a value, a formula, text: not a cell
    with only a format), when it may be big; None when it is surely within limits.MAX_CELLS.

    One quick pass over the raw bytes (every cell narrow and with its reference: ~0.1 s per million
    cells), then, only if that fails, an exact pass with expat. Either pass also checks that the
    sheet's XML is well-formed (ExpatError, with the line and column, when it is not): python-calamine
    reads a malformed cell tag (`<c r="B2" < t="s">`) silently as another value (a shared string's
    index as a number). In the quick pass that costs expat fed the chunks already unpacked: +13-15%
    of reading a sheet of a million cells (0.28-0.34 s of 2.2-2.4 s)."""
    part = book.parts.get(name)
    with zipfile.ZipFile(fp) as archive:
        if part is None or part not in archive.namelist():
            return None
        with archive.open(part) as source:
            tail = b""
            first = True
            well_formed = ParserCreate()
            while chunk := source.read(CHUNK):
                well_formed.Parse(chunk, False)
                window = tail + chunk
                if first and b"<worksheet" not in window:
                    break  # a namespace prefix (<x:c>) or another root: measure it exactly
                first = False
                cut = window.rfind(b"<")
                body, tail = (window[:cut], window[cut:]) if cut > 0 else (window, b"")
                if _NOT_NARROW.search(body):
                    break
            else:
                well_formed.Parse(b"", True)
                if not _NOT_NARROW.search(tail):
                    return None
        with archive.open(part) as source:
            return _measure(source)


def _measure(source: IO[bytes]) -> tuple[int, int, str]:
    parser = ParserCreate()
    at = [-1, -1]  # the current row and column (0-based)
    box: list[Any] = [0, 0, ""]  # rows, columns, the farthest cell
    counted = [False]

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        if tag == "c":
            ref = attrs.get("r")
            match = CELL_REF.fullmatch(ref.upper()) if ref else None
            if match:
                at[0], at[1] = int(match.group(2)) - 1, column_index(match.group(1))
            else:
                at[1] += 1
            counted[0] = False
        elif tag in ("v", "is", "f") and not counted[0]:
            counted[0] = True
            row, column = at
            if row >= box[0] or column >= box[1]:  # the cell named is one that widened the range last
                box[:] = max(box[0], row + 1), max(box[1], column + 1), f"{column_letter(column)}{row + 1}"
        elif tag == "row":
            r = attrs.get("r")
            at[0], at[1] = (int(r) - 1 if r and r.isdigit() else at[0] + 1), -1

    parser.StartElementHandler = start
    parser.ParseFile(source)
    return box[0], box[1], str(box[2])
