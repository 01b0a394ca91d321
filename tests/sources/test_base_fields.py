"""sources/base_fields.py: which fields of a Base the tool writes into, the table's own left alone."""

from __future__ import annotations

from batch_updater.sources.base_fields import place_fields

RUN = ("result", "code", "msg", "finished_at")
TEXT, NUMBER = 1, 2


def test_a_table_without_the_fields_gets_them():
    placed = place_fields(RUN, {"ticket_id": TEXT})
    assert placed.fields == RUN and placed.create == RUN


def test_the_whole_block_as_text_is_the_tools():
    placed = place_fields(RUN, {name: TEXT for name in RUN})
    assert placed.fields == RUN and placed.create == ()


def test_a_part_of_the_block_is_the_tables_own_and_left_alone():
    placed = place_fields(RUN, {"result": NUMBER, "msg": TEXT})
    assert placed.fields == ("result (run)", "code", "msg (run)", "finished_at")
    assert placed.create == placed.fields
    again = place_fields(RUN, {"result": NUMBER, "msg": TEXT, **dict.fromkeys(placed.fields, TEXT)})
    assert again.fields == placed.fields and again.create == ()  # the next run finds its block


def test_a_field_named_apart_that_is_the_tables_own_is_not_taken():
    placed = place_fields(RUN, {"result": TEXT, "result (run)": NUMBER})
    assert placed.fields[0] == "result (run 2)"


def test_a_name_the_job_gives_is_written_as_named():
    placed = place_fields(("result", "code", "备注", "finished_at"), {"备注": TEXT, "msg": TEXT}, given={"备注"})
    assert placed.fields == ("result", "code", "备注", "finished_at") and placed.create == ("result", "code",
                                                                                             "finished_at")


def test_a_plans_own_columns_are_the_tools_whatever_the_block():
    header = ("plan", "status (now)", "status (new)", "plan msg")
    placed = place_fields(header, {"plan": TEXT, "status (now)": TEXT}, core=("plan", "plan msg"), apart=" (plan)")
    assert placed.fields == ("plan (plan)", "status (now)", "status (new)", "plan msg")
