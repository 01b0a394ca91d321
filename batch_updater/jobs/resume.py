"""Resuming a job from its journal: which rows are done, which to send (again)."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batch_updater.errors import UsageError, disk_full
from batch_updater.feishu.classify import is_final
from batch_updater.jobs.journal import Entry, Journal, posted, read_other
from batch_updater.jobs.ledger import Holder, Ledger, ledger_path, open_ledger
from batch_updater.jobs.lock import job_id, job_lock
from batch_updater.model import Outcome, Result, TicketUpdate, now_text, stored_comment
from batch_updater.naming import option
from batch_updater.paths import state_subdir


def crashed_with_comment_note() -> str:
    """A row a previous run stopped while sending, with a comment: held, unknown."""
    return ("a previous run stopped while sending this row, so its comment may already be posted: check the "
            f"ticket, or rerun with {option('retry_comments')} to send it again")


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))  # built once


def _digest(value: object) -> str:
    return hashlib.sha256(_CANONICAL.encode(value).encode()).hexdigest()[:32]


def row_keys(specs: Sequence[tuple[int, TicketUpdate]]) -> dict[int, str]:
    """Pure: each valid row's key in the journal: its ticket and exact body, and which repeat of
    them it is in the file. Not its position: fixing one row keeps the others recognised."""
    seen: Counter[str] = Counter()
    keys = {}
    for index, spec in specs:
        digest = _digest([spec.ticket_id, spec.body])
        keys[index] = f"{digest}.{seen[digest]}"
        seen[digest] += 1
    return keys


def comment_key(spec: TicketUpdate) -> str | None:
    """A row's ticket and comment as the API may store it (model.stored_comment), the same in every
    job: how a comment already posted on that ticket is recognised, whatever else the row says
    (and a copy with a trailing space too). None: the row posts no comment."""
    return _digest([spec.ticket_id, stored_comment(spec.body["comment"])]) if spec.has_comment else None


def comment_keys(spec: TicketUpdate) -> tuple[str, ...]:
    """`comment_key`, then the key journals of earlier versions gave the row (its comment exactly as
    written) when it differs (spaces around it), so that their rows are recognised too."""
    key = comment_key(spec)
    if key is None:
        return ()
    exact = _digest([spec.ticket_id, spec.body["comment"]])
    return (key,) if exact == key else (key, exact)


class JobJournal:
    """The sender's write-ahead hooks, onto the job's SQLite journal, by row key."""

    def __init__(self, journal: Journal, keys: Mapping[int, str], started_ms: int,
                 attempts_before: Mapping[int, int] | None = None) -> None:
        self.journal = journal
        self.keys = keys
        self.started_ms = started_ms
        self.attempts_before = attempts_before or {}  # the sender's outcomes count this run's: the journal, all
        self._comment_keys: dict[int, str] = {}  # by row: a digest costs 3 µs, and a row's comment is its own

    def _comment_key(self, index: int, spec: TicketUpdate) -> str | None:
        """comment_key(spec), computed once per row (sent without its comment, a row has none)."""
        if not spec.has_comment:
            return None
        key = self._comment_keys.get(index)
        if key is None:
            key = self._comment_keys[index] = comment_key(spec) or ""
        return key

    def reserve(self, specs: Sequence[tuple[int, TicketUpdate]]) -> None:
        """The rows about to be sent, entered in the journal as not sent yet, in the order they go."""
        self.journal.reserve([(self.keys[index], spec.row, spec.ticket_id, self._comment_key(index, spec))
                              for index, spec in specs])

    def sending(self, index: int, spec: TicketUpdate) -> None:
        self.journal.sending(self.keys[index], spec.row, spec.ticket_id, self._comment_key(index, spec),
                             self.started_ms)

    def done(self, index: int, spec: TicketUpdate, outcome: Outcome, final: bool | None = None) -> None:
        if self._keeps_maybe_posted(index, spec, outcome):
            return
        self.journal.done(self.keys[index], self._all_runs(index, outcome),
                          is_final(outcome, spec.has_comment) if final is None else final)

    def write(self, sending: Sequence[tuple[int, TicketUpdate]],
              done: Sequence[tuple[int, TicketUpdate, Outcome, bool | None]]) -> None:
        """`done` and `sending` for many rows, in one transaction (the sender's send/ahead.py)."""
        keys = self.keys
        self.journal.write(
            [(keys[index], spec.row, spec.ticket_id, self._comment_key(index, spec), self.started_ms)
             for index, spec in sending],
            [(keys[index], self._all_runs(index, outcome), is_final(outcome, spec.has_comment) if final is None
              else final) for index, spec, outcome, final in done
             if not self._keeps_maybe_posted(index, spec, outcome)])

    def _keeps_maybe_posted(self, index: int, spec: TicketUpdate, outcome: Outcome) -> bool:
        """A comment row an earlier run sent (its comment may be on the ticket) that this run
        stopped before sending again is not marked `not_attempted`: it stays `sending` ("it may
        have been posted"), as a crash leaves it, and is read back next time. Marked not_attempted,
        a later run (or another job taking over its reservation) would post it again."""
        return (outcome.result is Result.NOT_ATTEMPTED and spec.has_comment
                and self.attempts_before.get(index, 0) > 0)

    def _all_runs(self, index: int, outcome: Outcome) -> Outcome:
        before = self.attempts_before.get(index)
        return dataclasses.replace(outcome, attempts=outcome.attempts + before) if before else outcome


def nothing_posted(outcome: Outcome, retry_comments: bool) -> bool:
    """Does a comment row's outcome prove its comment was not posted? Not sent, or refused: a
    comment row is failed only by answers that prove nothing was applied (an ambiguous one makes
    it unknown), unless --retry-comments sent it again after one."""
    if outcome.result in (Result.NOT_ATTEMPTED, Result.SKIPPED):
        return True
    return outcome.result is Result.FAILED and (not retry_comments or outcome.attempts <= 1)


@dataclass
class Plan:
    """What a (resumed) run does with its valid rows."""

    to_send: list[tuple[int, TicketUpdate]]
    earlier: dict[int, Outcome] = field(default_factory=dict)  # rows done by an earlier run
    crashed: dict[int, Outcome] = field(default_factory=dict)  # comment rows to read back, not send
    sent_after: dict[int, int] = field(default_factory=dict)  # rows an earlier run sent: its start (ms)
    notes: dict[int, str] = field(default_factory=dict)  # rows sent without their comment: why
    held: dict[int, Outcome] = field(default_factory=dict)  # rows not sent: their comment is (maybe) there
    retried: dict[int, str] = field(default_factory=dict)  # rows sent with a comment that may be there already
    attempts_before: dict[int, int] = field(default_factory=dict)  # rows sent again: earlier runs' attempts


def plan_resume(specs: Sequence[tuple[int, TicketUpdate]], keys: Mapping[int, str], entries: Mapping[str, Entry],
                retry_comments: bool, elsewhere: Elsewhere | None = None) -> Plan:
    """Pure: which rows to send, which an earlier run did, which to read back, which to hold.

    Rows are matched by key (ticket and body), not position. Rows done for good are not sent
    again. A comment row that may have been applied (left `sending` by a crash, or `unknown`)
    is read back, not sent. A new row (edited, say) whose comment was posted on that ticket by
    this job's row before the edit, or by another job (`elsewhere`), is sent without its
    comment, or skipped when the comment was all it did; if that comment only may have been
    posted, the row is held, `unknown`. With `retry_comments` the user accepts the risk: every
    such row is sent as it is."""
    plan = Plan([])
    new: list[tuple[int, TicketUpdate]] = []
    for index, spec in specs:
        entry = entries.get(keys[index])
        if entry is not None and entry.sent_after is not None:
            plan.sent_after[index] = entry.sent_after
        if entry is None:
            new.append((index, spec))
            continue
        before = (entry.outcome.attempts if entry.outcome else 0) + (entry.state == "sending")  # cut off mid-send
        sent_bare = spec.has_comment and entry.comment_key is None  # an earlier run held its comment back
        maybe = spec.has_comment and not sent_bare and posted(entry) is None
        if retry_comments and maybe:
            plan.to_send.append((index, spec))
            plan.retried[index] = "an earlier run may have posted it"
            plan.attempts_before[index] = before
        elif maybe:
            plan.crashed[index] = entry.outcome if entry.state == "done" and entry.outcome else Outcome(
                Result.UNKNOWN, msg=crashed_with_comment_note(), attempts=before, finished_at=now_text())
            plan.attempts_before[index] = plan.crashed[index].attempts
        elif entry.state == "done" and entry.final and entry.outcome is not None:
            plan.earlier[index] = entry.outcome
        elif sent_bare and not retry_comments:
            _without_comment(plan, index, spec, "an earlier run held it back: it was already on this ticket")
            plan.attempts_before[index] = before
        else:
            plan.to_send.append((index, spec))
            plan.attempts_before[index] = before
    matched = {keys[index] for index, _ in specs}
    here = [e for e in entries.values() if e.key not in matched]
    ok_here = Counter(e.comment_key for e in here if posted(e))
    ok = ok_here + Counter(elsewhere.posted if elsewhere else ())
    maybe_posted = Counter(e.comment_key for e in here if posted(e) is None) + Counter(
        elsewhere.maybe_posted if elsewhere else ())
    for index, spec in new:
        cks = comment_keys(spec)
        posted_as = next((ck for ck in cks if ok[ck] > 0), None)
        maybe_as = next((ck for ck in cks if maybe_posted[ck] > 0), None)
        if not cks or retry_comments:
            plan.to_send.append((index, spec))
            if cks and (posted_as or maybe_as):
                plan.retried[index] = "an earlier run posted it, or may have"
        elif posted_as is not None:
            ok[posted_as] -= 1
            by = "this job, from a row since edited," if ok_here[posted_as] > 0 else (
                f"another run ({_input_name(elsewhere, posted_as)})")
            ok_here[posted_as] -= 1
            _without_comment(plan, index, spec, f"{by} already posted it on this ticket")
        elif maybe_as is not None:
            maybe_posted[maybe_as] -= 1
            plan.held[index] = Outcome(Result.UNKNOWN, msg=maybe_posted_note(), finished_at=now_text())
        else:
            plan.to_send.append((index, spec))
    plan.to_send.sort(key=lambda item: item[0])  # file order: rows for one ticket go one after another
    return plan


def hold_reserved(plan: Plan, reserved: Mapping[str, Holder], job: str, retry_comments: bool) -> dict[int, Holder]:
    """Pure: the rows about to post a comment another journal has in the ledger (`reserved`, by
    comment key) are sent without it, or skipped when it was all they did (with `retry_comments`,
    sent as they are, and named in `plan.retried`). Returns those rows and who has their comment."""
    found: dict[int, Holder] = {}
    going, plan.to_send = plan.to_send, []
    for index, spec in going:
        holder = next((reserved[key] for key in comment_keys(spec) if key in reserved), None)
        if holder is None:
            plan.to_send.append((index, spec))
            continue
        found[index] = holder
        if retry_comments:
            plan.to_send.append((index, spec))
            plan.retried.setdefault(index, f"{holder.name(job)} posted it, may have, or is posting it")
        else:
            _without_comment(plan, index, spec, f"{holder.name(job)} has it on this ticket (posted, maybe posted, "
                                                "or about to be)")
    plan.to_send.sort(key=lambda item: item[0])
    return found


def _input_name(elsewhere: Elsewhere | None, key: str) -> str:
    found = elsewhere.inputs.get(key) if elsewhere else None
    return Path(found).name if found else "another file"


def maybe_posted_note() -> str:
    """A row held because an earlier run may have posted its comment on its ticket."""
    return ("not sent: an earlier run (of a row since edited, or of another file) may have posted this comment on "
            f"this ticket; check the ticket, or run with {option('retry_comments')} to send it")


def _without_comment(plan: Plan, index: int, spec: TicketUpdate, why: str) -> None:
    """Send the row without its comment (or skip it, when the comment was all it did)."""
    rest = {name: value for name, value in spec.body.items() if name != "comment"}
    note = f"its comment was not posted again: {why}"
    if rest:
        plan.notes[index] = note
        plan.to_send.append((index, TicketUpdate(spec.row, spec.ticket_id, rest)))
    else:
        plan.held[index] = Outcome(Result.SKIPPED, msg=note, finished_at=now_text())


@dataclass(frozen=True)
class JobFiles:
    id: str
    journal: Path
    lock: Path

    @property
    def ledger(self) -> Path:
        return ledger_path(self.journal.parent)


def job_files(identity: Mapping[str, Any], env: Mapping[str, str]) -> JobFiles:
    jid = job_id(identity)
    base = state_subdir(env, "jobs")
    return JobFiles(jid, base / f"{jid}.sqlite", base / f"{jid}.lock")


@contextlib.contextmanager
def open_job(files: JobFiles, *, fresh: bool, meta: Mapping[str, str]) -> Iterator[tuple[Journal, Ledger]]:
    """The job's lock, then its journal (emptied first with `fresh`) and the comment ledger as the
    journal sees it; `meta` names the job's input and API, for the warning other jobs give about the
    same tickets. Started over, the job keeps its comments in the ledger: they stay reserved by the
    journal that posted them, which is no longer this one."""
    with job_lock(files.lock):
        if fresh:
            _hand_over(files, meta)
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    Path(f"{files.journal}{suffix}").unlink()
        try:
            journal = Journal(files.journal)
        except sqlite3.DatabaseError as e:
            if disk_full(e, files.journal.parent):
                raise  # not damaged: a full disk, which the run says (run/rows.py)
            raise UsageError(f"the job's journal {files.journal} is damaged ({e}): move it away, or run with "
                             f"{option('fresh')} to start the job over (rows it had done are then sent again)",
                             option="fresh") from None
        try:
            for key, value in meta.items():
                journal.set_meta(key, value)
            try:
                ledger = open_ledger(journal, files.ledger, meta, files.id)
            except sqlite3.DatabaseError as e:
                raise UsageError(f"the comment ledger {files.ledger} cannot be used ({e}): if it is damaged, move it "
                                 "away (other jobs then no longer know the comments this one posted)") from None
            try:
                yield journal, ledger
            finally:
                ledger.close()
        finally:
            journal.close()


def _hand_over(files: JobFiles, meta: Mapping[str, str]) -> None:
    """Before --fresh empties the journal: its comments into the ledger (a journal an earlier
    version wrote has none there yet). A damaged journal has nothing to give."""
    if not files.journal.is_file():
        return
    try:
        journal = Journal(files.journal)
    except sqlite3.DatabaseError:
        return
    try:
        open_ledger(journal, files.ledger, meta, files.id).close()
    except sqlite3.DatabaseError:
        pass
    finally:
        journal.close()


OTHER_JOBS_LOOKED_AT = 100  # the most recent journals: enough to tell, bounded at start-up


@dataclass
class Elsewhere:
    """What other jobs (other files, or this file under another name) did to these tickets on
    the same API and helpdesk."""

    touched: dict[str, str] = field(default_factory=dict)  # ticket -> when the last row finished
    latest_input: str = ""
    posted: Counter[str] = field(default_factory=Counter)  # comment key -> times posted
    maybe_posted: Counter[str] = field(default_factory=Counter)  # ... -> times it may have been
    inputs: dict[str, str] = field(default_factory=dict)  # comment key -> the input of a job that (maybe) posted it

    def warning(self, comments_held_back: int) -> str | None:
        if not self.touched:
            return None
        latest = max(self.touched.values())
        where = f" (the latest: {Path(self.latest_input).name}, {latest})" if latest else ""
        text = (f"earlier runs of other files already sent updates for {len(self.touched)} of these tickets to "
                f"this helpdesk{where}; only rows of this same file are recognised as done")
        if comments_held_back:
            rows = "1 row here would" if comments_held_back == 1 else f"{comments_held_back} rows here would"
            text += (f". {rows} post a comment already (or maybe) posted on the same "
                     f"ticket: not posted again ({option('retry_comments')} posts them)")
        return text


def elsewhere(files: JobFiles, meta: Mapping[str, str], tickets: set[str]) -> Elsewhere:
    found = Elsewhere()
    others = sorted((p for p in files.journal.parent.glob("*.sqlite") if p != files.journal),
                    key=_mtime, reverse=True)[:OTHER_JOBS_LOOKED_AT]
    latest = ""
    for path in others:
        job = read_other(path, meta, tickets)
        if job is None:
            continue
        for ticket, finished in job.touched.items():
            found.touched[ticket] = max(found.touched.get(ticket, ""), finished)
            if finished >= latest:
                latest, found.latest_input = finished, job.input
        found.posted.update(job.posted)
        found.maybe_posted.update(job.maybe_posted)
        for key in (*job.posted, *job.maybe_posted):
            found.inputs.setdefault(key, job.input)
    return found


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile
        return 0.0
