import pytest

from batch_updater.model import Row, TicketUpdate
from batch_updater.rows.validate import (
    Bad,
    parse_custom_json,
    parse_int,
    parse_solved,
    parse_status,
    parse_tags,
    parse_ticket_id,
    validate_row,
)
from batch_updater.schema.columns import resolve_columns

ID = "6945345902185807891"


def check(header, cells):
    return validate_row(Row(7, tuple(cells)), resolve_columns(header))


@pytest.mark.parametrize(
    "text, code",
    [("1", 1), ("51", 51), ("51.0", 51), (" 50 ", 50), ("待响应", 1), ("处理中", 2), ("排队中", 3), ("待定", 4),
     ("待用户响应", 5), ("机器人关闭工单", 50), ("人工关闭工单", 51), ("closed", 51), ("已关闭", 51),
     ("In Progress", 2), ("in_progress", 2), ("waiting-for-user", 5), ("CLOSED BY BOT", 50), ("queued", 3)],
)
def test_status_codes_and_labels(text, code):
    assert parse_status(text) == code


@pytest.mark.parametrize("text, message", [("6", "not a status"), ("done", "not a status"), ("5" * 400, "not a status"),
                                           ("52", "cannot be set"), ("Closed by user", "cannot be set"),
                                           ("用户关闭工单", "cannot be set"), ("2.5", "not a status")])
def test_bad_status(text, message):
    with pytest.raises(Bad, match=message):
        parse_status(text)


@pytest.mark.parametrize("text, code", [("1", 1), ("2", 2), ("2.0", 2), ("resolved", 2), ("Unresolved", 1),
                                        ("已解决", 2), ("未解决", 1), ("是", 2), ("否", 1)])
def test_solved(text, code):
    assert parse_solved(text) == code


@pytest.mark.parametrize("text", ["3", "maybe", "0"])
def test_bad_solved(text):
    with pytest.raises(Bad):
        parse_solved(text)


@pytest.mark.parametrize("text, number", [("2", 2), ("2.0", 2), (" 9 ", 9), ("0", 0)])
def test_integers(text, number):
    assert parse_int(text) == number


@pytest.mark.parametrize("text, message", [("2.5", "not a whole number"), ("two", "not a whole number"),
                                           ("-1", "out of range"), ("99999999999", "out of range"),
                                           ("9" * 400, "not a whole number"), ("9" * 5000, "not a whole number")])
def test_bad_integers(text, message):
    with pytest.raises(Bad, match=message):
        parse_int(text)


@pytest.mark.parametrize(
    "text, tags",
    [("a,b", ["a", "b"]), ("a， b；c;d、e", ["a", "b", "c", "d", "e"]), (" vpn ", ["vpn"]),
     ('["x, y", "z"]', ["x, y", "z"]), ("[]", []), ("a, a, b", ["a", "b"]), ("a,,b,", ["a", "b"])],
)
def test_tags(text, tags):
    assert parse_tags(text) == tags


@pytest.mark.parametrize("text, message", [(",,", "no tag names"), ("[1, 2]", "strings only"),
                                           ("[a, b", "not one")])
def test_bad_tags(text, message):
    with pytest.raises(Bad, match=message):
        parse_tags(text)


@pytest.mark.parametrize(
    "text, message",
    [("6945345902185807891", None), (" 6945345902185807891 ", None), ("'6945345902185807891", "take off the leading '"),
     ("6.94534590218581E+18", "Excel stored this id as a number and lost its last digits"),
     ("6.94534590218581e18", "lost its last digits"), ("69453x", "digits only"), ("６９４", "digits only")],
)
def test_ticket_id(text, message):
    if message is None:
        assert parse_ticket_id(text) == "6945345902185807891"
    else:
        with pytest.raises(Bad, match=message):
            parse_ticket_id(text)


def test_custom_json():
    fields = parse_custom_json('[{"id": "1", "value": "a", "key_name": "k"}, {"id": 2, "value": 3}]')
    assert [f.model_dump(exclude_none=True) for f in fields] == [
        {"id": "1", "value": "a", "key_name": "k"}, {"id": "2", "value": "3"}]


@pytest.mark.parametrize("text, message", [("{", "not JSON"), ('"x"', "must be a JSON list"),
                                           ('[{"id": "1"}]', "value"), ('[{"id": "1", "value": "a", "key": 1}]', "key")])
def test_bad_custom_json(text, message):
    with pytest.raises(Bad, match=message):
        parse_custom_json(text)


def test_full_row_builds_the_exact_body():
    header = ["ticket_id", "status", "tag_names", "comment", "custom:11", "custom:12:dept", "ticket_type",
              "solved", "channel", "note"]
    spec = check(header, [ID, "closed", "a、b", "  as written  ", "P1", "IT", "2.0", "已解决", "9", "ignored"])
    assert spec == TicketUpdate(7, ID, {
        "status": 51, "tag_names": ["a", "b"], "comment": "  as written  ",
        "customized_fields": [{"id": "11", "value": "P1"}, {"id": "12", "value": "IT", "key_name": "dept"}],
        "ticket_type": 2, "solved": 2, "channel": 9,
    })


def test_empty_cells_leave_fields_alone_and_clearing_tags_is_explicit():
    assert check(["ticket_id", "status", "tag_names", "comment"], [ID, "", "[]", "   "]).body == {"tag_names": []}


def test_custom_columns_merge_with_the_json_column():
    spec = check(["ticket_id", "custom:1", "customized_fields"], [ID, "a", '[{"id": "2", "value": "b"}]'])
    assert spec.body == {"customized_fields": [{"id": "1", "value": "a"}, {"id": "2", "value": "b"}]}
    errors = check(["ticket_id", "custom:1", "customized_fields"], [ID, "a", '[{"id": "1", "value": "b"}]'])
    assert [str(e) for e in errors] == ["customized_fields: custom field given twice: 1"]


def test_every_error_in_a_row_is_reported_with_its_column_and_value():
    errors = check(["工单ID", "状态", "是否解决", "channel"], ["12a", "done", "maybe", "2.5"])
    assert [(e.column, e.value) for e in errors] == [("工单ID", "12a"), ("状态", "done"), ("是否解决", "maybe"),
                                                      ("channel", "2.5")]


@pytest.mark.parametrize(
    "cells, message",
    [(["", "51"], "ticket_id: required"), ([ID, ""], "nothing to change"), (["  ", ""], "ticket_id: required")],
)
def test_required_things(cells, message):
    errors = check(["ticket_id", "status"], cells)
    assert message in "; ".join(str(e) for e in errors)


def test_overflow_cells_are_an_error():
    errors = validate_row(Row(3, (ID, "51"), ("oops",)), resolve_columns(["ticket_id", "status"]))
    assert "beyond the last column (oops)" in str(errors[0])


def test_a_whole_row_problem_is_said_in_the_language_in_use_naming_the_users_id_column():
    """Final trial #2: `row: 没有要改的内容：除 ticket_id 外…` under --lang zh (the prefix English, and
    the internal column named where the sheet said 工单ID)."""
    from batch_updater.i18n import speaking

    with speaking("zh"):
        (nothing,) = check(["工单ID", "状态"], [ID, ""])
        (beyond,) = validate_row(Row(3, (ID, "51"), ("oops",)), resolve_columns(["工单ID", "状态"]))
    assert str(nothing) == "行: 没有要改的内容：除 工单ID 外至少填一个字段"
    assert str(beyond).startswith("行: ") and "oops" in str(beyond)
    (english,) = check(["ticket_id", "status"], [ID, ""])
    assert str(english) == "row: nothing to change: fill at least one field besides ticket_id"
