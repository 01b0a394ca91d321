"""Value maps (a job file's [values.<column>], the console's value map): a column's own words read as
the tool's (`已完成` -> 51), before the row is validated, so that one choice fixes a whole column."""

from batch_updater.jobs.config import load_config, options_from
from batch_updater.jobs.options import RunOptions
from batch_updater.model import Row, TicketUpdate
from batch_updater.rows.validate import RowValidator, unmatched_value_maps
from batch_updater.run.job import run_job
from batch_updater.schema.columns import resolve_columns
from tests.support.sheets import write_csv

TID = "6945345902185807891"


def test_a_value_map_replaces_a_column_s_cells_before_they_are_read():
    columns = resolve_columns(["工单ID", "状态", "是否解决", "标签"])
    values = {"状态": {"已完成": "51", "进行中": "2"}, " 是否解决 ": {"搞定": "resolved", "N/A": ""}}
    validate = RowValidator(columns, values=values)
    assert validate(Row(2, (TID, "已完成", "搞定", ""))).body == {"status": 51, "solved": 2}
    assert validate(Row(3, (TID, " 进行中 ", "n/a", "x"))).body == {"status": 2, "tag_names": ["x"]}  # "" is empty
    assert validate(Row(4, (TID, "2", "", "x"))).body == {"status": 2, "tag_names": ["x"]}  # others as written
    without = RowValidator(columns)(Row(2, (TID, "已完成", "", "")))
    assert not isinstance(without, TicketUpdate) and "not a status" in str(without[0])


def test_a_mapped_value_that_is_still_wrong_says_both():
    columns = resolve_columns(["ticket_id", "status"])
    errors = RowValidator(columns, values={"status": {"done": "finished"}})(Row(2, (TID, "done")))
    assert isinstance(errors, list) and str(errors[0]).startswith("status 'done → finished': not a status")


def test_an_empty_cell_is_never_mapped():
    columns = resolve_columns(["ticket_id", "status", "comment"])
    assert RowValidator(columns, values={"status": {"": "51"}})(Row(2, (TID, "", "hi"))).body == {"comment": "hi"}


def test_value_maps_for_columns_the_sheet_lacks_are_named():
    assert unmatched_value_maps(resolve_columns(["ticket_id", "Status"]), {"status": {}, "优先级": {}}) == ["优先级"]


def test_a_job_file_s_values_reach_the_run(tmp_path):
    write_csv(tmp_path / "in.csv", [["工单ID", "状态"], [TID, "已完成"], [TID[:-1] + "2", "搞定"]])
    job = tmp_path / "job.toml"
    job.write_text('input = "in.csv"\n\n[values."状态"]\n"已完成" = 51\n"搞定" = "closed"\n', encoding="utf-8")
    options = options_from(load_config(job), dry_run=True, report=tmp_path / "r.csv")
    assert options.values == {"状态": {"已完成": "51", "搞定": "closed"}}
    warnings: list[str] = []
    result = run_job(options, env={}, on_warning=warnings.append)
    assert [o.result.value for o in result.outcomes] == ["valid", "valid"]
    assert not any("value maps" in w for w in warnings)
    report = (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert "已完成" in report and "搞定" in report  # the report keeps the sheet's own cells


def test_a_value_map_for_a_column_not_in_the_sheet_is_a_warning(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [TID, "2"]])
    warnings: list[str] = []
    run_job(RunOptions(input=tmp_path / "in.csv", dry_run=True, report=tmp_path / "r.csv", values={"优先级": {"a": "b"}}),
            env={}, on_warning=warnings.append)
    assert any("value maps (values) for columns not in the sheet: 优先级" in w for w in warnings), warnings
