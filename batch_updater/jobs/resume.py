"""Resuming a job from its journal: which rows are done, which to send (again)."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batch_updater.feishu.classify import is_final
from batch_updater.jobs.journal import Entry, Journal, read_other
from batch_updater.jobs.lock import job_id, job_lock
from batch_updater.model import Outcome, Result, TicketUpdate, now_text
from batch_updater.paths import state_subdir

CRASHED_WITH_COMMENT = (
    "a previous run stopped while sending this row, so its comment may already be posted: check the "
    "ticket, or rerun with --retry-comments to send it again"
)


def row_keys(specs: Sequence[tuple[int, TicketUpdate]]) -> dict[int, str]:
    """Pure: each valid row's key in the journal: its ticket and exact body, and which repeat of
    them it is in the file. Not its position: fixing one row keeps the others recognised."""
    seen: Counter[str] = Counter()
    keys = {}
    for index, spec in specs:
        text = json.dumps([spec.ticket_id, spec.body], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256(text.encode()).hexdigest()[:32]
        keys[index] = f"{digest}.{seen[digest]}"
        seen[digest] += 1
    return keys


class JobJournal:
    """The sender's write-ahead hooks, onto the job's SQLite journal, by row key."""

    def __init__(self, journal: Journal, keys: Mapping[int, str], started_ms: int) -> None:
        self.journal = journal
        self.keys = keys
        self.started_ms = started_ms

    def sending(self, index: int, spec: TicketUpdate) -> None:
        self.journal.sending(self.keys[index], spec.row, spec.ticket_id, spec.has_comment, self.started_ms)

    def done(self, index: int, spec: TicketUpdate, outcome: Outcome, final: bool | None = None) -> None:
        self.journal.done(self.keys[index], outcome, is_final(outcome, spec.has_comment) if final is None else final)


@dataclass
class Plan:
    """What a (resumed) run does with its valid rows."""

    to_send: list[tuple[int, TicketUpdate]]
    earlier: dict[int, Outcome] = field(default_factory=dict)  # rows done by an earlier run
    crashed: dict[int, Outcome] = field(default_factory=dict)  # comment rows left mid-send by a crash
    sent_after: dict[int, int] = field(default_factory=dict)  # rows an earlier run sent: its start (ms)


def plan_resume(specs: Sequence[tuple[int, TicketUpdate]], keys: Mapping[int, str], entries: Mapping[str, Entry],
                retry_comments: bool) -> Plan:
    """Pure: rows done for good are not sent again; a row left `sending` by a crash is sent again
    only when it has no comment (or the user accepts the risk: with `retry_comments` the rows left
    `unknown` are sent again too). Rows are matched by key (ticket and body), not position."""
    plan = Plan([])
    for index, spec in specs:
        entry = entries.get(keys[index])
        if entry is not None and entry.sent_after is not None:
            plan.sent_after[index] = entry.sent_after
        if entry is None:
            plan.to_send.append((index, spec))
        elif entry.state == "done" and entry.final and entry.outcome is not None and not (
                retry_comments and entry.outcome.result is Result.UNKNOWN):
            plan.earlier[index] = entry.outcome
        elif entry.state == "sending" and spec.has_comment and not retry_comments:
            plan.crashed[index] = Outcome(Result.UNKNOWN, msg=CRASHED_WITH_COMMENT, finished_at=now_text())
        else:
            plan.to_send.append((index, spec))
    return plan


@dataclass(frozen=True)
class JobFiles:
    id: str
    journal: Path
    lock: Path


def job_files(identity: Mapping[str, Any], env: Mapping[str, str]) -> JobFiles:
    jid = job_id(identity)
    base = state_subdir(env, "jobs")
    return JobFiles(jid, base / f"{jid}.sqlite", base / f"{jid}.lock")


@contextlib.contextmanager
def open_job(files: JobFiles, *, fresh: bool, meta: Mapping[str, str]) -> Iterator[Journal]:
    """The job's lock, then its journal (emptied first with `fresh`); `meta` names the job's
    input and API, for the warning other jobs give about the same tickets."""
    with job_lock(files.lock):
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    Path(f"{files.journal}{suffix}").unlink()
        journal = Journal(files.journal)
        try:
            for key, value in meta.items():
                journal.set_meta(key, value)
            yield journal
        finally:
            journal.close()


OTHER_JOBS_LOOKED_AT = 100  # the most recent journals: enough for a warning, bounded at start-up


def earlier_elsewhere(files: JobFiles, meta: Mapping[str, str], specs: Sequence[tuple[int, TicketUpdate]],
                      keys: Mapping[int, str]) -> str | None:
    """A warning when other jobs (other files, or this file under another name) already sent rows
    for these tickets to the same API and helpdesk; None when none did."""
    tickets = {spec.ticket_id for _, spec in specs}
    ours = {keys[index]: spec for index, spec in specs}
    others = sorted((p for p in files.journal.parent.glob("*.sqlite") if p != files.journal),
                    key=_mtime, reverse=True)[:OTHER_JOBS_LOOKED_AT]
    touched: set[str] = set()
    repeated_comments = 0
    last: tuple[str, str] | None = None
    for path in others:
        found = read_other(path, meta, tickets)
        if found is None:
            continue
        rows, input_name = found
        for key, ticket_id, finished_at in rows:
            touched.add(ticket_id)
            repeated_comments += key in ours and ours[key].has_comment
            if last is None or finished_at > last[0]:
                last = (finished_at, input_name)
    if not touched:
        return None
    where = f" (the latest: {last[1]}, {last[0]})" if last and last[0] else ""
    text = (f"earlier runs of other files already sent updates for {len(touched)} of these tickets to this "
            f"helpdesk{where}; only rows of this same file are recognised as done")
    if repeated_comments:
        text += (f". {repeated_comments} rows here post a comment those runs already posted on the same ticket: "
                 "they will be posted again")
    return text


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile
        return 0.0
