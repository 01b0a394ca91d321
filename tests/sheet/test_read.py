import codecs
import io

import pytest

from batch_updater.errors import InputError
from batch_updater.sheet.read import decode, excel_text, load, read_text, ticket_ids_in
from tests.support.sheets import csv_bytes, write_csv, write_xlsx

ID = "6945345902185807891"
CHINESE = [["工单ID", "状态", "标签", "评论"], [ID, "已关闭", "网络，账号", "已在批量迁移中处理"]]


@pytest.mark.parametrize(
    "data, expected",
    [
        (csv_bytes(CHINESE, "utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + csv_bytes(CHINESE, "utf-8"), "utf-8-sig"),
        (csv_bytes(CHINESE, "gbk"), "gb18030"),
        (csv_bytes(CHINESE, "gb18030"), "gb18030"),
        (csv_bytes(CHINESE, "utf-16"), "utf-16"),
    ],
)
def test_encodings_are_detected(data, expected):
    sheet = read_text(io.BytesIO(data))
    assert sheet.encoding == expected
    assert sheet.rows[0].cells == (ID, "已关闭", "网络，账号", "已在批量迁移中处理")
    assert sheet.columns.roles == ("ticket_id", "status", "tag_names", "comment")


def test_encoding_override_and_its_errors():
    data = csv_bytes(CHINESE, "gbk")
    assert decode(data, "gbk")[0].startswith("工单ID")
    with pytest.raises(InputError, match="not valid utf-8"):
        decode(data, "utf-8")
    with pytest.raises(InputError, match="unknown encoding"):
        decode(data, "klingon")
    with pytest.raises(InputError, match="not a text encoding"):
        decode(data, "base64")


def test_delimiters_tsv_and_semicolon(tmp_path):
    tsv = write_csv(tmp_path / "a.tsv", [["ticket_id", "comment"], [ID, "a, b"]], delimiter="\t")
    assert load(tsv).rows[0].cells == (ID, "a, b")
    assert load(tsv).kind == "tsv"
    semi = write_csv(tmp_path / "b.csv", [["ticket_id", "status"], [ID, "51"]], delimiter=";")
    assert load(semi).rows[0].cells == (ID, "51")


def test_row_numbers_follow_the_spreadsheet_and_empty_rows_are_skipped():
    data = csv_bytes([[], ["ticket_id", "status"], [ID, "1"], ["", ""], ["  ", ""], ["123", "2"]])
    sheet = read_text(io.BytesIO(data))
    assert [(r.number, r.cells) for r in sheet.rows] == [(3, (ID, "1")), (6, ("123", "2"))]


def test_short_rows_are_padded_and_long_rows_keep_their_overflow():
    data = b"ticket_id,status,comment\n1,2\n3,4,a,b,,\n5,6,c,,\n"
    rows = read_text(io.BytesIO(data)).rows
    assert rows[0].cells == ("1", "2", "")
    assert rows[1].cells == ("3", "4", "a") and rows[1].overflow == ("b",)
    assert rows[2].overflow == ()


@pytest.mark.parametrize(
    "header, roles",
    [
        (["Ticket_ID ", " STATUS"], ("ticket_id", "status")),
        (["工单编号", "是否解决", "工单类型", "渠道", "评论"], ("ticket_id", "solved", "ticket_type", "channel", "comment")),
        (["ticket id", "Tags"], ("ticket_id", "tag_names")),
    ],
)
def test_header_aliases(header, roles):
    sheet = read_text(io.BytesIO(csv_bytes([header])))
    assert sheet.columns.roles == roles


def test_custom_field_columns_and_unknown_columns_warn():
    sheet = read_text(io.BytesIO(csv_bytes([["ticket_id", "custom:123", "Custom: 456 : dept", "note"]])))
    custom, keyed = sheet.columns.roles[1], sheet.columns.roles[2]
    assert (custom.field_id, custom.key_name) == ("123", None)
    assert (keyed.field_id, keyed.key_name) == ("456", "dept")
    assert sheet.columns.roles[3] is None
    assert sheet.columns.warnings == ("columns kept in the report but not sent (not a ticket field): note",)


def test_earlier_report_columns_are_dropped():
    header = ["ticket_id", "status", "result", "http_status", "code", "msg", "log_id", "attempts", "finished_at"]
    sheet = read_text(io.BytesIO(csv_bytes([header, [ID, "1", "failed", "404", "1", "x", "", "1", "t"]])))
    assert sheet.columns.kept == (0, 1)
    assert "are not read as input: result, http_status, code, msg" in sheet.columns.warnings[0]
    # issue 18: only a whole block is an earlier report's; a lone result or msg is the sheet's own (was: dropped)
    sheet = read_text(io.BytesIO(csv_bytes([["ticket_id", "status", "result", "msg"], [ID, "1", "failed", "x"]])))
    assert sheet.columns.kept == (0, 1, 2, 3)


@pytest.mark.parametrize(
    "header, message",
    [
        (["status", "comment"], "no ticket id column"),
        (["ticket_id", "状态", "Status"], "columns B ('状态') and C ('Status') both mean status"),
        (["ticket_id", "custom:1", "custom:1"], "both mean custom field 1"),
    ],
)
def test_bad_headers_are_refused(header, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_text(io.BytesIO(csv_bytes([header, ["1"] * len(header)])))


def test_empty_file_is_refused():
    with pytest.raises(InputError, match="empty"):
        read_text(io.BytesIO(b"\n\n"))


def test_inert_prefix_from_our_reports_is_taken_off():
    sheet = read_text(io.BytesIO(b"ticket_id,comment\n1,'=SUM(A1)\n2,'plain\n3,'-1\n"))
    assert [r.cells[1] for r in sheet.rows] == ["=SUM(A1)", "'plain", "-1"]


@pytest.mark.parametrize(
    "value, text",
    [
        (1.0, "1"), (51.0, "51"), (2.5, "2.5"), (True, "TRUE"), (None, ""),
        (float(2**53 - 1), str(2**53 - 1)),
        (6945345902185807891.0, "6.94534590218581E+18"),
    ],
)
def test_excel_text(value, text):
    assert excel_text(value) == text


def test_xlsx_ids_text_and_number_cells(tmp_path):
    write_xlsx(tmp_path / "t.xlsx", {"Tickets": [
        ["ticket_id", "status", "channel"],
        [ID, 51, 2.0],                      # text id, number status
        [6945345902185807891, "1", None],   # the trap: 19 digits in a number cell
        [1234567890123, "2", ""],           # below 2^53: exact
    ]})
    rows = load(tmp_path / "t.xlsx").rows
    assert [r.cells for r in rows] == [
        (ID, "51", "2"),
        ("6.94534590218581E+18", "1", ""),
        ("1234567890123", "2", ""),
    ]
    assert [r.number for r in rows] == [2, 3, 4]


def test_xlsx_sheet_by_name_or_number(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", {"First": [["ticket_id"], ["1"]], "Second": [[], ["ticket_id"], ["2"]]})
    assert load(path).sheet_name == "First"
    second = load(path, sheet="2")
    assert second.sheet_name == "Second" and second.rows[0].number == 3 and second.rows[0].cells == ("2",)
    assert load(path, sheet="second").sheet_name == "Second"
    with pytest.raises(InputError, match="no sheet 'Third'.*1: 'First', 2: 'Second'"):
        load(path, sheet="Third")


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("a.pdf", b"x", "unsupported file type .pdf"),
        ("a.xlsx", b"not a zip", "a.xlsx is not an Excel workbook: it is a text file"),
        ("missing.csv", None, "no such file"),
    ],
)
def test_unreadable_inputs(tmp_path, name, content, message):
    if content is not None:
        (tmp_path / name).write_bytes(content)
    with pytest.raises(InputError, match=message):
        load(tmp_path / name)


@pytest.mark.usefixtures("cli_words")
def test_sheet_option_on_csv_is_refused(tmp_path):
    path = write_csv(tmp_path / "a.csv", [["ticket_id"], ["1"]])
    with pytest.raises(InputError, match="--sheet applies to Excel files only"):
        load(path, sheet="1")


def test_ticket_ids_in(tmp_path):
    path = write_csv(tmp_path / "a.csv", [["工单ID", "x"], [ID, ""], ["bad", ""], [ID, ""], ["42", ""]])
    assert ticket_ids_in(path) == [ID, "42"]


def test_a_cover_sheet_without_ticket_ids_is_passed_over_for_the_sheet_that_has_them(tmp_path):
    path = write_xlsx(tmp_path / "book.xlsx", {"说明": [["这是一个说明页"], ["请看第二个工作表"]],
                                               "工单": [["工单ID", "状态"], [ID, "closed"]]})
    sheet = load(path)
    assert sheet.sheet_name == "工单" and "sheet '工单' was read instead" in sheet.warnings[0]
    with pytest.raises(InputError, match="no ticket id column"):
        load(path, sheet="说明")  # asked for by name: no second guessing


# --- issue 18, item 10: an encoding error names the right byte, at the right offset -------------------


@pytest.mark.parametrize("encoding", [None, "utf-8-sig"])
def test_an_encoding_error_after_a_utf8_bom_names_the_byte_and_its_offset_in_the_file(encoding):
    """Before: the offset was counted after the byte-order mark and the byte read before it (0xBF)."""
    data = codecs.BOM_UTF8 + "ticket_id,comment\n6945345902185807891,好\n".encode() + b"6945345902185807892,\xff\n"
    at = data.index(b"\xff")
    with pytest.raises(InputError, match=rf"line 3 (is not UTF-8 )?\(byte 0xFF at offset {at}\)"):
        read_text(io.BytesIO(data), encoding=encoding)


def test_an_encoding_error_in_utf16_names_its_line_by_characters():
    text = "ticket_id,comment\n6945345902185807891,\u0a0a\u0a0a\n6945345902185807892,x"  # U+0A0A holds bytes 0x0A
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le") + b"\x00\xd8"
    with pytest.raises(InputError, match=r"line 3 is not UTF-16 \(byte 0x00 at offset \d+\)"):
        read_text(io.BytesIO(data))
