"""How big a sheet the console takes. A page is for the sheets a team keeps by hand; a sheet of a
million rows belongs on the command line, which reads far bigger ones (sheet/limits.py). A sheet over the budget is
refused before it is read, by a quick count over the file's bytes that stops at the budget (a
375 KB workbook can unzip to a million rows), and the message gives the command to run instead.
The count is an upper bound (a blank row counts), so the check's own count is compared again."""

from __future__ import annotations

import codecs
import csv
import io
import re
import shlex
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from batch_updater.errors import InputError
from batch_updater.i18n import tr
from batch_updater.naming import cli_flag
from batch_updater.sheet.limits import command_line_limits
from batch_updater.sheet.read import TEXT_SUFFIXES
from batch_updater.sheet.xlsx_facts import read_book

ROWS = 50_000
CELLS = 2_000_000  # rows x columns read: 40 columns on every one of 50,000 rows
SHEET_XML = 256 * 2**20  # a worksheet's XML unzipped (50,000 rows of 40 cells is about 60 MB)
_CHUNK = 1 << 20
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_TAIL = 16  # bytes kept between chunks: a tag cut in two is counted once


@dataclass(frozen=True)
class Budget:
    rows: int = ROWS
    cells: int = CELLS
    sheet_xml: int = SHEET_XML


class TooBig(InputError):
    """A sheet over the console's budget: the command line takes it."""


@dataclass(frozen=True)
class Choices:
    """What the page chose for a sheet: which sheet, which encoding, the header renames, the
    columns' value maps (a job file's [values])."""

    sheet: str | None = None
    encoding: str | None = None
    columns: Mapping[str, str] | None = None
    values: Mapping[str, Mapping[str, str]] | None = None


def command_for(name: str, choices: Choices, *, sandbox: bool) -> str:
    """The command that runs this sheet as the page would (its column renames need a job file)."""
    words = ["batch-updater", "run", name]
    if choices.sheet:
        words += [cli_flag("sheet"), choices.sheet]
    if choices.encoding:
        words += [cli_flag("encoding"), choices.encoding]
    if sandbox:
        words.append(cli_flag("sandbox"))
    return shlex.join(words)


def too_big(name: str, what: str, budget: Budget, choices: Choices, *, sandbox: bool) -> TooBig:
    command = command_for(name, choices, sandbox=sandbox)
    text = tr("{name}: {what}, more than this console takes ({rows} rows, {cells} cells); run it from the command "
              "line, which takes far bigger sheets ({limits}): `{check}` checks it, then `{command}` sends it",
              name=name, what=what, rows=f"{budget.rows:,}", cells=f"{budget.cells:,}", limits=command_line_limits(),
              check=f"{command} {cli_flag('dry_run')}", command=command)
    if choices.columns:
        mapped = ", ".join(f"{k!r} = {v!r}" for k, v in choices.columns.items())
        text = tr("{text} (the columns mapped on this page go in a job file's [columns] table: {mapped}; run it "
                  "with {flag} FILE)", text=text, mapped=mapped, flag=cli_flag("config"))
    return TooBig(text)


def check_size(path: Path, choices: Choices, budget: Budget, *, sandbox: bool = False) -> None:
    """Refuse (TooBig) a sheet whose rows or cells are beyond `budget`, reading no more of it
    than the budget. A file that cannot be measured is left to the reader, which says why."""
    suffix = path.suffix.lower()
    try:
        with path.open("rb") as fp:
            if suffix in TEXT_SUFFIXES:
                found = _text_over(fp, TEXT_SUFFIXES[suffix], choices.encoding, budget)
            elif suffix in (".xlsx", ".xlsm"):
                found = _xlsx_over(fp, choices.sheet, budget)
            else:
                found = None  # .xls: at most 65,536 rows a sheet, read whole; its check is counted after
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, csv.Error, UnicodeError, EOFError):
        return
    if found is not None:
        raise too_big(path.name, found, budget, choices, sandbox=sandbox)


def check_count(name: str, rows: int, choices: Choices, budget: Budget, *, sandbox: bool = False) -> None:
    """The check's own count of rows, against the budget (the quick count is an upper bound)."""
    if rows > budget.rows:
        raise too_big(name, tr("{n} rows", n=f"{rows:,}"), budget, choices, sandbox=sandbox)


# --- text files --------------------------------------------------------------------------------

def _text_over(fp: IO[bytes], delimiter: str | None, encoding: str | None, budget: Budget) -> str | None:
    head = fp.read(4096)
    size = fp.seek(0, io.SEEK_END)
    fp.seek(0)
    if size <= budget.rows and size <= budget.cells:
        return None  # fewer bytes than the budget's rows: nothing to count
    wide = _utf16(head, encoding)
    if wide is None:
        lines = sum(chunk.count(b"\n") for chunk in _chunks(fp))
        fp.seek(0)
        if lines < budget.rows and size <= budget.cells:  # a cell needs a byte (or its separator)
            return None
    # Exact: records as the csv module reads them (a line break inside quotes is one row). Text
    # read as latin-1 keeps every byte: the quotes, separators and line breaks of UTF-8, GBK,
    # Big5 or Shift-JIS are those bytes, and their other bytes are never one of them.
    stream = io.TextIOWrapper(fp, encoding=wide or "latin-1", errors="replace", newline="")
    first = head.decode(wide or "latin-1", errors="replace").split("\n", 1)[0]
    separator = delimiter or max((",", "\t", ";"), key=first.count)
    rows = cells = 0
    try:  # a cell over the csv module's limit (a quote left open, most likely) is the reader's to refuse
        for record in csv.reader(stream, delimiter=separator):
            rows += 1
            cells += len(record)
            if rows > budget.rows + 1:  # and the header
                return tr("more than {n} rows", n=f"{budget.rows:,}")
            if cells > budget.cells:
                return tr("more than {n} cells", n=f"{budget.cells:,}")
    finally:
        stream.detach()  # the file is the caller's to close
    return None


def _utf16(head: bytes, encoding: str | None) -> str | None:
    """The codec to count a UTF-16 file with (its structure is not in single bytes), else None."""
    if encoding and encoding.lower().replace("_", "-").startswith("utf-16"):
        return encoding
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) >= 64 and head.count(0) * 4 >= len(head):  # ASCII text in UTF-16: every other byte 0
        return "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
    return None


def _chunks(fp: IO[bytes]) -> Iterator[bytes]:
    while chunk := fp.read(_CHUNK):
        yield chunk


# --- workbooks -----------------------------------------------------------------------------------

def _xlsx_over(fp: IO[bytes], sheet: str | None, budget: Budget) -> str | None:
    """Rows and cells of the sheet that will be read (the chosen one, else the one Excel opens
    on), counted by their tags in its XML, streamed and unzipped no further than the budget."""
    book = read_book(fp)
    fp.seek(0)
    name = _pick(sheet, book.active, list(book.parts))
    if name is None:
        return None
    with zipfile.ZipFile(fp) as archive:
        part = archive.getinfo(book.parts[name])
        rows = cells = read = 0
        tail = b""
        with archive.open(part) as source:
            while chunk := source.read(_CHUNK):
                read += len(chunk)
                window = tail + chunk
                rows += _ending_in(_ROW_TAG, window, len(tail))
                cells += _ending_in(_CELL_TAG, window, len(tail))
                tail = window[-_TAIL:]
                if rows > budget.rows + 1:
                    return tr("sheet {name!r} has more than {n} rows", name=name, n=f"{budget.rows:,}")
                if cells > budget.cells:
                    return tr("sheet {name!r} has more than {n} cells", name=name, n=f"{budget.cells:,}")
                if read > budget.sheet_xml:
                    return tr("sheet {name!r} unzips to more than {mb} MB", name=name, mb=budget.sheet_xml // 2**20)
    return None


def _ending_in(tag: re.Pattern[bytes], window: bytes, start: int) -> int:
    """Tags that end past `start` (the bytes kept from the chunk before): each tag is counted in
    the one chunk where it ends."""
    return sum(1 for m in tag.finditer(window) if m.end() > start)


def _pick(wanted: str | None, active: str | None, names: list[str]) -> str | None:
    if wanted is None:
        return active if active in names else (names[0] if names else None)
    if wanted in names:
        return wanted
    folded = {n.strip().lower(): n for n in names}
    return folded.get(wanted.strip().lower())
