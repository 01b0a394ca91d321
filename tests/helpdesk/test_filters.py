"""The filters of export and --select: parsed from flags, a --select string or a job file."""

from __future__ import annotations

from datetime import datetime

import pytest

from batch_updater.errors import UsageError
from batch_updater.helpdesk.filters import Filters, filters_from, parse_select
from batch_updater.helpdesk.listing import _parts


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).astimezone().timestamp() * 1000)


def test_a_select_string():
    f = parse_select('status=5,1 tag=billing tag="vip plus" updated-before=2026-11-01 solved=未解决 channel=9')
    assert f == Filters(statuses=(5, 1), tags=("billing", "vip plus"), solved=1, channel=9,
                        updated_before=ms("2026-11-01"))
    # before: the ms before it, included; asked as a creation time (a ticket never updated, updated_at -1,
    # was last changed when created: what the list's update_time_end makes of -1 is not documented)
    assert ("create_time_end", str(ms("2026-11-01") - 1)) in f.query()
    assert "update_time_end" not in dict(f.query())
    assert [v for k, v in f.query() if k == "status_list"] == ["5", "1"]


def test_a_fields_column_names_name_its_filter_as_set_takes_them():
    """Final trial #7: `--set 状态=已关闭` was accepted but `--select "状态=1"` refused."""
    f = parse_select("状态=1 标签=vip 是否解决=已解决")
    assert f == Filters(statuses=(1,), tags=("vip",), solved=2)
    assert parse_select("tag_names=billing").tags == ("billing",)
    with pytest.raises(UsageError, match="'优先级' is not a filter"):
        parse_select("优先级=高")


def test_labels_and_status_52_may_be_filtered():
    assert filters_from({"status": ["waiting for user", "52"]}).statuses == (5, 52)


@pytest.mark.parametrize("text, words", [
    ("status=9", "status '9': not a status"),
    ("colour=red", "'colour' is not a filter"),
    ("status", "'status' is not key=value"),
    ("created-since=soon", "created-since 'soon': not a date"),
    ("", "no filter given"),
])
def test_a_bad_select_string_is_refused(text, words):
    with pytest.raises(UsageError, match=words):
        parse_select(text)


def test_a_ticket_is_tested_again_locally():
    f = Filters(statuses=(5,), tags=("a", "b"), created_since=100, created_before=200)
    ticket = {"ticket_id": "1", "status": 5, "tags": [{"name": "a"}, {"name": "b"}, {"name": "c"}], "created_at": 150}
    assert f.matches(ticket)
    assert not f.matches({**ticket, "tags": [{"name": "a"}]}) and not f.matches({**ticket, "created_at": 200})
    assert Filters(updated_since=1).matches({"updated_at": -1}) is False


@pytest.mark.parametrize("window, total", [((0, 999), 25_000), ((5, 6), 99_999), ((7, 7), 20_000), ((0, 10**12), 11_000)])
def test_a_window_splits_into_parts_that_cover_it_once(window, total):
    parts = _parts(window, total, 10_000)
    covered = [ms for start, end in parts for ms in (range(start, end + 1) if end - start < 2000 else (start, end))]
    assert parts[0][0] == window[0] and parts[-1][1] == window[1]
    assert all(a[1] + 1 == b[0] for a, b in zip(parts, parts[1:]))  # adjacent, no overlap
    assert len(parts) >= min(2, window[1] - window[0] + 1) and covered


def test_a_time_counted_back_from_now():
    from batch_updater.helpdesk.filters import parse_time

    assert parse_time("14 days ago", "updated-before", now=lambda: 2_000_000.0) == (2_000_000 - 14 * 86_400) * 1000
    assert parse_time("6 hours ago", "updated-since", now=lambda: 100_000.0) == (100_000 - 6 * 3600) * 1000


def test_a_time_range_empty_by_construction_is_refused():
    """Trial 20-21 #14: --created-since 2026-12-01 --created-before 2026-11-01 exported 0 tickets, rc 0."""
    with pytest.raises(UsageError, match="created-since is not before created-before: no ticket can match"):
        filters_from({"created-since": "2026-12-01", "created-before": "2026-11-01"})
