"""Issue 18, items 11, 22 and 24: what the reader says about a sheet it cannot take as it is."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from batch_updater.errors import InputError
from batch_updater.sheet.read import load
from tests.sheet.test_read_limits import HEADER, workbook

ID = "6945345902185807891"


def rewrite(path: Path, part: str, change) -> Path:
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return path


# --- 24. damaged XML ------------------------------------------------------------------------------


def test_a_sheet_cut_short_names_the_sheet_and_the_place_not_just_c(tmp_path):
    """Before: calamine's error for a sheet that ends inside a cell was the tag's name, "c"."""
    path = workbook(tmp_path / "cut.xlsx", HEADER)
    rewrite(path, "xl/worksheets/sheet1.xml", lambda data: data[:data.index(b'<c r="B2">') + 10])
    with pytest.raises(InputError) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith("the workbook is damaged in sheet 'Sheet1' (xl/worksheets/sheet1.xml): its XML is "
                              "cut short or malformed (no element found: line 1, column ")
    assert "open it in Excel, which offers to repair it" in message


def test_a_damaged_styles_part_is_named(tmp_path):
    path = tmp_path / "styles.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet().write_row(0, 0, ["ticket_id", "status"])
    book.close()
    rewrite(path, "xl/styles.xml", lambda data: data[:len(data) // 2])
    with pytest.raises(InputError, match=r"damaged in its cell styles \(xl/styles.xml\): its XML is cut short"):
        load(path)
