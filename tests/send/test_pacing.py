import pytest

from batch_updater.errors import UsageError
from batch_updater.send.pacing import (
    FIXED_FLOOR,
    FIXED_HEADROOM,
    SAFE_START,
    PaceController,
    format_rate,
    parse_rate,
)
from tests.support.pacing_sim import Window, simulate


@pytest.mark.parametrize("text, per_second, shown", [
    ("auto", None, "auto"), ("20", 20.0, "20/s"), ("20/s", 20.0, "20/s"), ("600/min", 10.0, "600/min"),
    (" 5 / sec ", 5.0, "5/s"), ("1.5/s", 1.5, "1.5/s"), ("90/m", 1.5, "90/min"),
])
def test_parse_rate(text, per_second, shown):
    setting = parse_rate(text)
    assert setting.per_second == per_second and setting.text == shown


@pytest.mark.parametrize("text", ["fast", "0", "-1/s", "10/h", ""])
def test_bad_rates(text):
    with pytest.raises(UsageError, match="use auto, N/s or N/min"):
        parse_rate(text)


def test_format_rate():
    assert [format_rate(r) for r in (0.5, 2.25, 49.6)] == ["30/min", "2.2/s", "50/s"]


def test_auto_starts_safe_and_doubles_while_clean():
    pace = PaceController(now=0.0)
    assert pace.rate == SAFE_START
    t = 0.0
    while t < 5.0:
        t += 1 / pace.rate
        pace.on_accepted(t)
    assert pace.rate >= 4 * SAFE_START


def test_no_increase_when_the_workers_are_the_bottleneck():
    pace = PaceController(now=0.0)
    for t in range(1, 30):  # one answer per second: less than the 1.5/s allowed
        pace.on_accepted(float(t))
    assert pace.rate == SAFE_START


def test_throttle_cuts_to_95_percent_of_what_was_accepted_and_pauses_for_the_reset():
    pace = PaceController(start=100.0, now=0.0)
    for i in range(40):
        pace.on_accepted(9.0 + i / 40)  # 40 accepted in the last second
    until = pace.on_throttled(10.0, reset_after=1.0)
    assert until == 11.0
    assert pace.rate == pytest.approx(38.0)
    assert (pace.throttles, pace.pauses) == (1, 1)
    # answers to requests sent before the pause do not cut again
    assert pace.on_throttled(10.2, reset_after=1.0) == 11.0
    assert pace.rate == pytest.approx(38.0) and pace.pauses == 1


def test_missing_reset_header_backs_off_exponentially():
    pace = PaceController(start=10.0, now=0.0)
    assert pace.on_throttled(0.0, None) == 1.0
    assert pace.on_throttled(1.0, None) == 3.0
    assert pace.on_throttled(3.0, None) == 7.0


def test_a_fixed_rate_never_rises_and_gives_up_a_little_on_each_throttle():
    pace = PaceController.for_setting(parse_rate("20/s"))
    for i in range(100):
        pace.on_accepted(i / 20)
    assert pace.rate == pytest.approx(20 * FIXED_HEADROOM)
    assert pace.on_throttled(5.0, 3.0) == 8.0
    assert pace.rate == pytest.approx(20 * FIXED_HEADROOM ** 2)
    for t in range(10, 400, 10):
        pace.on_throttled(float(t), 1.0)
    assert pace.rate == pytest.approx(20 * FIXED_FLOOR)


@pytest.mark.parametrize("windows, seconds", [
    ([Window(5, 1)], 240),
    ([Window(50, 1)], 240),
    ([Window(600, 60)], 300),
    ([Window(20, 1), Window(600, 60)], 300),
    ([Window(100, 60)], 400),
])
def test_auto_settles_just_under_the_limit(windows, seconds):
    pace, accepted, throttled = simulate(windows, seconds)
    limit = min(w.limit / w.seconds for w in windows)
    second_half = [t for t in accepted if t > seconds / 2]
    assert len(second_half) / (seconds / 2) >= 0.95 * limit
    assert throttled / (len(accepted) + throttled) < 0.01
    assert pace.rate <= 1.1 * limit


def test_a_low_limit_is_not_underestimated_by_the_phase_of_the_sends():
    """At 4.94/s a single second holds 4 or 5 sends: the estimate takes the busiest second."""
    pace = PaceController(start=4.94, now=0.0)
    t = 0.0
    while t < 10.0:
        pace.on_accepted(t + 0.02, sent_at=t)
        t += 1 / 4.94
    assert pace.count_between(t - 1.0, t) in (4, 5)
    pace.on_throttled(t + 0.02, 1.0, sent_at=t)
    assert pace.estimate == 5 and pace.rate == pytest.approx(4.75)


def test_busiest_second():
    pace = PaceController(now=0.0)
    for s in (0.0, 0.1, 0.2, 1.5, 1.6, 1.7, 1.8, 3.0):
        pace.on_accepted(s, sent_at=s)
    assert pace.busiest_second(0.0, 4.0) == 4 and pace.busiest_second(2.0, 4.0) == 1
