"""A custom field's cell against the helpdesk's field list: dropdown labels, nested paths, several
choices, the nearest options named for a wrong one."""

from __future__ import annotations

import pytest

from batch_updater.rows.custom import BadChoice, choice_value, custom_item, same_value
from batch_updater.schema.columns import CustomColumn
from batch_updater.schema.custom import Choice, CustomField, CustomFields

PRIORITY = CustomField("1", "优先级", "dropdown", choices=(Choice("h", "高"), Choice("m", "中"), Choice("l", "低")))
SEVERITY = CustomField("2", "Severity", "dropdown", choices=(Choice("s1", "S1 - Critical"), Choice("s2", "S2 - Major")))
REGIONS = CustomField("3", "影响范围", "dropdown", multiple=True,
                      choices=(Choice("n", "华北"), Choice("e", "华东"), Choice("s", "华南")))
PRODUCT = CustomField("4", "产品线", "dropdown_nested", choices=(
    Choice("hw", "硬件", (Choice("p", "打印机", (Choice("j", "卡纸"), Choice("t", "缺墨"))),)),
    Choice("sw", "软件", (Choice("m", "邮箱"),)),
))
NOTE = CustomField("5", "处理备注", "multiline")
FIELDS = CustomFields((PRIORITY, SEVERITY, REGIONS, PRODUCT, NOTE))


@pytest.mark.parametrize("field, cell, sent", [
    (PRIORITY, "高", "高"),
    (SEVERITY, "s1 - critical", "S1 - Critical"),  # case and spaces do not matter
    (SEVERITY, " S2-Major ", "S2 - Major"),
    (REGIONS, "华东, 华北", "华北,华东"),  # several choices, in the options' order
    (REGIONS, "华南", "华南"),
    (PRODUCT, "硬件 / 打印机 / 卡纸", "硬件 / 打印机 / 卡纸"),
    (PRODUCT, "硬件/打印机/缺墨", "硬件 / 打印机 / 缺墨"),
    (PRODUCT, "软件", "软件"),
])
def test_a_label_becomes_the_option_s_display_name(field, cell, sent):
    assert choice_value(field, cell) == sent


@pytest.mark.parametrize("field, cell, words", [
    (SEVERITY, "S1 Critcal", "'S1 Critcal' is not an option of Severity (nearest: S1 - Critical"),
    (PRIORITY, "urgent", "'urgent' is not an option of 优先级 (its options: 高, 中, 低)"),
    (PRIORITY, "高, 低", "优先级 takes one option, and this cell has 2"),
    (PRODUCT, "硬件 / 打印 / 卡纸", "'打印' is not an option of 产品线 / 硬件 (nearest: 打印机)"),
    (PRODUCT, "软件 / 邮箱 / x", "产品线 / 软件 / 邮箱 has no options below it"),
    (REGIONS, "华北, 西北", "'西北' is not an option of 影响范围"),
])
def test_a_wrong_label_names_the_nearest_options(field, cell, words):
    with pytest.raises(BadChoice) as e:
        choice_value(field, cell)
    assert str(e.value).startswith(words)


def test_an_item_by_id_checks_a_dropdown_and_sends_text_as_written():
    assert custom_item(CustomColumn("1", None), "中", FIELDS) == {"id": "1", "value": "中"}
    assert custom_item(CustomColumn("5", "k"), " a\nb ", FIELDS) == {"id": "5", "value": "a\nb", "key_name": "k"}
    assert custom_item(CustomColumn("99", None), "anything", FIELDS) == {"id": "99", "value": "anything"}  # not listed
    assert custom_item(CustomColumn("1", None), "anything", None) == {"id": "1", "value": "anything"}  # no list: as before


def test_a_name_the_list_does_not_have_and_a_name_not_checked():
    with pytest.raises(BadChoice, match="'Owner' is not a custom field of this helpdesk"):
        custom_item(CustomColumn("Owner", None), "x", FIELDS)
    assert custom_item(CustomColumn("优先级", None), "高", None, unchecked=True) == {"id": "custom:优先级", "value": "高"}
    with pytest.raises(BadChoice, match="is not a field id: a custom field id is digits only"):
        custom_item(CustomColumn("优先级", None), "高", None)


def test_a_value_read_back_compares_as_a_dropdown():
    assert same_value(REGIONS, "华东,华北", "华北, 华东")
    assert same_value(PRODUCT, "硬件/打印机/卡纸", "硬件 / 打印机 / 卡纸")
    assert not same_value(PRIORITY, "低", "高") and not same_value(NOTE, "a ", "a")


def test_the_field_list_from_the_api_keeps_what_it_needs():
    fields = CustomFields.from_api([
        {"ticket_customized_field_id": "7", "display_name": "Tier", "field_type": "dropdown",
         "dropdown_allow_multiple": False, "dropdown_options": {"children": [{"tag": "a", "display_name": "Gold"}]}},
        {"display_name": "no id"}, "junk",
        {"ticket_customized_field_id": "8", "display_name": "tier", "field_type": "string"},
    ])
    assert [f.id for f in fields] == ["7", "8"]
    assert fields.by_id["7"].choices == (Choice("a", "Gold"),)
    assert fields.named(" TIER ") is None and fields.ambiguous("tier")  # two fields share the name
    assert CustomFields.from_api(fields.to_json()) == fields
