"""A number cell of an .xlsx is sent as Excel shows it by its number format, or its row is refused
naming the cell and the format; a code column (status...) takes the number itself."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import xlsxwriter
from click.testing import CliRunner

from batch_updater.cli import cli
from batch_updater.rows.validate import validate_rows
from batch_updater.sheet import xlsx_facts
from batch_updater.sheet.read import load

ID = "6945345902185807891"
CUSTOM = "custom:6948728206392295444"


def workbook(path, header, cells):
    """One sheet: the header, then one row: the ticket id, then each (value, number format or None)."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = book.add_worksheet("S")
    sheet.write_row(0, 0, header)
    sheet.write_string(1, 0, ID)
    for c, (value, num_format) in enumerate(cells, 1):
        style = book.add_format({"num_format": num_format}) if num_format is not None else None
        if isinstance(value, str):
            sheet.write_string(1, c, value, style)
        elif isinstance(value, dt.datetime):
            sheet.write_datetime(1, c, value, style)
        else:
            sheet.write_number(1, c, value, style)
    book.close()
    return path


def checked(path, **options):
    """The one row's body, or its errors as one string."""
    (item,) = validate_rows(*(lambda s: (s.rows, s.columns))(load(path, **options)))
    return "; ".join(map(str, item)) if isinstance(item, list) else item.body


def custom(value):
    return {"customized_fields": [{"id": "6948728206392295444", "value": value}]}


def test_a_zero_padded_custom_field_is_sent_as_excel_shows_it(tmp_path):
    path = workbook(tmp_path / "t.xlsx", ["ticket_id", CUSTOM], [(123, "00000")])
    assert checked(path) == custom("00123")


def test_thousands_with_decimals_are_sent_as_excel_shows_them(tmp_path):
    path = workbook(tmp_path / "t.xlsx", ["ticket_id", CUSTOM], [(1234567.891, "#,##0.00")])
    assert checked(path) == custom("1,234,567.89")


@pytest.mark.parametrize(
    "value, num_format, shown",
    [
        (123.4, "0", "123"),  # built-in 1: a fraction is rounded away
        (2.675, "0.00", "2.68"),  # built-in 2: half away from zero, on the 15 digits Excel keeps
        (-1234.5, "#,##0", "-1,235"),  # built-in 3
        (0.5, 4, "0.50"),  # built-in 4 by its id
        (7, "000.000", "007.000"),
        (3, '"No. "000', "No. 003"),
        (-1.5, "0.00_ ;[Red]\\-0.00\\ ", "-1.50"),  # a Chinese Excel's Number format (its padding: no character)
        (-1234.5, "#,##0.00_);[Red]\\(#,##0.00\\)", "(1,234.50)"),  # the negative section shows no minus
        (0, '0.00;-0.00;"none"', "none"),  # the zero section
    ],
)
def test_zero_padding_and_fixed_decimals_are_shown_exactly(tmp_path, value, num_format, shown):
    path = workbook(tmp_path / "t.xlsx", ["ticket_id", CUSTOM], [(value, num_format)])
    assert checked(path) == custom(shown)


def test_a_fraction_makes_its_row_invalid_naming_the_cell_and_the_format(tmp_path):
    path = workbook(tmp_path / "t.xlsx", ["ticket_id", "comment", CUSTOM], [("fine", None), (1 / 3, "# ?/?")])
    assert checked(path) == (
        f"{CUSTOM} '0.3333333333333333': cell C2 shows this number by its number format # ?/?, which this tool "
        "cannot show exactly as Excel does; type the value as text (format the column as Text) so that it is "
        "sent as shown. This row is not sent")


@pytest.mark.parametrize(
    "num_format, named",
    [
        (37, "its built-in number format 37"),  # accounting: looks as Windows' locale says
        (5, "its built-in number format 5"),  # currency: the same
        (11, "its number format 0.00E+00"),
        ('_-* #,##0.00_-;\\-* #,##0.00_-;_-* "-"??_-;_-@_-', 'its number format _-* #,##0.00_-'),  # a fill
        ("[>=100]0;0.0", "its number format [>=100]0;0.0"),  # a condition
        ("[$¥-804]#,##0.00", "its number format [$¥-804]#,##0.00"),  # a locale's currency
        ("0.00;[Red]0.00", "its number format 0.00;[Red]0.00"),  # -12.5 shown as 12.50 in red: its sign lost
    ],
)
def test_other_formats_are_refused_not_guessed(tmp_path, num_format, named):
    path = workbook(tmp_path / "t.xlsx", ["ticket_id", "tags"], [(-12.5, num_format)])
    assert f"cell B2 shows this number by {named}" in checked(path)


@pytest.mark.parametrize(
    "value, code",
    [
        (-0.001, "0.00"),  # -0.00 or 0.00: not told here
        (5, ";;;"),  # hidden: the cell looks empty
        (1e30, "0.00"),  # more digits than are kept here
        (-1, '"N/A"'),  # no digits to put the sign before
        (0.5, "# ?/?"),
        (0.5, "0.0#"),
    ],
)
def test_what_cannot_be_shown_exactly_is_not_guessed(value, code):
    from batch_updater.sheet.numfmt import number_format

    shown = number_format(164, code)
    assert shown is not None and shown.show(value) is None


def test_a_date_is_still_sent_as_a_date_beside_a_formatted_number(tmp_path):
    """The date and the zero-padded number in one sheet: the XML pass that finds the format leaves
    the date as calamine reads it."""
    path = workbook(tmp_path / "t.xlsx", ["ticket_id", "comment", CUSTOM],
                    [(dt.datetime(2024, 1, 5), "yyyy-mm-dd"), (123, "00000")])
    assert checked(path) == {"comment": "2024-01-05", **custom("00123")}


def test_a_general_number_is_still_the_number_beside_a_formatted_one(tmp_path):
    path = workbook(tmp_path / "t.xlsx", ["ticket_id", "comment", CUSTOM], [(0.3333333333333333, None), (7, "000")])
    assert checked(path) == {"comment": "0.3333333333333333", **custom("007")}


@pytest.mark.parametrize("num_format", ["0.00", "# ?/?", 37])
def test_a_status_code_is_its_number_whatever_its_format(tmp_path, num_format):
    path = workbook(tmp_path / "t.xlsx", ["ticket_id", "status", CUSTOM], [(2, num_format), (5, "00")])
    assert checked(path) == {"status": 2, **custom("05")}


def test_a_code_column_named_by_the_job_file_is_a_code_too(tmp_path):
    path = workbook(tmp_path / "t.xlsx", ["ticket_id", "State", "Kind", "Ref"], [(2, "# ?/?"), (1, "0.00"),
                                                                               (42, "000000")])
    renames = {"State": "status", "Kind": "ticket_type", "Ref": CUSTOM}
    assert checked(path, renames=renames) == {"status": 2, "ticket_type": 1, **custom("000042")}


def test_a_long_number_keeps_its_own_message_whatever_its_format(tmp_path):
    path = workbook(tmp_path / "t.xlsx", ["ticket_id", "comment"], [(6945345902185807891, "0")])
    assert "kept only its first 15 digits" in checked(path)


def test_the_cli_names_the_cell_and_its_format(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    workbook(tmp_path / "in.xlsx", ["ticket_id", "status", "comment", CUSTOM], [(51, None), ("x", None),
                                                                                  (0.25, "# ?/?")])
    result = CliRunner().invoke(cli, ["run", "in.xlsx", "--dry-run", "--report", "out.csv"])
    assert result.exit_code == 1, result.output
    assert "cell D2 shows this number by its number format # ?/?" in result.output
    (row,) = csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8-sig")))
    assert row["result"] == "invalid" and "cell D2 shows this number by its number format # ?/?" in row["msg"]


# --- cost and agreement with calamine --------------------------------------------------------


def test_text_cells_in_a_formatted_column_cost_no_xml_pass(tmp_path, monkeypatch):
    """A column formatted 00000 holding text only (typed after formatting as Text): the quick scan skips
    the sheet's XML, since a sheet without numbers has nothing a number format changes."""
    path = workbook(tmp_path / "t.xlsx", ["ticket_id", CUSTOM], [("00123", "00000")])

    def no_pass(*args):
        raise AssertionError("the full XML pass ran")

    monkeypatch.setattr(xlsx_facts, "_scan", no_pass)
    assert checked(path) == custom("00123")


CODES = ["00000", "#,##0.00", "# ?/?", "yyyy-mm-dd", 'yyyy"年"m"月"d"日"', "0.00_ ;[Red]\\-0.00\\ ", "[h]:mm",
         "General", "@", "#,##0*y", "[$-409]0.00", "hh", "[Red]0.00", "mm:ss", '"d"0', "\\y0", "0_m", "[>=100]0",
         "am/pm", "h AM/PM", "[ss]", "0.0;[Red]-0.0;[Blue]\"zero\"", "m\"M\"d\"D\";@"]


def test_date_formats_are_the_ones_calamine_reads_as_dates(tmp_path):
    """A number in a format that calamine does not read as a date is looked at; one it reads as a date is
    left to it: the two must agree, or a number would go out unlooked at."""
    book = xlsxwriter.Workbook(str(tmp_path / "t.xlsx"))
    sheet = book.add_worksheet("S")
    ids = list(range(164))
    for r, num_format in enumerate([*CODES, *ids]):
        sheet.write_number(r, 0, 45296.5, book.add_format({"num_format": num_format}))
    book.close()
    from python_calamine import CalamineWorkbook

    from batch_updater.sheet.numfmt import calamine_date, number_format

    values = [row[0] for row in CalamineWorkbook.from_path(str(tmp_path / "t.xlsx")).get_sheet_by_name("S").to_python()]
    read_as_dates = [not isinstance(v, float) for v in values]
    expected = [calamine_date(code) for code in CODES]
    expected += [i not in (9, 10) and number_format(i, None) is None and i not in (0, 49) for i in ids]
    assert read_as_dates == expected
