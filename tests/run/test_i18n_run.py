"""A run's own row messages in Chinese (issue 23 item 1), end to end against the sandbox: a
dropdown value that did not take, a row skipped as unchanged, a display-name column that cannot
be checked; the field names stay as the helpdesk names them."""

from __future__ import annotations

import pytest

from batch_updater.errors import UsageError
from batch_updater.i18n import speaking
from batch_updater.run.job import RunOptions, run_job
from tests.run.test_labels_e2e import IDS, PRIORITY, config
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv


def test_a_value_that_does_not_take_and_an_unchanged_row_are_said_in_chinese(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "紧急程度", "status"], [IDS[0], "高", "2"], [IDS[1], "", "2"]])
    with ThreadSandbox(config(dropdown_write="tag")) as ts:  # the API would want the option's tag
        ts.call(lambda sb: sb.tickets[IDS[0]].customized_fields.update({PRIORITY: {"value": "低", "key_name": "p"}}))
        ts.call(lambda sb: setattr(sb.tickets[IDS[1]], "status", 2))
        with speaking("zh"):
            done = run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "out.csv",
                                      skip_unchanged=True), env=ts.env())
    rows = read_rows(tmp_path / "out.csv")
    assert [r["结果"] for r in rows] == ["失败", "已跳过"] and done.exit_code == 1  # --lang zh: the report's words too
    assert "接口返回成功，但读回工单显示 紧急程度 = '低'，而不是 '高'：这个值没有生效" in rows[0]["说明"]
    assert rows[1]["说明"] == "无需修改：工单已经是这些值"


def test_a_display_name_column_without_the_app_credentials_is_refused_in_chinese(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "custom:紧急程度"], [IDS[0], "高"]])
    with ThreadSandbox(config()) as ts:
        with speaking("zh"), pytest.raises(UsageError) as refused:
            run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s"), env=ts.env(FEISHU_APP_SECRET=""))
        applied = ts.stats()["applied"]
    assert applied == 0
    assert str(refused.value).startswith("紧急程度：按名称写的自定义字段；读取服务台的字段列表需要 FEISHU_APP_ID 和 "
                                         "FEISHU_APP_SECRET（租户访问令牌）（或者按 ID 写成 custom:<id>")
