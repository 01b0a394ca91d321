"""Writing spreadsheet files safely: no cell can become a formula. In xlsx every text is a string
cell (inert by type); in CSV a cell that starts like a formula gets a leading ' (OWASP), which
the reader takes off again, so a file the tool wrote can be fed back in."""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from batch_updater.model import FORMULA_TRIGGERS
from batch_updater.paths import TEMP_SUFFIX, temp_prefix

# No text becomes a formula, a link or a number: what the user wrote stays text.
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def new_workbook(path: Path, *, constant_memory: bool = False) -> Any:
    """An xlsxwriter workbook at `path` with the tool's safe options. Its scratch files are kept
    beside it (a full disk is the report's, and a report written elsewhere instead is not stopped
    by it) and removed when it closes; a file it cannot write raises OSError, as any other."""
    import xlsxwriter
    from xlsxwriter.exceptions import FileCreateError

    scratch = tempfile.mkdtemp(prefix=".xlsx-", dir=path.parent)

    class Book(xlsxwriter.Workbook):  # type: ignore[misc]
        def close(self) -> None:
            try:
                super().close()
            except FileCreateError as e:  # xlsxwriter's wrapper of the OSError it met
                self._scratch_closed()
                raise (e.args[0] if e.args and isinstance(e.args[0], OSError) else OSError(str(e))) from None
            except BaseException:
                self._scratch_closed()
                raise
            finally:
                shutil.rmtree(scratch, ignore_errors=True)

        def _scratch_closed(self) -> None:
            """A close that failed leaves the rows' scratch files open (constant_memory): closed."""
            self.fileclosed = True
            for sheet in self.worksheets():
                with contextlib.suppress(Exception):
                    sheet._opt_close()

    return Book(str(path), {**XLSX_OPTIONS, "constant_memory": constant_memory, "tmpdir": scratch})


_TRIGGERS = frozenset(FORMULA_TRIGGERS)


def inert_row(row: list[Any]) -> list[Any]:
    """A CSV row with every cell that could start a formula prefixed with ' (OWASP).

    A cell that is already ' + a trigger gets one more, so that the loader, which takes one '
    off only such cells, reads back exactly this cell; any other ' is the user's and stays."""
    return [("'" + c) if type(c) is str and c.lstrip("'")[:1] in _TRIGGERS else c for c in row]


def delimiter_for(path: Path, delimiter: str | None) -> str:
    """Tab for .tsv; for .csv the input's own separator (a `;` CSV stays one, for Excel's locale)."""
    if path.suffix.lower() == ".tsv":
        return "\t"
    return delimiter if delimiter in (",", ";") else ","


def write_delimited(path: Path, header: list[str], rows: Iterator[list[Any]], delimiter: str) -> None:
    # UTF-8 with a BOM: Excel on Windows then reads Chinese text correctly.
    with path.open("w", encoding="utf-8-sig", newline="") as fp:
        writer = csv.writer(fp, delimiter=delimiter)
        writer.writerow(inert_row(header))
        writer.writerows(map(inert_row, rows))


def probe_folder(folder: Path, name: str = "batch-updater") -> str | None:
    """Why a new file cannot be written in `folder` (made if missing), or None when it can: the
    temporary file that writing `name` there makes is made and removed (a name too long for this
    file system is found now)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=temp_prefix(name), suffix=TEMP_SUFFIX, dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        return str(e.strerror or e)
    return None


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
