"""Small builders for test spreadsheets."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import xlsxwriter


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode(encoding)


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    path.write_bytes(csv_bytes(rows, encoding, delimiter))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """Strings become text cells, ints and floats number cells, as a user would type them."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def read_rows(path: Path) -> list[dict[str, str]]:
    """A CSV report (or retry, unknown, plan file) the tool wrote, as dicts by header."""
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
