"""A DataFrame's cells as text, never through a float; and results joined back on, typed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from batch_updater.errors import InputError, UsageError
from batch_updater.model import Outcome, Result
from batch_updater.rows.validate import validate_rows
from batch_updater.sheet.frames import plan_frame_of, results_frame, sheet_from_frame

ID = "6945345902185807891"


def cells(frame: pd.DataFrame) -> list[tuple[str, ...]]:
    return [row.cells for row in sheet_from_frame(frame).rows]


def test_an_int64_id_column_is_taken_exactly():
    frame = pd.DataFrame({"ticket_id": pd.Series([int(ID), int(ID) + 1], dtype="int64"), "status": ["51", "2"]})
    assert frame["ticket_id"].dtype == "int64"
    assert cells(frame) == [(ID, "51"), (str(int(ID) + 1), "2")]


def test_a_float_id_column_is_refused_whole_with_a_reason():
    frame = pd.DataFrame({"ticket_id": [6.945345902185808e18], "status": ["51"]})
    with pytest.raises(InputError, match=r"ticket_id column holds floats \(float64\): a float keeps only about 16 "
                                         r"digits.*pass the ids as text \(str\) or as int64"):
        sheet_from_frame(frame)


def test_a_float_cell_in_a_text_id_column_makes_its_row_invalid():
    frame = pd.DataFrame({"ticket_id": [ID, 6.945345902185808e18], "status": ["51", "51"]}, dtype=object)
    sheet = sheet_from_frame(frame)
    checked = validate_rows(sheet.rows, sheet.columns)
    assert checked[0].ticket_id == ID
    assert "a float keeps only about 16 digits" in str(checked[1][0])


def test_empty_cells_lists_numbers_and_dates_become_text_as_a_sheet_would_show_them():
    frame = pd.DataFrame({
        "ticket_id": [ID, None, ID],
        "tag_names": [["vpn", "账号"], float("nan"), pd.NA],
        "ticket_type": [2.0, 2.5, None],
        "solved": [True, False, None],
        "when": [pd.Timestamp("2024-05-01 08:30"), pd.NaT, dt.date(2024, 5, 2)],
    })
    assert cells(frame) == [
        (ID, '["vpn", "账号"]', "2", "TRUE", "2024-05-01 08:30:00"),
        ("", "", "2.5", "FALSE", ""),
        (ID, "", "", "", "2024-05-02"),
    ]


def test_a_nullable_id_left_empty_is_a_row_without_a_ticket_id():
    frame = pd.DataFrame({"ticket_id": pd.array([int(ID), None], dtype="Int64"), "status": ["51", "51"]})
    sheet = sheet_from_frame(frame)
    checked = validate_rows(sheet.rows, sheet.columns)
    assert checked[0].ticket_id == ID and str(checked[1][0]) == "ticket_id: required"


def test_a_huge_float_is_refused_only_in_a_column_that_is_sent():
    frame = pd.DataFrame({"ticket_id": [ID], "custom:123": [1.2345678901234567e19], "note": [1.2345678901234567e19]})
    sheet = sheet_from_frame(frame)
    assert sheet.rows[0].problems == ((1, "a float of more than 15 digits (1.2345678901234567e+19) has lost its last "
                                          "digits; pass this column as text (str) or int64. This row is not sent"),)
    assert sheet.rows[0].cells[2] == "1.23456789012346E+19"


def test_rows_are_numbered_by_position_whatever_the_index():
    frame = pd.DataFrame({"ticket_id": [ID, ID]}, index=["b", "a"])
    assert [row.number for row in sheet_from_frame(frame).rows] == [1, 2]


@pytest.mark.parametrize("given, expect", [
    ([["a"]], "expected a pandas DataFrame, got list"),
    (pd.DataFrame([[ID]], columns=pd.MultiIndex.from_tuples([("x", "ticket_id")])), "several levels"),
])
def test_what_is_not_a_plain_frame_is_refused(given, expect):
    with pytest.raises(UsageError, match=expect):
        sheet_from_frame(given)


def test_results_are_joined_on_typed_with_the_index_kept():
    frame = pd.DataFrame({"ticket_id": [ID, ID, "x"]}, index=[10, 30, 20])
    outcomes = [Outcome(Result.OK, 200, 0, "success", "log-1", 1, "2024-05-01T08:30:00+08:00"),
                Outcome(Result.UNKNOWN, None, None, "timed out", "", 2, "2024-05-01T08:31:00+08:00"),
                Outcome(Result.INVALID, msg="ticket_id 'x': not an id")]
    frame = results_frame(frame, None, [Outcome(Result.FAILED, msg="stale")] * 3)  # a frame that came out of to_frame
    out = results_frame(frame, None, outcomes)
    assert list(out.index) == [10, 30, 20]
    assert list(out.columns) == ["ticket_id", "result", "http_status", "code", "msg", "log_id", "attempts",
                                 "finished_at"]  # an earlier block replaced, not repeated
    assert isinstance(out["result"].dtype, pd.CategoricalDtype)
    assert list(out["result"].cat.categories) == [r.value for r in Result]
    assert str(out["code"].dtype) == str(out["attempts"].dtype) == str(out["http_status"].dtype) == "Int64"
    assert out["code"].tolist()[:1] == [0] and out["code"].isna().tolist() == [False, True, True]
    assert out["attempts"].tolist() == [1, 2, 0]
    assert isinstance(out["finished_at"].dtype, pd.DatetimeTZDtype) and str(out["finished_at"].dt.tz) == "UTC"
    assert out["finished_at"].iloc[0] == pd.Timestamp("2024-05-01 00:30", tz="UTC")
    assert pd.isna(out["finished_at"].iloc[2])
    assert frame["result"].tolist() == ["failed"] * 3  # the caller's frame is left as it was


def test_a_plans_columns_are_joined_on_with_plan_a_categorical():
    frame = pd.DataFrame({"ticket_id": [ID]}, index=["t1"])
    out = plan_frame_of(frame, None, ["plan", "status (now)", "status (new)", "msg"], [["change", 1, 51, ""]],
                        ["change", "no-op"])
    assert list(out["plan"].cat.categories) == ["change", "no-op"]
    assert out.loc["t1", "status (new)"] == "51"


def test_an_empty_frames_msg_and_log_id_are_text_not_floats():
    frame = pd.DataFrame({"ticket_id": pd.Series([], dtype=object)})
    out = results_frame(frame, None, [])
    assert not pd.api.types.is_float_dtype(out["msg"]) and not pd.api.types.is_float_dtype(out["log_id"])
    assert pd.api.types.is_string_dtype(out["msg"]) and pd.api.types.is_string_dtype(out["log_id"])
    plan = plan_frame_of(frame, None, ["plan", "status (now)", "status (new)", "msg"], [], ["change"])
    assert pd.api.types.is_string_dtype(plan["msg"]) and pd.api.types.is_string_dtype(plan["status (now)"])
