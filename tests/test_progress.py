"""The progress display: lines (not a terminal) and the bar (a terminal) name what is counted."""

import io

from batch_updater.control import Progress
from batch_updater.progress import ProgressDisplay


def update(done, total, reading=False):
    return Progress(done, total, {"ok": done}, 10.0, False, reading)


def test_lines_say_tickets_read_while_reading_and_rows_while_sending():
    out = io.StringIO()
    with ProgressDisplay(out, every=0.0) as show:
        show(update(21, 21, reading=True))
        show(update(3, 23))
    assert out.getvalue().splitlines() == ["progress: 21/21 tickets read, 21 ok, rate 10/s",
                                           "progress: 3/23 rows, 3 ok, rate 10/s"]


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_bar_starts_again_for_the_sending_after_reading():
    with ProgressDisplay(Terminal()) as show:
        show(update(21, 21, reading=True))
        bar = show._bar
        (reading,) = bar.tasks
        assert (reading.fields["what"], reading.total) == ("reading tickets", 21)
        show(update(3, 23))
        (sending,) = bar.tasks
    assert (sending.fields["what"], sending.total, sending.completed) == ("sending", 23, 3)
