"""A live run's async part, in one session (and one sandbox): read the current state when
asked (--skip-unchanged, --undo, plan), send, then read back the comments left unknown."""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from batch_updater.logs import event
from batch_updater.model import Outcome, Result, TicketUpdate, now_text, stored_comment
from batch_updater.plan.preview import PlannedRow, plan_sheet
from batch_updater.plan.state import TicketState, read_back, state_from_ticket
from batch_updater.run.outcomes import ReadBack
from batch_updater.run.prepare import Job
from batch_updater.send.pool import Progress, RowJournal
from batch_updater.send.session import (
    Endpoint,
    ReadReport,
    SendReport,
    SendSettings,
    open_endpoint,
    read_on,
    send_on,
)

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


@contextlib.asynccontextmanager
async def endpoint_for(settings: SendSettings, env: Mapping[str, str],
                       ticket_ids: Sequence[str]) -> AsyncIterator[Endpoint]:
    """The API a run talks to in one session: the real one, or (--sandbox) an in-process sandbox
    that knows `ticket_ids` and lives as long as the session."""
    async with contextlib.AsyncExitStack() as stack:
        if settings.sandbox:
            from batch_updater.sandbox import Sandbox, SandboxConfig

            config = SandboxConfig(ticket_ids=list(dict.fromkeys(ticket_ids)))
            sandbox = await stack.enter_async_context(Sandbox(config))
            settings, env = replace(settings, base_url=sandbox.base_url), sandbox.credentials
        yield await stack.enter_async_context(open_endpoint(settings, env))


async def plan_live(job: Job, on_progress: Callable[[Progress], None] | None = None) -> LiveResult:
    """`batch-updater plan`: read every valid row's ticket and plan each row."""
    assert job.send is not None
    valid = [spec for _, spec in job.specs]
    async with endpoint_for(job.send, job.env, [item.ticket_id for item in valid]) as endpoint:
        read = await read_on(endpoint, valid, job.send, on_progress=on_progress)
    states = {tid: state_from_ticket(t) for tid, t in read.tickets.items()}
    return LiveResult(None, planned=plan_sheet(job.checked, states, read.outcomes), before=states, read=read)


async def run_live(job: Job, sending: Sending, on_progress: Callable[[Progress], None] | None = None
                   ) -> LiveResult:
    """Send `sending.to_send`; when the job reads first (--skip-unchanged, --undo), plan against
    the tickets as they are now, skip the no-op rows (--skip-unchanged) and record each ticket's
    pre-image (through `sending.preimages`) before any request leaves; then read back the comment
    rows left unknown, and those a killed run left mid-send (`sending.crashed`)."""
    settings, env, to_send = job.send, job.env, sending.to_send
    assert settings is not None
    result = LiveResult(None)
    async with endpoint_for(settings, env, [spec.ticket_id for _, spec in job.specs]) as endpoint:
        if job.read_first:
            read = result.read = await read_on(endpoint, [s for _, s in to_send], settings,
                                               on_progress=on_progress)
            if _stopped_read(read):
                return result
            states = {tid: state_from_ticket(t) for tid, t in read.tickets.items()}
            recorded = sending.preimages({tid: json.dumps(st.as_json()) for tid, st in states.items()})
            result.before = {tid: TicketState.from_json(json.loads(text)) for tid, text in recorded.items()}
            planned = plan_sheet([spec for _, spec in to_send], states, read.outcomes)
            if job.options.skip_unchanged:
                result.outcomes.update({
                    index: Outcome(Result.SKIPPED, msg="nothing to change: the ticket already has these values",
                                   finished_at=now_text())
                    for (index, _), plan in zip(to_send, planned) if plan.kind == "no-op"})
                to_send = [(i, s) for i, s in to_send if i not in result.outcomes]
        result.sent = await send_on(endpoint, to_send, settings, env, on_progress=on_progress,
                                    journal=sending.journal)
        result.outcomes.update(result.sent.outcomes)
        if not (result.sent.stop_reason or result.sent.interrupted):
            checked_back = [*to_send, *((index, spec) for index, (spec, _) in sending.crashed.items())]
            resent = await _read_back(endpoint, job, sending, result, sorted(checked_back))
            if resent is not None:  # a stop or an interrupt while sending again counts as the run's
                sent = result.sent
                sent.stop_reason = sent.stop_reason or resent.stop_reason
                sent.stop_error = sent.stop_error or resent.stop_error
                sent.interrupted = sent.interrupted or resent.interrupted
    return result


async def _read_back(endpoint: Endpoint, job: Job, sending: Sending, live: LiveResult,
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
    outcomes = {**{index: outcome for index, (_, outcome) in sending.crashed.items()}, **live.outcomes}
    found = live.read_back = ReadBack()
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
    read = await read_on(endpoint, [s for _, s in unknown], job.send)
    if read.stop_reason or read.interrupted:
        return read  # nothing is sent again after a stop or an interrupt
    again = []
    offset = endpoint.client.clock.bounds_ms()  # the API's clock against ours, the answers read so far
    for index, spec in unknown:
        ticket = read.tickets.get(spec.ticket_id)
        if ticket is None:
            failed = read.outcomes.get(spec.ticket_id)
            found.notes[index] = f"reading the ticket back failed ({failed.msg if failed else 'not read'})"
            continue
        verdict, why = read_back(state_from_ticket(ticket), spec.body, live.before.get(spec.ticket_id),
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
    if not again:
        return None
    resent = await send_on(endpoint, again, job.send, job.env, journal=sending.journal)
    for index, outcome in resent.outcomes.items():
        found.settled[index] = replace(outcome, attempts=outcome.attempts + outcomes[index].attempts, msg=(
            "sent again after reading the ticket back: no comment was posted since it was sent"
            if outcome.result is Result.OK else outcome.msg))
    return resent

