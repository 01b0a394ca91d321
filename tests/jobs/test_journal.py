"""The journal: write-ahead rows, their keys, pre-images."""


import sqlite3

import pytest

from batch_updater.jobs.journal import Journal
from batch_updater.model import Outcome, Result


def test_journal_records_sending_then_done_and_survives_reopening(tmp_path):
    journal = Journal(tmp_path / "j.sqlite")
    journal.sending("a.0", 2, "111", None, 1000)
    journal.sending("b.0", 3, "222", "c222", 1000)
    journal.done("a.0", Outcome(Result.OK, 200, 0, "success", "L1", 1, "t"), final=True)
    journal.sending("b.0", 5, "222", "c222", 2000)  # sent again by a later run, from another row
    journal.close()
    reopened = Journal(tmp_path / "j.sqlite")
    entries = reopened.entries()
    reopened.close()
    assert entries["a.0"].state == "done" and entries["a.0"].final and entries["a.0"].outcome.log_id == "L1"
    assert entries["b.0"].state == "sending" and entries["b.0"].comment_key == "c222" and entries["b.0"].outcome is None
    assert entries["b.0"].row == 5 and entries["b.0"].sent_after == 1000  # the first run that sent it


def test_journal_meta(tmp_path):
    journal = Journal(tmp_path / "j.sqlite")
    journal.set_meta("input", "a.csv")
    assert journal.get_meta("input") == "a.csv" and journal.get_meta("nope") is None
    journal.close()


def test_write_commits_many_rows_outcomes_and_marks_at_once(tmp_path):
    journal = Journal(tmp_path / "j.sqlite")
    journal.sending("a.0", 2, "111", None, 1000)
    ok = Outcome(Result.OK, 200, 0, "success", "L1", 1, "t")
    journal.write([("b.0", 3, "222", "c222", 1000), ("c.0", 4, "333", None, 1000)], [("a.0", ok, True)])
    other = sqlite3.connect(tmp_path / "j.sqlite")  # another connection sees only what is committed
    rows = dict(other.execute("SELECT key, state FROM rows"))
    other.close()
    assert rows == {"a.0": "done", "b.0": "sending", "c.0": "sending"}
    entries = journal.entries()
    journal.close()
    assert entries["a.0"].outcome == ok and entries["a.0"].final
    assert (entries["b.0"].comment_key, entries["b.0"].row) == ("c222", 3)


def test_a_write_that_fails_writes_nothing(tmp_path):
    journal = Journal(tmp_path / "j.sqlite")
    with pytest.raises(sqlite3.Error):
        journal.write([("b.0", 3, "222", None, 1000), ("c.0", None, "333", None, 1000)], [])  # row is NOT NULL
    assert journal.entries() == {}
    journal.close()
