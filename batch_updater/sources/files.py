"""A spreadsheet file (.csv, .tsv, .txt, .xlsx, .xlsm, .xls) as a job's source: what the
command line's INPUT is. sheet/read.py reads it; the job is the file's path (resolved, so the
same file resumes from any folder) and the sheet read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from batch_updater.schema.sheet import Sheet
from batch_updater.sheet.read import load


@dataclass(frozen=True)
class FileSource:
    """The file at `path`; `sheet` (an Excel sheet's name or number), `encoding` (a text file's)
    and `header_row` (1 = the first) as the command line's --sheet, --encoding, --header-row."""

    path: Path
    sheet: str | None = None
    encoding: str | None = None
    header_row: int | None = None

    @property
    def label(self) -> str:
        return str(self.path)

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def write_back(self) -> Path:
        return self.path

    def load(self, renames: Mapping[str, str]) -> Sheet:
        return load(self.path, sheet=self.sheet, encoding=self.encoding, renames=renames, header_row=self.header_row)

    def identity(self, sheet: Sheet) -> dict[str, str]:
        return file_identity(self.path, sheet.sheet_name)


def file_identity(path: Path, sheet_name: str | None) -> dict[str, str]:
    """A file's job: its path, resolved, and the sheet read (a workbook's). Journals are named by
    these values: changing them would start every file's job over."""
    return {"input": str(path.resolve()), "sheet": sheet_name or ""}
