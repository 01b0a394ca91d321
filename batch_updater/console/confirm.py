"""What Run will really do, for the confirmation before it: the sheet read again and planned from
its job's journal as the run will plan it (run.rows.resume_plan): the rows an earlier run did,
the rows left, the comments that will be posted and those held back, the invalid rows, the
tickets read first, and how long it should take at the rate in use. Numbers only: the page
says them in its language."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from batch_updater.errors import BatchUpdaterError
from batch_updater.feishu.credentials import Credentials, api_origin
from batch_updater.jobs.options import RunOptions
from batch_updater.model import Result
from batch_updater.run.prepare import Job, loaded_job
from batch_updater.run.rows import resume_plan
from batch_updater.send.pacing import FIXED_HEADROOM, SAFE_START
from batch_updater.send.session import _learned_key, load_learned, state_path

READS_PER_S = 10.0  # the ticket reads' documented limit (send.session.READ_RATE)


def confirmation(options: RunOptions, env: Mapping[str, str]) -> dict[str, Any]:
    """`options`: the run as it would start (its sheet, choices and the page's run options)."""
    job = loaded_job(options, env, lambda: datetime.now().astimezone())
    plan = resume_plan(job)
    sending = [spec for _, spec in plan.to_send]
    held = list(plan.held.values())
    rate, source = _rate(job)
    reading = len({spec.ticket_id for spec in sending}) if job.read_first else 0
    held_at = rate * FIXED_HEADROOM if source == "fixed" else rate  # a fixed rate is held a little under
    seconds = len(sending) / held_at + reading / READS_PER_S
    return {
        "rows": len(job.checked), "valid": len(job.specs),
        "invalid": len(job.checked) - len(job.specs) - len(job.skips),
        "done_earlier": len(plan.earlier), "to_send": len(sending),
        "tickets": len({spec.ticket_id for spec in sending}),
        "comments": sum(1 for spec in sending if spec.has_comment),
        "without_comment": len(plan.notes),  # sent, but not their comment: it is on the ticket already
        "held_posted": sum(1 for o in held if o.result is Result.SKIPPED),  # not sent: the comment was all
        "held_maybe": sum(1 for o in held if o.result is Result.UNKNOWN),  # not sent: it may be there
        "read_back": len(plan.crashed),  # a run stopped while sending them: read back, not sent blindly
        "read_first": job.read_first, "tickets_to_read": reading, "skip_unchanged": options.skip_unchanged,
        "rate": round(rate, 3), "rate_source": source, "seconds": math.ceil(seconds),
    }


def _rate(job: Job) -> tuple[float, str]:
    """The rate the run sends at: a fixed one; auto from what it learned of this API and helpdesk
    before ("learned"), or its safe start ("start": it climbs from there)."""
    if job.rate.per_second is not None:
        return job.rate.per_second, "fixed"
    with contextlib.suppress(BatchUpdaterError, OSError, ValueError):  # none to be had: the safe start
        assert job.send is not None
        learned = load_learned(state_path(job.send, job.env),
                               _learned_key(api_origin(job.options.base_url, job.env), Credentials.from_env(job.env)))
        if learned:
            return learned, "learned"
    return SAFE_START, "start"
