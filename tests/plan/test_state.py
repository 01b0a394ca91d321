"""batch_updater.plan.state: the read shape against the update shape, as pure functions."""

from __future__ import annotations

import dataclasses
import json

import aiohttp
import pytest

from batch_updater.model import Row, TicketUpdate
from batch_updater.plan.preview import plan_sheet
from batch_updater.plan.state import (
    FieldChange,
    RowPlan,
    TicketState,
    apply,
    display,
    plan_row,
    state_from_ticket,
)
from batch_updater.plan.undo import undo_fields
from batch_updater.rows.validate import RowValidator
from batch_updater.sandbox import SandboxConfig
from batch_updater.sandbox.state import TicketStore
from batch_updater.schema.columns import resolve_columns
from batch_updater.schema.fields import STATUS_52_NOTE
from tests.support.sandbox_http import get, put

ID = "6945345902185807891"
P, R = "6868000000000000001", "6868000000000000002"  # the sandbox's seeded custom fields
E = "6868000000000000003"  # a field the ticket has with an empty value
NEW = "6868000000000000009"  # a field the ticket did not show

BASE = TicketState(status=2, solved=1, tag_names=("vip", "bug"), ticket_type=2, channel=9,
                   custom={P: "low", R: "north"}, latest_comment="hello")


def body_of(header, cells):
    """A body the way `run` builds it from a sheet (labels become codes)."""
    update = RowValidator(resolve_columns(["ticket_id", *header]))(Row(2, (ID, *cells)))
    assert isinstance(update, TicketUpdate), update
    return update.body


# --- reading ticket_v2 --------------------------------------------------------------------


V2 = {"ticket_id": ID, "status": 52, "solve": 2, "ticket_type": 2, "channel": 14,
      "tags": [{"id": "7001", "name": "b"}, {"id": "7002", "name": "a"}],
      "customized_fields": [{"id": P, "value": "high", "key_name": "priority", "display_name": "Priority",
                             "position": 1, "required": False, "editable": True},
                            {"id": 42, "value": 7, "key_name": "n"},
                            {"id": "x", "value": None, "key_name": "gone"},
                            {"key_name": "no-id", "value": "v"}],
      "comments": {"content": "last one", "created_at": 1_700_000_000_000, "id": 3, "user_name": "A"}}


def test_state_from_ticket_maps_every_field():
    state = state_from_ticket(V2)
    assert state == TicketState(status=52, solved=2, tag_names=("b", "a"), ticket_type=2, channel=14,
                                custom={P: "high", "42": "7"}, latest_comment="last one",
                                latest_comment_at=1700000000000)


@pytest.mark.parametrize("comments, latest", [
    ({"content": "one", "created_at": 5}, "one"),
    ([{"content": "old", "created_at": 1}, {"content": "new", "created_at": 9}, {"content": "mid", "created_at": 5}],
     "new"),
    ([{"content": "a", "created_at": 1}, {"content": "b", "created_at": 1}], "b"),  # a tie: the last
    ([], None), (None, None), ("text", None), ({"content": None}, None), ({}, None), ([None, 3], None),
])
def test_latest_comment_parsed_defensively(comments, latest):
    assert state_from_ticket({"comments": comments}).latest_comment == latest
    assert state_from_ticket({}).latest_comment is None


@pytest.mark.parametrize("ticket, expected", [
    ({}, TicketState()),
    ({"status": "3", "solve": 2.0, "channel": True}, TicketState(status=3, solved=2)),
    ({"solved": 1}, TicketState(solved=1)),  # `solve` missing: the update name is accepted too
    ({"tags": None, "customized_fields": "x"}, TicketState()),
    ({"tags": ["plain", {"name": "obj"}, {"id": "1"}]}, TicketState(tag_names=("plain", "obj"))),
    ({"customized_fields": [{"id": "1", "value": ["a", "b"]}]}, TicketState(custom={"1": '["a", "b"]'})),
])
def test_odd_shapes_do_not_raise(ticket, expected):
    assert state_from_ticket(ticket) == expected


def test_state_is_frozen_and_round_trips_through_json():
    with pytest.raises(dataclasses.FrozenInstanceError):
        BASE.status = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        BASE.custom["new"] = "x"  # type: ignore[index]
    assert TicketState.from_json(json.loads(json.dumps(BASE.as_json()))) == BASE


# --- comparing one row ----------------------------------------------------------------------


@pytest.mark.parametrize("body, changes, same", [
    ({"status": 2}, [], ["status"]),
    ({"status": 51}, [("status", 2, 51)], []),
    ({"solved": 1}, [], ["solved"]),
    ({"solved": 2}, [("solved", 1, 2)], []),
    ({"ticket_type": 2, "channel": 9}, [], ["ticket_type", "channel"]),
    ({"ticket_type": 1, "channel": 9}, [("ticket_type", 2, 1)], ["channel"]),
    ({"channel": 13}, [("channel", 9, 13)], []),
    # tags: a set; order and duplicates do not matter; [] clears
    ({"tag_names": ["bug", "vip"]}, [], ["tag_names"]),
    ({"tag_names": ["vip", "bug", "vip"]}, [], ["tag_names"]),
    ({"tag_names": ["vip"]}, [("tag_names", ("vip", "bug"), ("vip",))], []),
    ({"tag_names": ["vip", "bug", "new"]}, [("tag_names", ("vip", "bug"), ("vip", "bug", "new"))], []),
    ({"tag_names": []}, [("tag_names", ("vip", "bug"), ())], []),
    # custom fields: per id, by value; one the ticket does not show is a change; key_name ignored
    ({"customized_fields": [{"id": P, "value": "low"}]}, [], [f"custom:{P}"]),
    ({"customized_fields": [{"id": P, "value": "low", "key_name": "other"}]}, [], [f"custom:{P}"]),
    ({"customized_fields": [{"id": P, "value": "high"}, {"id": R, "value": "north"}]},
     [(f"custom:{P}", "low", "high")], [f"custom:{R}"]),
    ({"customized_fields": [{"id": "99", "value": ""}]}, [("custom:99", None, "")], []),
    ({"customized_fields": [{"id": P, "value": "Low"}]}, [(f"custom:{P}", "low", "Low")], []),
    ({"customized_fields": [{"id": P, "value": "high", "key_name": "a"}, {"id": P, "value": "low", "key_name": "b"}]},
     [], [f"custom:{P}"]),  # one id twice: the last wins, as applied
    ({"status": 2, "tag_names": ["x"], "customized_fields": [{"id": R, "value": "south"}], "solved": 1},
     [("tag_names", ("vip", "bug"), ("x",)), (f"custom:{R}", "north", "south")], ["status", "solved"]),
])
def test_each_field_kind(body, changes, same):
    plan = plan_row(BASE, body)
    assert plan == RowPlan("change" if changes else "no-op", tuple(FieldChange(*c) for c in changes),
                           tuple(same), None)


@pytest.mark.parametrize("body", [{"comment": "hello"}, {"comment": "other"}, {"status": 2, "comment": "hello"}])
def test_a_comment_is_always_a_change(body):
    plan = plan_row(BASE, body)
    assert (plan.kind, plan.changes, plan.comment) == ("change", (), body["comment"])


@pytest.mark.parametrize("header, cells, kind", [
    (["status"], ["处理中"], "no-op"), (["status"], ["in progress"], "no-op"), (["status"], ["2"], "no-op"),
    (["status"], ["closed"], "change"), (["solved"], ["未解决"], "no-op"), (["solved"], ["resolved"], "change"),
    (["tags"], ["bug, vip"], "no-op"), (["标签"], ['["vip","bug","bug"]'], "no-op"), (["tags"], ["[]"], "change"),
    ([f"custom:{P}"], ["low"], "no-op"), ([f"custom:{P}:priority"], [" low "], "no-op"),
    ([f"自定义:{R}"], ["south"], "change"), (["customized_fields"], [f'[{{"id": {P}, "value": "low"}}]'], "no-op"),
])
def test_labels_and_codes_from_a_sheet(header, cells, kind):
    assert plan_row(BASE, body_of(header, cells)).kind == kind


def test_status_52_is_never_reached_by_an_update():
    closed = dataclasses.replace(BASE, status=52)
    assert plan_row(closed, {"status": 51}).changes == (FieldChange("status", 52, 51),)
    assert plan_row(closed, {"solved": 1}).kind == "no-op"


# --- applying and sequential rows -------------------------------------------------------------


def test_apply():
    after = apply(BASE, {"status": 51, "solved": 2, "tag_names": ["a", "b", "a"], "ticket_type": 1, "channel": 2,
                         "customized_fields": [{"id": R, "value": "west"}, {"id": "9", "value": "v"}],
                         "comment": "done"})
    assert after == TicketState(status=51, solved=2, tag_names=("a", "b"), ticket_type=1, channel=2,
                                custom={P: "low", R: "west", "9": "v"}, latest_comment="done")
    assert apply(BASE, {"tag_names": []}).tag_names == ()
    assert BASE.status == 2 and BASE.custom[R] == "north"  # unchanged


def spec(key, body, ticket=ID):
    return key, TicketUpdate(key, ticket, body)


def plan_rows(states, specs):
    """Each row's RowPlan by key, through plan_sheet (what plan and --skip-unchanged run)."""
    planned = plan_sheet([update for _, update in specs], states, {})
    return {key: row.plan for (key, _), row in zip(specs, planned) if row.plan is not None}


def test_rows_for_one_ticket_follow_each_other_in_file_order():
    other = "7000000000000000001"
    plans = plan_rows({ID: BASE, other: BASE}, [
        spec(2, {"status": 51}),
        spec(3, {"status": 51}),  # already done by row 2
        spec(4, {"status": 2}, other),  # another ticket: its own state
        spec(5, {"status": 2}),  # reverts row 2
        spec(6, {"customized_fields": [{"id": "9", "value": "x"}]}),
        spec(7, {"customized_fields": [{"id": "9", "value": "x"}], "tag_names": ["bug", "vip"]}),
        spec(8, {"comment": "hello"}),  # the same text as the latest comment: still posted
        spec(9, {"status": 1}, "404"),  # not read: skipped
    ])
    assert {k: p.kind for k, p in plans.items()} == {
        2: "change", 3: "no-op", 4: "no-op", 5: "change", 6: "change", 7: "no-op", 8: "change"}
    assert plans[5].changes == (FieldChange("status", 51, 2),)
    assert plans[6].changes == (FieldChange("custom:9", None, "x"),)
    assert plans[7].same == ("tag_names", "custom:9")


def test_plan_after_a_comment_compares_to_it():
    plans = plan_rows({ID: BASE}, [spec(1, {"comment": "a"}), spec(2, {"status": 2})])
    assert (plans[1].kind, plans[2].kind) == ("change", "no-op")


# --- undo -----------------------------------------------------------------------------------


def changes_of(before, *bodies):
    """The union of the changes a sequence of rows makes to one ticket, and the state after."""
    plans = plan_rows({ID: before}, [spec(i, b) for i, b in enumerate(bodies)])
    state = before
    for b in bodies:
        state = apply(state, b)
    return [c for p in plans.values() for c in p.changes], state


def restore(after, cells):
    header = ["ticket_id", *cells]
    update = RowValidator(resolve_columns(header))(Row(2, (ID, *cells.values())))
    assert isinstance(update, TicketUpdate), update
    return apply(after, update.body), update.body


ODD = TicketState(status=4, solved=2, tag_names=("a, b", "票", "x"), ticket_type=1, channel=13,
                  custom={P: "high", R: " padded ", E: ""}, latest_comment=None)


@pytest.mark.parametrize("before, bodies, cells", [
    (BASE, [{"status": 51, "solved": 2}], {"status": "2", "solved": "1"}),
    (BASE, [{"tag_names": ["new"]}, {"tag_names": []}], {"tag_names": '["vip", "bug"]'}),
    (BASE, [{"ticket_type": 1, "channel": 2, "comment": "c"}], {"ticket_type": "2", "channel": "9"}),
    (BASE, [{"status": 2, "customized_fields": [{"id": P, "value": "high"}]}], {f"custom:{P}": "low"}),
    (ODD, [{"tag_names": ["y"], "customized_fields": [{"id": P, "value": "z"}, {"id": R, "value": "z"},
                                                       {"id": E, "value": "z"}]}],
     {"tag_names": '["a, b", "票", "x"]', f"custom:{P}": "high",
      "customized_fields": '[{"id": "6868000000000000002", "value": " padded "}, {"id": "6868000000000000003", "value": ""}]'}),
    (dataclasses.replace(BASE, tag_names=()), [{"tag_names": ["t"]}], {"tag_names": "[]"}),
    (BASE, [{"status": 51}, {"status": 2}], {"status": "2"}),  # reverted: restoring is harmless
])
def test_undo_cells_round_trip_through_the_validator(before, bodies, cells):
    changes, after = changes_of(before, *bodies)
    assert undo_fields(before, changes) == cells
    restored, _ = restore(after, cells)
    assert dataclasses.replace(restored, latest_comment=before.latest_comment) == before


def test_undo_of_a_custom_field_the_ticket_did_not_show_writes_an_empty_value():
    changes, after = changes_of(BASE, {"customized_fields": [{"id": NEW, "value": "v"}]})
    cells = undo_fields(BASE, changes)
    assert cells == {"customized_fields": '[{"id": "6868000000000000009", "value": ""}]'}
    restored, _ = restore(after, cells)
    assert restored.custom == {**BASE.custom, NEW: ""}


def test_undo_of_status_52_writes_51_and_a_note():
    before = dataclasses.replace(BASE, status=52)
    changes, after = changes_of(before, {"status": 2, "solved": 2})
    cells = undo_fields(before, changes)
    assert cells == {"status": "51", "solved": "1", "note": STATUS_52_NOTE}
    restored, body = restore(after, cells)
    assert body == {"status": 51, "solved": 1}  # the note column is kept, not sent
    assert restored == dataclasses.replace(before, status=51)


def test_undo_of_a_field_not_read_is_left_out_with_a_note():
    before = TicketState(solved=1)
    cells = undo_fields(before, [FieldChange("status", None, 2), FieldChange("solved", 1, 2)])
    assert cells == {"solved": "1", "note": "status was not read before the change and cannot be restored"}
    assert undo_fields(BASE, []) == {}


# --- display ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value, text", [(None, ""), (51, "51"), ("x", "x"), (("a", "b"), "a, b"), ((), ""),
                                         (["a"], "a"), ({"1": "v"}, "1: v"), ("", "")])
def test_display(value, text):
    assert display(value) == text


# --- against the sandbox's own rendering -------------------------------------------------------


def test_mapping_agrees_with_the_sandbox_rendering():
    store = TicketStore(SandboxConfig(ticket_ids=[ID, "7000000000000000001"], closed_by_user=frozenset({ID})))
    ticket = store.get(ID)
    seeded = state_from_ticket(store.as_v2(ticket, "hd"))
    assert seeded == TicketState(status=52, solved=1, tag_names=tuple(ticket.tags), ticket_type=2,
                                 channel=ticket.channel, custom={f: v["value"] for f, v in
                                                                 ticket.customized_fields.items()})
    bodies = [{"status": 51, "solved": 2, "tag_names": ["z", "a", "z"], "ticket_type": 1, "channel": 13,
               "customized_fields": [{"id": P, "value": "high", "key_name": "prio"}, {"id": "77", "value": "n"}],
               "comment": "first"},
              {"comment": "second", "tag_names": []}]
    expected = seeded
    for i, body in enumerate(bodies):
        store.apply(ticket, body, f"log-{i}")
        expected = apply(expected, body)
        read = state_from_ticket(store.as_v2(ticket, "hd"))
        assert read.latest_comment_at is not None  # apply() cannot know when the comment was posted
        assert dataclasses.replace(read, latest_comment_at=None) == expected
    assert expected.latest_comment == "second" and expected.custom[P] == "high"


async def test_mapping_agrees_with_the_sandbox_over_http(sandbox):
    tid = next(iter(sandbox.tickets))
    body = {"status": 5, "tag_names": ["b", "a"], "customized_fields": [{"id": R, "value": "east"}], "comment": "hi"}
    async with aiohttp.ClientSession() as session:
        _, answer, _ = await get(session, sandbox, tid)
        before = state_from_ticket(answer["data"]["ticket"])
        assert plan_row(before, body).kind == "change"
        status, _, _ = await put(session, sandbox, tid, body)
        assert status == 200
        _, answer, _ = await get(session, sandbox, tid)
    after = state_from_ticket(answer["data"]["ticket"])
    assert dataclasses.replace(after, latest_comment_at=None) == apply(before, body)
    assert plan_row(after, {k: v for k, v in body.items() if k != "comment"}).kind == "no-op"
