"""How much of an input the tool reads, at most, and the checks that keep a file within it:
nothing given as input can make the process run out of memory, abort or read forever.

- a text file (CSV/TSV) of at most MAX_TEXT_BYTES; a device, a pipe or another file that is not
  a regular file is refused (/dev/zero would be read for ever);
- a workbook whose parts (all of them, whatever their names) unpack to at most MAX_UNZIPPED_BYTES:
  the sizes the zip declares, then the bytes really inflated, counted as they come (a declared
  size can lie: a 1.5 MB "zip bomb" unpacks to gigabytes);
- a sheet whose used range (A1 to the farthest cell that holds something) has at most MAX_CELLS
  cells: the reader (python-calamine) makes room for every cell of that range, so one value
  at XFD1048576 would ask for 512 GiB and abort the process (xlsx_facts.used_range);
- a cell of at most MAX_CELL_CHARS characters, in a CSV as in a workbook.
"""

from __future__ import annotations

import copy
import os
import stat
import zipfile
import zlib
from typing import IO

from batch_updater.errors import InputError
from batch_updater.schema.columns import column_letter

MAX_TEXT_BYTES = 256 * 2**20
MAX_UNZIPPED_BYTES = 512 * 2**20
MAX_CELLS = 50_000_000
MAX_CELL_CHARS = 131_072  # the csv module's own limit: one limit for a CSV's cells and a workbook's
_CHUNK = 1 << 20


def command_line_limits() -> str:
    """What the command line reads at most, for a message that sends a user there."""
    return f"a text file up to {_mib(MAX_TEXT_BYTES)}, a workbook whose parts unpack to {_mib(MAX_UNZIPPED_BYTES)}"


def _mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB" if size >= 2**20 else f"{size / 1024:,.0f} KiB"


def check_file(path: str | os.PathLike[str], name: str, *, excel: bool) -> None:
    """A regular file (checked before it is opened: opening a pipe waits for a writer), of a size the
    tool reads (an Excel file: no bigger than its unpacked budget). A directory or a missing file is
    left to the opening, which says so."""
    try:
        info = os.stat(path)
    except OSError:
        return
    if stat.S_ISDIR(info.st_mode):
        return
    if not stat.S_ISREG(info.st_mode):
        what = ("a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else
                "a pipe" if stat.S_ISFIFO(info.st_mode) else "a socket" if stat.S_ISSOCK(info.st_mode) else
                "not a regular file")
        raise InputError(f"{name} is {what}, not a file: save the sheet as a file and give its path")
    limit = MAX_UNZIPPED_BYTES if excel else MAX_TEXT_BYTES
    if info.st_size > limit:
        raise InputError(f"{name} is {_mib(info.st_size)}, more than this tool reads ({_mib(limit)}): "
                         "split it into smaller files")


def check_unzipped(fp: IO[bytes], name: str) -> None:
    """The workbook's parts unpack to no more than MAX_UNZIPPED_BYTES, by their declared sizes and
    by the bytes really inflated. Leaves `fp` at its start. A damaged zip is left to the reader."""
    try:
        with zipfile.ZipFile(fp) as archive:
            # Every part: the reader follows the workbook's relationships to a part of any name (a
            # sheet named sheet1.dat), so a name tells nothing; a real workbook's images and
            # embedded files are small beside the budget.
            parts = [i for i in archive.infolist() if not i.is_dir()]
            declared = sum(i.file_size for i in parts)
            if declared > MAX_UNZIPPED_BYTES:
                big = max(parts, key=lambda i: i.file_size)
                raise InputError(_too_big(name, big.filename, big.file_size, big.compress_size))
            left = MAX_UNZIPPED_BYTES
            for info in parts:
                left -= _inflated(archive, info, left, name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError):
        pass  # the reader says what is wrong with it, in its words
    finally:
        fp.seek(0)


def _too_big(name: str, part: str, size: int, packed: int) -> str:
    return (f"{name}: its part {part} unpacks to {'more than ' if size > MAX_UNZIPPED_BYTES else ''}{_mib(size)} "
            f"(from {_mib(packed)} in the file), more than this tool reads from a workbook "
            f"({_mib(MAX_UNZIPPED_BYTES)} in all): it is damaged or built to exhaust memory (a \"zip bomb\"); "
            "if it is a real sheet, save only the rows to send in a new workbook")


def _inflated(archive: zipfile.ZipFile, info: zipfile.ZipInfo, left: int, name: str) -> int:
    """The bytes `info` really unpacks to, counted without keeping them; InputError past `left`."""
    if info.compress_type == zipfile.ZIP_STORED:
        size = info.compress_size
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        raw = copy.copy(info)  # its compressed bytes as they are, inflated here: the declared size is not trusted
        raw.compress_type, raw.file_size, raw.CRC = zipfile.ZIP_STORED, info.compress_size, None
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        size = 0
        with archive.open(raw) as source:
            while not inflater.eof and (chunk := source.read(_CHUNK)):
                while chunk and size <= left:
                    size += len(inflater.decompress(chunk, _CHUNK))
                    chunk = inflater.unconsumed_tail
    else:
        size = 0
        with archive.open(info) as source:
            while size <= left and (chunk := source.read(_CHUNK)):
                size += len(chunk)
    if size > left:
        raise InputError(_too_big(name, info.filename, max(size, MAX_UNZIPPED_BYTES + 1), info.compress_size))
    return size


def too_many_cells(name: str, rows: int, columns: int, farthest: str) -> str:
    """The message for a sheet whose used range is beyond MAX_CELLS."""
    return (f"sheet {name!r} has something in cell {farthest}, so its used range is A1:{column_letter(columns - 1)}"
            f"{rows} ({rows * columns:,} cells), more than this tool reads ({MAX_CELLS:,} cells): delete the rows "
            "and columns after your table (select them, right-click, Delete) and save; or copy the table into a "
            "new sheet")
