"""A SQLite journal per job, written ahead, so that a run killed at any point can resume.

A row is marked `sending` (committed) before its first request and `done`, with
its outcome, after its last answer; the rows a run is about to send are entered
`pending` first, in one transaction (not sent, until marked). Running the same job again skips the rows
done for good, and a row left `sending` by a crash is sent again only when it
has no comment (its comment may already be posted).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from batch_updater.model import Outcome, Result
from batch_updater.paths import private_dir, private_file

# i18n: en (SQL: the journal's schema)
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rows (
    key TEXT PRIMARY KEY,            -- the row's ticket and body (resume.row_keys): not its position,
                                     -- so editing another row of the file keeps this one recognised
    row INTEGER NOT NULL,            -- where it was in the sheet when last sent (for people)
    ticket_id TEXT NOT NULL,
    comment_key TEXT,                -- its ticket and comment (resume.comment_key); NULL: no comment
    state TEXT NOT NULL,             -- 'pending' (about to be sent: not yet), 'sending' or 'done'
    final INTEGER NOT NULL DEFAULT 0,-- done for good: not sent again when the job resumes
    sent_after INTEGER,              -- ms since the epoch: the start of the run that first sent it
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
    key: str
    row: int
    ticket_id: str
    comment_key: str | None  # None: the row posts no comment
    state: str
    final: bool
    outcome: Outcome | None
    sent_after: int | None = None


class Journal:
    """One job's journal file. Not thread-safe; used from the event loop's thread."""

    def __init__(self, path: Path) -> None:
        private_file(private_dir(path.parent) / path.name)  # SQLite gives its -wal and -shm the same mode
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

    def entries(self) -> dict[str, Entry]:
        found = {}
        for row in self.db.execute(
            "SELECT key, row, ticket_id, comment_key, state, final, result, http_status, code, msg, log_id, "
            "attempts, finished_at, sent_after FROM rows WHERE state != 'pending'"
        ):
            key, number, ticket, comment, state, final, result, status, code, msg, log_id, attempts, finished, \
                after = row
            outcome = (Outcome(Result(result), status, code, msg or "", log_id or "", attempts or 0, finished or "")
                       if result else None)
            found[key] = Entry(key, number, ticket, comment, state, bool(final), outcome, after)
        return found

    def record_preimages(self, states: Mapping[str, str]) -> None:
        """Written before the job's requests leave; the first run's pre-image of a ticket is kept."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR IGNORE INTO preimage VALUES (?, ?)", states.items())

    def preimages(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT ticket_id, state FROM preimage"))

    def reserve(self, rows: Iterable[tuple[str, int, str, str | None]]) -> None:
        """Rows about to be sent (key, row, ticket id, comment key), entered `pending` in one
        transaction; a row already in the journal is left as it is. A pending row is not among
        `entries()`: nothing was sent. Marking it `sending` and `done` then rewrites its record in
        place, where a new key would be inserted into the key index (a random page) inside each
        small transaction of the send: about a third of the journal's cost per row (bench/README.md)."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR IGNORE INTO rows (key, row, ticket_id, comment_key, state) "
                                "VALUES (?, ?, ?, ?, 'pending')", rows)

    def sending(self, key: str, row: int, ticket_id: str, comment_key: str | None, sent_after: int) -> None:
        """Written (and committed) before the row's request leaves. `sent_after` (the run's start, ms
        since the epoch) is kept from the first run that sent the row: a comment older than that
        is not this row's."""
        self.db.execute(_SENDING, (key, row, ticket_id, comment_key, sent_after))

    def done(self, key: str, outcome: Outcome, final: bool) -> None:
        self.db.execute(_DONE, _done_values(key, outcome, final))

    def write(self, sending: Iterable[SendingRow], done: Iterable[DoneRow]) -> None:
        """Rows about to be sent (`sending`, as `sending()` takes them), then rows' outcomes (`done`),
        in one transaction: committed when this returns. One commit costs about as much as the
        request it guards; the sender groups its rows (send/ahead.py)."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany(_SENDING, sending)
            self.db.executemany(_DONE, [_done_values(key, outcome, final) for key, outcome, final in done])


SendingRow = tuple[str, int, str, "str | None", int]  # key, row, ticket id, comment key, sent after
DoneRow = tuple[str, Outcome, bool]  # key, outcome, final
_SENDING = ("INSERT INTO rows (key, row, ticket_id, comment_key, state, sent_after) VALUES (?, ?, ?, ?, 'sending', ?) "
            "ON CONFLICT(key) DO UPDATE SET state = 'sending', final = 0, row = excluded.row, "
            "comment_key = excluded.comment_key, sent_after = coalesce(rows.sent_after, excluded.sent_after)")
_DONE = ("UPDATE rows SET state = 'done', final = ?, result = ?, http_status = ?, code = ?, msg = ?, log_id = ?, "
         "attempts = ?, finished_at = ? WHERE key = ?")


def _done_values(key: str, outcome: Outcome, final: bool) -> tuple[object, ...]:
    return (int(final), outcome.result.value, outcome.http_status, outcome.code, outcome.msg, outcome.log_id,
            outcome.attempts, outcome.finished_at, key)


def posted(entry: Entry) -> bool | None:
    """Was the row's comment posted? True (the row is ok), None (it may have been: the row was
    being sent, or is unknown), False (it was not, or the row has no comment)."""
    if entry.comment_key is None:
        return False
    if entry.state == "sending" or (entry.outcome is not None and entry.outcome.result is Result.UNKNOWN):
        return None
    return entry.outcome is not None and (entry.outcome.result is Result.OK or entry.outcome.not_taken)


@dataclass(frozen=True, slots=True)
class OtherJob:
    input: str
    touched: dict[str, str]  # ticket id -> when the last row for it finished
    posted: list[str]  # comment keys, one per row whose comment was posted (ok)
    maybe_posted: list[str]  # ...or may have been (being sent, or unknown)


def read_other(path: Path, meta: Mapping[str, str], tickets: set[str]) -> OtherJob | None:
    """What another job did to any of `tickets`: the rows that were (or may have been) applied,
    and their comments; None unless its `api` and `helpdesk` meta are `meta`'s, or when it did
    nothing to them. Read only; a journal that is busy, damaged or of an older layout is skipped."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.5)
        try:
            theirs = dict(db.execute("SELECT key, value FROM meta"))
            if any(theirs.get(name) != meta.get(name) for name in ("api", "helpdesk")):
                return None
            rows = [row for row in db.execute(
                "SELECT ticket_id, comment_key, finished_at, state, result FROM rows WHERE state = 'sending' "
                "OR result IN ('ok', 'unknown') OR (result = 'failed' AND code = 0)") if row[0] in tickets]
        finally:
            db.close()
    except sqlite3.Error:
        return None
    if not rows:
        return None
    touched: dict[str, str] = {}
    for ticket, _, finished, _, _ in rows:
        touched[ticket] = max(touched.get(ticket, ""), finished or "")
    return OtherJob(theirs.get("input", path.stem), touched,
                    [c for _, c, _, state, result in rows if c and state == "done" and result in ("ok", "failed")],
                    [c for _, c, _, state, result in rows if c and (state == "sending" or result == "unknown")])
