from batch_updater.model import FieldError, Outcome, Result, Second, TicketUpdate
from batch_updater.summary import per_second, summarize


def test_summarize_counts_results_errors_codes_and_repeated_tickets():
    checked = [TicketUpdate(2, "1", {"status": 1}), [FieldError("status", "x", "bad")],
               TicketUpdate(4, "1", {"status": 2}), TicketUpdate(5, "2", {"status": 2})]
    outcomes = [Outcome(Result.OK, 200, 0), Outcome(Result.INVALID, msg="status 'x': bad"),
                Outcome(Result.FAILED, 404, 154004, "Resource not found"), Outcome(Result.OK, 200, 0)]
    s = summarize(checked, outcomes)
    assert s.by_result == {"ok": 2, "invalid": 1, "failed": 1}
    assert s.common_errors == [("status: bad", 1)]
    assert s.common_codes == [("154004 Resource not found", 1)]
    assert (s.repeated_tickets, s.rows_on_repeated) == (1, 2)


def test_per_second_buckets_answers_and_follows_the_rate():
    timeline = per_second([10.1, 10.5, 11.2, 12.9], [11.5], [(10.0, 2.0), (11.6, 1.0)], 10.0, 13.0)
    assert timeline == [Second(0, 2, 0, 2.0), Second(1, 1, 1, 1.0), Second(2, 1, 0, 1.0)]
