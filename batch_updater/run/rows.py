"""A live run as a job: the journal it resumes from, its lock, a warning about other jobs on the
same tickets, then the live part (live.py) and the undo sheet's contents. The sync half of a
live run, which `run_job` calls."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from batch_updater.control import RunProgress
from batch_updater.errors import NoSpace, disk_full
from batch_updater.feishu.credentials import api_identity, api_origin, is_loopback
from batch_updater.i18n import tr
from batch_updater.jobs.changes import preimaged, record_changes, recorded_changes
from batch_updater.jobs.journal import Journal
from batch_updater.jobs.ledger import Claimed, Holder, Ledger
from batch_updater.jobs.options import RunOptions
from batch_updater.jobs.resume import (
    JobFiles,
    JobJournal,
    Plan,
    comment_key,
    comment_keys,
    elsewhere,
    hold_reserved,
    job_files,
    nothing_posted,
    open_job,
    plan_resume,
    row_keys,
)
from batch_updater.jobs.stale import Reservations, being_sent_now, plan_held, reserved_by_others, taken_over_notes
from batch_updater.jobs.status import StatusFile
from batch_updater.jobs.upgrade import carry_over, first_layout_id
from batch_updater.logs import event, warn
from batch_updater.model import Outcome, Result, TicketUpdate, now_text
from batch_updater.naming import option
from batch_updater.paths import state_dir
from batch_updater.plan.state import TicketState
from batch_updater.plan.undo import Changes, Undo, fields_set, undo_sheet
from batch_updater.run.after_full import unless_full
from batch_updater.run.live import Sending, run_live
from batch_updater.run.outcomes import maybe_twice, merge_outcomes
from batch_updater.run.prepare import Job, source_of
from batch_updater.run.writeback import finish, outcome_values
from batch_updater.send.session import ReadReport, SendReport
from batch_updater.sources.files import FileSource, file_identity
from batch_updater.sources.results import Results, Teed


@dataclass
class RunRows:
    outcomes: list[Outcome]
    sent: SendReport | None
    read: ReadReport | None
    resumed: int = 0
    job_id: str = ""
    undo: Undo | None = None  # with --undo or --skip-unchanged: what the undo sheet says
    write_back_problem: str | None = None  # a link's results: why they could not all be written back
    status: StatusFile | None = None  # the job's status file (jobs/status.py), for run_job to finish


def run_rows(job: Job, on_progress: Callable[[RunProgress], None] | None = None,
             on_warning: Callable[[str], None] | None = None, results: Results | None = None) -> RunRows:
    """Send a validated sheet's rows as one job: resumed from its journal, under its lock. A full
    disk where the journal is: NoSpace (exit 3) before sending; while sending, the run stops as
    Ctrl-C stops it (the rest `not_attempted`), and its report is written. `results`: a link's,
    written as the rows are done."""
    where = state_dir(job.env).resolve() / "jobs"
    try:
        return _run_rows(job, on_progress, on_warning, where, results)
    except (OSError, sqlite3.Error) as e:
        full = disk_full(e, where)
        if full is None:
            raise
        raise NoSpace(tr("{folder}: the job's journal cannot be written; make room there and run the same command "
                         "again", folder=full)) from None


def _run_rows(job: Job, on_progress: Callable[[RunProgress], None] | None, on_warning: Callable[[str], None] | None,
              where: Path, results: Results | None = None) -> RunRows:
    options, specs = job.options, job.specs
    keys = row_keys(specs)
    started_ms = int(job.started.timestamp() * 1000)
    with _job(job) as held:
        journal = held.journal if held else None
        if held is not None and not options.fresh:
            _carry_over(held, job, specs, keys, on_warning)
        jid = held.files.id if held else ""
        plan, claimed = _plan(held, specs, keys, options, on_warning)
        hooks = Guarded(JobJournal(journal, keys, started_ms, plan.attempts_before), where) if journal else None
        by_index = dict(specs)
        _record_crashed(plan, hooks, by_index)
        if hooks is not None:
            hooks.reserve(plan.to_send)
        event("start", f"run {job.source.label}: {len(job.checked)} rows, {len(specs)} valid, "
              f"{len(plan.to_send)} to send, {len(plan.earlier)} done earlier", job=jid, input=job.source.label,
              rows=len(job.checked), valid=len(specs), to_send=len(plan.to_send), resumed=len(plan.earlier))
        status = _status_file(held, job, len(plan.to_send), len(plan.earlier))
        sending = Sending(plan.to_send, {i: plan.sent_after.get(i, started_ms) for i, _ in specs},
                          {i: (by_index[i], o) for i, o in plan.crashed.items()},
                          Teed(hooks, results) if results is not None else hooks, _preimage_store(journal), results)
        live = asyncio.run(run_live(job, sending, _reporting(on_progress, status)))
        plan.notes.update(taken_over_notes(plan.to_send, claimed.stale))  # its comment sent after all
        skipped = {i: Outcome(Result.SKIPPED, msg=why, finished_at=now_text()) for i, why in job.skips.items()}
        outcomes = merge_outcomes(job.checked, plan, {**skipped, **live.outcomes}, live.read_back)
        if held is not None:
            with unless_full(where, tr("the comments this run did not post stay reserved until this job runs again"),
                             on_warning):
                _release(held.ledger, plan, claimed.new | set(claimed.stale), outcomes, options.retry_comments)
        twice = maybe_twice(outcomes, specs)
        if twice:
            shown = ", ".join(twice[:20]) + (tr(" and {n} more", n=len(twice) - 20) if len(twice) > 20 else "")
            warn(tr("{option}: a comment may now be posted twice on {n} tickets (the rows' msg says why): {tickets}",
                    option=option("retry_comments"), n=len(twice), tickets=shown), on_warning)
        sent_as = sorted({**by_index, **dict(plan.to_send)}.items())  # a row sent without its comment posted none
        undo = _undo(journal, sent_as, live.before if job.read_first else {}, dict(enumerate(outcomes)),
                     lambda: unless_full(where, tr("what this run changed is not recorded in the job's journal: a "
                                                   "later run's undo sheet will not restore it"), on_warning))
        # every row's result into the link's table or sheet, still under the job's lock: one writer at a time
        problem = finish(results, outcome_values(results, outcomes), on_warning, job.source.label) \
            if results is not None else None
    return RunRows(outcomes, live.sent, live.read, len(plan.earlier), jid, undo, problem, status)


def _status_file(held: Held | None, job: Job, to_send: int, earlier: int) -> StatusFile | None:
    """The job's status, for `batch-updater status` and `job_status` (jobs/status.py)."""
    if held is None:
        return None
    source = job.source
    about = {"input": source.label, "api": held.meta["api"], "helpdesk": held.meta["helpdesk"]}
    if isinstance(source, FileSource):
        about["input_path"] = str(source.path.resolve())
    status = StatusFile(held.files.journal.parent, held.files.id, about)
    status.start(rows=len(job.checked), valid=len(job.specs), to_send=to_send, done_earlier=earlier)
    return status


def _reporting(on_progress: Callable[[RunProgress], None] | None, status: StatusFile | None
               ) -> Callable[[RunProgress], None] | None:
    """`on_progress`, and the status file told of the sending's progress (not of reads)."""
    if status is None:
        return on_progress

    def report(progress: RunProgress) -> None:
        if not progress.reading:
            status.progress(progress.done, progress.total, progress.counts, progress.rate,
                            force=progress.done == progress.total, own_rate=progress.own_rate,
                            shared_with=progress.shared_with)
        if on_progress is not None:
            on_progress(progress)

    return report


def _undo(journal: Journal | None, sent_as: Sequence[tuple[int, TicketUpdate]], before: Mapping[str, TicketState],
          outcomes: Mapping[int, Outcome],
          recording: Callable[[], contextlib.AbstractContextManager[None]] = contextlib.nullcontext) -> Undo | None:
    """The undo sheet (when the tickets were read first): every field this run and the job's
    earlier runs changed; and what this run applied, added to the journal for the next one (in
    `recording`: a full disk is let go, with a warning)."""
    earlier = Changes(*recorded_changes(journal)) if journal is not None else None
    undo = undo_sheet(sent_as, before, outcomes, earlier) if before else None
    if journal is not None:
        made = undo.changes if undo is not None else fields_set(sent_as, outcomes, preimaged(journal))
        with recording():
            record_changes(journal, made.fields, made.comments)
    return undo


@dataclass
class Held:
    """A job's lock held, its journal and the comment ledger open."""

    files: JobFiles
    meta: dict[str, str]
    journal: Journal
    ledger: Ledger


@contextlib.contextmanager
def _job(job: Job) -> Iterator[Held | None]:
    """The job's lock and journal. A job is one input (a file: wherever its rows change) sent to
    one API (its origin however written) and helpdesk. An in-process sandbox starts empty each
    time, so it has none."""
    if not _persistent(job):
        yield None
        return
    meta = job_meta(job.identity, job.options, job.env)
    files = _files(meta, job.env)
    with open_job(files, fresh=job.options.fresh, meta=meta) as (journal, ledger):
        yield Held(files, meta, journal, ledger)


SANDBOX_ID = "BATCH_UPDATER_SANDBOX_ID"  # a sandbox on this machine that names itself (serve --sandbox)


def job_meta(identity: Mapping[str, str], options: RunOptions, env: Mapping[str, str]) -> dict[str, str]:
    """What a job is: one input (its source's `identity`: a file's path and sheet) sent to one API
    and helpdesk. The API is its origin, however written; a sandbox on this machine that names
    itself in `env` (the console's, whose port changes at each start) is that name, so its jobs
    resume after a restart."""
    origin = api_origin(options.base_url, env)
    named = env.get(SANDBOX_ID, "").strip()
    api = f"sandbox:{named}" if named and is_loopback(urlsplit(origin).hostname or "") else api_identity(origin)
    return {**identity, "api": api, "helpdesk": env.get("FEISHU_HELPDESK_ID", "").strip()}


def journal_of(options: RunOptions, sheet_name: str | None, env: Mapping[str, str]) -> Path:
    """Where the journal of the job `options` would run as is kept (it may not exist yet), its
    input a file (the console's) of which `sheet_name` is read."""
    source = source_of(options)
    assert isinstance(source, FileSource)
    return _files(job_meta(file_identity(source.path, sheet_name), options, env), env).journal


def resume_plan(job: Job) -> Plan:
    """What a run of `job` would do with its valid rows if it started now, from the job's journal
    and the other jobs' on these tickets, as run_rows plans it (read only, no lock): the rows an
    earlier run did, those to send, to read back, or to hold (the console's confirmation)."""
    options, specs = job.options, job.specs
    keys = row_keys(specs)
    if not _persistent(job):
        return plan_resume(specs, keys, {}, options.retry_comments)
    meta = job_meta(job.identity, options, job.env)
    files = _files(meta, job.env)
    entries, holder = {}, ""
    if files.journal.is_file() and not options.fresh:
        journal = Journal(files.journal)
        try:
            entries, holder = journal.entries(), journal.get_meta("holder") or ""
        finally:
            journal.close()
    reserved = reserved_by_others(files.ledger, meta, holder, (key for _, spec in specs for key in comment_keys(spec)))
    plan, _ = plan_held(reserved, Reservations(files.journal.parent, files.id), specs, keys, entries,
                        options.retry_comments, elsewhere(files, meta, {s.ticket_id for _, s in specs}))
    return plan


def _persistent(job: Job) -> bool:
    """Does the job's endpoint keep jobs (a journal, a lock)? An in-process sandbox starts empty."""
    assert job.send is not None  # a live run's, or a confirmation's
    return job.send.endpoint.persistent


def _files(meta: Mapping[str, str], env: Mapping[str, str]) -> JobFiles:
    return job_files({"v": 3, **meta}, env)


def _plan(job: Held | None, specs: Sequence[tuple[int, TicketUpdate]], keys: Mapping[int, str], options: RunOptions,
          on_warning: Callable[[str], None] | None) -> tuple[Plan, Claimed]:
    """Which rows to send (resume.plan_resume), with the comments they post reserved in the
    comment ledger before any request leaves; a row whose comment another job (or this one
    before --fresh) has is sent without it, or skipped, and warnings say how many."""
    if job is None:
        return plan_resume(specs, keys, {}, options.retry_comments), Claimed()
    jid, retry = job.files.id, options.retry_comments
    others = elsewhere(job.files, job.meta, {s.ticket_id for _, s in specs})
    jobs_dir = job.files.journal.parent
    judge = Reservations(jobs_dir, jid)
    plan, held = plan_held(job.ledger.others(key for _, spec in specs for key in comment_keys(spec)), judge, specs,
                           keys, job.journal.entries(), retry, others)
    # a stale reservation is taken over in the ledger's own transaction, judged again there afresh
    claimed = job.ledger.update([(key, spec.ticket_id) for _, spec in plan.to_send if (key := comment_key(spec))],
                                take_over=retry, stale=None if retry else Reservations(jobs_dir, jid).stale)
    held.update(hold_reserved(plan, claimed.others, jid, retry))  # reserved by another run since we looked
    for index, spec in plan.to_send:
        holder = claimed.taken_over.get(comment_key(spec) or "")
        if holder is not None:
            plan.retried.setdefault(index, tr("{holder} posted it, may have, or is posting it",
                                              holder=holder.name(jid)))
    spec_of = dict(specs)
    running = {i: h for i, h in held.items() if not retry and judge.being_sent(comment_keys(spec_of[i]), h)}
    held = {i: h for i, h in held.items() if i not in running}
    mine = {i: h for i, h in held.items() if h.job == jid}  # this job, before it was started over
    warning = others.warning(comments_held_back=len(plan.notes) + len(plan.held) - len(mine) - len(running))
    if warning:
        warn(warning, on_warning)
    if running:
        warn(being_sent_now(running), on_warning)
    if not retry and (mine or (len(held) > len(mine) and not warning)):
        warn(_held_warning(held if not warning else mine, jid), on_warning)
    return plan, claimed


def _release(ledger: Ledger, plan: Plan, reserved: set[str], outcomes: Sequence[Outcome], retry: bool) -> None:
    """The comments this run reserved that its rows did not post, and may not have (not sent,
    skipped, refused), are free again for a later run."""
    free = [key for index, spec in plan.to_send if (key := comment_key(spec)) in reserved and
            nothing_posted(outcomes[index], retry)]
    if free:
        ledger.update((), free)


def _held_warning(held: Mapping[int, Holder], job: str) -> str:
    """How many rows' comments the ledger held back, and whose they are."""
    mine = sum(1 for h in held.values() if h.job == job)
    others = sorted({Path(h.input).name for h in held.values() if h.job != job})
    parts = []
    if mine:
        parts.append(tr("{n} rows would post a comment this job posted (or may have) before it was started over "
                        "with {option}", n=mine, option=option("fresh")))
    if others:
        parts.append(tr("{n} rows would post a comment another job posted or may have ({inputs})",
                        n=len(held) - mine, inputs=", ".join(others[:5]) + (", ..." if len(others) > 5 else "")))
    return tr("{held}: held, not posted again (a row's other fields are still sent); {option} posts them",
              held=tr("; ").join(parts), option=option("retry_comments"))


def _carry_over(held: Held, job: Job, specs: Sequence[tuple[int, TicketUpdate]], keys: Mapping[int, str],
                on_warning: Callable[[str], None] | None) -> None:
    """A journal an earlier version kept for this same input file and settings: its rows, once."""
    source, options = job.source, job.options
    if held.journal.entries() or not isinstance(source, FileSource) or not source.path.is_file():
        return
    settings = {"sheet": options.sheet, "encoding": options.encoding, "columns": options.columns,
                "defaults": options.defaults, "base_url": options.base_url or job.env.get("FEISHU_BASE_URL", ""),
                "helpdesk": job.env.get("FEISHU_HELPDESK_ID", "")}
    old = held.files.journal.parent / f"{first_layout_id(source.path.read_bytes(), settings)}.sqlite"
    if old.is_file():
        carried = carry_over(old, held.journal, specs, keys, {i: comment_key(s) for i, s in specs})
        if carried:
            warn(tr("resumed from the journal an earlier version of batch-updater kept for this file: {n} rows",
                    n=carried), on_warning)


def _preimage_store(journal: Journal | None) -> Callable[[Mapping[str, str]], dict[str, str]]:
    """Pre-images go to the journal (so an undo sheet survives a crash), or stay in memory."""
    memory: dict[str, str] = {}

    def record(states: Mapping[str, str]) -> dict[str, str]:
        if journal is not None:
            journal.record_preimages(states)
            return journal.preimages()
        for tid, state in states.items():
            memory.setdefault(tid, state)
        return dict(memory)

    return record


class Guarded:
    """The job's write-ahead hooks, a full disk said as NoSpace (naming the folder), which stops
    the sender as Ctrl-C does (send/ahead.py). An outcome that cannot be written is let go: its row
    stays `sending` in the journal, as after a crash, and a resumed run treats it so."""

    def __init__(self, hooks: JobJournal, where: Path) -> None:
        self.hooks, self.where = hooks, where

    def reserve(self, specs: Sequence[tuple[int, TicketUpdate]]) -> None:
        self._call(self.hooks.reserve, specs)

    def sending(self, index: int, spec: TicketUpdate) -> None:
        self._call(self.hooks.sending, index, spec)

    def write(self, sending: Sequence[tuple[int, TicketUpdate]],
              done: Sequence[tuple[int, TicketUpdate, Outcome, bool | None]]) -> None:
        self._call(self.hooks.write, sending, done)

    def done(self, index: int, spec: TicketUpdate, outcome: Outcome, final: bool | None = None) -> None:
        with contextlib.suppress(NoSpace):
            self._call(self.hooks.done, index, spec, outcome, final)

    def _call(self, write: Callable[..., None], *args: object) -> None:
        try:
            write(*args)
        except (OSError, sqlite3.Error) as e:
            full = disk_full(e, self.where)
            if full is None:
                raise
            raise NoSpace(tr("{folder}: the job's journal cannot be written; the rows not sent are not_attempted: "
                             "make room there and run the same command again", folder=full)) from None


def _record_crashed(plan: Plan, hooks: Guarded | None, specs: Mapping[int, TicketUpdate]) -> None:
    if hooks is not None:
        for index, outcome in plan.crashed.items():  # the journal adds the earlier runs' attempts
            hooks.done(index, specs[index], replace(outcome, attempts=0))


