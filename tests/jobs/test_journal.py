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


def test_reserved_rows_are_not_sent_until_marked_and_keep_what_an_earlier_run_wrote(tmp_path):
    journal = Journal(tmp_path / "j.sqlite")
    ok = Outcome(Result.OK, 200, 0, "success", "L1", 1, "t")
    journal.sending("a.0", 2, "111", None, 1000)
    journal.done("a.0", ok, final=True)
    journal.reserve([("a.0", 9, "111", None), ("b.0", 3, "222", "c222"), ("c.0", 4, "333", None)])
    assert set(journal.entries()) == {"a.0"} and journal.entries()["a.0"].outcome == ok  # a.0 as it was
    journal.sending("b.0", 3, "222", "c222", 2000)
    entries = journal.entries()
    journal.close()
    assert set(entries) == {"a.0", "b.0"}  # c.0 was never sent: as if absent
    assert entries["b.0"].state == "sending" and entries["b.0"].sent_after == 2000 and entries["b.0"].row == 3


def test_another_job_reserved_but_never_sent_rows_are_not_taken_for_its_work(tmp_path):
    from batch_updater.jobs.journal import read_other

    journal = Journal(tmp_path / "j.sqlite")
    journal.set_meta("api", "http://127.0.0.1:1")
    journal.set_meta("helpdesk", "h")
    journal.reserve([("a.0", 2, "111", "c111")])
    journal.close()
    assert read_other(tmp_path / "j.sqlite", {"api": "http://127.0.0.1:1", "helpdesk": "h"}, {"111"}) is None
