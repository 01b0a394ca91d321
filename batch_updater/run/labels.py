"""Confirming a dropdown's value by reading its ticket back.

What an update must carry for a dropdown custom field is UNKNOWN (docs/api-facts.md §10): the
run sends the option's display name (what a read shows), so a row that set one is read back
after sending (one GET per ticket, at the read API's rate), and a ticket that does not show the
value sent makes the row `failed`, saying what it shows: the API answered success, but the
value did not take. Only a ticket's last row that set the field is checked (a later row may have
changed it again)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from batch_updater.model import Outcome, Result, TicketUpdate, now_text
from batch_updater.plan.state import state_from_ticket
from batch_updater.rows.custom import same_value
from batch_updater.run.outcomes import ReadBack
from batch_updater.run.prepare import Job
from batch_updater.send.session import Session, read_on

NOT_TAKEN = ("the API answered success, but reading the ticket back shows {field} = {now!r}, not {sent!r}: the "
             "value did not take (how an update writes a dropdown is not documented; the option's display name "
             "was sent)")


async def confirm_choices(session: Session, job: Job, sent: Sequence[tuple[int, TicketUpdate]],
                          outcomes: dict[int, Outcome], found: ReadBack) -> None:
    """Read back the tickets whose rows set a dropdown (and were `ok`); a value that did not take
    makes its row failed (in `found.settled`), a read that failed leaves a note."""
    fields = job.sheet.columns.custom_fields
    if fields is None or session.client.tenant is None or job.send is None:
        return
    last: dict[tuple[str, str], tuple[int, str]] = {}
    for index, spec in sent:
        outcome = outcomes.get(index)
        if outcome is None or outcome.result is not Result.OK:
            continue
        for item in spec.body.get("customized_fields") or ():
            field = fields.by_id.get(str(item["id"]))
            if field is not None and field.dropdown:
                last[(spec.ticket_id, field.id)] = (index, item["value"])
    if not last:
        return
    tickets = list(dict.fromkeys(tid for tid, _ in last))
    read = await read_on(session, [TicketUpdate(0, tid, {}) for tid in tickets], job.send)
    wrong: dict[int, list[str]] = {}
    for (tid, fid), (index, value) in last.items():
        ticket = read.tickets.get(tid)
        if ticket is None:
            failed = read.outcomes.get(tid)
            found.notes[index] = (f"its dropdown value was not confirmed: reading the ticket back failed "
                                  f"({failed.msg if failed else 'not read'})")
            continue
        now = state_from_ticket(ticket).custom.get(fid)
        if not same_value(fields.by_id[fid], now, value):
            wrong.setdefault(index, []).append(NOT_TAKEN.format(field=fields.by_id[fid].name, now=now, sent=value))
    for index, problems in wrong.items():
        found.settled[index] = replace(outcomes[index], result=Result.FAILED, msg="; ".join(problems),
                                       finished_at=now_text())
