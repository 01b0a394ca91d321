"""A live run's async part, in one session with its endpoint: read the current state when asked
(--skip-unchanged, --undo, plan), send, then read back the comments left unknown. The run's
options name the endpoint here (`endpoint_of`): Feishu's, or (--sandbox) an in-process sandbox."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from batch_updater.control import RunProgress
from batch_updater.logs import event
from batch_updater.model import Outcome, Result, TicketUpdate, now_text, stored_comment
from batch_updater.plan.guards import guard_outcomes
from batch_updater.plan.preview import PlannedRow, plan_sheet
from batch_updater.plan.state import TicketState, read_back, state_from_ticket
from batch_updater.run.labels import confirm_choices
from batch_updater.run.outcomes import ReadBack
from batch_updater.run.prepare import Job
from batch_updater.send.pool import RowJournal
from batch_updater.send.session import (
    ReadReport,
    SendReport,
    Session,
    open_endpoint,
    read_on,
    send_on,
)
from batch_updater.sources.results import Results, flushing

Specs = Sequence[tuple[int, TicketUpdate]]


@dataclass(frozen=True)
class Sending:
    """What a live run sends, as the job's journal planned it (run/rows.py)."""

    to_send: Specs
    since: Mapping[int, int]  # when the job first sent each row (ms since the epoch): its comment, not an older one
    # comment rows a killed run left mid-send: read back with the unknown ones, not sent blindly
    crashed: Mapping[int, tuple[TicketUpdate, Outcome]] = field(default_factory=dict)
    journal: RowJournal | None = None  # the job's write-ahead hooks (None: an in-process sandbox's run)
    preimages: Callable[[Mapping[str, str]], dict[str, str]] = dict  # keeps the first pre-image, returns them all
    results: Results | None = None  # a link's: written into its table or sheet while sending (sources/results.py)


@dataclass
class LiveResult:
    sent: SendReport | None
    outcomes: dict[int, Outcome] = field(default_factory=dict)  # by row index: sent, or skipped as unchanged
    read_back: ReadBack = field(default_factory=ReadBack)  # the unknown comment rows it settled, or why not
    planned: list[PlannedRow] | None = None
    before: dict[str, TicketState] = field(default_factory=dict)  # each ticket before the job changed it
    read: ReadReport | None = None


def _stopped_read(read: ReadReport) -> bool:
    return bool(read.stop_reason or read.interrupted)


async def plan_live(job: Job, on_progress: Callable[[RunProgress], None] | None = None) -> LiveResult:
    """`batch-updater plan`: read every valid row's ticket and plan each row."""
    assert job.send is not None
    valid = [spec for _, spec in job.specs]
    async with open_endpoint(job.send, job.env, [item.ticket_id for item in valid]) as endpoint:
        read = await read_on(endpoint, valid, job.send, on_progress=on_progress)
    states = {tid: state_from_ticket(t, job.registry) for tid, t in read.tickets.items()}
    # the rows `run` would skip, as it would: an `if:` column not met, checked against the state
    # the ticket's earlier rows leave (a ticket not read: its rows are planned as not read)
    guarded = {i: o.msg for i, o in guard_outcomes(job.specs, states, job.guards, job.registry).items()
               if o.result is Result.SKIPPED} if job.guards else {}
    planned = plan_sheet(job.checked, states, read.outcomes, unchanged=job.skips, guarded=guarded)
    return LiveResult(None, planned=planned, before=states, read=read)


async def run_live(job: Job, sending: Sending, on_progress: Callable[[RunProgress], None] | None = None
                   ) -> LiveResult:
    """Send `sending.to_send`; when the job reads first (--skip-unchanged, --undo), plan against
    the tickets as they are now, skip the no-op rows (--skip-unchanged) and record each ticket's
    pre-image (through `sending.preimages`) before any request leaves; then read back the comment
    rows left unknown, and those a killed run left mid-send (`sending.crashed`)."""
    settings, env, to_send = job.send, job.env, sending.to_send
    assert settings is not None
    result = LiveResult(None)
    async with open_endpoint(settings, env, [spec.ticket_id for _, spec in job.specs]) as endpoint, \
            flushing(sending.results):
        if job.read_first:
            read = result.read = await read_on(endpoint, [s for _, s in to_send], settings,
                                               on_progress=on_progress)
            if _stopped_read(read):
                return result
            states = {tid: state_from_ticket(t, job.registry) for tid, t in read.tickets.items()}
            guarded = guard_outcomes(to_send, states, job.guards, job.registry) if job.guards else {}  # not sent
            result.outcomes.update(guarded)
            to_send = [(i, s) for i, s in to_send if i not in guarded]
            recorded = sending.preimages({tid: json.dumps(st.as_json()) for tid, st in states.items()})
            result.before = {tid: TicketState.from_json(json.loads(text), job.registry)
                             for tid, text in recorded.items()}
            planned = plan_sheet([spec for _, spec in to_send], states, read.outcomes)
            if job.options.skip_unchanged:
                result.outcomes.update({
                    index: Outcome(Result.SKIPPED, msg="nothing to change: the ticket already has these values",
                                   finished_at=now_text())
                    for (index, _), plan in zip(to_send, planned) if plan.kind == "no-op"})
                to_send = [(i, s) for i, s in to_send if i not in result.outcomes]
        early = _crashed_before_the_rest(job, sending, to_send) if endpoint.client.tenant is not None else []
        again: Specs = []
        if early:  # read back now, while nothing after them has touched their tickets
            stopped, again = await _verdicts(endpoint, job, sending, result, early)
            if stopped is not None:
                result.read = stopped
                return result
            to_send = sorted([*to_send, *again])  # not applied: sent again, before the ticket's later rows
        result.sent = await send_on(endpoint, to_send, settings, env, on_progress=on_progress,
                                    journal=sending.journal)
        result.outcomes.update(result.sent.outcomes)
        for index, _ in again:
            if index in result.outcomes:
                result.read_back.settled[index] = _sent_again(result.outcomes.pop(index))
        if not (result.sent.stop_reason or result.sent.interrupted):
            settled = {index for index, _ in early}  # read back already, before sending
            checked_back = [(index, spec) for index, spec in [*to_send, *((i, spec) for i, (spec, _) in
                                                                         sending.crashed.items())]
                            if index not in settled]
            resent = await _read_back(endpoint, job, sending, result, sorted(checked_back))
            if resent is not None:  # a stop or an interrupt while sending again counts as the run's
                sent = result.sent
                sent.stop_reason = sent.stop_reason or resent.stop_reason
                sent.stop_error = sent.stop_error or resent.stop_error
                sent.interrupted = sent.interrupted or resent.interrupted
            else:  # a dropdown's value is confirmed by reading its ticket back (run/labels.py)
                await confirm_choices(endpoint, job, to_send, result.outcomes, result.read_back)
    return result


async def _read_back(endpoint: Session, job: Job, sending: Sending, live: LiveResult,
                     specs: Specs) -> SendReport | ReadReport | None:
    """A comment row left `unknown` (it may have been applied): read its ticket back and go by
    plan.state.read_back: applied, `ok`; not applied, send it again; otherwise, or when the read
    fails, it stays unknown, and `live.read_back` says why (run/outcomes.py adds it to its msg).
    Reading back tells nothing, so the row is left for a person, when another row of the job
    (all of them, done earlier or not) touches the same ticket after it (its comment would be
    the latest, and sending the earlier row again would undo the later one), or posts the same
    comment on it. Returns what stopped it, if anything (a stop or an interrupt while reading or
    sending again counts as the run's)."""
    if endpoint.client.tenant is None:
        return None
    assert job.send is not None
    outcomes = _this_runs(sending, live)
    found = live.read_back
    last_row: dict[str, int] = {}
    texts: Counter[tuple[str, str]] = Counter()
    for index, spec in sorted({**dict(job.specs), **dict(specs)}.items()):  # file order
        last_row[spec.ticket_id] = index
        if spec.has_comment:
            texts[(spec.ticket_id, stored_comment(spec.body["comment"]))] += 1
    unknown = []
    for index, spec in specs:
        if outcomes[index].result is not Result.UNKNOWN or not spec.has_comment:
            continue
        if last_row[spec.ticket_id] != index or texts[(spec.ticket_id, stored_comment(spec.body["comment"]))] > 1:
            found.notes[index] = ("not read back: another row of the job touches this ticket, so the ticket cannot "
                                  "tell: check it by hand")
        else:
            unknown.append((index, spec))
    if not unknown:
        return None
    stopped, again = await _verdicts(endpoint, job, sending, live, unknown)
    if stopped is not None:
        return stopped  # nothing is sent again after a stop or an interrupt
    if not again:
        return None
    resent = await send_on(endpoint, again, job.send, job.env, journal=sending.journal)
    specs_again = dict(again)
    for index, outcome in resent.outcomes.items():
        found.settled[index] = _sent_again(outcome, outcomes[index])
        if sending.journal is not None and outcomes[index].attempts:  # this run's requests, all of them
            sending.journal.done(index, specs_again[index], found.settled[index])
    return resent


def _this_runs(sending: Sending, live: LiveResult) -> dict[int, Outcome]:
    """The outcomes of the rows that may be read back, counting this run's attempts only (a
    crashed row's, none): run/outcomes.py adds the earlier runs' to whatever settles them."""
    crashed = {index: replace(outcome, attempts=0) for index, (_, outcome) in sending.crashed.items()}
    return {**crashed, **live.outcomes}


def _sent_again(outcome: Outcome, before: Outcome | None = None) -> Outcome:
    """A row sent again because reading its ticket back showed it was not applied; `before`: its
    outcome earlier in this run, if it was sent in this run already."""
    return replace(outcome, attempts=outcome.attempts + (before.attempts if before else 0), msg=(
        "sent again after reading the ticket back: no comment was posted since it was sent"
        if outcome.result is Result.OK else outcome.msg))



def _crashed_before_the_rest(job: Job, sending: Sending, to_send: Specs) -> Specs:
    """The comment rows a killed run left mid-send (`sending.crashed`) whose ticket no row after
    them has touched yet: every later row of the ticket is still to be sent. Reading their
    ticket back before sending tells what reading it back at the end could not (a later row's
    change or comment would hide theirs); a ticket with two rows posting the same comment is
    left to the read-back at the end (and so for a person)."""
    if not sending.crashed:
        return []
    waiting = {index for index, _ in to_send}
    rows_of: dict[str, list[int]] = {}
    texts: Counter[tuple[str, str]] = Counter()
    for index, spec in job.specs:
        rows_of.setdefault(spec.ticket_id, []).append(index)
        if spec.has_comment:
            texts[(spec.ticket_id, stored_comment(spec.body["comment"]))] += 1
    return sorted((index, spec) for index, (spec, _) in sending.crashed.items()
                  if spec.has_comment and texts[(spec.ticket_id, stored_comment(spec.body["comment"]))] == 1
                  and all(later in waiting for later in rows_of[spec.ticket_id] if later > index))


async def _verdicts(endpoint: Session, job: Job, sending: Sending, live: LiveResult,
                    unknown: Specs) -> tuple[ReadReport | None, Specs]:
    """Read back the tickets of `unknown` (comment rows that may have been applied, each its
    ticket's latest change) and settle each by plan.state.read_back: applied, ok (in
    `live.read_back.settled`, and the journal); cannot tell, a note; not applied, returned to be
    sent again. Returns the read's report when it stopped (nothing is settled then)."""
    assert job.send is not None
    found = live.read_back
    outcomes = _this_runs(sending, live)
    read = await read_on(endpoint, [s for _, s in unknown], job.send)
    if read.stop_reason or read.interrupted:
        return read, []
    again = []
    offset = endpoint.client.clock.bounds_ms()  # the API's clock against ours, the answers read so far
    for index, spec in unknown:
        ticket = read.tickets.get(spec.ticket_id)
        if ticket is None:
            failed = read.outcomes.get(spec.ticket_id)
            found.notes[index] = f"reading the ticket back failed ({failed.msg if failed else 'not read'})"
            continue
        verdict, why = read_back(state_from_ticket(ticket, job.registry), spec.body, live.before.get(spec.ticket_id),
                                 sending.since[index], offset)
        if verdict == "not applied":
            again.append((index, spec))
        elif verdict == "cannot tell":
            found.notes[index] = f"read back, but it cannot tell: {why}; check the ticket by hand"
        else:
            previous = outcomes[index]
            confirmed = found.settled[index] = Outcome(Result.OK, previous.http_status, previous.code,
                                                       f"confirmed by reading the ticket back: {why}",
                                                       previous.log_id, previous.attempts, now_text())
            event("row_confirmed", f"row {spec.row} (ticket {spec.ticket_id}) ok: confirmed by reading the "
                  "ticket back", row=spec.row, ticket_id=spec.ticket_id)
            if sending.journal is not None:
                sending.journal.done(index, spec, confirmed)
    return None, again
