"""A SQLite journal per job, written ahead, so that a run killed at any point can resume.

A row is marked `sending` (committed) before its first request and `done`, with
its outcome, after its last answer. Running the same job again skips the rows
done for good, and a row left `sending` by a crash is sent again only when it
has no comment (its comment may already be posted).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from batch_updater.model import Outcome, Result

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rows (
    idx INTEGER PRIMARY KEY,         -- the row's position among the input's rows
    ticket_id TEXT NOT NULL,
    has_comment INTEGER NOT NULL,
    state TEXT NOT NULL,             -- 'sending' or 'done'
    final INTEGER NOT NULL DEFAULT 0,-- done for good: not sent again when the job resumes
    result TEXT, http_status INTEGER, code INTEGER, msg TEXT, log_id TEXT,
    attempts INTEGER, finished_at TEXT
);
CREATE TABLE IF NOT EXISTS preimage (  -- each ticket before the job first changed it (for undo)
    ticket_id TEXT PRIMARY KEY,
    state TEXT NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class Entry:
    index: int
    ticket_id: str
    has_comment: bool
    state: str
    final: bool
    outcome: Outcome | None


class Journal:
    """One job's journal file. Not thread-safe; used from the event loop's thread."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)
        # WAL with synchronous=NORMAL: each commit survives the process being killed.
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def entries(self) -> dict[int, Entry]:
        found = {}
        for row in self.db.execute(
            "SELECT idx, ticket_id, has_comment, state, final, result, http_status, code, msg, log_id, "
            "attempts, finished_at FROM rows"
        ):
            idx, ticket, comment, state, final, result, status, code, msg, log_id, attempts, finished = row
            outcome = (Outcome(Result(result), status, code, msg or "", log_id or "", attempts or 0, finished or "")
                       if result else None)
            found[idx] = Entry(idx, ticket, bool(comment), state, bool(final), outcome)
        return found

    def record_preimages(self, states: Mapping[str, str]) -> None:
        """Written before the job's requests leave; the first run's pre-image of a ticket is kept."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR IGNORE INTO preimage VALUES (?, ?)", states.items())

    def preimages(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT ticket_id, state FROM preimage"))

    def sending(self, index: int, ticket_id: str, has_comment: bool) -> None:
        """Written (and committed) before the row's request leaves."""
        self.db.execute(
            "INSERT INTO rows (idx, ticket_id, has_comment, state) VALUES (?, ?, ?, 'sending') "
            "ON CONFLICT(idx) DO UPDATE SET state = 'sending', final = 0",
            (index, ticket_id, int(has_comment)),
        )

    def done(self, index: int, outcome: Outcome, final: bool) -> None:
        self.db.execute(
            "UPDATE rows SET state = 'done', final = ?, result = ?, http_status = ?, code = ?, msg = ?, "
            "log_id = ?, attempts = ?, finished_at = ? WHERE idx = ?",
            (int(final), outcome.result.value, outcome.http_status, outcome.code, outcome.msg, outcome.log_id,
             outcome.attempts, outcome.finished_at, index),
        )
