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


# --- 11. a formula that reads another workbook -------------------------------------------------------


def linked_workbook(path: Path, rows: str) -> Path:
    """A workbook whose formulas may read [1], an external link to C:\\Reports\\Budget 2024.xlsx."""
    link = ('<?xml version="1.0" encoding="UTF-8"?><externalLink '
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><externalBook '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1">'
            '<sheetNames><sheetName val="Sheet1"/></sheetNames></externalBook></externalLink>')
    link_rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships '
                 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                 'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
                 'Target="file:///C:\\Reports\\Budget%202024.xlsx" TargetMode="External"/></Relationships>')
    workbook(path, rows, extra={"xl/externalLinks/externalLink1.xml": link.encode(),
                                "xl/externalLinks/_rels/externalLink1.xml.rels": link_rels.encode()})
    rewrite(path, "xl/workbook.xml", lambda data: data.replace(
        b"</sheets>", b'</sheets><externalReferences><externalReference r:id="rId9"/></externalReferences>'))
    return rewrite(path, "xl/_rels/workbook.xml.rels", lambda data: data.replace(
        b"</Relationships>", b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/externalLink" Target="externalLinks/externalLink1.xml"/></Relationships>'))


def test_a_formula_reading_another_workbook_makes_its_row_invalid_naming_the_cell(tmp_path):
    """Before: the value Excel last read from the other workbook was sent as if typed, without a word."""
    from batch_updater.rows.validate import validate_rows

    rows = (HEADER.replace('<c r="B2"><v>2</v></c>', '<c r="B2"><f t="shared" ref="B2:B3" si="0">[1]Sheet1!B2</f>'
                                                      '<v>2</v></c>')
            + '<row r="3"><c r="A3" t="inlineStr"><is><t>6945345902185807892</t></is></c>'
              '<c r="B3"><f t="shared" si="0"/><v>3</v></c></row>'  # a copy of B2's formula: [1]Sheet1!B3
              '<row r="4"><c r="A4" t="inlineStr"><is><t>6945345902185807893</t></is></c>'
              '<c r="B4"><f>IF(A4="[1]",1,2)</f><v>2</v></c></row>')  # [1] as text: not a link
    sheet = load(linked_workbook(tmp_path / "linked.xlsx", rows))
    first, second, third = validate_rows(sheet.rows, sheet.columns)
    assert isinstance(first, list) and isinstance(second, list)
    assert str(first[0]).startswith("status '2': cell B2 takes its value from another workbook (Budget 2024.xlsx)")
    assert "Paste Special > Values" in str(first[0]) and "cell B3 takes its value" in str(second[0])
    assert not isinstance(third, list) and third.body == {"status": 2}
