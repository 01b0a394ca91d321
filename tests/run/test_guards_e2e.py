"""Guards against a changed ticket, end to end against the sandbox: `if:<field>` columns, and
`run --plan PLAN_FILE` skipping the tickets changed since the plan; neither sends anything for
those tickets."""

from __future__ import annotations

from click.testing import CliRunner

from batch_updater.cli import cli
from batch_updater.run.job import RunOptions, run_job
from batch_updater.run.plan import plan_job
from batch_updater.sandbox import SandboxConfig
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv

IDS = [str(7100000000000000001 + i * 7919) for i in range(4)]
FAST = [(1_000_000, 1.0)]


def sandbox() -> ThreadSandbox:
    return ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=FAST, get_rates=FAST, fields_rates=FAST))


def statuses(ts, *pairs):
    def arrange(sb):
        for tid, status in pairs:
            sb.tickets[tid].status = status
    ts.call(arrange)


def updates(ts):
    return ts.call(lambda sb: {tid: [u.body for u in t.history] for tid, t in sb.tickets.items() if t.history})


def test_an_if_column_applies_a_row_only_when_the_ticket_still_has_the_value(tmp_path):
    write_csv(tmp_path / "in.csv", [
        ["ticket_id", "status", "if:status", "if: 紧急程度"],
        [IDS[0], "51", "待用户响应", ""],     # still waiting for the user: applied
        [IDS[1], "51", "5", ""],             # in progress now: skipped
        [IDS[2], "51", "", ""],              # no condition: applied
        [IDS[3], "51", "5", "最高"],          # a condition that is not a value: invalid
    ])
    with sandbox() as ts:
        statuses(ts, (IDS[0], 5), (IDS[1], 2), (IDS[2], 1))
        done = run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "out.csv"), env=ts.env())
        sent = updates(ts)
    rows = read_rows(tmp_path / "out.csv")
    assert [r["result"] for r in rows] == ["ok", "skipped", "ok", "invalid"]
    assert rows[1]["msg"] == "condition not met (if:status '5': the ticket's is '2'); not sent"
    assert "'最高' is not an option of 紧急程度" in rows[3]["msg"]
    assert set(sent) == {IDS[0], IDS[2]} and done.exit_code == 1


def test_run_plan_applies_the_plan_and_skips_tickets_changed_since(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status", "tag_names"],
                                    [IDS[0], "51", "done"], [IDS[1], "51", "done"], [IDS[2], "4", ""]])
    with sandbox() as ts:
        statuses(ts, (IDS[0], 5), (IDS[1], 5), (IDS[2], 4))
        plan = plan_job(RunOptions(input=tmp_path / "in.csv", report=tmp_path / "plan.csv"), env=ts.env())
        assert [p.kind for p in plan.planned] == ["change", "change", "no-op"]
        statuses(ts, (IDS[1], 2))  # an agent takes the ticket up in between
        result = CliRunner(env=ts.env()).invoke(cli, ["run", "--plan", str(tmp_path / "plan.csv"), "--rate", "500/s",
                                                      "--report", str(tmp_path / "out.csv")])
        sent = updates(ts)
    assert result.exit_code == 0, result.output
    rows = read_rows(tmp_path / "out.csv")
    assert [r["result"] for r in rows] == ["ok", "skipped", "skipped"]
    assert rows[1]["msg"] == "changed since plan: status is now '2', the plan saw '5'; not sent"
    assert rows[2]["msg"] == "not applied: the plan said no-op for this row"
    assert sent == {IDS[0]: [{"status": 51, "tag_names": ["done"]}]}


def test_plan_shows_the_rows_an_if_column_skips_as_run_skips_them(tmp_path):
    write_csv(tmp_path / "in.csv", [
        ["ticket_id", "status", "comment", "if:status"],
        [IDS[0], "51", "", "待用户响应"],   # waiting for the user: a change
        [IDS[1], "51", "bye", "5"],         # in progress now: skipped, its comment not posted
        [IDS[2], "5", "", ""],              # no condition: a change, to 5...
        [IDS[2], "51", "", "5"],            # ...which this row's condition then finds: a change
        [IDS[3], "51", "", "2"],            # status 1 now: skipped
    ])
    with sandbox() as ts:
        statuses(ts, (IDS[0], 5), (IDS[1], 2), (IDS[2], 1), (IDS[3], 1))
        plan = plan_job(RunOptions(input=tmp_path / "in.csv", report=tmp_path / "plan.csv"), env=ts.env())
        assert ts.stats()["applied"] == 0
        done = run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "out.csv"), env=ts.env())
    assert [p.kind for p in plan.planned] == ["change", "skipped", "change", "change", "skipped"]
    assert plan.planned[1].msg == "condition not met (if:status '5': the ticket's is '2'); not sent"
    assert plan.exit_code == 0 and plan.summary.comments == 0  # a skipped row posts nothing
    rows, planned = read_rows(tmp_path / "out.csv"), read_rows(tmp_path / "plan.csv")
    assert [r["result"] for r in rows] == ["ok", "skipped", "ok", "ok", "skipped"]  # as the plan said
    assert [r["msg"] for r in rows if r["result"] == "skipped"] == [p.msg for p in plan.planned if p.kind == "skipped"]
    assert [r["plan"] for r in planned] == [p.kind for p in plan.planned]
    assert planned[1]["status (now)"] == "2" and planned[4]["status (now)"] == "1" and done.exit_code == 0
