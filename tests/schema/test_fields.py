"""The field registry: what derives from it, and a field added to a copy of it going the whole
way, from a column to an undo cell."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from batch_updater.errors import UsageError
from batch_updater.model import Outcome, Result, Row, TicketUpdate
from batch_updater.plan.preview import field_columns, plan_sheet
from batch_updater.plan.state import FieldChange, TicketState, apply, plan_row, state_from_ticket
from batch_updater.plan.undo import undo_sheet
from batch_updater.rows.validate import RowValidator, parse_defaults, validate_rows
from batch_updater.schema.columns import check_renames, resolve_columns
from batch_updater.schema.fields import FIELDS, REGISTRY, Field, Registry

ID = "6945345902185807891"


def test_what_derives_from_the_registry_is_what_was_declared_by_hand():
    """The lists nine modules declared before the registry, each derived from it now."""
    assert FIELDS == ("status", "tag_names", "comment", "customized_fields", "ticket_type", "solved", "channel")
    assert REGISTRY.defaultable == ("status", "tag_names", "comment", "ticket_type", "solved", "channel")
    assert [f.name for f in REGISTRY.scalars] == ["status", "tag_names", "ticket_type", "solved", "channel"]
    assert {f.name for f in REGISTRY if f.number_cell} == {"status", "solved", "ticket_type", "channel"}
    assert dict(REGISTRY.headers) == {
        "ticket_id": "ticket_id", "ticket id": "ticket_id", "ticketid": "ticket_id",
        "工单id": "ticket_id", "工单编号": "ticket_id", "工单号": "ticket_id",
        "status": "status", "状态": "status", "工单状态": "status",
        "tag_names": "tag_names", "tags": "tag_names", "tag": "tag_names", "标签": "tag_names",
        "comment": "comment", "评论": "comment",
        "solved": "solved", "是否解决": "solved", "解决状态": "solved",
        "ticket_type": "ticket_type", "工单类型": "ticket_type",
        "channel": "channel", "渠道": "channel", "来源渠道": "channel",
        "customized_fields": "customized_fields", "自定义字段": "customized_fields",
    }


def test_a_registry_refuses_a_header_name_taken_twice():
    with pytest.raises(ValueError, match="'Tags' is taken twice: by tag_names and by labels"):
        REGISTRY.adding(Field("labels", "tags", aliases=("Tags",)))


PRIORITY = Field("priority", "code", aliases=("优先级",), defaultable=True,
                 labels=MappingProxyType({1: ("低", "low"), 2: ("中", "medium"), 3: ("高", "high")}),
                 wrong="not a priority: use 1-3 or low / medium / high")


@pytest.fixture
def with_priority() -> Registry:
    return REGISTRY.adding(PRIORITY)


def test_a_field_added_to_a_copy_reaches_columns_and_validation(with_priority):
    header = ["工单ID", "优先级", "Status"]
    columns = resolve_columns(header, registry=with_priority)
    assert columns.roles == ("ticket_id", "priority", "status")
    assert columns.number_cells() == {1, 2}  # an Excel number cell there means the code
    assert resolve_columns(header).roles == ("ticket_id", None, "status")  # the module's registry is untouched
    check_renames({"P": "priority"}, with_priority)
    with pytest.raises(UsageError, match="'priority' is not a field"):
        check_renames({"P": "priority"})

    checked = validate_rows([Row(2, (ID, "High", "2")), Row(3, (ID, "urgent", "")), Row(4, (ID, "", "3"))], columns,
                            parse_defaults({"priority": "low"}, with_priority))
    assert checked[0] == TicketUpdate(2, ID, {"status": 2, "priority": 3})
    assert list(checked[0].body) == ["status", "priority"]  # the registry's order
    assert [str(e) for e in checked[1]] == ["优先级 'urgent': not a priority: use 1-3 or low / medium / high"]
    assert checked[2] == TicketUpdate(4, ID, {"status": 3, "priority": 1})  # the job file's default
    with pytest.raises(UsageError, match="defaults.priority: not a field that can have a default"):
        parse_defaults({"priority": "low"})


def test_a_field_added_to_a_copy_reaches_the_plan_and_the_undo_sheet(with_priority):
    update = RowValidator(resolve_columns(["ticket_id", "priority", "status"], registry=with_priority))(
        Row(2, (ID, "3", "2")))
    assert isinstance(update, TicketUpdate)
    before = state_from_ticket({"status": 2, "priority": 1, "solve": 1}, with_priority)
    assert (before.priority, before.status, before.solved) == (1, 2, 1)
    assert before == TicketState(priority=1, status=2, solved=1, registry=with_priority)
    assert TicketState.from_json(before.as_json(), with_priority) == before
    with pytest.raises(TypeError, match="no field 'priority'"):
        TicketState(priority=1)  # the module's registry does not know it

    plan = plan_row(before, update.body)
    assert plan.changes == (FieldChange("priority", 1, 3),) and plan.same == ("status",)
    assert apply(before, update.body).priority == 3
    assert plan_sheet([update], {ID: before}, {})[0].kind == "change"
    assert field_columns([update], with_priority) == ["status", "priority"]

    undo = undo_sheet([(0, update)], {ID: before}, {0: Outcome(Result.OK)})
    assert undo.rows == [{"ticket_id": ID, "priority": "1"}]
    again = RowValidator(resolve_columns(list(undo.rows[0]), registry=with_priority))(Row(2, tuple(undo.rows[0].values())))
    assert isinstance(again, TicketUpdate) and apply(apply(before, update.body), again.body) == before
