"""--write-back: the user's own file, with the result columns added beside their own columns and
everything else as it was; run end to end against the sandbox, and opened again with openpyxl."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from copy import copy
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from batch_updater.cli import cli
from batch_updater.errors import InputError, UsageError
from batch_updater.model import Outcome, Result
from batch_updater.paths import write_back_path
from batch_updater.run.job import RunOptions, run_job
from batch_updater.sandbox import SandboxConfig
from batch_updater.sheet.blocks import PLAN, RESULT_HEADER, RESULTS, WriteBack, block_spans, placement, results_block
from batch_updater.sheet.read import load
from batch_updater.sheet.writeback import check_write_back, write_back
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import write_csv

IDS = [str(7200000000000000001 + i * 7919) for i in range(6)]
HEADER_ROW = 3  # two blank rows above the header


def tracking_workbook(path: Path) -> Path:
    """A helpdesk lead's workbook: a styled header on row 3, a formula, a merged range, a comment,
    a data validation, a frozen header, a filter, a hidden row, a blank row between rows, a
    column width, a defined name, and a second sheet that refers to the first."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tickets"
    header = ["ticket_id", "status", "tag_names", "owner", "note"]
    blue = PatternFill("solid", fgColor="FF305496")
    for c, name in enumerate(header, 1):
        cell = sheet.cell(HEADER_ROW, c, name)
        cell.font = Font(bold=True, color="FFFFFFFF", name="Arial", size=12)
        cell.fill = blue
        cell.alignment = Alignment(horizontal="center")
        cell.border = Border(bottom=Side(style="thick"))
    rows = [
        [IDS[0], "closed", "vpn", "ann", "=UPPER(D4)"],
        [IDS[1], "2", "", "bob", "ok"],
        None,  # a blank row between rows: no result there
        [IDS[2], "nonsense", "x", "cat", "bad status: invalid"],
        [IDS[3], "51", "a, b", "dan", 'quote " and 中文'],
    ]
    number = HEADER_ROW
    for values in rows:
        number += 1
        if values is None:
            continue
        for c, value in enumerate(values, 1):
            sheet.cell(number, c, value)
    sheet["B4"].fill = PatternFill("solid", fgColor="FFFFFF00")
    sheet["B4"].number_format = "@"
    sheet.merge_cells("E7:E8")
    sheet["D5"].comment = Comment("ask bob first", "lead")
    validation = DataValidation(type="list", formula1='"1,2,3,4,5,50,51,closed"', allow_blank=True)
    sheet.add_data_validation(validation)
    validation.add("B4:B200")
    sheet.freeze_panes = "A4"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:E8"
    sheet.row_dimensions[5].hidden = True
    sheet.column_dimensions["A"].width = 24
    book.defined_names["Owners"] = DefinedName("Owners", attr_text="Tickets!$D$4:$D$8")
    notes = book.create_sheet("Summary")
    notes["A1"] = "Rows"
    notes["B1"] = "=COUNTA(Tickets!A4:A8)"
    notes["A1"].font = Font(italic=True)
    book.active = 0
    book.save(path)
    return path


def style(cell) -> tuple:
    """A cell's look as values (openpyxl hands out proxies that compare unequal to each other)."""
    return tuple(copy(getattr(cell, name)) for name in ("font", "fill", "border", "alignment", "protection")) + \
        (cell.number_format,)


def assert_kept(before_path: Path, after_path: Path, user_columns: int = 5) -> None:
    """Every cell, formula and style of the input as it was; its sheets, merges, comments,
    validations, frozen panes, widths, hidden rows and defined names too."""
    before, after = openpyxl.load_workbook(before_path), openpyxl.load_workbook(after_path)
    assert after.sheetnames == before.sheetnames and after.active.title == before.active.title
    for ws in before.worksheets:
        other = after[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                if cell.column > user_columns and ws.title == "Tickets":
                    continue  # the result columns of an earlier run: replaced on purpose
                twin = other[cell.coordinate]
                assert twin.value == cell.value, cell.coordinate
                assert style(twin) == style(cell), cell.coordinate
                assert (twin.comment.text if twin.comment else None) == (cell.comment.text if cell.comment else None)
        assert other.merged_cells.ranges == ws.merged_cells.ranges
        assert other.freeze_panes == ws.freeze_panes
        assert [(str(v.sqref), v.formula1) for v in other.data_validations.dataValidation] == \
            [(str(v.sqref), v.formula1) for v in ws.data_validations.dataValidation]
        assert {k: d.hidden for k, d in other.row_dimensions.items() if d.hidden} == \
            {k: d.hidden for k, d in ws.row_dimensions.items() if d.hidden}
        for letter, dim in ws.column_dimensions.items():
            if openpyxl.utils.column_index_from_string(letter) <= user_columns:
                assert other.column_dimensions[letter].width == dim.width
    assert {n: d.attr_text for n, d in after.defined_names.items()} == \
        {n: d.attr_text for n, d in before.defined_names.items()}


def block_of(path: Path, sheet: str = "Tickets") -> dict[str, list]:
    """The result columns as written: header -> cells of rows 4..8, with the fill of `result`."""
    ws = openpyxl.load_workbook(path)[sheet]
    header = [c.value for c in ws[HEADER_ROW]]
    found = {name: [ws.cell(r, header.index(name) + 1).value for r in range(4, 9)]
             for name in RESULT_HEADER if name in header}
    found["columns"] = header
    found["fills"] = [ws.cell(r, header.index("result") + 1).fill.fgColor.rgb for r in range(4, 9)]
    return found


def test_write_back_puts_each_result_on_its_row_and_keeps_everything_else(tmp_path):
    source = tracking_workbook(tmp_path / "tracking.xlsx")
    result = run_job(RunOptions(input=source, sandbox=True, rate="1000/s", report=tmp_path / "report.xlsx",
                                write_back=True), env={})
    assert result.write_back_path == tmp_path / "tracking-results.xlsx" and result.write_back_problem is None
    assert_kept(source, result.write_back_path)
    block = block_of(result.write_back_path)
    assert block["columns"] == ["ticket_id", "status", "tag_names", "owner", "note", *RESULT_HEADER]
    assert block["result"] == ["ok", "ok", None, "invalid", "ok"]  # row 6 is blank: nothing written there
    assert block["code"] == [0, 0, None, None, 0]
    assert "status" in block["msg"][3] and block["attempts"][:2] == [1, 1]
    assert all(block["log_id"][i] and block["finished_at"][i] for i in (0, 1, 4))
    assert block["fills"] == ["FFC6EFCE", "FFC6EFCE", "00000000", "FFFFD8B1", "FFC6EFCE"]
    ws = openpyxl.load_workbook(result.write_back_path)["Tickets"]
    header_cell = ws.cell(HEADER_ROW, 6)
    assert style(header_cell) == style(ws["E3"])  # like the user's header
    assert ws.auto_filter.ref == "A3:K8"  # the user's filter takes the result columns in
    assert openpyxl.load_workbook(source)["Tickets"].max_column == 5  # the input itself is untouched


def test_a_results_file_run_again_gets_its_result_columns_replaced_not_repeated(tmp_path):
    source = tracking_workbook(tmp_path / "tracking.xlsx")
    first = run_job(RunOptions(input=source, dry_run=True, report=tmp_path / "r1.xlsx", write_back=True), env={})
    assert block_of(first.write_back_path)["result"] == ["valid", "valid", None, "invalid", "valid"]
    book = openpyxl.load_workbook(first.write_back_path)
    book["Tickets"]["B7"] = "51"  # the user fixes the invalid row in the results file and runs that
    book.save(first.write_back_path)
    second = run_job(RunOptions(input=first.write_back_path, sandbox=True, rate="1000/s",
                                report=tmp_path / "r2.xlsx", write_back=True), env={})
    assert second.write_back_path == tmp_path / "tracking-check-results.xlsx"  # issue 18: a check's is -check
    block = block_of(second.write_back_path)
    assert block["columns"].count("result") == 1 and len(block["columns"]) == 11
    assert block["result"] == ["ok", "ok", None, "ok", "ok"]
    assert_kept(first.write_back_path, second.write_back_path)


def test_a_block_that_is_not_rightmost_is_replaced_in_place(tmp_path):
    source = tracking_workbook(tmp_path / "tracking.xlsx")
    first = run_job(RunOptions(input=source, dry_run=True, report=tmp_path / "r1.xlsx", write_back=True), env={})
    book = openpyxl.load_workbook(first.write_back_path)
    book["Tickets"]["L3"] = "checked by"  # the user adds a column of their own after the results
    book["Tickets"]["L4"] = "eve"
    book.save(first.write_back_path)
    second = run_job(RunOptions(input=first.write_back_path, dry_run=True, report=tmp_path / "r2.xlsx",
                                write_back=True), env={})
    block = block_of(second.write_back_path)
    assert block["columns"] == ["ticket_id", "status", "tag_names", "owner", "note", *RESULT_HEADER, "checked by"]
    assert openpyxl.load_workbook(second.write_back_path)["Tickets"]["L4"].value == "eve"


def test_an_xlsm_keeps_its_macros_and_its_suffix(tmp_path):
    import xlsxwriter

    vba = tmp_path / "vbaProject.bin"
    vba.write_bytes(b"\xd0\xcf\x11\xe0 a macro project, byte for byte" * 20)
    book = xlsxwriter.Workbook(str(tmp_path / "tickets.xlsm"))
    sheet = book.add_worksheet("Tickets")
    sheet.write_row(0, 0, ["ticket_id", "status"])
    sheet.write_row(1, 0, [IDS[0], "closed"])
    book.add_vba_project(str(vba))
    book.close()
    result = run_job(RunOptions(input=tmp_path / "tickets.xlsm", dry_run=True, report=tmp_path / "r.xlsx",
                                write_back=True), env={})
    assert result.write_back_path == tmp_path / "tickets-check.xlsm"  # a dry run's (issue 18: was -results)
    with zipfile.ZipFile(result.write_back_path) as z:
        assert z.read("xl/vbaProject.bin") == vba.read_bytes()
        assert b"macroEnabled" in z.read("[Content_Types].xml")
    assert openpyxl.load_workbook(result.write_back_path)["Tickets"]["C1"].value == "result"


def test_a_gbk_csv_with_semicolons_stays_gbk_with_semicolons(tmp_path):
    rows = [["ticket_id", "status", "备注"], [IDS[0], "已关闭", "客户说：谢谢"], [], [IDS[1], "乱码", "=1+1"]]
    source = write_csv(tmp_path / "工单.csv", rows, encoding="gbk", delimiter=";")
    result = run_job(RunOptions(input=source, sandbox=True, rate="1000/s", report=tmp_path / "r.csv",
                                write_back=True), env={})
    data = result.write_back_path.read_bytes()
    assert result.write_back_path.name == "工单-results.csv"
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    records = list(csv.reader(io.StringIO(data.decode("gbk"), newline=""), delimiter=";"))
    assert records[0] == ["ticket_id", "status", "备注", *RESULT_HEADER]
    assert records[1][:4] == [IDS[0], "已关闭", "客户说：谢谢", "ok"]
    assert records[2] == []  # the blank line stays blank
    assert records[3][:4] == [IDS[1], "乱码", "=1+1", "invalid"]  # the user's own cell as it was
    assert data.count(b"\r\n") == 4  # the input's line ends
    again = run_job(RunOptions(input=result.write_back_path, dry_run=True, report=tmp_path / "r2.csv",
                               write_back=True), env={})
    records = list(csv.reader(io.StringIO(again.write_back_path.read_bytes().decode("gbk"), newline=""),
                              delimiter=";"))
    assert records[0] == ["ticket_id", "status", "备注", *RESULT_HEADER]
    assert [r[3] for r in records if r][1:] == ["valid", "invalid"]


def test_a_tsv_in_utf16_keeps_its_encoding_and_a_message_that_looks_like_a_formula_stays_text(tmp_path):
    (tmp_path / "in.tsv").write_bytes(f"ticket_id\tstatus\n{IDS[0]}\tclosed\n".encode("utf-16"))
    sheet = load(tmp_path / "in.tsv")
    back = check_write_back(tmp_path / "in.tsv", sheet, RESULTS, None, None)
    outcome = Outcome(Result.FAILED, 400, 154000, "=HYPERLINK(\"x\")", "", 1, "")
    path, problem = write_back(back, sheet.rows, results_block([outcome]), {}, None)
    data = path.read_bytes()
    assert data[:2] == b"\xff\xfe" and problem is None
    records = list(csv.reader(io.StringIO(data.decode("utf-16"), newline=""), delimiter="\t"))
    assert records[1][2:5] == ["failed", "154000", "'=HYPERLINK(\"x\")"]


def test_plan_write_back_adds_the_plan_columns_to_a_file_of_its_own(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["ticket_id", "status", "owner"])
    book.active.append([IDS[0], "51", "ann"])
    book.active.append([IDS[1], "oops", "bob"])
    book.save(tmp_path / "t.xlsx")
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, get_rates=[(1_000_000, 1.0)])) as ts:
        done = CliRunner(env=ts.env()).invoke(cli, ["plan", str(tmp_path / "t.xlsx"), "--report",
                                                    str(tmp_path / "plan.xlsx"), "--write-back"])
        assert ts.stats()["applied"] == 0
    assert done.exit_code == 1, done.output
    assert f"Your file with the plan's columns: {tmp_path / 't-plan.xlsx'}" in done.output
    ws = openpyxl.load_workbook(tmp_path / "t-plan.xlsx").active
    header = [c.value for c in ws[1]]
    assert header == ["ticket_id", "status", "owner", "plan", "status (now)", "status (new)", "msg"]
    assert [ws.cell(r, 4).value for r in (2, 3)] == ["change", "invalid"]
    assert ws["F2"].value == "51" and ws["F2"].font.b and ws["E2"].font.strike  # the change, highlighted


def test_write_back_is_refused_before_anything_is_sent(tmp_path):
    source = write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "51"]])
    (tmp_path / "in-results.csv").mkdir()
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS)) as ts:
        done = CliRunner(env=ts.env()).invoke(cli, ["run", str(source), "--write-back", "--report",
                                                    str(tmp_path / "r.csv")])
        assert ts.stats()["requests"] == 0
    assert done.exit_code == 2 and "in-results.csv is a folder (nothing was sent)" in done.output


@pytest.mark.parametrize("name, report, expect", [
    ("old.xls", None, "an .xls (the old Excel format) cannot be edited"),
    ("in.csv", "in-results.csv", "would write over the --write-back file in-results.csv"),
    ("in.csv", "in-results-retry.csv", None),  # the retry file of that report is its own name: fine
])
@pytest.mark.usefixtures("cli_words")
def test_what_cannot_be_written_back_is_a_usage_error(tmp_path, name, report, expect):
    sheet = load(write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "51"]]))
    report_path = tmp_path / report if report else None
    if expect is None:
        assert check_write_back(tmp_path / name, sheet, RESULTS, report_path, None).target.name == "in-results.csv"
        return
    with pytest.raises(UsageError, match=re.escape(expect)):
        check_write_back(tmp_path / name, sheet, RESULTS, report_path, None)


def test_a_workbook_openpyxl_cannot_open_is_refused_with_one_line(tmp_path, monkeypatch):
    source = tracking_workbook(tmp_path / "t.xlsx")
    sheet = load(source)

    def broken(*args, **kwargs):
        raise KeyError("There is no item named 'xl/styles.xml' in the archive")

    monkeypatch.setattr(openpyxl, "load_workbook", broken)
    with pytest.raises(InputError, match=r"openpyxl cannot open t.xlsx to edit it \(KeyError: .*nothing was sent"):
        check_write_back(source, sheet, RESULTS, None, None)


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000100ffff03000006000557bfab"
                    "d40000000049454e44ae426082")


def test_what_openpyxl_cannot_carry_over_is_said_before_sending_and_after_writing(tmp_path):
    import xlsxwriter

    (tmp_path / "logo.png").write_bytes(PNG)
    book = xlsxwriter.Workbook(str(tmp_path / "in.xlsx"))
    sheet = book.add_worksheet("Tickets")
    sheet.write_row(0, 0, ["ticket_id", "status"])
    sheet.write_row(1, 0, [IDS[0], "closed"])
    sheet.insert_image("D2", str(tmp_path / "logo.png"))
    book.close()
    warnings: list[str] = []
    loaded = load(tmp_path / "in.xlsx")
    back = check_write_back(tmp_path / "in.xlsx", loaded, RESULTS, None, warnings.append)
    assert warnings == ["the workbook's images cannot be carried into the results file without Pillow "
                        "(pip install pillow)"]
    write_back(back, loaded.rows, results_block([Outcome(Result.VALID)]), {}, warnings.append)
    assert any("the results file lacks some of the workbook's images" in w for w in warnings[1:])


def test_a_folder_that_fails_at_the_end_sends_the_file_to_the_state_folder(tmp_path):
    source = write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "51"]])
    (tmp_path / "blocker").write_text("a file where the folder should be")
    sheet = load(source)
    back = WriteBack(tmp_path / "blocker" / "in-results.csv", source.read_bytes(), False, None, 1, "utf-8", ",")
    warnings: list[str] = []
    path, problem = write_back(back, sheet.rows, results_block([Outcome(Result.OK)]), {}, warnings.append)
    assert path is not None and path.parent.name == "reports" and path.read_text().startswith("ticket_id,status,result")
    assert problem is not None and warnings == [problem] and str(path) in problem


def test_rows_are_written_by_their_number_not_their_position(tmp_path):
    source = write_csv(tmp_path / "in.csv", [[], ["ticket_id", "status"], [IDS[0], "51"], [], [], [IDS[1], "2"]])
    sheet = load(source)
    assert sheet.header_row == 2 and [r.number for r in sheet.rows] == [3, 6]
    back = check_write_back(source, sheet, RESULTS, None, None)
    path, _ = write_back(back, sheet.rows, results_block([Outcome(Result.OK), Outcome(Result.FAILED)]), {}, None)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[2:3] for line in lines] == [[], ["result"], ["ok"], [], [], ["failed"]]


@pytest.mark.parametrize("header, kind, spans", [
    (["ticket_id", *RESULT_HEADER], RESULTS, [(1, 6)]),
    (["ticket_id", "result", "note"], RESULTS, []),  # a column of the user's own named result
    (["ticket_id", *RESULT_HEADER, "x", *RESULT_HEADER], RESULTS, [(1, 6), (8, 6)]),
    (["ticket_id", "plan", "status (now)", "status (new)", "tag_names (now)", "tag_names (new)", "msg"], PLAN,
     [(1, 6)]),
    (["ticket_id", "plan", "msg"], PLAN, [(1, 2)]),
    (["ticket_id", "plan", "status (now)", "owner", "msg"], PLAN, []),
    (["ticket_id", "plan", "status (now)", "status (new)", "msg", *RESULT_HEADER], RESULTS, [(5, 6)]),
    ([None, " Result ", "CODE", "msg", "log_id", "attempts", "finished_at"], RESULTS, [(1, 6)]),
])
def test_earlier_blocks_are_found_by_their_exact_headers(header, kind, spans):
    assert block_spans(header, kind) == spans


@pytest.mark.parametrize("used, spans, width, start", [
    (5, [], 6, 5),           # nothing earlier: right of the used range
    (11, [(5, 6)], 6, 5),    # the earlier block ends the used range: in its place
    (12, [(5, 6)], 6, 5),    # a column of the user's after it, and the new block fits: in place
    (12, [(5, 4)], 6, 12),   # a wider block than the earlier one, which is not last: at the end
    (9, [(5, 4)], 6, 5),     # a wider block where the earlier one ended the range: in its place
])
def test_placement(used, spans, width, start):
    assert placement(used, spans, width) == start


def test_the_write_back_file_is_named_after_the_input():
    assert write_back_path(Path("/x/Tracking.xlsm"), RESULTS) == Path("/x/Tracking-results.xlsm")
    assert write_back_path(Path("t.csv"), PLAN) == Path("t-plan.csv")


def test_a_plain_run_does_not_import_openpyxl(tmp_path):
    import subprocess
    import sys

    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "51"]])
    script = ("import sys\nfrom batch_updater.run.job import RunOptions, run_job\n"
              "run_job(RunOptions(input='in.csv', dry_run=True, report='r.xlsx'), env={})\n"
              "print(sorted({m.split('.')[0] for m in sys.modules} & {'openpyxl', 'pandas'}))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                          env={"PYTHONPATH": str(Path(__file__).parents[2]), "PATH": "/usr/bin:/bin",
                               "HOME": str(tmp_path)})
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr


def test_the_rows_of_a_dataframe_cannot_be_written_back(tmp_path):
    """The source says it has no file to copy (sources/base.py `write_back`): no kind of sheet is
    checked for it."""
    import pandas as pd

    from batch_updater.sources.frame import FrameSource

    source = FrameSource(pd.DataFrame({"ticket_id": [IDS[0]], "status": ["2"]}))
    with pytest.raises(UsageError, match="needs an input file"):
        run_job(RunOptions(input=source, write_back=True, dry_run=True))


def test_a_job_file_asks_for_write_back_and_the_command_says_where_it_went(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "51"]])
    (tmp_path / "job.toml").write_text('input = "in.csv"\nreport = "out.csv"\nwrite_back = true\n')
    done = CliRunner().invoke(cli, ["run", "--config", str(tmp_path / "job.toml"), "--dry-run"])
    assert done.exit_code == 0, done.output
    assert f"Your file with the result columns: {tmp_path / 'in-check.csv'}" in done.output  # issue 18: -check
    assert (tmp_path / "in-check.csv").read_text(encoding="utf-8").splitlines()[1].startswith(f"{IDS[0]},51,valid,")
