"""What python-calamine does not tell about an .xlsx/.xlsm sheet, read from the workbook's XML.

calamine gives the cells' values, fast. It does not say which sheet is active, which
rows are hidden, which cells hold an error (#DIV/0!), a formula that was never
calculated, or a number Excel shows otherwise than as the number (a percentage, or
by a number format such as 00000 or #,##0.00: numfmt); nor the exact digits of a long
integer a program wrote (calamine reads every number as a double). Those come from
the zip's XML: workbook.xml and styles.xml (small) and one streaming pass over the
sheet's XML. That pass is skipped when a quick scan of the raw bytes finds none of
the markers it looks for (no hidden=, no t="e", no formula, no style of a percent or
other number format in a sheet with numbers, no long number to look up), which is the
common case and costs a fraction of a second per 100,000 rows.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO
from urllib.parse import unquote
from xml.etree.ElementTree import iterparse
from xml.parsers.expat import ParserCreate

from batch_updater.sheet.numfmt import NumberFormat, number_format

_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_REL_ID_STRICT = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"
_PERCENT_BUILTIN = {9: 0, 10: 2}  # numFmtId: decimals ("0%", "0.00%")
CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")
_CHUNK = 1 << 20
_PLAIN_TEXT = ("s", "inlineStr")  # text cells without a formula: nothing to learn about them



@dataclass(frozen=True, slots=True)
class Book:
    """workbook.xml and styles.xml: the active sheet, where each sheet's XML is, the styles that
    show a number otherwise than as calamine gives it."""

    active: str | None  # the sheet Excel opens on
    parts: dict[str, str]  # sheet name -> path of its XML in the zip
    percent_styles: dict[int, int]  # cell style index -> decimals shown
    format_styles: dict[int, NumberFormat] = field(default_factory=dict)  # cell style index -> its format
    external: dict[int, str] = field(default_factory=dict)  # [1] in a formula -> the other workbook's file name


@dataclass(slots=True)
class SheetFacts:
    hidden_rows: set[int] = field(default_factory=set)  # 0-based
    hidden_columns: set[int] = field(default_factory=set)  # 0-based
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> "#DIV/0!"
    uncalculated: set[tuple[int, int]] = field(default_factory=set)  # formulas without a cached value
    percent: dict[tuple[int, int], int] = field(default_factory=dict)  # number cells shown as n% -> decimals
    digits: dict[tuple[int, int], str] = field(default_factory=dict)  # the raw text of long numbers asked for
    formatted: dict[tuple[int, int], NumberFormat] = field(default_factory=dict)  # number cells with a format
    linked: dict[tuple[int, int], str] = field(default_factory=dict)  # formulas reading another workbook -> its name


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _xml(book: zipfile.ZipFile, name: str) -> Iterable[tuple[str, dict[str, str]]]:
    """(local tag, attributes) of each element of a small part, or nothing if it is absent."""
    try:
        source = book.open(name)
    except KeyError:
        return
    with source:
        for _, element in iterparse(source):
            yield _local(element.tag), dict(element.attrib)


def read_book(fp: IO[bytes]) -> Book:
    with zipfile.ZipFile(fp) as book:
        targets = {a["Id"]: a["Target"] for tag, a in _xml(book, "xl/_rels/workbook.xml.rels")
                   if tag == "Relationship" and "Id" in a and "Target" in a}
        names: list[str] = []
        parts: dict[str, str] = {}
        links: list[str] = []
        active_index = 0
        for tag, a in _xml(book, "xl/workbook.xml"):
            if tag == "workbookView" and a.get("activeTab", "").isdigit():
                active_index = int(a["activeTab"])
            elif tag == "externalReference":
                links.append(targets.get(a.get(_REL_ID) or a.get(_REL_ID_STRICT) or "", ""))
            elif tag == "sheet" and "name" in a:
                names.append(a["name"])
                target = targets.get(a.get(_REL_ID) or a.get(_REL_ID_STRICT) or "", "")
                if target:
                    parts[a["name"]] = (target.lstrip("/") if target.startswith("/")
                                        else posixpath.normpath(posixpath.join("xl", target)))
        active = names[active_index] if 0 <= active_index < len(names) else None
        external = {i: _linked_file(book, target) for i, target in enumerate(links, 1)}
        return Book(active, parts, *_styles(book), external=external)


def _linked_file(book: zipfile.ZipFile, target: str) -> str:
    """The file name of the workbook an externalLink part points to, as far as the zip says."""
    part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    folder, name = posixpath.split(part)
    for tag, a in _xml(book, posixpath.join(folder, "_rels", name + ".rels")):
        if tag == "Relationship" and a.get("Target"):
            return posixpath.basename(unquote(a["Target"]).replace("\\", "/")) or a["Target"]
    return "another workbook"


def _styles(book: zipfile.ZipFile) -> tuple[dict[int, int], dict[int, NumberFormat]]:
    """The cell styles (cellXfs) whose number format shows a percentage, and those with another
    format that matters (numfmt.number_format)."""
    formats = dict(_PERCENT_BUILTIN)
    codes: dict[int, str] = {}
    others: dict[int, NumberFormat | None] = {}
    styles: dict[int, int] = {}
    shown: dict[int, NumberFormat] = {}
    in_cell_xfs = False
    index = 0
    source = book.open("xl/styles.xml") if "xl/styles.xml" in book.namelist() else None
    if source is None:
        return styles, shown
    with source:
        for event, element in iterparse(source, events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if tag == "cellXfs":
                    in_cell_xfs = True
                continue
            if tag == "numFmt" and element.get("numFmtId", "").isdigit():
                ident, code = int(element.get("numFmtId", "0")), element.get("formatCode", "")
                codes[ident] = code  # a code given for a built-in id replaces it, for calamine too
                decimals = percent_decimals(code)
                if decimals is not None:
                    formats[ident] = decimals
                else:
                    formats.pop(ident, None)
            elif tag == "cellXfs":
                in_cell_xfs = False
            elif tag == "xf" and in_cell_xfs:
                fmt = element.get("numFmtId", "0")
                ident = int(fmt) if fmt.isdigit() else 0
                if ident in formats:
                    styles[index] = formats[ident]
                else:
                    if ident not in others:
                        others[ident] = number_format(ident, codes.get(ident))
                    found = others[ident]
                    if found is not None:
                        shown[index] = found
                index += 1
    return styles, shown


def percent_decimals(code: str) -> int | None:
    """The decimals a number format shows a percentage with, or None if it is not one."""
    section = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code.split(";")[0])  # quoted text, escapes, [Red]
    if "%" not in section:
        return None
    number = section.split("%")[0]
    return len(re.sub(r"[^0#?]", "", number.split(".")[1])) if "." in number else 0


_MARKERS = (b"hidden=", b't="e"', b"t='e'", b"f>")  # f>: the end of <f>...</f> (formulas), any prefix


def _style_marker(styles: Iterable[int]) -> re.Pattern[bytes] | None:
    """s="7" for any of the styles (one regex: a workbook may have many such styles)."""
    numbers = sorted(map(str, styles), key=len, reverse=True)
    return re.compile(b"""s=["'](?:%s)["']""" % "|".join(numbers).encode()) if numbers else None


def _has_any(source: IO[bytes], markers: tuple[bytes, ...], styles: re.Pattern[bytes] | None) -> bool:
    overlap = max(len(m) for m in markers) + 24 - 1  # 24: more than s="<any style index>"
    tail = b""
    while chunk := source.read(_CHUNK):
        window = tail + chunk
        if any(marker in window for marker in markers) or (styles is not None and styles.search(window)):
            return True
        tail = window[-overlap:]
    return False


def scan_sheet(fp: IO[bytes], book: Book, name: str, long_numbers: set[tuple[int, int]],
               numbers: bool = True) -> SheetFacts:
    """The facts about one sheet; `long_numbers` are the cells whose raw text is wanted; `numbers`:
    whether the sheet has number cells at all (if not, the number formats do not matter)."""
    facts = SheetFacts()
    part = book.parts.get(name)
    with zipfile.ZipFile(fp) as archive:
        if part is None or part not in archive.namelist():
            return facts
        if not long_numbers:
            styles = _style_marker([*book.percent_styles, *book.format_styles] if numbers else [])
            with archive.open(part) as source:
                if not _has_any(source, _MARKERS, styles):
                    return facts
        with archive.open(part) as source:
            _scan(source, book, long_numbers, facts)
    return facts


def _scan(source: IO[bytes], book: Book, long_numbers: set[tuple[int, int]], facts: SheetFacts) -> None:
    """One pass of expat over the sheet's XML, start tags only (a cell is judged when the next one
    starts, a <v>'s text ends at the next tag): faster than iterparse, which builds every element."""
    parser = ParserCreate()
    parser.buffer_text = True
    cell = _Cell()

    def done() -> None:
        if cell.open:
            cell.open = False
            if cell.formula or cell.type not in _PLAIN_TEXT:
                _judge(cell, book, long_numbers, facts)

    def start(name: str, attrs: dict[str, str]) -> None:
        if parser.CharacterDataHandler is not None:
            parser.CharacterDataHandler = None  # a <v> or <f> holds text only: it ended before this tag
        tag = name.rpartition(":")[2]
        if tag == "c":
            done()
            cell.ref = attrs.get("r")
            cell.column += 1  # where a cell without r="B3" is; judged cells read their r
            cell.type = attrs.get("t", "n")
            cell.style = attrs.get("s")
            cell.formula = False
            cell.text = None
            cell.formula_text = None
            cell.open = True
        elif tag == "v" and cell.open and (cell.formula or cell.type not in _PLAIN_TEXT):
            cell.text = []
            parser.CharacterDataHandler = cell.text.append
        elif tag == "f":
            cell.formula = True
            if book.external:  # the workbook links to others: is this formula one of the links?
                cell.formula_text = []
                cell.shared = attrs.get("si") if attrs.get("t") == "shared" else None
                parser.CharacterDataHandler = cell.formula_text.append
        elif tag == "row":
            done()
            r = attrs.get("r")
            cell.row = int(r) - 1 if r and r.isdigit() else cell.row + 1
            cell.column = -1
            if attrs.get("hidden") in ("1", "true"):
                facts.hidden_rows.add(cell.row)
        elif tag == "col" and attrs.get("hidden") in ("1", "true"):
            first, last = int(attrs.get("min", "1")), int(attrs.get("max", "1"))
            facts.hidden_columns.update(range(first - 1, min(last, 16384)))

    parser.StartElementHandler = start
    parser.ParseFile(source)
    parser.CharacterDataHandler = None
    done()


class _Cell:
    __slots__ = ("open", "row", "column", "ref", "type", "style", "formula", "text", "formula_text", "shared",
                 "shared_links")

    def __init__(self) -> None:
        self.open = False
        self.row = -1
        self.column = -1
        self.ref: str | None = None
        self.type = "n"
        self.style: str | None = None
        self.formula = False
        self.text: list[str] | None = None  # the <v>'s text, None if the cell has no <v>
        self.formula_text: list[str] | None = None  # the <f>'s text, read when the workbook links to others
        self.shared: str | None = None  # the shared formula's index (si) of an <f t="shared">
        self.shared_links: dict[str, str] = {}  # shared formula index -> the other workbook it reads


def _judge(state: _Cell, book: Book, long_numbers: set[tuple[int, int]], facts: SheetFacts) -> None:
    match = CELL_REF.fullmatch(state.ref) if state.ref else None
    if match:
        state.row, state.column = int(match.group(2)) - 1, column_index(match.group(1))
    where = (state.row, state.column)
    if state.formula_text is not None:
        link = _external_link(state, book)
        if link is not None:
            facts.linked[where] = link
    value = "".join(state.text).strip() if state.text is not None else None
    if state.type == "e":
        facts.errors[where] = value or "#N/A"
    elif state.formula and not value and state.type != "str":
        # No cached value: the file was written by a program and never opened and saved in Excel.
        # (A formula whose result is empty text is t="str" with an empty <v>.)
        facts.uncalculated.add(where)
    elif state.type == "n" and value:
        if state.style is not None and state.style.isdigit():
            style = int(state.style)
            if style in book.percent_styles:
                facts.percent[where] = book.percent_styles[style]
            elif style in book.format_styles:
                facts.formatted[where] = book.format_styles[style]
        if where in long_numbers:
            facts.digits[where] = value


# A workbook a formula reads: [1]Sheet1!A1 (the first one the workbook links to, as Excel saves it),
# or by its name or path, as a program may write it: [other.xlsx]Sheet1!A1, 'C:\x\[other.xlsx]Sheet1'!A1.
# A table's column ([Col], [[#This Row],[Col]]) is never followed by a sheet name and "!".
_LINK = re.compile(r"\[([^\[\]]+)\][^\[\]!\"]*!")
_QUOTED = re.compile(r'"[^"]*"')  # a text in a formula, which may hold "[1]"


def _external_link(state: _Cell, book: Book) -> str | None:
    """The other workbook a formula reads (its file name), if it reads one: by its own text, or by
    the text of the shared formula it is a copy of."""
    assert state.formula_text is not None
    text = "".join(state.formula_text)
    if not text.strip():
        return state.shared_links.get(state.shared) if state.shared is not None else None
    found = _LINK.search(_QUOTED.sub("", text))
    link = None
    if found:
        name = found.group(1)
        link = book.external.get(int(name), "another workbook") if name.isdigit() else name
    if state.shared is not None and link is not None:
        state.shared_links[state.shared] = link
    return link


def column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1
