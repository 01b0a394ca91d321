"""A run the server did not see end (it crashed, or was killed): what its job's journal knows,
for the list of runs. The journal is the job's, so its counts cover the earlier runs of the same
sheet too; it is read, never changed."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

from batch_updater.i18n import tr
from batch_updater.jobs.journal import Journal

BEING_SENT = "sending"  # a row whose request had left when the run stopped: it may have been applied


def interrupted_counts(journal: Path) -> dict[str, int]:
    """Rows by result as the journal has them (`sending`: being sent when it stopped); {} when it
    cannot be read (the run stopped before writing it, say)."""
    if not journal.is_file():
        return {}
    try:
        opened = Journal(journal)
        try:
            entries = opened.entries()
        finally:
            opened.close()
    except sqlite3.Error:
        return {}
    counts = Counter(BEING_SENT if e.state == "sending" or e.outcome is None else e.outcome.result.value
                     for e in entries.values())
    return dict(counts)


def interrupted_message(kind: str, counts: dict[str, int]) -> str:
    if kind != "run":
        return tr("the server stopped while it was going (it crashed or was killed): run the plan again")
    if not counts:
        return tr("the server stopped while it was going (it crashed or was killed), before any row was sent: "
                  "run the sheet again")
    known = ", ".join(f"{n} {what}" for what, n in sorted(counts.items()) if what != BEING_SENT)  # results as typed
    text = tr("the server stopped while it was going (it crashed or was killed); the job's journal (this run and "
              "the earlier ones of this sheet) has {known}", known=known or tr("no row finished"))
    if counts.get(BEING_SENT):
        text = tr("{text}, and {n} rows being sent when it stopped (they may have been applied: a comment among "
                  "them is not posted again unless reading the ticket back shows it was not)", text=text,
                  n=counts[BEING_SENT])
    return tr("{text}. Run the sheet again to resume: the rows done are not sent again", text=text)
