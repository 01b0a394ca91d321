"""A live run's async part, in one session (and one sandbox): read the current state when
asked (--skip-unchanged, --undo, plan), send, then read back the comments left unknown."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from batch_updater.plan.state import TicketState, read_back, state_from_ticket
from batch_updater.jobs.journal import Journal
from batch_updater.logs import event, warn
from batch_updater.send.pacing import parse_rate
from batch_updater.feishu.credentials import api_origin
from batch_updater.jobs.resume import (
    JobFiles, JobJournal, Plan, earlier_elsewhere, job_files, open_job, plan_resume, row_keys,
)
from batch_updater.model import FieldError, Outcome, Result, TicketUpdate, now_text
from batch_updater.plan.preview import PlannedRow, Undo, plan_sheet, undo_sheet
from batch_updater.send.pool import Progress, RowJournal, SendOptions
from batch_updater.send.session import (
    Endpoint, ReadReport, SendReport, SendSettings, check_ready, open_endpoint, read_on, send_on,
)

if TYPE_CHECKING:
    from batch_updater.jobs.options import RunOptions

Specs = Sequence[tuple[int, TicketUpdate]]


@dataclass
class LiveResult:
    sent: SendReport | None
    outcomes: dict[int, Outcome] = field(default_factory=dict)  # by row index: sent, skipped, read back
    planned: list[PlannedRow] | None = None
    before: dict[str, TicketState] = field(default_factory=dict)  # each ticket before the job changed it
    read: ReadReport | None = None


def _stopped_read(read: ReadReport) -> bool:
    return bool(read.stop_reason or read.interrupted)


async def plan_live(checked: Sequence[TicketUpdate | list[FieldError]], settings: SendSettings,
                    env: Mapping[str, str], on_progress: Callable[[Progress], None] | None = None) -> LiveResult:
    """`batch-updater plan`: read every valid row's ticket and plan each row."""
    valid = [item for item in checked if isinstance(item, TicketUpdate)]
    async with open_endpoint(settings, env, [item.ticket_id for item in valid]) as endpoint:
        read = await read_on(endpoint, valid, settings, on_progress=on_progress)
    states = {tid: state_from_ticket(t) for tid, t in read.tickets.items()}
    return LiveResult(None, planned=plan_sheet(checked, states, read.outcomes), before=states, read=read)


async def run_live(checked: Sequence[TicketUpdate | list[FieldError]], to_send: Specs, settings: SendSettings,
                   env: Mapping[str, str], *, read_first: bool, skip_unchanged: bool,
                   journal: RowJournal | None, preimages: Callable[[Mapping[str, str]], dict[str, str]],
                   since: Mapping[int, int], crashed: Mapping[int, tuple[TicketUpdate, Outcome]] | None = None,
                   on_progress: Callable[[Progress], None] | None = None) -> LiveResult:
    """Send `to_send`; with `read_first`, plan against the tickets as they are now, skip the no-op
    rows (`skip_unchanged`) and record each ticket's pre-image (through `preimages`, which keeps
    the first one ever recorded and returns them all) before any request leaves. `crashed`:
    comment rows a killed run left mid-send, read back with the unknown ones; `since`: when the
    job first sent each row (ms since the epoch), to tell its comment from an older one."""
    ids = [item.ticket_id for item in checked if isinstance(item, TicketUpdate)]
    result = LiveResult(None)
    async with open_endpoint(settings, env, ids) as endpoint:
        if read_first:
            read = result.read = await read_on(endpoint, [s for _, s in to_send], settings,
                                               on_progress=on_progress)
            if _stopped_read(read):
                return result
            states = {tid: state_from_ticket(t) for tid, t in read.tickets.items()}
            recorded = preimages({tid: json.dumps(st.as_json()) for tid, st in states.items()})
            result.before = {tid: TicketState.from_json(json.loads(text)) for tid, text in recorded.items()}
            planned = plan_sheet([spec for _, spec in to_send], states, read.outcomes)
            if skip_unchanged:
                result.outcomes.update({
                    index: Outcome(Result.SKIPPED, msg="nothing to change: the ticket already has these values",
                                   finished_at=now_text())
                    for (index, _), plan in zip(to_send, planned) if plan.kind == "no-op"})
                to_send = [(i, s) for i, s in to_send if i not in result.outcomes]
        result.sent = await send_on(endpoint, to_send, settings, env, on_progress=on_progress, journal=journal)
        result.outcomes.update(result.sent.outcomes)
        result.outcomes.update({index: outcome for index, (_, outcome) in (crashed or {}).items()})
        if not (result.sent.stop_reason or result.sent.interrupted):
            checked_back = [*to_send, *((index, spec) for index, (spec, _) in (crashed or {}).items())]
            resent = await _read_back(endpoint, sorted(checked_back), result.outcomes, result.before, since,
                                      settings, env, journal)
            if resent is not None:  # a stop or an interrupt while sending again counts as the run's
                sent = result.sent
                sent.stop_reason = sent.stop_reason or resent.stop_reason
                sent.stop_error = sent.stop_error or resent.stop_error
                sent.interrupted = sent.interrupted or resent.interrupted
    return result


async def _read_back(endpoint: Endpoint, specs: Specs, outcomes: dict[int, Outcome],
                     before: Mapping[str, TicketState], since: Mapping[int, int], settings: SendSettings,
                     env: Mapping[str, str], journal: RowJournal | None) -> SendReport | None:
    """A comment row left `unknown` (it may have been applied): read its ticket back. Applied
    (current.read_back: its comment, newer than the row, and all its fields): `ok`. Its comment
    not there: send it again. Otherwise, or when the read fails, it stays unknown. Reading back
    tells nothing, so the row is left for a person, when a later row of the run touched the same
    ticket (its comment would be the latest, and sending the earlier row again would undo the
    later one) or when the ticket's latest comment already had this text before the run."""
    if endpoint.client.tenant is None:
        return None
    last_row = {spec.ticket_id: index for index, spec in specs}  # specs are in file order
    unknown = []
    for index, spec in specs:
        if outcomes[index].result is not Result.UNKNOWN or not spec.has_comment:
            continue
        old = before.get(spec.ticket_id)
        if last_row[spec.ticket_id] != index or (old is not None and old.latest_comment == spec.body["comment"]):
            outcomes[index].msg += "; not read back: the ticket's latest comment cannot tell, check it by hand"
        else:
            unknown.append((index, spec))
    if not unknown:
        return None
    read = await read_on(endpoint, [s for _, s in unknown], settings)
    again = []
    for index, spec in unknown:
        ticket = read.tickets.get(spec.ticket_id)
        if ticket is None:
            failed = read.outcomes.get(spec.ticket_id)
            why = failed.msg if failed else "not read"
            outcomes[index].msg += f"; reading the ticket back failed ({why})"
        else:
            verdict, why = read_back(state_from_ticket(ticket), spec.body, before.get(spec.ticket_id), since[index])
            if verdict == "not applied":
                again.append((index, spec))
            elif verdict == "cannot tell":
                outcomes[index].msg += f"; read back, but it cannot tell: {why}; check the ticket by hand"
            else:
                previous = outcomes[index]
                outcomes[index] = Outcome(Result.OK, previous.http_status, previous.code,
                                          f"confirmed by reading the ticket back: {why}", previous.log_id,
                                          previous.attempts, now_text())
                if journal is not None:
                    journal.done(index, spec, outcomes[index])
    if not again:
        return None
    resent = await send_on(endpoint, again, settings, env, journal=journal)
    for index, outcome in resent.outcomes.items():
        outcome.attempts += outcomes[index].attempts
        if outcome.result is Result.OK:
            outcome.msg = "sent again after reading the ticket back: its comment was not there"
        outcomes[index] = outcome
    return resent


# --- a whole live run: journal, resume, read-send-read back, undo -------------------------------

def live_settings(options: RunOptions, env: Mapping[str, str]) -> SendSettings:
    """The sending settings of a run; refuses bad credentials or base URL (exit 2) before anything."""
    settings = SendSettings(parse_rate(options.rate),
                            SendOptions(options.concurrency, options.max_attempts, options.retry_comments),
                            options.timeout, options.base_url, options.sandbox)
    check_ready(settings, env, reading=options.skip_unchanged or options.undo)
    return settings


@dataclass
class RunRows:
    outcomes: list[Outcome]
    sent: SendReport | None
    read: ReadReport | None
    resumed: int = 0
    job_id: str = ""
    undo: Undo | None = None  # with --undo or --skip-unchanged: what the undo sheet says


def run_rows(options: RunOptions, settings: SendSettings, checked: Sequence[TicketUpdate | list[FieldError]],
             input_path: Path, sheet_name: str | None, env: Mapping[str, str], started: datetime,
             on_progress: Callable[[Progress], None] | None,
             on_warning: Callable[[str], None] | None = None) -> RunRows:
    """Send a validated sheet's rows as one job: resumed from its journal, under its lock."""
    specs = [(i, item) for i, item in enumerate(checked) if isinstance(item, TicketUpdate)]
    keys = row_keys(specs)
    started_ms = int(started.timestamp() * 1000)
    read_first = options.skip_unchanged or options.undo
    with _job(options, input_path, sheet_name, env) as job:
        journal = job.journal if job else None
        plan = plan_resume(specs, keys, journal.entries() if journal else {}, options.retry_comments)
        if job is not None:
            warning = earlier_elsewhere(job.files, job.meta, plan.to_send, keys)
            if warning:
                warn(warning, on_warning)
        hooks = JobJournal(journal, keys, started_ms) if journal else None
        by_index = dict(specs)
        _record_crashed(plan, hooks, by_index)
        jid = job.files.id if job else ""
        event("start", f"run {input_path.name}: {len(checked)} rows, {len(specs)} valid, "
              f"{len(plan.to_send)} to send, {len(plan.earlier)} done earlier", job=jid, input=str(input_path),
              rows=len(checked), valid=len(specs), to_send=len(plan.to_send), resumed=len(plan.earlier))
        live = asyncio.run(run_live(checked, plan.to_send, settings, env, read_first=read_first,
                                    skip_unchanged=options.skip_unchanged, journal=hooks,
                                    preimages=_preimage_store(journal), on_progress=on_progress,
                                    since={i: plan.sent_after.get(i, started_ms) for i, _ in specs},
                                    crashed={i: (by_index[i], o) for i, o in plan.crashed.items()}))
    done = {**plan.earlier, **plan.crashed, **live.outcomes}
    outcomes = [done.get(i) or Outcome(Result.NOT_ATTEMPTED, msg="not sent: reading the tickets first stopped "
                                       "the run") if isinstance(item, TicketUpdate) else
                Outcome(Result.INVALID, msg="; ".join(str(e) for e in item)) for i, item in enumerate(checked)]
    undo = undo_sheet(specs, live.before, dict(enumerate(outcomes))) if read_first and live.before else None
    return RunRows(outcomes, live.sent, live.read, len(plan.earlier), jid, undo)


@dataclass
class Job:
    files: JobFiles
    meta: dict[str, str]
    journal: Journal


@contextlib.contextmanager
def _job(options: RunOptions, input_path: Path, sheet_name: str | None, env: Mapping[str, str]
         ) -> Iterator[Job | None]:
    """The job's lock and journal. A job is one input file (wherever its rows change) sent to one
    API (its origin however written) and helpdesk. An in-process sandbox starts empty each
    time, so it has none."""
    if options.sandbox:
        yield None
        return
    meta = {"input": str(input_path.resolve()), "sheet": sheet_name or "",
            "api": api_origin(options.base_url, env), "helpdesk": env.get("FEISHU_HELPDESK_ID", "").strip()}
    files = job_files({"v": 2, **meta}, env)
    with open_job(files, fresh=options.fresh, meta=meta) as journal:
        yield Job(files, meta, journal)
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


def _record_crashed(plan: Plan, hooks: JobJournal | None, specs: Mapping[int, TicketUpdate]) -> None:
    if hooks is not None:
        for index, outcome in plan.crashed.items():
            hooks.done(index, specs[index], outcome)


