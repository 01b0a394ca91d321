"""feishu/clock.py: the API's clock offset, bounded by the answers' Date headers."""

from __future__ import annotations

from email.utils import formatdate

import pytest

from batch_updater.feishu.clock import ClockOffset


def date(epoch: float) -> str:
    return formatdate(epoch, usegmt=True)  # whole seconds, as a server writes it


@pytest.mark.parametrize("offset", [-10.0, -0.5, 0.0, 0.25, 3600.0])
def test_the_bounds_hold_the_true_offset_and_narrow(offset):
    clock = ClockOffset()
    assert clock.bounds_ms() is None
    widths = []
    for i in range(40):  # answers 0.05 s long, leaving at every phase of the second
        sent = 1_700_000_000.0 + i * 0.37
        clock.observe(date(sent + 0.02 + offset), sent, sent + 0.05)
        low, high = clock.bounds_ms()
        assert low <= offset * 1000 <= high
        widths.append(high - low)
    assert widths[0] >= 1000 and widths[-1] <= 100


def test_an_unreadable_or_missing_date_is_ignored_and_a_clock_set_meanwhile_starts_again():
    clock = ClockOffset()
    clock.observe(None, 100.0, 100.1)
    clock.observe("yesterday", 100.0, 100.1)
    assert clock.bounds_ms() is None
    clock.observe(date(1_700_000_000.0), 1_700_000_000.0, 1_700_000_000.1)
    assert clock.bounds_ms()[0] <= 0 <= clock.bounds_ms()[1]
    clock.observe(date(1_700_000_100.0), 1_700_000_050.0, 1_700_000_050.1)  # the API's clock jumped 50 s
    low, high = clock.bounds_ms()
    assert low <= 50_000 <= high and low > 40_000
