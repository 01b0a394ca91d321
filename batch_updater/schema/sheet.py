"""A loaded input, whatever read it: its header's columns, its rows of text and what was
detected. A plain value: the CSV / Excel reader (sheet/read.py) and a DataFrame
(sheet/frames.py) make one, and everything after the reading takes it. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from batch_updater.model import Row
from batch_updater.naming import advice
from batch_updater.schema.columns import ColumnMap

# The format read, which names the report's: a csv, tsv or xlsx file is reported in its own format
# (sheet/report.py); "frame" is a DataFrame's rows, whose results are joined onto the frame.
SheetKind = Literal["csv", "tsv", "xlsx", "frame"]


@dataclass(frozen=True, slots=True)
class Sheet:
    """A loaded input: its header, its rows and what was detected."""

    kind: SheetKind
    columns: ColumnMap
    rows: list[Row]
    encoding: str | None = None
    sheet_name: str | None = None
    delimiter: str | None = None
    warnings: tuple[str, ...] = ()  # the columns' warnings, then the reader's own
    header_row: int = 1  # the header's row (1 = first) in the file: rows are numbered the same way
    origin: str | None = None  # what was read, as its source says it (a Base table and view, a sheet)
    sep_line: bool = False  # a CSV that starts with Excel's "sep=;" line

    @property
    def output_delimiter(self) -> str | None:
        """The separator of the CSV files written from this sheet (report, retry, undo, plan): its
        own, but a comma for one that needed a "sep=" line (Excel reads that line only without a
        byte-order mark, which those files have: the Excel it was made for takes commas)."""
        return "," if self.sep_line else self.delimiter

    @property
    def source(self) -> str:
        """What was read, for the run's output: the sheet, or the encoding and separator."""
        if self.origin is not None:
            return self.origin
        if self.kind == "frame":
            return f"a DataFrame of {len(self.rows)} rows"
        if self.sheet_name is not None:
            return f"sheet {self.sheet_name!r}"
        separator = {",": "comma", "\t": "tab", ";": "semicolon"}.get(self.delimiter or ",", repr(self.delimiter))
        text = f"encoding {self.encoding}, {separator}-separated"
        if self.encoding == "gb18030":  # a short Big5 or Shift-JIS text can read as plausible GBK: show it
            sample = next((c for row in self.rows for c in row.cells if not c.isascii()), None)
            if sample:
                text += f"; the first text reads {sample[:30]!r} (if it does not, {advice('encoding')})"
        return text
