"""What a job's runs changed, kept in its journal for the undo sheet across runs."""

from __future__ import annotations

from batch_updater.jobs.changes import preimaged, record_changes, recorded_changes
from batch_updater.jobs.journal import Journal


def test_runs_add_what_they_changed_once_and_an_older_journal_has_nothing(tmp_path):
    journal = Journal(tmp_path / "job.sqlite")
    try:
        assert recorded_changes(journal) == ({}, [])  # a journal no run recorded in (an older version's)
        record_changes(journal, {"1": ["solved"], "2": []}, [("1", "first")])
        record_changes(journal, {"1": ["status", "solved"]}, [("1", "first"), ("1", "second")])
        assert recorded_changes(journal) == ({"1": ["solved", "status"]}, [("1", "first"), ("1", "second")])
        journal.record_preimages({"1": "{}"})
        assert preimaged(journal) == {"1"}
    finally:
        journal.close()
    reopened = Journal(tmp_path / "job.sqlite")  # kept across runs
    try:
        assert recorded_changes(reopened)[0] == {"1": ["solved", "status"]}
    finally:
        reopened.close()
