"""Reservations in the comment ledger that hold nothing any more: a run killed after reserving its
rows' comments keeps them (ledger.py) until the same job runs again, and meanwhile another file
with those rows (the rows moved to another sheet) would hold them back as "posted". A reservation
is stale when its holder's job is not running (its job lock can be taken) and that holder's own
journal says the row never left: `pending` (reserved, not sent), not there at all (killed between
the ledger and the journal), or `not_attempted`. The journal is written ahead (a row is marked
`sending` before its request leaves), so such a comment cannot be on the ticket by that job's
doing. A stale reservation is taken over, in the ledger's own transaction (Ledger.update), so a
job starting meanwhile finds it taken and holds the row; any other reservation keeps holding."""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from batch_updater.jobs.journal import Entry
from batch_updater.jobs.ledger import Holder, held_by_others
from batch_updater.jobs.resume import Elsewhere, Plan, comment_key, hold_reserved, plan_resume
from batch_updater.model import TicketUpdate

NEVER_LEFT = {("pending", None), ("done", "not_attempted")}


class Reservations:
    """Judges other holders' reservations, for the job `job` whose journals are in `jobs_dir`. What it
    learns of a job (running, its journal) is kept: make a new one for each decision."""

    def __init__(self, jobs_dir: Path, job: str) -> None:
        self.jobs_dir, self.job = jobs_dir, job
        self._running: dict[str, bool] = {}
        self._journals: dict[str, dict[str, list[tuple[str, str | None]]] | None] = {}

    def running(self, holder: Holder) -> bool:
        """Is the holder's job running now (its lock is held)? This job's own (before --fresh) is not."""
        if holder.job == self.job:
            return False
        if holder.job not in self._running:
            self._running[holder.job] = _locked(self.jobs_dir / f"{holder.job}.lock")
        return self._running[holder.job]

    def stale(self, key: str, holder: Holder) -> bool:
        """Does `holder`'s reservation of the comment `key` hold nothing (see the module)? Not when
        its job runs, nor when its journal is not the one that reserved (started over, removed) or
        cannot be read: then it may have been posted."""
        if holder.job == self.job or self.running(holder):
            return False
        rows = self._rows(holder)
        return rows is not None and all(state in NEVER_LEFT for state in rows.get(key, ()))

    def being_sent(self, keys: Sequence[str], holder: Holder) -> bool:
        """Is a comment (its `keys`) reserved by `holder` being sent now: its job runs and its journal
        does not say it left yet (else it was posted, or may have been)?"""
        if not self.running(holder):
            return False
        rows = self._rows(holder)
        return rows is None or all(state in NEVER_LEFT for key in keys for state in rows.get(key, ()))

    def _rows(self, holder: Holder) -> dict[str, list[tuple[str, str | None]]] | None:
        if holder.job not in self._journals:
            self._journals[holder.job] = _journal_rows(self.jobs_dir / f"{holder.job}.sqlite", holder.holder)
        return self._journals[holder.job]


def _locked(path: Path) -> bool:
    """Is the job lock at `path` held by a running job? Taken for an instant to tell (a lock file
    that is not there: no job ever ran, or it was removed)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as e:
        return e.errno in (errno.EAGAIN, errno.EACCES)
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _journal_rows(path: Path, holder: str) -> dict[str, list[tuple[str, str | None]]] | None:
    """Each comment's rows in the journal at `path` (state, result), if that journal is `holder`'s."""
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.5)
        try:
            if db.execute("SELECT value FROM meta WHERE key = 'holder'").fetchone() != (holder,):
                return None
            found: dict[str, list[tuple[str, str | None]]] = {}
            for key, state, result, attempts in db.execute(
                    "SELECT comment_key, state, result, attempts FROM rows WHERE comment_key IS NOT NULL"):
                if state == "done" and result == "not_attempted" and attempts:
                    result = "sent before"  # an earlier run sent it (a journal older than JobJournal's rule)
                found.setdefault(key, []).append((state, result if state == "done" else None))
            return found
        finally:
            db.close()
    except sqlite3.Error:
        return None


def reserved_by_others(ledger: Path, meta: Mapping[str, str], holder: str, keys: Iterable[str]) -> dict[str, Holder]:
    """Which of `keys` a holder other than `holder` has in the ledger at `ledger`, for the API and
    helpdesk `meta` names: read only (the console's confirmation, before the run reserves them);
    none when there is no ledger or it cannot be read."""
    wanted = list(dict.fromkeys(keys))
    if not wanted or not ledger.is_file():
        return {}
    try:
        db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True, timeout=0.5)
        try:
            return held_by_others(db, (meta.get("api", ""), meta.get("helpdesk", "")), holder, wanted)
        finally:
            db.close()
    except sqlite3.Error:
        return {}


def plan_held(reserved: Mapping[str, Holder], judge: Reservations, specs: Sequence[tuple[int, TicketUpdate]],
              keys: Mapping[int, str], entries: Mapping[str, Entry], retry: bool, others: Elsewhere
              ) -> tuple[Plan, dict[int, Holder]]:
    """The job's plan (resume.plan_resume) with the comments other holders have in the ledger
    (`reserved`) held back: the run's (before it reserves its own) and the console's confirmation
    plan the same way. A stale reservation (a killed run's, of a row that never left) does not
    hold, unless `retry` (--retry-comments takes every comment over anyway)."""
    reserved = {key: who for key, who in reserved.items() if retry or not judge.stale(key, who)}
    for key in reserved:  # the ledger names who has a comment; the journals only for jobs before it
        others.posted.pop(key, None)
        others.maybe_posted.pop(key, None)
    plan = plan_resume(specs, keys, entries, retry, others)
    return plan, hold_reserved(plan, reserved, judge.job, retry)


def taken_over_notes(to_send: Sequence[tuple[int, TicketUpdate]], stale: Mapping[str, Holder]) -> dict[int, str]:
    """The msg of each row sent with a comment taken over from a stale reservation."""
    notes = {}
    for index, spec in to_send:
        holder = stale.get(comment_key(spec) or "")
        if holder is not None:
            notes[index] = (f"its comment was reserved by a run of {Path(holder.input).name} that ended without "
                            "sending it (that job's journal says so): taken over and sent by this run")
    return notes


def being_sent_now(held: Mapping[int, Holder]) -> str:
    """The warning for rows held back because a running job has their comments."""
    names = sorted({Path(h.input).name for h in held.values()})
    shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
    rows = f"{len(held)} row here would" if len(held) == 1 else f"{len(held)} rows here would"
    return (f"{rows} post a comment being sent now by {shown} (a run of it is going on): held, not posted here "
            "(a row's other fields are still sent); run this file again when that run ends, to post those it "
            "did not")
