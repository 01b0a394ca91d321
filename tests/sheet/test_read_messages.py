"""Issue 18, items 11, 22 and 24: what the reader says about a sheet it cannot take as it is."""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from batch_updater.cli import cli
from batch_updater.errors import InputError
from batch_updater.rows.validate import validate_rows
from batch_updater.sheet.read import load, read_text
from tests.sheet.test_read_limits import HEADER, workbook
from tests.support.sheets import read_rows, write_csv, write_xlsx

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


def test_a_formula_naming_another_workbook_by_its_path_or_name_is_flagged_as_a_link_too(tmp_path):
    """Trial F6: `'C:\\x\\[other.xlsx]Sheet1'!B2` (as a program may write it) was sent as its cached value."""
    rows = (HEADER.replace('<c r="B2"><v>2</v></c>', "<c r=\"B2\"><f>'C:\\x\\[other.xlsx]Sheet1'!B2</f><v>2</v></c>")
            + '<row r="3"><c r="A3" t="inlineStr"><is><t>6945345902185807892</t></is></c>'
              '<c r="B3"><f>[other.xlsx]Sheet1!B3+1</f><v>3</v></c></row>'
              '<row r="4"><c r="A4" t="inlineStr"><is><t>6945345902185807893</t></is></c>'
              '<c r="B4"><f>SUM(Table1[Status])</f><v>2</v></c></row>')  # a table's column: not a link
    sheet = load(linked_workbook(tmp_path / "paths.xlsx", rows))
    first, second, third = validate_rows(sheet.rows, sheet.columns)
    assert isinstance(first, list) and isinstance(second, list), (first, second)
    assert str(first[0]).startswith("status '2': cell B2 takes its value from another workbook (other.xlsx)")
    assert "cell B3 takes its value from another workbook (other.xlsx)" in str(second[0])
    assert not isinstance(third, list) and third.body == {"status": 2}


# --- 22. a column with no header, merged cells --------------------------------------------------------


def test_a_column_with_data_but_no_header_is_kept_not_sent_and_warned_about_once(tmp_path):
    """Before: a last column without a header made every row with data in it invalid ("a separator
    inside a cell needs quotes") and was dropped from the report."""
    path = write_xlsx(tmp_path / "in.xlsx", {"S": [["ticket_id", "status", "", "", ""],
                                                   [ID, "51", "a note", "", ""],
                                                   ["6945345902185807892", "2", "", "", "x"]]})
    sheet = load(path)
    assert sheet.columns.header == ("ticket_id", "status", "", "", "")
    assert [row.cells for row in sheet.rows] == [(ID, "51", "a note", "", ""),
                                                 ("6945345902185807892", "2", "", "", "x")]
    assert [row.overflow for row in sheet.rows] == [(), ()]
    assert [b.body for b in validate_rows(sheet.rows, sheet.columns)] == [{"status": 51}, {"status": 2}]
    assert [w for w in sheet.warnings if "header" in w] == [
        "columns C, E have data but no header: kept in the report, not sent (give a header to send a field)"]


def test_a_csv_header_with_an_empty_last_name_keeps_that_column(tmp_path):
    data = f"ticket_id,status,\r\n{ID},51,a note\r\n".encode()
    sheet = read_text(io.BytesIO(data))
    assert [row.cells for row in sheet.rows] == [(ID, "51", "a note")]
    assert not isinstance(validate_rows(sheet.rows, sheet.columns)[0], list)
    assert "column C has data but no header" in " ".join(sheet.warnings)


def test_a_csv_row_longer_than_its_header_is_still_a_separator_without_quotes():
    data = f"ticket_id,status\r\n{ID},51,extra\r\n".encode()
    sheet = read_text(io.BytesIO(data))
    (errors,) = validate_rows(sheet.rows, sheet.columns)
    assert "a separator inside a cell needs quotes" in str(errors[0])


def test_merged_header_and_ticket_id_cells_are_named_as_merged(tmp_path):
    """Before: a merged ticket id over three rows read as two rows without an id ("required"), and a
    merged header cell as a column without a name, without a word of the merge."""
    path = tmp_path / "merged.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_string(0, 0, "ticket_id")
    sheet.merge_range("B1:C1", "status")
    sheet.merge_range("A2:A4", ID)
    for row in (1, 2, 3):
        sheet.write_string(row, 1, "51")
        sheet.write_string(row, 2, "from a merged header")
    sheet.write_string(4, 0, "6945345902185807892")
    sheet.write_string(4, 1, "2")
    book.close()
    loaded = load(path)
    assert ("header cells B1:C1 are merged: column C has no header of its own (kept in the report, not sent); "
            "unmerge them and name each column") in loaded.warnings
    first, second, third, fourth = validate_rows(loaded.rows, loaded.columns)
    assert first.body == {"status": 51} and fourth.body == {"status": 2}
    assert [str(e) for e in second] == ["ticket_id: cell A3 is inside the merged cell A2:A4, whose value is in A2 "
                                        "only: unmerge it and fill in the cell on each row. This row is not sent"]
    assert "cell A4 is inside the merged cell A2:A4" in str(third[0])


# --- 24. a title above the header, Excel's sep= line, ignored columns --------------------------------


TITLED = [["Ticket changes, week 12"], [], ["ticket_id", "status"], [ID, "51"]]


@pytest.mark.usefixtures("cli_words")
def test_a_title_above_the_header_says_which_row_looks_like_the_header(tmp_path):
    path = write_xlsx(tmp_path / "in.xlsx", {"S": TITLED})
    with pytest.raises(InputError, match=r"the header row has 'Ticket changes, week 12'; row 3 looks like the "
                                         r"header \(it has a ticket id column\): if the rows above it are a "
                                         r"title, pass --header-row 3"):
        load(path)
    sheet = load(path, header_row=3)
    assert sheet.header_row == 3 and [(r.number, r.cells) for r in sheet.rows] == [(4, (ID, "51"))]


def test_header_row_from_the_command_line_and_the_job_file(runner, tmp_path):
    write_csv(tmp_path / "in.csv", TITLED)
    result = runner.invoke(cli, ["run", "in.csv", "--dry-run", "--report", "out.csv"])
    assert result.exit_code == 2 and "pass --header-row 3" in result.output
    result = runner.invoke(cli, ["run", "in.csv", "--dry-run", "--report", "out.csv", "--header-row", "3"])
    assert result.exit_code == 0, result.output
    assert [(r["ticket_id"], r["result"]) for r in read_rows(tmp_path / "out.csv")] == [(ID, "valid")]
    (tmp_path / "job.toml").write_bytes(codecs.BOM_UTF8 + b'input = "in.csv"\nheader_row = 3\n')
    result = runner.invoke(cli, ["run", "--config", "job.toml", "--dry-run", "--report", "job.csv"])
    assert result.exit_code == 0, result.output  # before: a job file with a byte-order mark was "not valid TOML"
    result = runner.invoke(cli, ["run", "in.csv", "--dry-run", "--header-row", "2"])
    assert result.exit_code == 2 and "--header-row 2: row 2 of the file is empty" in result.output
    result = runner.invoke(cli, ["run", "in.csv", "--dry-run", "--header-row", "0"])
    assert result.exit_code == 2 and "--header-row must be a row number from 1" in result.output


def test_excels_sep_line_gives_the_separator_and_is_not_the_header():
    """Before: sep=; was taken for the header row: no ticket id column, and no hint."""
    data = f"sep=;\r\nticket_id;status;comment\r\n{ID};51;done, thanks\r\n".encode()
    sheet = read_text(io.BytesIO(data))
    assert sheet.delimiter == ";" and sheet.header_row == 2
    assert [(r.number, r.cells) for r in sheet.rows] == [(3, (ID, "51", "done, thanks"))]
    tabbed = read_text(io.BytesIO(f'"sep=\t"\nticket_id\tstatus\n{ID}\t51\n'.encode()), delimiter=",")
    assert tabbed.kind == "tsv" and [r.cells for r in tabbed.rows] == [(ID, "51")]


def test_thousands_of_ignored_columns_are_named_in_a_short_warning():
    header = ["ticket_id", "status", *(f"extra {i}" for i in range(16_000))]
    data = (",".join(header) + f"\r\n{ID},51\r\n").encode()
    (warning,) = [w for w in read_text(io.BytesIO(data)).warnings if "not sent" in w]
    assert warning == ("columns kept in the report but not sent (not a ticket field): extra 0, extra 1, extra 2, "
                       "extra 3, extra 4, extra 5, extra 6, extra 7, extra 8, extra 9 and 15,990 more")


def test_a_malformed_cell_tag_is_refused_naming_the_sheet_and_the_place_not_read_as_another_value(tmp_path):
    """Trial F4: `<c r="B2" < t="s">` was read silently as the shared string's index (status 4, not
    the string "2" it points at)."""
    path = workbook(tmp_path / "bad.xlsx", '<row r="1"><c r="A1" t="inlineStr"><is><t>ticket_id</t></is></c>'
                    '<c r="B1" t="inlineStr"><is><t>status</t></is></c></row>'
                    f'<row r="2"><c r="A2" t="inlineStr"><is><t>{ID}</t></is></c><c r="B2" < t="s"><v>0</v></c>'
                    '</row>', extra={"xl/sharedStrings.xml": b'<sst xmlns="http://schemas.openxmlformats.org/'
                                     b'spreadsheetml/2006/main"><si><t>2</t></si></sst>'})
    with pytest.raises(InputError) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith("the workbook is damaged in sheet 'Sheet1' (xl/worksheets/sheet1.xml): its XML is "
                              "cut short or malformed (not well-formed (invalid token): line 1, column ")
