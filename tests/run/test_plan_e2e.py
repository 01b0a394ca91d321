"""Plan, --skip-unchanged, undo and reading back, end to end against the sandbox on 127.0.0.1."""

from __future__ import annotations

from click.testing import CliRunner

from batch_updater.cli import cli
from batch_updater.run.job import RunOptions, run_job
from batch_updater.run.plan import plan_job
from batch_updater.sandbox import Faults, SandboxConfig
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv

IDS = [str(7100000000000000001 + i * 7919) for i in range(10)]
UNLIMITED = [(1_000_000, 1.0)]
FAST_GET = [(1_000_000, 1.0)]


def fields(ts):
    """Each ticket's update fields, as the sandbox holds them."""
    return ts.call(lambda sb: {tid: (t.status, t.solve, sorted(t.tags), t.channel,
                                     {k: v["value"] for k, v in t.customized_fields.items()})
                               for tid, t in sb.tickets.items()})


def test_plan_marks_change_no_op_missing_forbidden_and_invalid(tmp_path):
    config = SandboxConfig(ticket_ids=IDS, forbidden=frozenset({IDS[3]}), get_rates=FAST_GET, rates=UNLIMITED)
    with ThreadSandbox(config) as ts:
        before = fields(ts)
        status0 = before[IDS[0]][0]
        write_csv(tmp_path / "in.csv", [
            ["ticket_id", "status", "comment"],
            [IDS[0], "51", ""],                      # change
            [IDS[1], str(before[IDS[1]][0]), ""],    # no-op
            ["7999999999999999999", "2", ""],        # missing
            [IDS[3], "2", ""],                       # forbidden? (GET is allowed: a change)
            ["x", "2", ""],                          # invalid
            [IDS[0], str(status0), ""],              # back to where it was: a change after row 1
            [IDS[2], str(before[IDS[2]][0]), "hi"],  # same status, but a comment: a change
        ])
        result = plan_job(RunOptions(input=tmp_path / "in.csv", report=tmp_path / "plan.csv"), env=ts.env())
        assert ts.stats()["applied"] == 0  # nothing sent
    kinds = [p.kind for p in result.planned]
    assert kinds == ["change", "no-op", "missing", "change", "invalid", "change", "change"]
    assert result.exit_code == 1 and result.summary.comments == 1 and result.summary.missing_tickets == 1
    rows = read_rows(tmp_path / "plan.csv")
    assert rows[0]["status (now)"] == str(status0) and rows[0]["status (new)"] == "51"
    assert rows[5]["status (now)"] == "51"  # compared against what row 1 leaves
    assert "Resource not found" in rows[2]["msg"]


def test_plan_needs_the_apps_credentials(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "status"], [IDS[0], "51"]])
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS)) as ts:
        env = ts.env(FEISHU_APP_SECRET="")
        result = CliRunner(env=env).invoke(cli, ["plan", str(tmp_path / "in.csv")])
    assert result.exit_code == 2 and "FEISHU_APP_ID and FEISHU_APP_SECRET" in result.output


def test_skip_unchanged_sends_only_the_rows_that_change_something(tmp_path):
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, get_rates=FAST_GET, rates=UNLIMITED)) as ts:
        before = fields(ts)
        rows = [[tid, str(before[tid][0]) if i % 3 else "51"] for i, tid in enumerate(IDS)]
        write_csv(tmp_path / "in.csv", [["ticket_id", "status"], *rows])
        result = run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "out.csv",
                                    skip_unchanged=True), env=ts.env())
        stats = ts.stats()
    changing = sum(1 for i, tid in enumerate(IDS) if i % 3 == 0 and before[tid][0] != 51)
    assert stats["applied"] == changing
    results = [r["result"] for r in read_rows(tmp_path / "out.csv")]
    assert results.count("ok") == changing and results.count("skipped") == len(IDS) - changing
    assert result.exit_code == 0


def test_run_then_its_undo_sheet_restores_the_tickets(tmp_path):
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, get_rates=FAST_GET, rates=UNLIMITED)) as ts:
        original = fields(ts)
        write_csv(tmp_path / "in.csv", [
            ["ticket_id", "status", "tag_names", "solved", "custom:6948728206392295447", "comment"],
            *[[tid, "51", "migrated, 2024", "2", "P9", "closing" if i == 0 else ""] for i, tid in enumerate(IDS)],
            [IDS[0], "2", "again", "", "", ""],  # a ticket changed by two rows: undo restores before the first
        ])
        done = run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "out.csv",
                                  undo=True), env=ts.env())
        assert done.exit_code == 0 and fields(ts) != original
        assert done.undo_path == tmp_path / "out-undo.csv"
        assert read_rows(tmp_path / "out-undo-comments.csv")[0]["comment posted (cannot be undone)"] == "closing"
        undone = run_job(RunOptions(input=done.undo_path, rate="500/s", report=tmp_path / "undo-report.csv"),
                         env=ts.env())
        assert undone.exit_code == 0, undone.summary
        restored = fields(ts)
    assert restored == original


def test_an_unknown_comment_row_is_read_back_instead_of_guessed(tmp_path):
    """Every answer is dropped after the update is applied: the rows end ok, confirmed by
    reading the ticket back, and no comment is posted twice."""
    faults = Faults(drop_after_apply_rate=1.0)
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, get_rates=FAST_GET, rates=UNLIMITED, faults=faults)) as ts:
        write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], *[[tid, f"note {i}"] for i, tid in enumerate(IDS)]])
        result = run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "out.csv"),
                         env=ts.env())
        stats = ts.stats()
    rows = read_rows(tmp_path / "out.csv")
    assert [r["result"] for r in rows] == ["ok"] * len(IDS) and result.exit_code == 0
    assert all("confirmed by reading the ticket back" in r["msg"] for r in rows)
    assert stats["tickets_with_duplicate_comments"] == 0 and stats["applied"] == len(IDS)


def test_a_comment_that_did_not_land_is_sent_again_after_reading_back(tmp_path):
    faults = Faults(drop_before_apply_rate=1.0)
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS[:2], get_rates=FAST_GET, rates=UNLIMITED,
                                     faults=faults)) as ts:
        write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], [IDS[0], "a"], [IDS[1], "b"]])

        def heal(sb):
            sb.set_faults(drop_before_apply_rate=0.0)

        run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", max_attempts=1,
                                    report=tmp_path / "out.csv"), env=ts.env(),
                         on_progress=lambda p: ts.call(heal) if p.done == 2 else None)
        stats = ts.stats()
    rows = read_rows(tmp_path / "out.csv")
    assert [r["result"] for r in rows] == ["ok", "ok"], rows
    assert all("sent again after reading the ticket back" in r["msg"] for r in rows)
    assert stats["applied"] == 2 and stats["tickets_with_duplicate_comments"] == 0


def test_an_unknown_comment_row_with_a_later_row_on_its_ticket_is_left_for_a_person(tmp_path):
    faults = Faults(drop_after_apply_rate=1.0)
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, get_rates=FAST_GET, rates=UNLIMITED, faults=faults)) as ts:
        write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], [IDS[0], "first"], [IDS[0], "second"]])
        result = run_job(RunOptions(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "out.csv"),
                         env=ts.env())
        stats = ts.stats()
    first, second = result.outcomes
    assert first.result.value == "unknown" and "check it by hand" in first.msg
    assert second.result.value == "ok" and "confirmed by reading the ticket back" in second.msg
    assert stats["applied"] == 2 and stats["tickets_with_duplicate_comments"] == 0
