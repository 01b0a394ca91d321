"""A live run's async part, in one session with its endpoint: read the current state when asked
(--skip-unchanged, --undo, plan), send, then read back the comments left unknown. The run's
options name the endpoint here (`endpoint_of`): Feishu's, or (--sandbox) an in-process sandbox."""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from batch_updater.control import RunProgress
from batch_updater.jobs.options import RunOptions
from batch_updater.logs import event
from batch_updater.model import FieldError, Outcome, Result, TicketUpdate, now_text, stored_comment
from batch_updater.plan.preview import PlannedRow, plan_sheet
from batch_updater.plan.state import TicketState, read_back, state_from_ticket
from batch_updater.send.endpoint import Endpoint, feishu_endpoint
from batch_updater.send.pool import RowJournal
from batch_updater.send.session import (
    ReadReport,
    SendReport,
    SendSettings,
    Session,
    open_endpoint,
    read_on,
    send_on,
)

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


def endpoint_of(options: RunOptions) -> Endpoint:
    """The API a run's options name: `--sandbox`'s, or Feishu's (at --base-url, if given)."""
    return sandbox_endpoint() if options.sandbox else feishu_endpoint(options.base_url)


def sandbox_endpoint() -> Endpoint:
    """An in-process sandbox, started for the run's session with the run's tickets in it: it
    starts empty each time, so its jobs keep no journal and no rate is learned from it; its
    credentials are its own."""
    return Endpoint("sandbox", label="in-process sandbox", persistent=False, learns_rate=False,
                    refreshes_user_token=False, from_env=False, serve=_in_process_sandbox)


@contextlib.asynccontextmanager
async def _in_process_sandbox(endpoint: Endpoint, ticket_ids: Sequence[str], env: Mapping[str, str]
                              ) -> AsyncIterator[tuple[str | None, Mapping[str, str]]]:
    from batch_updater.sandbox import Sandbox, SandboxConfig

    async with Sandbox(SandboxConfig(ticket_ids=list(dict.fromkeys(ticket_ids)))) as sandbox:
        yield sandbox.base_url, sandbox.credentials


async def plan_live(checked: Sequence[TicketUpdate | list[FieldError]], settings: SendSettings,
                    env: Mapping[str, str], on_progress: Callable[[RunProgress], None] | None = None) -> LiveResult:
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
                   on_progress: Callable[[RunProgress], None] | None = None) -> LiveResult:
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
            job_rows = [(i, item) for i, item in enumerate(checked) if isinstance(item, TicketUpdate)]
            resent = await _read_back(endpoint, sorted(checked_back), result.outcomes, result.before, since,
                                      settings, env, journal, job_rows)
            if resent is not None:  # a stop or an interrupt while sending again counts as the run's
                sent = result.sent
                sent.stop_reason = sent.stop_reason or resent.stop_reason
                sent.stop_error = sent.stop_error or resent.stop_error
                sent.interrupted = sent.interrupted or resent.interrupted
    return result


async def _read_back(endpoint: Session, specs: Specs, outcomes: dict[int, Outcome],
                     before: Mapping[str, TicketState], since: Mapping[int, int], settings: SendSettings,
                     env: Mapping[str, str], journal: RowJournal | None,
                     job_rows: Specs = ()) -> SendReport | ReadReport | None:
    """A comment row left `unknown` (it may have been applied): read its ticket back and go by
    plan.state.read_back: applied, `ok`; not applied, send it again; otherwise, or when the read
    fails, it stays unknown. Reading back tells nothing, so the row is left for a person, when
    another row of the job (`job_rows`, all of them, done earlier or not) touches the same
    ticket after it (its comment would be the latest, and sending the earlier row again would
    undo the later one), or posts the same comment on it. Returns what stopped it, if anything
    (a stop or an interrupt while reading or sending again counts as the run's)."""
    if endpoint.client.tenant is None:
        return None
    last_row: dict[str, int] = {}
    texts: Counter[tuple[str, str]] = Counter()
    for index, spec in sorted({**dict(job_rows), **dict(specs)}.items()):  # file order
        last_row[spec.ticket_id] = index
        if spec.has_comment:
            texts[(spec.ticket_id, stored_comment(spec.body["comment"]))] += 1
    unknown = []
    for index, spec in specs:
        if outcomes[index].result is not Result.UNKNOWN or not spec.has_comment:
            continue
        if last_row[spec.ticket_id] != index or texts[(spec.ticket_id, stored_comment(spec.body["comment"]))] > 1:
            outcomes[index].msg += "; not read back: another row of the job touches this ticket, so the ticket " \
                                   "cannot tell: check it by hand"
        else:
            unknown.append((index, spec))
    if not unknown:
        return None
    read = await read_on(endpoint, [s for _, s in unknown], settings)
    if read.stop_reason or read.interrupted:
        return read  # nothing is sent again after a stop or an interrupt
    again = []
    offset = endpoint.client.clock.bounds_ms()  # the API's clock against ours, the answers read so far
    for index, spec in unknown:
        ticket = read.tickets.get(spec.ticket_id)
        if ticket is None:
            failed = read.outcomes.get(spec.ticket_id)
            why = failed.msg if failed else "not read"
            outcomes[index].msg += f"; reading the ticket back failed ({why})"
        else:
            verdict, why = read_back(state_from_ticket(ticket), spec.body, before.get(spec.ticket_id), since[index],
                                     offset)
            if verdict == "not applied":
                again.append((index, spec))
            elif verdict == "cannot tell":
                outcomes[index].msg += f"; read back, but it cannot tell: {why}; check the ticket by hand"
            else:
                previous = outcomes[index]
                outcomes[index] = Outcome(Result.OK, previous.http_status, previous.code,
                                          f"confirmed by reading the ticket back: {why}", previous.log_id,
                                          previous.attempts, now_text())
                event("row_confirmed", f"row {spec.row} (ticket {spec.ticket_id}) ok: confirmed by reading the "
                      "ticket back", row=spec.row, ticket_id=spec.ticket_id)
                if journal is not None:
                    journal.done(index, spec, outcomes[index])
    if not again:
        return None
    resent = await send_on(endpoint, again, settings, env, journal=journal)
    for index, outcome in resent.outcomes.items():
        outcome.attempts += outcomes[index].attempts
        if outcome.result is Result.OK:
            outcome.msg = "sent again after reading the ticket back: no comment was posted since it was sent"
        outcomes[index] = outcome
    return resent
