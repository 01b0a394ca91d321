"""A custom field's wrong cell and an exported sheet's skips in Chinese (issue 23 item 1): a
dropdown option that does not exist is named with the nearest options, end to end against the
sandbox's field list; the options themselves stay as the helpdesk names them."""

from __future__ import annotations

import pytest

from batch_updater.errors import InputError
from batch_updater.i18n import speaking
from batch_updater.rows.custom import BadChoice, choice_value
from batch_updater.rows.exported import AS_EXPORTED, since_export
from batch_updater.run.job import RunOptions, run_job
from batch_updater.sandbox import SandboxConfig
from batch_updater.schema.columns import resolve_columns
from tests.rows.test_custom import PRODUCT, SEVERITY
from tests.rows.test_exported import reduced
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv

IDS = [str(7100000000000000001 + i * 7919) for i in range(3)]
FAST = [(1_000_000, 1.0)]


def test_a_dropdown_option_that_does_not_exist_is_said_in_chinese_with_the_nearest(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "紧急程度", "custom:产品线"],
                                    [IDS[0], "高", ""], [IDS[1], "最高", ""], [IDS[2], "", "硬件 / 键盘"]])
    config = SandboxConfig(ticket_ids=IDS, rates=FAST, get_rates=FAST, fields_rates=FAST)
    with ThreadSandbox(config) as ts, speaking("zh"):
        done = run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "out.csv"), env=ts.env())
    rows = read_rows(tmp_path / "out.csv")
    assert done.exit_code == 1 and [r["结果"] for r in rows] == ["成功", "无效", "无效"]  # --lang zh: the report's words too
    assert "'最高' 不是 紧急程度 的选项（最接近的：高" in rows[1]["说明"]
    assert "'键盘' 不是 产品线 / 硬件 的选项（它的选项：打印机, 笔记本）" in rows[2]["说明"]
    assert "is not an option" not in rows[1]["说明"] + rows[2]["说明"]


@pytest.mark.parametrize(("field", "cell", "said"), [
    (SEVERITY, "S1 Critcal", "'S1 Critcal' 不是 Severity 的选项（最接近的：S1 - Critical"),
    (PRODUCT, "软件 / 邮箱 / x", "产品线 / 软件 / 邮箱 下面没有选项"),
    (PRODUCT, " / ", "里面没有选项：请写 产品线 的选项路径，例如 a / b / c"),
])
def test_a_wrong_choice_in_chinese(field, cell, said):
    with speaking("zh"), pytest.raises(BadChoice) as e:
        choice_value(field, cell)
    assert said in str(e.value)


def test_an_exported_sheet_s_skips_and_refusal_in_chinese():
    with speaking("zh"):
        _, skips = reduced(("待用户响应", "a, b", "x", ""))
        columns = resolve_columns(["ticket_id", "status", "guest (not sent)", "agents (not sent)"])
        with pytest.raises(InputError) as lost:
            since_export([], [], columns)
    assert skips == {0: "导出后没有修改：没有要发送的内容"}
    assert str(lost.value).startswith(f"这张表有导出文件的 (not sent) 列，却没有它的 `{AS_EXPORTED}` 列")
