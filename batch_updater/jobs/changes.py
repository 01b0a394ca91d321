"""What a job's runs changed, kept in its journal beside the tickets' pre-images, so that the
undo sheet of its latest run restores every field any of its runs changed (a run stopped,
the sheet fixed, run again to set other fields). Each run adds what it applied, when it ends;
nothing is removed (`--fresh` starts the journal over). The table is created by the first run
that writes to it: a journal of an earlier version simply has none."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping

from batch_updater.jobs.journal import Journal

# i18n: en (SQL: the journal's schema)
_TABLE = """CREATE TABLE IF NOT EXISTS changed (  -- the fields the job changed, the comments it posted
    ticket_id TEXT NOT NULL,
    field TEXT NOT NULL,            -- a field as the undo sheet names it (status, custom:<id>...), or 'comment'
    comment TEXT NOT NULL DEFAULT '',  -- a comment's text
    PRIMARY KEY (ticket_id, field, comment)
)"""


def record_changes(journal: Journal, fields: Mapping[str, Iterable[str]], comments: Iterable[tuple[str, str]]) -> None:
    """Add what a run applied (or may have: its unknown rows), in one transaction."""
    rows = [(tid, name, "") for tid, names in fields.items() for name in names]
    rows += [(tid, "comment", text) for tid, text in comments]
    with journal.db:
        journal.db.execute("BEGIN")
        journal.db.execute(_TABLE)
        journal.db.executemany("INSERT OR IGNORE INTO changed VALUES (?, ?, ?)", rows)


def recorded_changes(journal: Journal) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """The fields each ticket had changed, and the comments posted, by the job's runs so far."""
    fields: dict[str, list[str]] = {}
    comments: list[tuple[str, str]] = []
    try:
        found = journal.db.execute("SELECT ticket_id, field, comment FROM changed ORDER BY rowid").fetchall()
    except sqlite3.OperationalError:  # no such table: no run recorded anything yet
        return fields, comments
    for tid, name, text in found:
        if name == "comment":
            comments.append((tid, text))
        else:
            fields.setdefault(tid, []).append(name)
    return fields, comments


def preimaged(journal: Journal) -> set[str]:
    """The tickets whose state before the job the journal holds (an undo can restore only those)."""
    return {tid for (tid,) in journal.db.execute("SELECT ticket_id FROM preimage")}
