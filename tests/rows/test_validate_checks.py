"""Issue 14, defect 11: the validation gaps (ticket ids, custom fields, control characters, the leading ')."""

import io

import pytest

import batch_updater.rows.validate as validate
from batch_updater.errors import UsageError
from batch_updater.model import FORMULA_TRIGGERS as TRIGGERS
from batch_updater.model import Outcome, Result, Row, TicketUpdate
from batch_updater.rows.validate import (
    Bad,
    parse_custom_json,
    parse_defaults,
    parse_ticket_id,
    validate_row,
)
from batch_updater.schema.columns import resolve_columns
from batch_updater.sheet.read import load, read_text
from batch_updater.sheet.report import write_report, write_retry
from batch_updater.sheet.write import inert_row
from tests.support.sheets import csv_bytes, write_csv

ID = "6945345902185807891"


def check(header, cells):
    return validate_row(Row(7, tuple(cells)), resolve_columns(header))


def problems(header, cells):
    result = check(header, cells)
    assert not isinstance(result, TicketUpdate), result
    return [(e.column, e.problem) for e in result]


# --- ticket ids: digits only, 16 to 19 of them --------------------------------------


def test_the_ticket_id_rule_is_one_named_constant():
    assert validate.TICKET_ID_DIGITS == (16, 19)


@pytest.mark.parametrize("text", ["6945345902185807", ID, " 6945345902185807891 "])
def test_ticket_ids_of_16_to_19_digits_are_accepted(text):
    assert parse_ticket_id(text) == text.strip()


@pytest.mark.parametrize("text", ["1", "123", "694534590218580", "69453459021858078910"])
def test_a_ticket_id_of_another_length_is_refused_saying_what_is_expected(text):
    with pytest.raises(Bad) as e:
        parse_ticket_id(text)
    message = str(e.value)
    assert "16 to 19 digits" in message and f"has {len(text)}" in message
    assert "report" in message  # a user with a real id of another length can tell us


@pytest.mark.parametrize("text", ["6945345902185807872.0", "6945345902185807891.", "694534590218580.5"])
def test_an_id_written_as_a_decimal_number_says_its_digits_may_be_lost(text):
    """Before: only "a ticket id is digits only"; 6.94534590218581E+18 already said Excel lost digits."""
    with pytest.raises(validate.Bad, match="written as a number with a decimal point: .* its last digits may have "
                                           "been lost; export the ids as text"):
        validate.parse_ticket_id(text)
    with pytest.raises(validate.Bad, match="Excel stored this id as a number and lost its last digits"):
        validate.parse_ticket_id("6.94534590218581E+18")


@pytest.mark.parametrize("text", ["'6945345902185807891", "6945345902185807891'", "-6945345902185807891"])
def test_an_apostrophe_or_sign_is_part_of_what_the_user_wrote_and_is_refused(text):
    with pytest.raises(Bad, match="digits only"):
        parse_ticket_id(text)


def test_an_apostrophe_typed_before_an_id_in_a_csv_makes_the_row_invalid():
    sheet = read_text(io.BytesIO(csv_bytes([["ticket_id", "comment"], ["'" + ID, "hi"], [ID, "'hi"]])))
    first, second = (validate_row(row, sheet.columns) for row in sheet.rows)
    assert [e.column for e in first] == ["ticket_id"]
    assert second == TicketUpdate(3, ID, {"comment": "'hi"})  # a comment is sent as written


# --- customized_fields: values are strings, numbers only as written --------------------


@pytest.mark.parametrize("text, item", [
    ('[{"id": 11, "value": 7}]', {"id": "11", "value": "7"}),
    ('[{"id": "11", "value": -0}]', {"id": "11", "value": "-0"}),
    ('[{"id": 6948728206392295444, "value": "P1"}]', {"id": "6948728206392295444", "value": "P1"}),
    ('[{"id": "11", "value": "1.5e3"}]', {"id": "11", "value": "1.5e3"}),
])
def test_a_json_integer_is_sent_as_the_text_written(text, item):
    assert [f.model_dump(exclude_none=True) for f in parse_custom_json(text)] == [item]


@pytest.mark.parametrize("number", ["1.5e3", "7.0", "1E2", "0.1"])
def test_a_json_number_with_a_fraction_or_exponent_is_refused(number):
    with pytest.raises(Bad, match=f'write the exact text in quotes, "{number}"'):
        parse_custom_json(f'[{{"id": "11", "value": {number}}}]')


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(constant):
    with pytest.raises(Bad, match=f"{constant} is not a JSON value"):
        parse_custom_json(f'[{{"id": "11", "value": {constant}}}]')


def test_a_refused_number_names_the_column_in_the_row():
    assert problems(["ticket_id", "customized_fields"], [ID, '{"id": "11", "value": 7.0}']) == [
        ("customized_fields", "the JSON number 7.0 is not sent as a number (the API takes text): "
                              'write the exact text in quotes, "7.0"')]


# --- custom field ids: plain digits --------------------------------------------------


@pytest.mark.parametrize("field_id", ["abc", "", " 11", "-1", "1.5", "１２", "11 ", "0x1f"])
def test_a_custom_field_id_in_json_that_is_not_plain_digits_is_refused(field_id):
    cell = f'[{{"id": "{field_id}", "value": "x"}}]'
    [(column, problem)] = problems(["ticket_id", "customized_fields"], [ID, cell])
    assert column == "customized_fields" and "a custom field id is digits only" in problem


@pytest.mark.parametrize("header", ["custom:abc", "custom:12 34", "custom:１２", "自定义:p1:dept"])
def test_a_custom_column_whose_id_is_not_plain_digits_is_refused_naming_the_column(header):
    [(column, problem)] = problems(["ticket_id", header], [ID, "x"])
    assert column == header and "a custom field id is digits only" in problem


@pytest.mark.parametrize("header", ["custom:", "custom: ", "自定义：", "custom::dept", "custom: :dept"])
def test_a_custom_column_without_a_field_id_is_refused_saying_so(header):
    """Before: custom: was a column kept and not sent, with no word of the missing id."""
    [(column, problem)] = problems(["ticket_id", header], [ID, "x"])
    assert column == header.strip() and problem.startswith("no custom field id: write the field's id after custom:")


@pytest.mark.parametrize("value, sent", [("1", 1), ("2", 2), ("2.0", 2), ("0", None), ("3", None), ("-1", None),
                                         ("bot", None)])
def test_a_ticket_type_is_1_or_2(value, sent):
    """Before: any whole number passed the dry run; the API takes 1 (bot) or 2 (human) only."""
    result = check(["ticket_id", "ticket_type"], [ID, value])
    if sent is None:
        assert isinstance(result, list) and result[0].problem == "not a ticket type: use 1 (bot) or 2 (human)"
    else:
        assert result.body == {"ticket_type": sent}


def test_an_empty_cell_under_a_bad_custom_column_sends_nothing_and_is_not_an_error():
    assert check(["ticket_id", "custom:abc", "comment"], [ID, "", "hi"]).body == {"comment": "hi"}


# --- control characters --------------------------------------------------------------


@pytest.mark.parametrize("header, cell, shown", [
    ("comment", "fixed\x00", r"'\x00'"),
    ("comment", "bell\x07", r"'\x07'"),
    ("comment", "del\x7f", r"'\x7f'"),
    ("comment", "c1\x85", r"'\x85'"),
    ("tag_names", "a, b\x1b", r"'\x1b'"),
    ("tag_names", '["a", "b\\u0001"]', r"'\x01'"),
    ("custom:11", "P1\x00", r"'\x00'"),
    ("customized_fields", '[{"id": "11", "value": "P\\u0000"}]', r"'\x00'"),
    ("customized_fields", '[{"id": "11", "value": "P", "key_name": "k\\u001f"}]', r"'\x1f'"),
    ("ticket_type", "2\x00", r"'\x00'"),
    ("status", "1\x0b", r"'\x0b'"),
    ("ticket_id", ID + "\x00", r"'\x00'"),
])
def test_a_control_character_makes_the_row_invalid_naming_the_column_and_the_character(header, cell, shown):
    [(column, problem)] = problems(["ticket_id", header] if header != "ticket_id" else ["ticket_id"],
                                   [ID, cell] if header != "ticket_id" else [cell])
    assert column == header
    assert "control character" in problem and shown in problem


def test_the_error_line_shows_the_value_escaped():
    [error] = check(["ticket_id", "comment"], [ID, "a\x00b"])
    assert str(error).startswith(r"comment 'a\x00b': ")


def test_tab_newline_and_carriage_return_are_text():
    assert check(["ticket_id", "comment"], [ID, "line 1\r\nline 2\tend"]).body == {"comment": "line 1\r\nline 2\tend"}


def test_a_default_with_a_control_character_is_refused():
    with pytest.raises(UsageError, match=r"defaults.comment .*control character '\\x00'"):
        parse_defaults({"comment": "done\x00"})


def test_a_nul_in_a_csv_cell_reaches_validation_and_is_refused(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b"ticket_id,comment\n" + ID.encode() + b",a\x00b\n")
    sheet = load(path)
    [(row_errors)] = [validate_row(row, sheet.columns) for row in sheet.rows]
    assert [e.column for e in row_errors] == ["comment"]


# --- the leading ': only the one the tool itself put there is taken off ---------------------


@pytest.mark.parametrize("cell", ["'abc", "'123", "'", "''", "' =x"])
def test_a_users_own_apostrophe_is_kept(cell):
    sheet = read_text(io.BytesIO(csv_bytes([["ticket_id", "comment"], [ID, cell]])))
    assert sheet.rows[0].cells[1] == cell


@pytest.mark.parametrize("cell", ["'=x", "''=x", "'-1", "'+86 10 1234", "'@a", "'\tx"])
def test_a_cell_that_already_starts_with_apostrophes_and_a_trigger_gets_one_more(cell):
    assert inert_row([cell]) == ["'" + cell]


CELLS = ["=SUM(A1)", "'=SUM(A1)", "''=x", "-1", "'-1", "'abc", "'123", "@me", "'", "plain", "+86", "\tx"]


@pytest.mark.parametrize("writer", ["report", "retry"])
def test_a_report_or_retry_file_reads_back_as_exactly_the_input_cells(tmp_path, writer):
    source = write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], *([ID, c] for c in CELLS)])
    sheet = load(source)
    assert [r.cells[1] for r in sheet.rows] == [
        c[1:] if c[:1] == "'" and c.lstrip("'").startswith(TRIGGERS) else c for c in CELLS]  # as loaded
    outcomes = [Outcome(Result.FAILED)] * len(sheet.rows)
    out = tmp_path / "out.csv"
    if writer == "report":
        write_report(out, sheet, outcomes, {})
    else:
        write_retry(out, sheet, outcomes, {Result.OK})
    assert [r.cells[:2] for r in load(out).rows] == [r.cells[:2] for r in sheet.rows]


# --- a comment a ticket would get twice from one file ----------------------------------------


def checked_rows(header, rows, defaults=None):
    return validate.validate_rows([Row(2 + i, tuple(r)) for i, r in enumerate(rows)], resolve_columns(header),
                                  defaults)


def test_a_copied_row_would_post_its_comment_twice_and_is_invalid_naming_the_first():
    other = "7100000000000000001"
    first, other_ticket, other_text, copy = checked_rows(["工单ID", "状态", "评论"], [
        [ID, "2", "已处理"], [other, "2", "已处理"], [ID, "3", "另一条"], [ID, "2", "已处理"]])
    assert isinstance(first, TicketUpdate) and isinstance(other_ticket, TicketUpdate)  # another ticket: fine
    assert isinstance(other_text, TicketUpdate)  # another comment on the same ticket: fine
    assert [(e.column, e.value, e.problem) for e in copy] == [
        ("评论", "已处理", "row 2 posts the same comment on this ticket: it would be posted twice; "
                         "clear it on one of the rows")]


def test_a_default_comment_on_two_rows_of_one_ticket_is_posted_once():
    rows = checked_rows(["ticket_id", "status"], [[ID, "2"], [ID, "3"]], parse_defaults({"comment": "migrated"}))
    assert isinstance(rows[0], TicketUpdate) and [e.column for e in rows[1]] == ["comment"]
    assert "a blank cell takes the default comment" in rows[1][0].problem  # clearing it would not help


@pytest.mark.parametrize("copy", ["已处理 ", " 已处理", "已处理\n", "\u3000已处理\t"])
def test_a_copied_comment_with_spaces_around_it_is_the_same_comment(copy):
    first, second = checked_rows(["ticket_id", "comment"], [[ID, "已处理"], [ID, copy]])
    assert isinstance(first, TicketUpdate) and first.body["comment"] == "已处理"
    assert [(e.value, e.problem) for e in second] == [(copy, (
        "row 2 posts the same comment (but for the spaces or line breaks around it, which do not count) on this "
        "ticket: it would be posted twice; clear it on one of the rows"))]


def test_spaces_around_a_comment_are_sent_as_written():
    (row,) = checked_rows(["ticket_id", "comment"], [[ID, "  hello \n"]])
    assert row.body["comment"] == "  hello \n"  # compared without them, never changed
