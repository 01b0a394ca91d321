"""The undo sheet of a job run several times: it restores every field any of its runs changed,
end to end against the sandbox on 127.0.0.1, and the pure parts it is built from."""

from __future__ import annotations

from batch_updater.model import Outcome, Result, TicketUpdate
from batch_updater.plan.state import TicketState
from batch_updater.plan.undo import Changes, fields_set, undo_sheet
from batch_updater.run.job import RunOptions, run_job
from batch_updater.sandbox import SandboxConfig
from tests.run.test_plan_e2e import FAST_GET, IDS, UNLIMITED, fields
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv


def test_the_latest_undo_sheet_restores_what_every_run_of_the_job_changed(tmp_path):
    """Run 1 sets `solved` (and posts a comment); the sheet is then edited to set `status` instead
    and run again: its undo sheet puts back both, and lists both runs' comments."""
    sheet = tmp_path / "in.csv"
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, get_rates=FAST_GET, rates=UNLIMITED)) as ts:
        original = fields(ts)
        write_csv(sheet, [["ticket_id", "solved", "comment"],
                          *[[tid, "2" if original[tid][1] != 2 else "1", f"first {i}"] for i, tid in enumerate(IDS)]])
        first = run_job(RunOptions(input=sheet, rate="500/s", report=tmp_path / "one.csv", undo=True), env=ts.env())
        assert first.exit_code == 0
        write_csv(sheet, [["ticket_id", "status", "comment"],
                          *[[tid, "4" if original[tid][0] != 4 else "2", f"second {i}"] for i, tid in enumerate(IDS)]])
        second = run_job(RunOptions(input=sheet, rate="500/s", report=tmp_path / "two.csv", undo=True), env=ts.env())
        assert second.exit_code == 0 and second.resumed == 0  # every row is new: the same job, though
        undo = read_rows(second.undo_path)
        assert {row["ticket_id"] for row in undo} == set(IDS)
        assert all(row["solved"] and row["status"] for row in undo)
        comments = [row["comment posted (cannot be undone)"] for row in read_rows(second.undo_comments_path)]
        assert sorted(c for c in comments if c.startswith(("first", "second"))) == sorted(
            [f"first {i}" for i in range(len(IDS))] + [f"second {i}" for i in range(len(IDS))])
        undone = run_job(RunOptions(input=second.undo_path, rate="500/s", report=tmp_path / "undo.csv"), env=ts.env())
        assert undone.exit_code == 0
        assert fields(ts) == original


def test_a_run_that_did_not_read_the_tickets_still_counts_for_the_next_undo_sheet(tmp_path):
    """Run 1 reads the tickets (undo); run 2 does not, and sets tags; run 3 (undo) sets solved:
    its undo sheet puts back status, tags and solved."""
    sheet = tmp_path / "in.csv"
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS[:3], get_rates=FAST_GET, rates=UNLIMITED)) as ts:
        original = fields(ts)
        for columns, value, undo in ((["status"], "4", True), (["tag_names"], "moved", False),
                                     (["solved"], "2", True)):
            write_csv(sheet, [["ticket_id", *columns], *[[tid, value] for tid in IDS[:3]]])
            last = run_job(RunOptions(input=sheet, rate="500/s", report=tmp_path / f"{columns[0]}.csv", undo=undo),
                           env=ts.env())
            assert last.exit_code == 0
        assert {name for row in read_rows(last.undo_path) for name, v in row.items() if v} >= {
            "ticket_id", "status", "tag_names"}
        run_job(RunOptions(input=last.undo_path, rate="500/s", report=tmp_path / "undo.csv"), env=ts.env())
        assert fields(ts) == original


BEFORE = TicketState(status=1, solved=1, tag_names=("a",), ticket_type=1, channel=0)


def test_undo_sheet_merges_the_earlier_runs_fields_and_comments():
    specs = [(0, TicketUpdate(2, "1", {"status": 2, "comment": "c"})), (1, TicketUpdate(3, "2", {"status": 1}))]
    outcomes = {0: Outcome(Result.OK), 1: Outcome(Result.OK)}  # row 2 changes nothing: status 1 already
    earlier = Changes({"2": ["solved"], "9": ["status"]}, [("2", "old")])
    undo = undo_sheet(specs, {"1": BEFORE, "2": BEFORE}, outcomes, earlier)
    assert undo.rows == [{"ticket_id": "2", "solved": "1"}, {"ticket_id": "1", "status": "1"}]  # 9: not read
    assert undo.comments == [("2", "old"), ("1", "c")]
    assert undo.changes == Changes({"1": ["status"], "2": []}, [("1", "c")])


def test_fields_set_names_the_fields_of_applied_rows_on_tickets_read_before():
    specs = [(0, TicketUpdate(2, "1", {"tag_names": ["x"], "customized_fields": [{"id": "7", "value": "v"}],
                                       "comment": "c"})),
             (1, TicketUpdate(3, "2", {"status": 2})), (2, TicketUpdate(4, "1", {"status": 2}))]
    outcomes = {0: Outcome(Result.UNKNOWN), 1: Outcome(Result.OK), 2: Outcome(Result.FAILED)}
    made = fields_set(specs, outcomes, known={"1"})
    assert made.fields == {"1": ["tag_names", "custom:7"]} and made.comments == [("1", "c")]
