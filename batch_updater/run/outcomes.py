"""Each row's one outcome, merged in one place from everything a live run learns of it: the
job's journal (rows done earlier, held, left mid-send by a crash), this run's sending, and the
reading back of the comment rows left unknown. Pure: nothing is edited in place; a row whose
outcome gets a note gets a new Outcome."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from batch_updater.jobs.resume import Plan
from batch_updater.model import FieldError, Outcome, Result, TicketUpdate, invalid_outcome
from batch_updater.send.pool import MAYBE_TWICE  # what a row whose comment may be on its ticket twice says

NOT_READ = "not sent: reading the tickets first stopped the run"


@dataclass(frozen=True)
class ReadBack:
    """What reading back the comment rows left unknown found (run/live.py): the rows it settled
    (confirmed ok, or sent again), and, for those it left unknown, why."""

    settled: dict[int, Outcome] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)


def merge_outcomes(checked: Sequence[TicketUpdate | list[FieldError]], plan: Plan, sent: Mapping[int, Outcome],
                   read_back: ReadBack) -> list[Outcome]:
    """Each row's outcome, in the sheet's order. A row's is the first of these that has one:

    1. invalid: what is wrong with the row (nothing else happens to it);
    2. settled by reading it back (`read_back.settled`): confirmed ok, or sent again;
    3. this run's (`sent`): sent, or skipped because the ticket already had its values;
    4. left mid-send by a killed run (`plan.crashed`): unknown, when it could not be read back;
    5. held (`plan.held`): not sent, its comment is another job's (or may be);
    6. done by an earlier run of the job (`plan.earlier`);
    7. none: not_attempted, because reading the tickets first stopped the run.

    Then notes are added to the msg of a row found in 2 to 6, each after a "; ", in this order:
    a. why reading it back left it unknown (`read_back.notes`);
    b. why it was sent without its comment (`plan.notes`: another job posted it, or may have);
    c. a row --retry-comments sent with a comment that may have been on its ticket already
       (`plan.retried`, with why), ok or unknown, says its comment may now be there twice,
       unless its msg says so already (the sender says it of a row it sent again itself).

    `attempts` counts every run of the job: this run's outcomes (2 and 3) count this run's
    requests, to which the earlier runs' are added here (`plan.attempts_before`); the journal's
    (4 to 6) are every run's already."""
    layers = (read_back.settled, sent, plan.crashed, plan.held, plan.earlier)
    this_run = 2  # the first two layers
    merged = []
    for index, item in enumerate(checked):
        if not isinstance(item, TicketUpdate):
            merged.append(invalid_outcome(item))
            continue
        found = next(((n, layer[index]) for n, layer in enumerate(layers) if index in layer), None)
        if found is None:
            merged.append(Outcome(Result.NOT_ATTEMPTED, msg=NOT_READ))
            continue
        layer, outcome = found
        earlier = plan.attempts_before.get(index, 0) if layer < this_run else 0
        if earlier:
            outcome = replace(outcome, attempts=outcome.attempts + earlier)
        msg = outcome.msg
        for note in (read_back.notes.get(index), plan.notes.get(index)):
            if note:
                msg = _noted(msg, note)
        why = plan.retried.get(index)
        if why is not None and outcome.result in (Result.OK, Result.UNKNOWN) and MAYBE_TWICE not in msg:
            msg = _noted(msg, f"sent with its comment though {why}: {MAYBE_TWICE}")
        merged.append(outcome if msg == outcome.msg else replace(outcome, msg=msg))
    return merged


def maybe_twice(outcomes: Sequence[Outcome], specs: Sequence[tuple[int, TicketUpdate]]) -> list[str]:
    """The tickets of the rows whose msg says their comment may now be on the ticket twice."""
    return sorted({spec.ticket_id for index, spec in specs if MAYBE_TWICE in outcomes[index].msg})


def _noted(msg: str, note: str) -> str:
    return f"{msg}; {note}" if msg else note
