import csv
import io
from pathlib import Path

import openpyxl
import pytest

from batch_updater.errors import UsageError
from batch_updater.model import RESULT_NAMES, Outcome, Result
from batch_updater.paths import sibling_path
from batch_updater.sheet.read import load, read_text
from batch_updater.sheet.report import check_report_path, write_report, write_retry
from batch_updater.sheet.write import inert_row
from tests.support.sheets import csv_bytes, write_csv

ID = "6945345902185807891"
EVIL = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]


def sheet_and_outcomes():
    sheet = read_text(io.BytesIO(csv_bytes([["ticket_id", "comment", "result"], [ID, "hi", "old"],
                                            ["2", "=HYPERLINK(\"x\")", "old"], ["3", "", ""]])))
    outcomes = [Outcome(Result.OK, 200, 0, "success", "log-1", 1, "2026-01-01T00:00:00+00:00"),
                Outcome(Result.FAILED, 404, 154004, "=Resource not found", "log-2", 1, "t"),
                Outcome(Result.INVALID, msg="row: nothing to change")]
    return sheet, outcomes


@pytest.mark.parametrize("value", EVIL)
def test_inert_row_prefixes_formula_starts(value):
    assert inert_row([value]) == ["'" + value]


@pytest.mark.parametrize("value", ["plain", "1", 404, "", "a=b"])
def test_inert_row_leaves_the_rest(value):
    assert inert_row([value]) == [value]


def test_csv_report_columns_order_and_injection(tmp_path):
    sheet, outcomes = sheet_and_outcomes()
    path = tmp_path / "r.csv"
    write_report(path, sheet, outcomes, {})
    text = path.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    # issue 18: the sheet's own lone 'result' column is kept (was: dropped), ours named apart; then `row`
    assert rows[0] == ["ticket_id", "comment", "result", "result (run)", *RESULT_NAMES[1:], "row"]
    assert rows[1] == [ID, "hi", "old", "ok", "200", "0", "success", "log-1", "1", "2026-01-01T00:00:00+00:00", "2"]
    assert rows[2][1] == "'=HYPERLINK(\"x\")" and rows[2][6] == "'=Resource not found"
    assert rows[3][3:] == ["invalid", "", "", "row: nothing to change", "", "", "", "4"]
    # and it reads back as the same input cells, our columns recognised and left out
    again = load(path)
    assert [again.columns.header[i] for i in again.columns.kept] == ["ticket_id", "comment", "result"]
    assert [r.cells[:3] for r in again.rows] == [(ID, "hi", "old"), ("2", "=HYPERLINK(\"x\")", "old"), ("3", "", "")]


def test_xlsx_report_is_inert_coloured_filtered_frozen(tmp_path):
    sheet, outcomes = sheet_and_outcomes()
    path = tmp_path / "r.xlsx"
    write_report(path, sheet, outcomes, {"mode": "test"})
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Report", "Summary"]
    ws = book["Report"]
    assert [c.value for c in ws[1]] == ["ticket_id", "comment", "result", "result (run)", *RESULT_NAMES[1:], "row"]
    assert ws["A2"].value == ID and ws["A2"].data_type == "s"
    assert ws["B3"].value == "=HYPERLINK(\"x\")" and ws["B3"].data_type == "s"
    assert ws["G3"].value == "=Resource not found" and ws["G3"].data_type == "s"
    assert ws["E3"].value == 404 and ws["F3"].value == 154004 and ws["K3"].value == 3
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:K4"
    assert ws["D2"].fill.fgColor.rgb.endswith("C6EFCE") and ws["D3"].fill.fgColor.rgb.endswith("FFC7CE")
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True)}
    assert summary["ok"] == 1 and summary["failed"] == 1 and summary["invalid"] == 1
    assert summary["154004 =Resource not found"] == 1 and summary["mode"] == "test"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".tsv"])
def test_retry_file_holds_only_rows_not_ok_in_input_columns(tmp_path, suffix):
    sheet, outcomes = sheet_and_outcomes()
    path = tmp_path / f"r-retry{suffix}"
    assert write_retry(path, sheet, outcomes, {Result.OK}) == 2
    again = load(path)
    assert again.columns.header == ("ticket_id", "comment", "result", "result (run)", "why", "row")
    assert again.columns.kept == (0, 1, 2)  # issue 18: `result`, `why` and `row` are ours, left out
    assert [r.cells for r in again.rows] == [("2", "=HYPERLINK(\"x\")", "old", "failed", "=Resource not found", "3"),
                                             ("3", "", "", "invalid", "row: nothing to change", "4")]


def test_no_retry_file_when_every_row_is_ok(tmp_path):
    sheet, outcomes = sheet_and_outcomes()
    path = tmp_path / "r-retry.csv"
    path.write_text("stale")
    assert write_retry(path, sheet, [Outcome(Result.OK)] * 3, {Result.OK}) == 0
    assert not path.exists()


def test_a_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    sheet, outcomes = sheet_and_outcomes()
    path = tmp_path / "r.csv"
    path.write_text("previous report")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr("batch_updater.sheet.report.write_delimited", boom)
    with pytest.raises(OSError):
        write_report(path, sheet, outcomes, {})
    assert path.read_text() == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]


def test_report_path_is_never_the_input(tmp_path):
    data = write_csv(tmp_path / "in.csv", [["ticket_id"], ["1"]])
    with pytest.raises(UsageError, match="over the input file"):
        check_report_path(tmp_path / "." / "in.csv", data)
    with pytest.raises(UsageError, match="use a .xlsx, .csv or .tsv"):
        check_report_path(tmp_path / "out.pdf", data)
    check_report_path(tmp_path / "out.csv", data)
    retry_input = write_csv(tmp_path / "x-retry.csv", [["ticket_id"], ["1"]])
    with pytest.raises(UsageError, match="would write x-retry.csv over the input file"):
        check_report_path(tmp_path / "x.csv", retry_input)


def test_sibling_path():
    assert sibling_path(Path("reports/x-1.xlsx"), "retry") == Path("reports/x-1-retry.xlsx")


def test_xlsx_report_charts_results_and_the_run_second_by_second(tmp_path):
    from batch_updater.model import Second

    sheet, outcomes = sheet_and_outcomes()
    path = tmp_path / "r.xlsx"
    write_report(path, sheet, outcomes, {"mode": "sandbox"}, [Second(0, 5, 0, 5.0), Second(1, 3, 2, 4.25)])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Report", "Summary", "Timeline"]
    assert list(book["Timeline"].iter_rows(values_only=True)) == [
        ("second", "accepted", "throttled", "pacing rate (/s)"), (0, 5, 0, 5), (1, 3, 2, 4.25)]
    assert len(book["Summary"]._charts) == 2


def test_a_semicolon_csv_gets_a_semicolon_report_and_retry_file(tmp_path):
    sheet = read_text(io.BytesIO(b"ticket_id;comment\n1;a\n2;b\n"))
    outcomes = [Outcome(Result.OK), Outcome(Result.FAILED, 404, 154004, "Resource not found")]
    write_report(tmp_path / "r.csv", sheet, outcomes, {})
    write_retry(tmp_path / "r-retry.csv", sheet, outcomes, {Result.OK})
    assert (tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()[0].startswith("ticket_id;comment;result")
    assert (tmp_path / "r-retry.csv").read_text(encoding="utf-8-sig").splitlines() == [
        "ticket_id;comment;result;why;row", "2;b;failed;Resource not found;3"]
