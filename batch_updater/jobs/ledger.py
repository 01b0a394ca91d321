"""The comment ledger: one SQLite file in the state folder that every job on this machine shares,
so that no comment is posted twice by two jobs, at the same time or one after the other.

A comment (its API, helpdesk, ticket and text as stored: resume.comment_key) has one holder, the
journal of the job that reserved it (until --fresh starts a new one). A run reserves the comments
of the rows it is about to send in one transaction, committed before the first request leaves
(run/rows.py); a row whose comment another holder has is sent without it. Reserving them all at
once keeps the ledger out of the sender's path: a reservation per request, in the grouped journal
writes, cost 10% more client CPU per request at 5,000 rows/s (bench/README.md). When the run
ends, the comments its rows did not post and may not have (not sent, skipped, refused) are
released; a comment that was posted, or may have been, stays reserved for good. A run killed
before the end keeps its reservations until the job runs again (`open_ledger`).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from batch_updater.jobs.journal import Journal, posted
from batch_updater.jobs.lock import setting_up
from batch_updater.model import now_text
from batch_updater.naming import option
from batch_updater.paths import private_dir, private_file

SCHEMA = """
CREATE TABLE IF NOT EXISTS comments (
    api TEXT NOT NULL,              -- the API's origin (credentials.api_identity)
    helpdesk TEXT NOT NULL,
    comment_key TEXT NOT NULL,      -- the ticket and the comment as stored (resume.comment_key)
    ticket_id TEXT NOT NULL,
    holder TEXT NOT NULL,           -- the journal that reserved it (its `holder` meta)
    job TEXT NOT NULL,              -- that journal's job id, and its input (for messages)
    input TEXT NOT NULL,
    reserved_at TEXT NOT NULL,
    PRIMARY KEY (api, helpdesk, comment_key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS comments_by_holder ON comments (holder);
"""
BUSY_TIMEOUT_S = 30.0  # another process's transaction takes milliseconds; a stuck one, an error
_HOLDER = "SELECT holder, job, input, reserved_at FROM comments WHERE api = ? AND helpdesk = ? AND comment_key = ?"
_INSERT = "INSERT OR IGNORE INTO comments VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
_TAKE_OVER = ("UPDATE comments SET holder = ?, job = ?, input = ?, reserved_at = ? WHERE api = ? AND helpdesk = ? "
              "AND comment_key = ?")


@dataclass(frozen=True, slots=True)
class Holder:
    """Who has a comment: a journal (`holder`) of a job, named by its input, since when."""

    holder: str
    job: str
    input: str
    reserved_at: str

    def name(self, job: str) -> str:
        """Words for a message, seen from `job`: "this job, before --fresh," or "another run (x.csv, ...)"."""
        if self.job == job:
            return f"this job, before it was started over ({option('fresh')}),"
        return f"another run ({Path(self.input).name}, since {self.reserved_at})"


@dataclass
class Claimed:
    """What `Ledger.update` did with the comments it was asked to reserve."""

    new: set[str] = field(default_factory=set)  # reserved now (none had them)
    others: dict[str, Holder] = field(default_factory=dict)  # another holder has them: not ours
    taken_over: dict[str, Holder] = field(default_factory=dict)  # another holder had them (take_over)
    stale: dict[str, Holder] = field(default_factory=dict)  # ...and held nothing any more (stale.py): taken over


class Ledger:
    """The ledger, seen by one journal (`holder`) of one job, for one API and helpdesk. Not
    thread-safe: used from one thread (the event loop's)."""

    def __init__(self, path: Path, *, api: str, helpdesk: str, holder: str, job: str, input: str) -> None:
        private_file(private_dir(path.parent) / path.name)
        self.path = path
        self.scope = (api, helpdesk)
        self.me = (holder, job, input)
        self.db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
        try:
            with setting_up(path.with_name(path.name + ".lock")):
                self.db.execute("PRAGMA journal_mode=WAL")  # readers never wait; writers take turns
                self.db.execute("PRAGMA synchronous=NORMAL")  # each commit survives the process being killed
                self.db.executescript(SCHEMA)
        except BaseException:
            self.db.close()
            raise

    def close(self) -> None:
        self.db.close()

    def update(self, claim: Iterable[tuple[str, str]], release: Collection[str] = (), *,
               take_over: bool = False, stale: Callable[[str, Holder], bool] | None = None) -> Claimed:
        """Reserve each (comment key, ticket id) of `claim` for this holder and release the keys of
        `release` it holds, in one transaction, committed when this returns. With `take_over`, a
        comment another holder has becomes this one's (--retry-comments); so does one whose
        reservation `stale` says holds nothing any more (a killed run's: stale.py), judged inside
        the transaction, where no other job can reserve or post it meanwhile."""
        api, helpdesk = self.scope
        holder, job, input_ = self.me
        now = now_text()
        claimed = Claimed()
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            for key, ticket in claim:
                if self.db.execute(_INSERT, (api, helpdesk, key, ticket, holder, job, input_, now)).rowcount:
                    claimed.new.add(key)  # the common case: one statement
                    continue
                row = self.db.execute(_HOLDER, (api, helpdesk, key)).fetchone()
                if row[0] == holder:
                    continue
                elif take_over:
                    self.db.execute(_TAKE_OVER, (holder, job, input_, now, api, helpdesk, key))
                    claimed.taken_over[key] = Holder(*row)
                elif stale is not None and stale(key, Holder(*row)):
                    self.db.execute(_TAKE_OVER, (holder, job, input_, now, api, helpdesk, key))
                    claimed.stale[key] = Holder(*row)
                else:
                    claimed.others[key] = Holder(*row)
            if release:
                self.db.executemany("DELETE FROM comments WHERE api = ? AND helpdesk = ? AND comment_key = ? "
                                    "AND holder = ?", [(api, helpdesk, key, holder) for key in release])
        return claimed

    def others(self, keys: Iterable[str]) -> dict[str, Holder]:
        """Which of `keys` another holder has (read only)."""
        return held_by_others(self.db, self.scope, self.me[0], keys)

    def adopt(self, holder: str, rows: Sequence[tuple[str, str]]) -> None:
        """Enter (comment key, ticket id) rows for `holder` (this job's journal, maybe an earlier one
        of it), where no one has them yet: a journal that an earlier version wrote."""
        api, helpdesk = self.scope
        _, job, input_ = self.me
        now = now_text()
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("INSERT OR IGNORE INTO comments VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                [(api, helpdesk, key, ticket, holder, job, input_, now) for key, ticket in rows])

    def keep_only(self, keep: Collection[str]) -> int:
        """Release this holder's reservations but `keep` (its journal's comments that were posted,
        or may have been): a run killed after reserving, before its row was marked sent, or
        before its release was written. How many were released."""
        api, helpdesk = self.scope
        mine = [key for (key,) in self.db.execute("SELECT comment_key FROM comments WHERE holder = ? AND api = ? "
                                                  "AND helpdesk = ?", (self.me[0], api, helpdesk))]
        stale = [key for key in mine if key not in keep]
        if stale:
            self.update((), stale)
        return len(stale)


def ledger_path(jobs_dir: Path) -> Path:
    """The one ledger of a state folder: beside its jobs' folder (not among its journals)."""
    return jobs_dir.parent / "ledger" / "comments.sqlite"


def journal_holder(journal: Journal) -> str:
    """The journal's name in the ledger, given when it is first opened: a job started over
    (--fresh) gets a new journal, so its comments posted before are another holder's."""
    holder = journal.get_meta("holder")
    if not holder:
        holder = uuid.uuid4().hex
        journal.set_meta("holder", holder)
    return holder


def held_by_others(db: sqlite3.Connection, scope: tuple[str, str], holder: str, keys: Iterable[str]
                   ) -> dict[str, Holder]:
    """Which of the comments `keys` a holder other than `holder` has, for the API and helpdesk of
    `scope`, in the ledger `db` (a Ledger's, or a read-only connection)."""
    api, helpdesk = scope
    found: dict[str, Holder] = {}
    wanted = list(dict.fromkeys(keys))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for key, *rest in db.execute(
                f"SELECT comment_key, holder, job, input, reserved_at FROM comments WHERE api = ? AND "
                f"helpdesk = ? AND holder != ? AND comment_key IN ({marks})", (api, helpdesk, holder, *chunk)):
            found[key] = Holder(*rest)
    return found


def open_ledger(journal: Journal, path: Path, meta: Mapping[str, str], job: str) -> Ledger:
    """The ledger, seen by `journal` (of the job `job` that `meta` describes), brought in line with
    it: the comments it posted or may have posted are reserved (a journal an earlier version wrote,
    once), and a reservation it holds for a comment it did not post is released (a run killed in
    between)."""
    ledger = Ledger(path, api=meta.get("api", ""), helpdesk=meta.get("helpdesk", ""),
                    holder=journal_holder(journal), job=job, input=meta.get("input", ""))
    try:
        mine = [(e.comment_key, e.ticket_id) for e in journal.entries().values()
                if e.comment_key is not None and posted(e) is not False]
        if journal.get_meta("ledger") != "1":
            ledger.adopt(ledger.me[0], mine)
            journal.set_meta("ledger", "1")
        ledger.keep_only({key for key, _ in mine})
    except BaseException:
        ledger.close()
        raise
    return ledger
