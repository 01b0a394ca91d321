"""Columns named by a custom field's display name, `if:` columns and context columns."""

from __future__ import annotations

import pytest

from batch_updater.errors import InputError
from batch_updater.schema.columns import CustomColumn, resolve_columns
from batch_updater.schema.custom import Choice, CustomField, CustomFields
from batch_updater.schema.labels import names_to_look_up, with_labels

FIELDS = CustomFields((CustomField("11", "优先级", "dropdown", choices=(Choice("h", "高"),)),
                       CustomField("12", "Customer No", "string")))


def test_a_display_name_and_custom_name_are_the_field():
    columns = with_labels(resolve_columns(["ticket_id", "优先级", "custom: customer  no", "note"]), FIELDS)
    assert columns.roles[1:3] == (CustomColumn("11", None), CustomColumn("12", None))
    assert columns.roles[1].name == "优先级" and columns.roles[3] is None
    assert columns.warnings == ("columns kept in the report but not sent (not a ticket field): note",)
    assert columns.sent() == "ticket_id, 优先级 → custom:11, custom: customer  no → custom:12"


def test_if_columns_and_context_columns():
    columns = with_labels(resolve_columns(["ticket_id", "status", "if:status", "if: 优先级", "guest (not sent)"]), FIELDS)
    assert columns.conditions == ((2, "status"), (3, CustomColumn("11", None)))
    assert columns.warnings == ()


def test_two_columns_for_one_field_are_refused():
    with pytest.raises(InputError, match="both mean custom field 优先级"):
        with_labels(resolve_columns(["ticket_id", "custom:11", "优先级"]), FIELDS)


def test_what_is_looked_up():
    columns = resolve_columns(["ticket_id", "custom:优先级", "custom:11", "note", "if:status", "if:Tier", "x (not sent)"])
    assert names_to_look_up(columns) == (["优先级", "Tier"], ["note"])
    plain = resolve_columns(["ticket_id", "status", "custom:6948728206392295444"])
    assert names_to_look_up(plain) == ([], [])
