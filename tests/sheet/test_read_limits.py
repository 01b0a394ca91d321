"""Issue 18, items 5 and 21: no input crashes the process or makes it read without end. A cell far
away, a decompression bomb, a device as input, a cell too long: each one refused with a message."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from batch_updater.cli import cli
from batch_updater.errors import InputError
from batch_updater.rows.validate import validate_rows
from batch_updater.sheet import limits
from batch_updater.sheet.read import load, read_excel, sheet_names

ID = "6945345902185807891"

_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships '
         'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
         'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
         'Target="xl/workbook.xml"/></Relationships>')
_BOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook '
         'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
         '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_BOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships '
              'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
              'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
              'Target="worksheets/sheet1.xml"/></Relationships>')
HEADER = ('<row r="1"><c r="A1" t="inlineStr"><is><t>ticket_id</t></is></c>'
          '<c r="B1" t="inlineStr"><is><t>status</t></is></c></row>'
          f'<row r="2"><c r="A2" t="inlineStr"><is><t>{ID}</t></is></c><c r="B2"><v>2</v></c></row>')


def workbook(path: Path, rows: str, *, dimension: str = "A1:B2", extra: dict[str, bytes] | None = None) -> Path:
    """A minimal .xlsx written by hand (as any program may write one): one sheet of `rows`."""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet '
             'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", _TYPES)
        book.writestr("_rels/.rels", _RELS)
        book.writestr("xl/workbook.xml", _BOOK)
        book.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
        book.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            book.writestr(name, data)
    return path


def run_cli_process(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`batch-updater run` in a process of its own: a crash shows as a signal (a negative return code)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    return subprocess.run([sys.executable, "-m", "batch_updater", "run", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


# --- 5. a cell far away ------------------------------------------------------------------------


def test_a_value_at_xfd1048576_is_refused_with_exit_2_not_an_abort(tmp_path):
    """Before: python-calamine asked for 512 GiB for the used range and the process died of SIGABRT."""
    far = workbook(tmp_path / "far.xlsx", HEADER + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    assert far.stat().st_size < 5000
    done = run_cli_process(tmp_path, "far.xlsx", "--dry-run", "--report", "out.csv")
    assert done.returncode == 2, (done.returncode, done.stderr[-500:])
    assert "cell XFD1048576" in done.stderr and "A1:XFD1048576 (17,179,869,184 cells)" in done.stderr
    assert "more than this tool reads (50,000,000 cells)" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out.csv").exists()


def test_the_dimension_is_not_trusted_and_the_far_cell_is_named(tmp_path):
    path = workbook(tmp_path / "far.xlsx", HEADER + '<row r="900000"><c r="ZZ900000" t="inlineStr"><is><t></t>'
                    '</is></c></row>', dimension="A1:B2")  # an empty text still takes a cell
    with pytest.raises(InputError, match=r"cell ZZ900000, so its used range is A1:ZZ900000 \(631,800,000 cells\)"):
        load(path)


def test_cells_without_a_reference_are_placed_and_counted(tmp_path):
    """A program may leave out r="..." on cells: they are placed by their order in the row."""
    cells = "".join("<c><v>1</v></c>" for _ in range(48))  # 48 columns x 1,048,576 rows > 50 million
    path = workbook(tmp_path / "far.xlsx", HEADER + f'<row r="1048576">{cells}</row>')
    with pytest.raises(InputError, match=r"cell AV1048576, so its used range is A1:AV1048576"):
        load(path)


def test_far_cells_with_a_format_only_and_a_wide_sheet_within_the_budget_are_read(tmp_path):
    path = workbook(tmp_path / "styled.xlsx", HEADER + '<row r="1048576"><c r="XFD1048576" s="0"/></row>'
                    '<row r="3"><c r="A3" t="inlineStr"><is><t>6945345902185807892</t></is></c>'
                    '<c r="B3"><v>3</v></c><c r="BZ3"><v>7</v></c></row>', dimension="A1:XFD1048576")
    sheet = load(path)
    assert [row.cells[:2] for row in sheet.rows] == [(ID, "2"), ("6945345902185807892", "3")]


def test_a_legacy_xls_cannot_be_big_enough_to_matter():
    """An .xls holds at most 65,536 rows x 256 columns (16.8 million cells): within the budget."""
    assert 65_536 * 256 < limits.MAX_CELLS


# --- 21. a decompression bomb --------------------------------------------------------------------


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """1 MB on disk, more than 512 MiB of shared strings once unpacked."""
    path = workbook(tmp_path_factory.mktemp("bomb") / "bomb.xlsx", HEADER)
    item = b"<si><t>" + b"a" * 1000 + b"</t></si>"
    chunk = item * (2**20 // len(item))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for _ in range(limits.MAX_UNZIPPED_BYTES // len(chunk) + 8):
                part.write(chunk)
            part.write(b"</sst>")
    assert path.stat().st_size < 3 * 2**20
    return path


def test_a_decompression_bomb_is_refused_before_it_is_read(bomb, runner):
    result = runner.invoke(cli, ["run", str(bomb), "--dry-run", "--report", "out.csv"])
    assert result.exit_code == 2, result.output
    assert "xl/sharedStrings.xml unpacks to" in result.output and "zip bomb" in result.output
    assert sheet_names(bomb) == []  # the console's sheet picker does not read it either


def lie_about_size(path: Path, part: str, size: int) -> None:
    """Write a smaller uncompressed size for `part` in the zip's central directory and local header."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as book:
        info = book.getinfo(part)
    struct.pack_into("<I", data, info.header_offset + 22, size)  # local header: uncompressed size
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + name_length].decode() == part:
            struct.pack_into("<I", data, at + 24, size)  # central directory: uncompressed size
        at += 4
    path.write_bytes(bytes(data))


def test_a_declared_size_that_lies_is_not_trusted(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_UNZIPPED_BYTES", 2**20)
    path = workbook(tmp_path / "lie.xlsx", HEADER, extra={"xl/sharedStrings.xml": b"<sst>" + b" " * 3 * 2**20
                                                          + b"</sst>"})
    lie_about_size(path, "xl/sharedStrings.xml", 1000)
    with zipfile.ZipFile(path) as book:
        assert sum(i.file_size for i in book.infolist()) < 2**20  # the zip says it is small
    with pytest.raises(InputError, match=r"xl/sharedStrings.xml unpacks to more than 1 MiB"):
        load(path)


def test_a_workbook_within_the_budget_is_read_as_before(tmp_path):
    sheet = load(workbook(tmp_path / "small.xlsx", HEADER))
    assert [row.cells for row in sheet.rows] == [(ID, "2")]


# --- 21. not a file, a file too big --------------------------------------------------------------


def test_a_device_is_refused_not_read_for_ever(tmp_path):
    """Before: /dev/zero given as a .csv was read until a MemoryError traceback."""
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    with pytest.raises(InputError, match="zero.csv is a device, not a file"):
        load(link)
    done = run_cli_process(tmp_path, "zero.csv", "--dry-run")
    assert done.returncode == 2 and "is a device, not a file" in done.stderr and "Traceback" not in done.stderr


def test_a_pipe_is_refused(tmp_path):
    os.mkfifo(tmp_path / "in.csv")
    with pytest.raises(InputError, match="in.csv is a pipe, not a file"):
        load(tmp_path / "in.csv")  # never opened for reading, so no writer is waited for


def test_a_text_file_over_the_budget_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT_BYTES", 1000)
    path = tmp_path / "big.csv"
    path.write_text("ticket_id,status\n" + f"{ID},2\n" * 100)
    with pytest.raises(InputError, match=r"big.csv is 2 KiB, more than this tool reads \(1 KiB\): split it"):
        load(path)


# --- 21. one limit on a cell, CSV or workbook -----------------------------------------------------


def test_an_xlsx_cell_over_the_limit_makes_its_row_invalid_naming_the_cell(tmp_path):
    """Before: a 200,000-character cell of a workbook was sent, while a CSV refused more than 128 KiB."""
    long = "x" * 200_000
    rows = (HEADER.replace("status", "comment").replace("<c r=\"B2\"><v>2</v></c>",
                                                        f'<c r="B2" t="inlineStr"><is><t>{long}</t></is></c>')
            + f'<row r="3"><c r="A3" t="inlineStr"><is><t>6945345902185807892</t></is></c>'
              f'<c r="B3" t="inlineStr"><is><t>{"y" * limits.MAX_CELL_CHARS}</t></is></c></row>')
    with open(workbook(tmp_path / "long.xlsx", rows), "rb") as fp:
        sheet = read_excel(fp)
    first, second = validate_rows(sheet.rows, sheet.columns)
    assert isinstance(first, list) and "cell B2 holds 200,000 characters" in str(first[0])
    assert "more than 131,072" in str(first[0]) and "not sent" in str(first[0])
    assert not isinstance(second, list)  # exactly at the limit: sent


def test_a_csv_cell_over_the_limit_is_refused_as_before():
    from batch_updater.sheet.read import read_text

    data = f'ticket_id,comment\r\n{ID},"{"x" * 200_000}"\r\n'.encode()
    sheet = read_text(io.BytesIO(data))
    (errors,) = validate_rows(sheet.rows, sheet.columns)
    assert isinstance(errors, list) and "a cell of 200,000 characters (more than 128 KiB)" in str(errors[0])


def test_a_sheet_part_not_named_xml_counts_against_the_budget_too(tmp_path, monkeypatch):
    """Trial F3: a sheet part named sheet1.dat (the workbook's rels point at it, and the reader
    follows them) skipped the budget: 1.4 MB unpacked to 1.5 GB, then a MemoryError traceback."""
    monkeypatch.setattr(limits, "MAX_UNZIPPED_BYTES", 2**20)
    path = workbook(tmp_path / "dat.xlsx", HEADER)
    big = ('<?xml version="1.0" encoding="UTF-8"?><worksheet '
           'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + HEADER
           + '<row r="3"><c r="A3" t="inlineStr"><is><t>' + "D" * 3 * 2**20 + "</t></is></c></row>"
           "</sheetData></worksheet>")
    with zipfile.ZipFile(path) as book:
        parts = {i.filename: book.read(i) for i in book.infolist() if i.filename != "xl/worksheets/sheet1.xml"}
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"sheet1.xml", b"sheet1.dat")
    parts["xl/worksheets/sheet1.dat"] = big.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    with pytest.raises(InputError, match=r"its part xl/worksheets/sheet1.dat unpacks to more than 3 MiB"):
        load(path)
