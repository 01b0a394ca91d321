"""Custom fields by name and label, end to end against the sandbox: the field list read once per
run (and kept for a day), dropdown labels, a wrong one, a nested path, several choices, a numeric
id, a dry run without credentials, and a value that does not take, reported plainly."""

from __future__ import annotations

import pytest

from batch_updater.errors import UsageError
from batch_updater.run.job import RunOptions, run_job
from batch_updater.run.plan import plan_job
from batch_updater.sandbox import SandboxConfig
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv

IDS = [str(7100000000000000001 + i * 7919) for i in range(4)]
FAST = [(1_000_000, 1.0)]
PRIORITY, PRODUCT, REGIONS, CUSTOMER = ("6948728206392295444", "6948728206392295445", "6948728206392295446",
                                        "6948728206392295447")


def config(**more):
    return SandboxConfig(ticket_ids=IDS, rates=FAST, get_rates=FAST, fields_rates=FAST, **more)


def values(ts, field_id):
    return ts.call(lambda sb: {tid: t.customized_fields.get(field_id, {}).get("value") for tid, t in sb.tickets.items()})


SHEET = [
    ["ticket_id", "紧急程度", "custom:产品线", "影响范围", "custom:6948728206392295447", "note"],
    [IDS[0], "高", "硬件 / 打印机 / 卡纸", "华东, 华北", "C-1", "a"],
    [IDS[1], " 低 ", "软件/邮箱", "", "", "b"],
    [IDS[2], "highest", "", "", "", "c"],       # not an option
    [IDS[3], "", "硬件 / 键盘", "", "C-4", "d"],  # not an option at the second level
]


def test_labels_are_checked_sent_as_display_names_and_the_field_list_read_once(tmp_path):
    write_csv(tmp_path / "in.csv", SHEET)
    with ThreadSandbox(config()) as ts:
        done = run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "out.csv",
                                  skip_unchanged=True), env=ts.env())
        assert done.exit_code == 1 and ts.stats()["fields"]["accepted"] == 1  # once, though it read, sent, read back
        priority, product, regions, customer = (values(ts, f) for f in (PRIORITY, PRODUCT, REGIONS, CUSTOMER))
        again = run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "again.csv"),
                        env=ts.env())
        kept = ts.stats()["fields"]["accepted"]
        run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "third.csv",
                           refresh_fields=True, fresh=True), env=ts.env())
        refreshed = ts.stats()["fields"]["accepted"]
    rows = read_rows(tmp_path / "out.csv")
    assert [r["result"] for r in rows] == ["ok", "ok", "invalid", "invalid"]
    assert "'highest' is not an option of 紧急程度 (nearest: 高" in rows[2]["msg"] or \
        "'highest' is not an option of 紧急程度 (its options: 高, 中, 低)" in rows[2]["msg"]
    assert "'键盘' is not an option of 产品线 / 硬件 (its options: 打印机, 笔记本)" in rows[3]["msg"]
    assert (priority[IDS[0]], product[IDS[0]], regions[IDS[0]], customer[IDS[0]]) == (
        "高", "硬件 / 打印机 / 卡纸", "华北,华东", "C-1")
    assert (priority[IDS[1]], product[IDS[1]]) == ("低", "软件 / 邮箱")
    assert again.exit_code == 1 and kept == 1  # kept for a day: not read again
    assert refreshed == 2  # --refresh-fields reads it again


def test_a_plan_shows_the_labels_as_the_ticket_holds_them(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "紧急程度"], [IDS[0], "中"]])
    with ThreadSandbox(config()) as ts:
        ts.call(lambda sb: sb.tickets[IDS[0]].customized_fields.update({PRIORITY: {"value": "中", "key_name": "p"}}))
        plan = plan_job(RunOptions(input=tmp_path / "in.csv", report=tmp_path / "plan.csv"), env=ts.env())
    assert [p.kind for p in plan.planned] == ["no-op"]


def test_a_dry_run_without_credentials_takes_the_labels_as_written_and_says_so(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "custom:紧急程度", "status"], [IDS[0], "高", "2"], [IDS[1], "", "x"]])
    warnings: list[str] = []
    done = run_job(RunOptions(input=tmp_path / "in.csv", dry_run=True, report=tmp_path / "out.csv"), env={},
                   on_warning=warnings.append)
    rows = read_rows(tmp_path / "out.csv")
    assert [r["result"] for r in rows] == ["valid", "invalid"]  # the status is still checked
    assert '"id":"custom:紧急程度","value":"高"' in rows[0]["msg"]
    assert any("custom fields named by their names were not checked (紧急程度)" in w and "FEISHU_APP_ID" in w
               for w in warnings)
    assert done.exit_code == 1


def test_a_column_no_field_without_the_app_credentials_is_kept_not_sent_and_the_warning_says_why(tmp_path):
    """Trial 20-21 #8: `Severity` (a display name) without FEISHU_APP_ID/SECRET was warned only "not a
    ticket field". Its fix stopped the live run instead, and so a `备注` note column (README: kept, not
    sent) or the sample's `owner_note` stopped it too (final trial #1). Now such a column is kept and
    not sent, run or dry run, and the warning names it and says what recognises a display name."""
    write_csv(tmp_path / "in.csv", [["ticket_id", "status", "紧急程度", "备注", "empty", "note (not sent)"],
                                    [IDS[0], "3", "高", "客户是VIP", "", "mine"]])
    with ThreadSandbox(config()) as ts:
        env = ts.env(FEISHU_APP_ID="", FEISHU_APP_SECRET="")
        ts.call(lambda sb: sb.tickets[IDS[0]].customized_fields.pop(PRIORITY, None))
        warnings: list[str] = []
        done = run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "out.csv"), env=env,
                       on_warning=warnings.append)
        applied, severity = ts.stats()["applied"], values(ts, PRIORITY)[IDS[0]]
        dry: list[str] = []
        checked = run_job(RunOptions(input=tmp_path / "in.csv", dry_run=True, report=tmp_path / "dry.csv"), env=env,
                          on_warning=dry.append)
    assert done.exit_code == 0 and applied == 1 and severity is None
    (row,) = read_rows(tmp_path / "out.csv")
    assert row["result"] == "ok" and row["备注"] == "客户是VIP"
    said = ("columns kept in the report but not sent (not a ticket field): 紧急程度, 备注, empty; a custom field's display "
            "name is recognised only with the app's credentials (FEISHU_APP_ID / FEISHU_APP_SECRET), or written as "
            "custom:<id>")
    assert said in warnings and said in dry, (warnings, dry)
    assert checked.exit_code == 0


def test_a_live_run_without_the_app_credentials_is_refused_before_sending(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "custom:紧急程度"], [IDS[0], "高"]])
    with ThreadSandbox(config()) as ts:
        env = ts.env(FEISHU_APP_SECRET="")
        with pytest.raises(UsageError, match="紧急程度: custom fields named by their names; reading the helpdesk's field"):
            run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s"), env=env)
        assert ts.stats()["applied"] == 0


def test_a_value_that_does_not_take_is_reported_plainly_never_ok(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "紧急程度", "status"], [IDS[0], "高", "2"], [IDS[1], "", "2"]])
    with ThreadSandbox(config(dropdown_write="tag")) as ts:  # the API would want the option's tag
        ts.call(lambda sb: sb.tickets[IDS[0]].customized_fields.update({PRIORITY: {"value": "低", "key_name": "p"}}))
        done = run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "out.csv"), env=ts.env())
    rows = read_rows(tmp_path / "out.csv")
    assert [r["result"] for r in rows] == ["failed", "ok"]
    assert "reading the ticket back shows 紧急程度 = '低', not '高': the value did not take" in rows[0]["msg"]
    assert done.exit_code == 1


def test_a_value_that_did_not_take_stays_failed_when_the_same_command_runs_again(tmp_path):
    """Trial 20-21 #1: the re-run counted the journal's "answered success" as done (ok, exit 0)
    while the ticket still held the old value; and the first run's advice said "no final answer"."""
    from click.testing import CliRunner

    from batch_updater.cli import cli
    write_csv(tmp_path / "in.csv", [["ticket_id", "紧急程度"], [IDS[0], "高"]])
    with ThreadSandbox(config(dropdown_write="tag")) as ts:
        ts.call(lambda sb: sb.tickets[IDS[0]].customized_fields.update({PRIORITY: {"value": "低", "key_name": "p"}}))
        args = ["run", str(tmp_path / "in.csv"), "--rate", "500/s", "--report"]
        first = CliRunner(env=ts.env()).invoke(cli, [*args, str(tmp_path / "one.csv")])
        again = CliRunner(env=ts.env()).invoke(cli, [*args, str(tmp_path / "two.csv")])
        now = values(ts, PRIORITY)[IDS[0]]
    assert now == "低"
    assert first.exit_code == 1 and "no final answer" not in first.output, first.output
    assert "the value did not take: sending it again will not help" in first.output
    rows = read_rows(tmp_path / "two.csv")
    assert again.exit_code == 1, again.output
    assert [r["result"] for r in rows] == ["failed"]
    assert "the value did not take" in rows[0]["msg"]
