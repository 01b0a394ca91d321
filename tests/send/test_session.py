"""What a send reports: the rate it achieved."""

import pytest

from batch_updater.send.session import SendReport
from batch_updater.send.tally import SendStats


def report(accepted: list[float], started: float = 0.0, finished: float = 10.0) -> SendReport:
    return SendReport({}, SendStats(accepted, [], started, finished), 5.0, 1.5, False, 0, 0, None, None, False,
                      "http://127.0.0.1:1", [])


def test_the_achieved_rate_counts_the_gaps_between_answers_so_a_short_run_is_not_above_its_rate():
    held_at_5 = [0.05 + i / 5 for i in range(28)]  # 28 answers, 0.2 s apart; the send took 5.5 s
    assert report(held_at_5, finished=5.5).achieved_rate == pytest.approx(5.0)  # not 28 / 5.5 = 5.1


@pytest.mark.parametrize("accepted", [[], [0.004], [1.0, 1.0]], ids=["none", "one", "at once"])
def test_too_few_answers_have_no_rate(accepted):
    assert report(accepted, finished=0.005).achieved_rate is None
