"""The page's tables: a plan's fields name status and solved codes in both languages."""

from batch_updater.console.tables import _field


def test_status_and_solved_codes_carry_their_names_in_chinese_and_english():
    status = _field("status", 1, 51, True)
    assert status["now"] == "1" and status["new"] == "51"
    assert status["names"] == {"now": {"zh": "待响应", "en": "awaiting response"},
                               "new": {"zh": "人工关闭工单", "en": "closed by agent"}}
    assert _field("solved", None, 2, True)["names"] == {"now": None, "new": {"zh": "已解决", "en": "resolved"}}


def test_status_52_is_named_and_a_code_without_a_name_and_other_fields_are_shown_as_they_are():
    closed_by_user = {"zh": "用户关闭工单", "en": "closed by user"}  # a status the API shows and never sets
    assert _field("status", 52, 52, False)["names"] == {"now": closed_by_user, "new": closed_by_user}
    assert _field("status", 7, 2, True)["names"]["now"] is None  # a code without a name
    assert "names" not in _field("tag_names", ("a", "b"), ("a",), True)
