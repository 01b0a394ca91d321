"""Resuming a job from its journal: which rows are done, which to send (again)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batch_updater.classify import is_final
from batch_updater.jobs import job_id, job_lock, state_dir
from batch_updater.journal import Entry, Journal
from batch_updater.model import Outcome, Result, TicketUpdate
from batch_updater.send import now_text

CRASHED_WITH_COMMENT = (
    "a previous run stopped while sending this row, so its comment may already be posted: check the "
    "ticket, or rerun with --retry-comments to send it again"
)


class JobJournal:
    """The sender's write-ahead hooks, onto the job's SQLite journal."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    def sending(self, index: int, spec: TicketUpdate) -> None:
        self.journal.sending(index, spec.ticket_id, spec.has_comment)

    def done(self, index: int, spec: TicketUpdate, outcome: Outcome, final: bool | None = None) -> None:
        self.journal.done(index, outcome, is_final(outcome, spec.has_comment) if final is None else final)


@dataclass
class Plan:
    """What a (resumed) run does with its valid rows."""

    to_send: list[tuple[int, TicketUpdate]]
    earlier: dict[int, Outcome] = field(default_factory=dict)  # rows done by an earlier run
    crashed: dict[int, Outcome] = field(default_factory=dict)  # comment rows left mid-send by a crash


def plan_resume(specs: Sequence[tuple[int, TicketUpdate]], entries: Mapping[int, Entry],
                retry_comments: bool) -> Plan:
    """Pure: rows done for good are not sent again; a row left `sending` by a crash is sent again
    only when it has no comment (or the user accepts the risk: with `retry_comments` the rows left
    `unknown` are sent again too)."""
    plan = Plan([])
    for index, spec in specs:
        entry = entries.get(index)
        if entry is None or entry.ticket_id != spec.ticket_id:
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


def job_files(input_bytes: bytes, settings: Mapping[str, Any], env: Mapping[str, str]) -> JobFiles:
    jid = job_id(input_bytes, settings)
    base = state_dir(env) / "jobs"
    return JobFiles(jid, base / f"{jid}.sqlite", base / f"{jid}.lock")


@contextlib.contextmanager
def open_job(files: JobFiles, *, fresh: bool, input_name: str) -> Iterator[Journal]:
    """The job's lock, then its journal (emptied first with `fresh`)."""
    with job_lock(files.lock):
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    Path(f"{files.journal}{suffix}").unlink()
        journal = Journal(files.journal)
        try:
            if journal.get_meta("input") is None:
                journal.set_meta("input", input_name)
            yield journal
        finally:
            journal.close()
