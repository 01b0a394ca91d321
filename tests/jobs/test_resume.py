"""Resume planning."""


from batch_updater.model import Outcome, Result


def test_plan_resume_skips_done_rows_and_guards_crashed_comment_rows():
    from batch_updater.jobs.journal import Entry
    from batch_updater.jobs.resume import plan_resume
    from batch_updater.model import TicketUpdate

    specs = [(0, TicketUpdate(2, "1", {"status": 2})), (1, TicketUpdate(3, "2", {"comment": "c"})),
             (2, TicketUpdate(4, "3", {"comment": "d"})), (3, TicketUpdate(5, "4", {"status": 2})),
             (4, TicketUpdate(6, "5", {"comment": "e"}))]
    keys = {i: f"k{i}" for i, _ in specs}
    entries = {
        "k0": Entry("k0", 2, "1", False, "done", True, Outcome(Result.OK)),
        "k1": Entry("k1", 3, "2", True, "sending", False, None, 1000),
        "k2": Entry("k2", 4, "3", True, "done", True, Outcome(Result.UNKNOWN, msg="timeout")),
        "k3": Entry("k3", 5, "4", False, "done", False, Outcome(Result.FAILED, 500, 155000)),
    }
    plan = plan_resume(specs, keys, entries, retry_comments=False)
    assert list(plan.earlier) == [0, 2] and list(plan.crashed) == [1]
    assert [i for i, _ in plan.to_send] == [3, 4] and plan.sent_after == {1: 1000}
    accepted = plan_resume(specs, keys, entries, retry_comments=True)  # the user accepts the risk
    assert list(accepted.earlier) == [0] and [i for i, _ in accepted.to_send] == [1, 2, 3, 4]
