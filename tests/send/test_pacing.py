import math

import pytest

from batch_updater.control import format_rate
from batch_updater.errors import UsageError
from batch_updater.send.pacing import (
    FIXED_FLOOR,
    FIXED_HEADROOM,
    MIN_IN_FLIGHT,
    SAFE_START,
    PaceController,
    parse_rate,
)
from tests.support.pacing_sim import Window, simulate, simulate_in_flight


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


# --- a far API: answers 0.7 s late (issue 18, item 17) ---------------------------------------

def _reached(sim, share: float, limit: float) -> float | None:
    """The first time from which every later 5 s window is at `share` of the limit or more."""
    end = max(sim.accepted)
    starts = [t / 2 for t in range(int(2 * (end - 5)))]
    failing = [t for t in starts if sim.rate_between(t, t + 5) < share * limit]
    return (failing[-1] + 0.5) if failing else 0.0


@pytest.mark.parametrize("limit", [8, 50])
def test_auto_climbs_to_a_far_apis_limit(limit):
    """Every answer 0.7 s late: the climb is judged by the answers as they arrive (the last
    second's requests are not answered yet), and as many requests are kept in flight as the
    latency needs (50/s x 0.7 s = 35). Before: 1.5/s for good."""
    sim = simulate_in_flight([Window(limit, 1.0)], 120, latency=0.7, concurrency=64)
    assert _reached(sim, 0.85, limit) <= 20
    assert sim.rate_between(20, 120) >= 0.9 * limit
    assert sim.pace.pauses <= 4 and sim.throttled < 0.01 * len(sim.accepted)
    assert sim.pace.found and sim.pace.estimate == pytest.approx(limit, rel=0.05)
    assert sim.most_in_flight <= 64


def test_eight_workers_at_0_8_s_reach_8_per_second():
    """The issue's case: 8/s, answers 0.8 s late, eight workers (at most 10/s): 83 s for 240 rows
    before; now at the limit within about 10 s."""
    sim = simulate_in_flight([Window(8, 1.0)], 60, latency=0.8, concurrency=8)
    assert _reached(sim, 0.85, 8) <= 15
    assert sim.most_in_flight <= 8
    assert len([t for t in sim.accepted if t < 40]) >= 240  # 240 rows within 40 s


def test_requests_in_flight_follow_the_rate_and_the_latency():
    pace = PaceController(start=50.0, now=0.0)
    assert pace.in_flight_limit(64) == MIN_IN_FLIGHT  # no answer yet: the floor
    for i in range(50):
        pace.on_accepted(1.0 + i / 50 + 0.7, sent_at=1.0 + i / 50)
    assert pace.latency == pytest.approx(0.7)
    assert pace.in_flight_limit(64) == math.ceil(50 * 0.7 * 1.5) + 2  # 35 needed, with a margin
    assert pace.in_flight_limit(20) == 20  # never more than --concurrency
    assert PaceController(start=5.0).in_flight_limit(3) == 3
    fast = PaceController(start=50.0)
    fast.on_accepted(0.03, sent_at=0.0)
    assert fast.in_flight_limit(64) == MIN_IN_FLIGHT  # 50/s x 30 ms needs 2: keep the floor


def test_a_varying_latency_moves_the_hold_under_the_limit_until_the_throttles_stop():
    """Answers 0.5-0.8 s late, judged by the server when they arrive: it sees requests closer
    together than they left, so a rate just under the limit keeps meeting the throttle. Each
    throttle at the held rate takes 3% more room; they stop."""
    sim = simulate_in_flight([Window(8, 1.0)], 180, latency=0.5, jitter=0.3, concurrency=64)
    assert sim.pace.headroom < FIXED_HEADROOM
    assert sim.throttled <= 15  # 46 without the moving hold
    assert sim.rate_between(60, 180) >= 0.75 * 8  # about what this jitter allows without throttles
    assert max(sim.throttle_times) < 120  # settled: none in the last minute


# --- a stall, and a learned rate (issue 18, item 18) ------------------------------------------

def _steady(pace: PaceController, start: float, end: float, rate: float, latency: float = 0.05) -> None:
    t = start
    while t < end:
        pace.on_accepted(t + latency, sent_at=t)
        t += 1 / rate


def test_a_throttle_just_after_a_stall_teaches_nothing():
    """30/s found; the API hangs 12 s with 8 requests in flight; when it wakes it counts them with
    the next ones, and throttles the fifth new request. Counted by send time, the window before it
    holds 4 accepted: before, the rate fell to 3.8/s and that was saved as the limit found."""
    pace = PaceController(now=0.0)
    _steady(pace, 0.0, 20.0, 40.0)
    pace.on_throttled(20.05, 1.0, sent_at=20.0)
    assert pace.estimate == pytest.approx(40, abs=1) and pace.found
    _steady(pace, 21.0, 30.0, pace.rate)
    rate, estimate = pace.rate, pace.estimate
    hung = [30.0 + i / 30 for i in range(8)]
    for sent in hung:  # answered when the API wakes, 12 s later
        pace.on_accepted(42.0, sent_at=sent)
    _steady(pace, 42.0, 42.14, rate, latency=0.01)
    pace.on_throttled(42.16, 1.0, sent_at=42.15)
    assert pace.paused_until == pytest.approx(43.16)  # it still pauses as told
    assert pace.rate == pytest.approx(rate) and pace.estimate == estimate
    # Only the first throttle after a stall is ignored: one after the pause is judged as usual.
    _steady(pace, 43.2, 46.0, 20.0)
    pace.on_throttled(46.05, 1.0, sent_at=46.0)
    assert pace.estimate == pytest.approx(20, abs=1) and pace.rate < 20


def test_a_stall_in_a_simulated_run_leaves_the_rate_where_it_was():
    sim = simulate_in_flight([Window(30, 1.0)], 90, latency=0.05, stall=(40.0, 12.0))
    assert sim.pace.estimate == pytest.approx(30, rel=0.05)
    assert sim.pace.rate >= 0.95 * 30 and sim.rate_between(60, 90) >= 0.95 * 30  # before: 21.8/s


def test_a_learned_rate_climbs_again_while_answers_are_clean():
    """An earlier run saved 4/s (after a stall, say); the API takes 30/s: the run climbs by
    growing steps and finds the limit for itself. Before: it held about 4/s."""
    pace = PaceController.for_setting(parse_rate("auto"), learned=4.0)
    assert pace.rate == 4.0 and not pace.found and pace.estimate is None
    sim = simulate_in_flight([Window(30, 1.0)], 90, latency=0.05, controller=pace)
    assert _reached(sim, 0.85, 30) <= 30
    assert pace.found and pace.estimate == pytest.approx(30, rel=0.05)


def test_found_means_this_run_met_the_throttle():
    pace = PaceController.for_setting(parse_rate("auto"), learned=20.0)
    _steady(pace, 0.0, 30.0, 20.0)
    assert not pace.found and pace.estimate is None  # clean answers: nothing found, a start only
    pace.on_throttled(30.05, 1.0, sent_at=30.0)
    assert pace.found
