"""Issue 14, reading input files: nothing read is merged, garbled, hidden or lost in silence."""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner

from batch_updater.cli import cli
from batch_updater.errors import InputError
from batch_updater.rows.validate import validate_rows
from batch_updater.sheet.read import load, read_text
from tests.support.sheets import read_rows, write_xlsx

ID = "6945345902185807891"
IDS = [str(6945345902185807891 + i) for i in range(10)]
DATA = Path(__file__).parent.parent / "data"


def errors_of(sheet):
    """Each row's validation errors as one string ('' for a valid row)."""
    checked = validate_rows(sheet.rows, sheet.columns)
    return ["; ".join(map(str, item)) if isinstance(item, list) else "" for item in checked]


def bodies_of(sheet):
    return [item.body if not isinstance(item, list) else None for item in validate_rows(sheet.rows, sheet.columns)]


def rewrite_zip_part(path: Path, part: str, old: bytes, new: bytes) -> None:
    """Edit one part of an .xlsx, as a program other than Excel might have written it."""
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    assert old in parts[part], parts[part][:2000]
    parts[part] = parts[part].replace(old, new)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)


# --- 4. an unclosed quote in a CSV ------------------------------------------------------

SWALLOWED = (
    "ticket_id,status,comment\r\n"
    f"{IDS[0]},51,ok\r\n"
    f'{IDS[1]},51,"Customer said ""thanks\r\n'  # line 3: the quote is never closed...
    f"{IDS[2]},51,fine\r\n"
    f'{IDS[3]},51,"done"\r\n'  # ...until this line's first quote
    f"{IDS[4]},51,closed\r\n"
).encode()


def test_an_unclosed_quote_is_refused_naming_its_line():
    with pytest.raises(InputError, match=r"line 3: the quote that opens column C \(comment\) runs on to "
                                         r"line 5, so lines 4-5 were read into that one cell"):
        read_text(io.BytesIO(SWALLOWED))


def test_an_unclosed_quote_is_exit_2_and_sends_nothing(runner, tmp_path):
    (tmp_path / "in.csv").write_bytes(SWALLOWED)
    result = runner.invoke(cli, ["run", "in.csv", "--dry-run", "--report", "out.csv"])
    assert result.exit_code == 2
    assert "line 3" in result.output and "write a quote inside a cell as two" in result.output
    assert not (tmp_path / "out.csv").exists()


def test_an_unclosed_quote_running_to_the_end_is_refused():
    data = f'ticket_id,comment\n{IDS[0]},"never closed\n{IDS[1]},second\n{IDS[2]},third\n'.encode()
    with pytest.raises(InputError, match="line 2: .* lines 3-4 were read into that one cell"):
        read_text(io.BytesIO(data))


def test_an_unclosed_quote_swallowing_one_line_names_that_line_once_in_both_languages():
    """Final trial #13: `第 3-3 行` (and `lines 3-3`) for a single line swallowed."""
    from batch_updater.i18n import speaking

    data = f'ticket_id,comment\n{IDS[0]},"never closed\n{IDS[1]},second\n'.encode()
    with pytest.raises(InputError, match="so line 3 was read into that one cell though it looks like a row of its own"):
        read_text(io.BytesIO(data))
    with speaking("zh"), pytest.raises(InputError) as zh:
        read_text(io.BytesIO(data))
    assert "所以第 3 行被读进了这一个单元格" in str(zh.value) and "3-3" not in str(zh.value)


def test_a_quoted_comment_of_several_lines_is_still_one_cell():
    comment = "Line one, with a comma\r\n42, the answer\r\nCall 400-800-1234"
    data = f'ticket_id,status,comment\r\n{IDS[0]},51,"{comment}"\r\n{IDS[1]},2,x\r\n'.encode()
    sheet = read_text(io.BytesIO(data))
    assert [r.cells[2] for r in sheet.rows] == [comment, "x"]
    assert [r.number for r in sheet.rows] == [2, 3]


def test_a_cell_over_the_csv_limit_makes_its_row_invalid_not_the_file():
    huge = "x" * 200_000
    data = f"ticket_id,status,comment\n{IDS[0]},51,ok\n{IDS[1]},51,{huge}\n{IDS[2]},51,ok\n".encode()
    sheet = read_text(io.BytesIO(data))
    errors = errors_of(sheet)
    assert [r.number for r in sheet.rows] == [2, 3, 4]
    assert errors[0] == errors[2] == ""
    assert "a cell of 200,000 characters (more than 128 KiB)" in errors[1]


# --- 5. encodings -------------------------------------------------------------------

SIMPLIFIED = ["客户反馈登录失败，已重置密码并通知用户", "网络故障已修复，请确认", "退款申请已处理完毕"]
TRADITIONAL = ["客戶反饋登錄失敗，已重置密碼並通知用戶", "網絡故障已修復，請確認", "退款申請已處理完畢"]
NAMES = ["张堃", "李喆", "王镕", "赵昇", "陈玥"]  # names with characters outside GB2312


def csv_text(comments, status="已关闭"):
    lines = ["工单ID,状态,评论"] + [f"{IDS[i % 10]},{status},{c}" for i, c in enumerate(comments)]
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize("comments", [SIMPLIFIED, TRADITIONAL, NAMES, ["录", "是", "录音已处理"]],
                         ids=["simplified", "traditional", "rare-names", "short-cells"])
def test_genuine_gbk_files_are_read_as_gb18030(comments):
    sheet = read_text(io.BytesIO(csv_text(comments).encode("gbk")))
    assert sheet.encoding == "gb18030"
    assert [r.cells[2] for r in sheet.rows] == comments


@pytest.mark.usefixtures("cli_words")
def test_a_file_mixing_utf8_and_gbk_lines_is_refused_naming_both():
    data = csv_text(SIMPLIFIED[:2]).encode("gbk") + f"{IDS[5]},51,中文\r\n".encode()
    with pytest.raises(InputError, match=r"mixes encodings: line 4 is UTF-8 but line 1 is not .*--encoding"):
        read_text(io.BytesIO(data))


def test_a_utf8_file_with_one_gbk_line_is_refused_naming_it():
    data = csv_text(SIMPLIFIED).encode("utf-8") + f"{IDS[5]},51,中文备注\r\n".encode("gbk")
    with pytest.raises(InputError, match=r"line 1 is UTF-8 but line 5 is not"):
        read_text(io.BytesIO(data))


@pytest.mark.parametrize(
    "text, codec",
    [
        ("ticket_id,comment\r\n1,Café au lait – “quoted” résumé naïve\r\n2,Müller & Söhne\r\n", "cp1252"),
        ("ticket_id,comment\r\n" + "".join(f"{i},{c}\r\n" for i, c in enumerate(TRADITIONAL)), "big5"),
        ("ticket_id,comment\r\n1,お客様からログインできないとの連絡がありました\r\n", "shift_jis"),
    ],
)
@pytest.mark.usefixtures("cli_words")
def test_other_encodings_stop_and_name_the_option(text, codec):
    with pytest.raises(InputError, match="--encoding"):
        read_text(io.BytesIO(text.encode(codec)))
    assert read_text(io.BytesIO(text.encode(codec)), encoding=codec).rows[0].cells[1] == text.split("\r\n")[1][2:]


def test_a_bom_does_not_hide_a_line_in_another_encoding():
    data = codecs.BOM_UTF8 + csv_text(SIMPLIFIED[:1]).encode("utf-8") + f"{IDS[5]},51,备注\r\n".encode("gbk")
    with pytest.raises(InputError, match="UTF-8 byte-order mark but line 3"):
        read_text(io.BytesIO(data))


@pytest.mark.usefixtures("cli_words")
def test_utf16_without_a_bom_is_read_when_certain_and_named_otherwise():
    text = csv_text(SIMPLIFIED)
    sheet = read_text(io.BytesIO(text.encode("utf-16-le")))
    assert sheet.encoding == "utf-16-le" and sheet.rows[0].cells[2] == SIMPLIFIED[0]
    with pytest.raises(InputError, match="--encoding utf-16-le"):
        read_text(io.BytesIO(text.encode("utf-16-le")[:-1]))  # cut short: not certain


def test_the_cli_prints_the_encoding_it_read(runner, tmp_path):
    (tmp_path / "in.csv").write_bytes(csv_text(SIMPLIFIED).encode("gbk"))
    result = runner.invoke(cli, ["run", "in.csv", "--dry-run", "--report", "out.csv"])
    assert result.exit_code == 0, result.output
    assert "Input: encoding gb18030, comma-separated" in result.output


def test_plan_prints_the_encoding_it_read(tmp_path, monkeypatch):
    from batch_updater.sandbox import SandboxConfig
    from tests.support.send_harness import ThreadSandbox

    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.csv").write_bytes(csv_text(SIMPLIFIED[:1], status="51").encode("utf-8"))
    fast = [(1_000_000, 1.0)]
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, get_rates=fast, rates=fast)) as ts:
        for name, value in ts.env().items():
            monkeypatch.setenv(name, value)
        result = CliRunner().invoke(cli, ["plan", "in.csv", "--report", "plan.csv"])
    assert result.exit_code == 0, result.output
    assert "Input: encoding utf-8, comma-separated" in result.output


# --- 7. hidden sheets and rows ------------------------------------------------------


def hidden_workbook(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    old = book.add_worksheet("Old")
    old.write_row(0, 0, ["ticket_id", "status"])
    old.write_row(1, 0, [IDS[9], "1"])
    old.hide()
    tickets = book.add_worksheet("Tickets")
    tickets.write_row(0, 0, ["ticket_id", "status", "comment"])
    for r in range(1, 6):
        tickets.write_row(r, 0, [IDS[r], "51", f"row {r + 1}"])
    tickets.set_row(2, None, None, {"hidden": True})
    tickets.set_row(4, None, None, {"hidden": True})
    tickets.activate()
    book.close()
    return path


def test_the_active_visible_sheet_is_read_not_a_hidden_first_one(tmp_path):
    sheet = load(hidden_workbook(tmp_path / "t.xlsx"))
    assert sheet.sheet_name == "Tickets"
    assert [r.cells[0] for r in sheet.rows] == IDS[1:6]


def test_the_active_sheet_is_read_when_it_is_not_the_first(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "t.xlsx"))
    book.add_worksheet("Notes").write(0, 0, "ticket_id")
    second = book.add_worksheet("Changes")
    second.write_row(0, 0, ["ticket_id", "status"])
    second.write_row(1, 0, [ID, "51"])
    second.activate()
    book.close()
    assert load(tmp_path / "t.xlsx").sheet_name == "Changes"
    assert load(tmp_path / "t.xlsx", sheet="1").sheet_name == "Notes"  # --sheet still chooses


def test_hidden_rows_are_counted_in_a_warning(tmp_path):
    sheet = load(hidden_workbook(tmp_path / "t.xlsx"))
    assert len(sheet.rows) == 5  # still read: hiding a row in Excel is not deleting it
    assert "2 rows are hidden in Excel (hidden or filtered out) but read and sent like the others: 3, 5" \
        in sheet.warnings


def test_a_hidden_sheet_asked_for_is_read_with_a_warning(tmp_path):
    sheet = load(hidden_workbook(tmp_path / "t.xlsx"), sheet="Old")
    assert sheet.sheet_name == "Old" and sheet.rows[0].cells[0] == IDS[9]
    assert any("sheet 'Old' is hidden in Excel" in w for w in sheet.warnings)


def test_hidden_columns_that_are_sent_are_named(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "t.xlsx"))
    sheet = book.add_worksheet("S")
    sheet.write_row(0, 0, ["ticket_id", "status", "comment", "note"])
    sheet.write_row(1, 0, [ID, "51", "hidden text", "x"])
    sheet.set_column("C:D", None, None, {"hidden": True})
    book.close()
    warnings = load(tmp_path / "t.xlsx").warnings
    assert "columns hidden in Excel are read and sent like the others: C (comment)" in warnings


def test_an_active_chart_sheet_falls_back_to_the_first_visible_worksheet(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "t.xlsx"))
    data = book.add_worksheet("Data")
    data.write_row(0, 0, ["ticket_id", "status"])
    data.write_row(1, 0, [ID, "51"])
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "=Data!$B$2:$B$2"})
    chartsheet = book.add_chartsheet("Chart")
    chartsheet.set_chart(chart)
    chartsheet.activate()
    book.close()
    assert load(tmp_path / "t.xlsx").sheet_name == "Data"


def test_the_cli_names_the_sheet_and_warns_of_hidden_rows(runner, tmp_path):
    hidden_workbook(tmp_path / "in.xlsx")
    result = runner.invoke(cli, ["run", "in.xlsx", "--dry-run", "--report", "out.csv"])
    assert result.exit_code == 0, result.output
    assert "Input: sheet 'Tickets'" in result.output
    assert "warning: 2 rows are hidden in Excel" in result.output


# --- 8. Excel values ------------------------------------------------------------------


def test_long_numbers_in_text_fields_are_refused_like_ids(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", {"S": [
        ["ticket_id", "comment", "tag_names", "custom:123"],
        [IDS[0], "", "", 12345678901234567],
        [IDS[1], 12345678901234567, "", ""],
        [IDS[2], "", 98765432109876543, ""],
        [IDS[3], "", "", 1234567890123],  # 13 digits: exact, fine
    ]})
    sheet = load(path)
    errors = errors_of(sheet)
    assert sheet.rows[0].cells[3] == "1.23456789012346E+16"
    assert "custom:123 '1.23456789012346E+16': Excel stored this as a number and kept only its first 15 " \
           "digits" in errors[0]
    assert errors[1].startswith("comment '1.23456789012346E+16': Excel stored this as a number")
    assert errors[2].startswith("tag_names '9.87654321098765E+16': Excel stored this as a number")
    assert errors[3] == ""
    assert bodies_of(sheet)[3] == {"customized_fields": [{"id": "123", "value": "1234567890123"}]}


def test_a_16_digit_number_typed_in_excel_is_refused_but_one_a_program_wrote_is_exact(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", {"S": [
        ["ticket_id", "custom:1"],
        [IDS[0], 1234567890123450],  # what Excel keeps of 1234567890123456 typed in: 15 digits
        [IDS[1], 2**53 - 1],  # 16 significant digits: Excel cannot have typed it; exact in a double
    ]})
    errors = errors_of(load(path))
    assert "kept only its first 15 digits" in errors[0]
    assert errors[1] == ""


def test_a_19_digit_id_a_program_stored_exactly_is_not_called_lossy(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", {"S": [["ticket_id", "status"], [6945345902185807891, "51"]]})
    # xlsxwriter writes 17 significant digits, as Excel does; some programs write every digit.
    rewrite_zip_part(path, "xl/worksheets/sheet1.xml", b"<v>6.945345902185808E+18</v>",
                     b"<v>6945345902185807891</v>")
    sheet = load(path)
    assert sheet.rows[0].cells[0] == ID
    assert bodies_of(sheet) == [{"status": 51}]


def test_a_percentage_is_sent_as_excel_shows_it(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "t.xlsx"))
    sheet = book.add_worksheet("S")
    sheet.write_row(0, 0, ["ticket_id", "custom:1", "custom:2", "comment"])
    sheet.write_string(1, 0, IDS[0])
    sheet.write_number(1, 1, 0.5, book.add_format({"num_format": "0%"}))
    sheet.write_number(1, 2, 0.125, book.add_format({"num_format": "0.00%"}))
    sheet.write_number(1, 3, 0.5)
    book.close()
    loaded = load(tmp_path / "t.xlsx")
    assert loaded.rows[0].cells == (IDS[0], "50%", "12.50%", "0.5")


def test_a_formula_without_a_cached_value_makes_its_row_invalid(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["ticket_id", "status", "comment"])
    sheet.append([IDS[0], "51", '=CONCAT("Closed by ", "batch")'])  # openpyxl stores no result
    sheet.append([IDS[1], "51", "plain"])
    book.save(tmp_path / "t.xlsx")
    errors = errors_of(load(tmp_path / "t.xlsx"))
    assert errors[0].startswith("comment: cell C2 holds a formula whose result is not in the file")
    assert errors[1] == ""


def test_a_formula_with_no_value_element_at_all_is_found_too(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", {"S": [["ticket_id", "comment"], [IDS[0], "x"]]})
    rewrite_zip_part(path, "xl/worksheets/sheet1.xml", b'<c r="B2" t="s"><v>3</v></c>',
                     b'<c r="B2"><f>A2&amp;"!"</f></c>')
    assert "cell B2 holds a formula whose result is not in the file" in errors_of(load(path))[0]


def test_an_error_cell_makes_its_row_invalid_where_it_is_sent(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "t.xlsx"))
    sheet = book.add_worksheet("S")
    sheet.write_row(0, 0, ["ticket_id", "comment", "note"])
    sheet.write_row(1, 0, [IDS[0]])
    sheet.write_formula(1, 1, "=1/0", None, "#DIV/0!")
    sheet.write_row(2, 0, [IDS[1], "fine"])
    sheet.write_formula(2, 2, "=NA()", None, "#N/A")  # a column that is not sent: no harm
    book.close()
    loaded = load(tmp_path / "t.xlsx")
    assert loaded.rows[0].cells[1] == "#DIV/0!"
    errors = errors_of(loaded)
    assert errors[0] == "comment '#DIV/0!': cell B2 shows the error #DIV/0! in Excel; fix the formula or " \
                        "type the value. This row is not sent"
    assert errors[1] == ""


# --- 12. messages -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("in.xlsx", b"", "in.xlsx is empty (0 bytes)"),
        ("in.csv", b"", "in.csv is empty (0 bytes)"),
        ("in.xlsx", b"ticket_id,status\n1,2\n", "in.xlsx is not an Excel workbook: it is a text file"),
        ("in.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(64), "in.xlsx is not an Excel workbook: it is a PNG image"),
        ("in.xls", b"<html><body><table><tr><td>ticket_id</td></tr></table></body></html>",
         "in.xls is not an Excel workbook: it is a web page (HTML)"),
        ("in.csv", b"PK\x03\x04" + bytes(64), "in.csv is an Excel workbook, not a text file"),
    ],
)
def test_files_that_are_not_what_they_say_get_a_message_naming_the_problem(runner, tmp_path, name, content,
                                                                           message):
    (tmp_path / name).write_bytes(content)
    result = runner.invoke(cli, ["run", name, "--dry-run"])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_an_encrypted_workbook_is_named_as_such(runner, tmp_path):
    (tmp_path / "in.xlsx").write_bytes((DATA / "encrypted.xlsx").read_bytes())  # made by msoffcrypto-tool
    result = runner.invoke(cli, ["run", "in.xlsx", "--dry-run"])
    assert result.exit_code == 2
    assert "the workbook is protected by a password (encrypted)" in result.output


def test_an_empty_sheet_is_named(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "t.xlsx"))
    book.add_worksheet("Tickets")
    book.close()
    with pytest.raises(InputError, match="sheet 'Tickets' is empty"):
        load(tmp_path / "t.xlsx")


@pytest.mark.parametrize("name", ["in.csv", "in.xlsx"])
def test_a_header_without_rows_warns(tmp_path, name):
    if name.endswith(".csv"):
        (tmp_path / name).write_text("ticket_id,status\n", encoding="utf-8")
    else:
        write_xlsx(tmp_path / name, {"S": [["ticket_id", "status"]]})
    assert any("has a header row but no rows below it" in w for w in load(tmp_path / name).warnings)


def test_row_problems_name_the_cell_in_the_report(runner, tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "in.xlsx"))
    sheet = book.add_worksheet("S")
    sheet.write_row(0, 0, ["ticket_id", "status"])
    sheet.write_string(1, 0, ID)
    sheet.write_formula(1, 1, "=1/0", None, "#DIV/0!")
    book.close()
    result = runner.invoke(cli, ["run", "in.xlsx", "--dry-run", "--report", "out.csv"])
    assert result.exit_code == 1
    (row,) = read_rows(tmp_path / "out.csv")
    assert row["result"] == "invalid" and "cell B2 shows the error #DIV/0!" in row["msg"]
    assert "Input: sheet 'S'" in result.output


def test_a_file_read_as_gbk_shows_how_its_text_reads():
    """Short Big5 text reads as plausible GBK (谢谢 in Big5 reads 谅谅): the run shows it."""
    sheet = read_text(io.BytesIO("ticket_id,comment\r\n1,謝謝\r\n".encode("big5")))
    assert sheet.encoding == "gb18030" and "the first text reads '谅谅'" in sheet.source
    assert "reads" not in read_text(io.BytesIO(b"ticket_id,comment\r\n1,ok\r\n")).source
