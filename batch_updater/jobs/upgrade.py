"""Resuming a job an earlier version of batch-updater started (up to 0.1.0's first layout): its
journal was named after the input's content and settings and kept rows by position. Run the
same file with the same settings after upgrading, and its rows are carried over once into the
job's journal, so nothing done is sent again."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from batch_updater.jobs.journal import Journal
from batch_updater.model import Outcome, Result, TicketUpdate


def first_layout_id(input_bytes: bytes, settings: Mapping[str, Any]) -> str:
    """The job id the first layout gave: the input's bytes and the settings that decided what was sent."""
    digest = hashlib.sha256(input_bytes)
    digest.update(json.dumps(settings, sort_keys=True, ensure_ascii=False, default=str).encode())
    return digest.hexdigest()[:20]


def carry_over(old: Path, journal: Journal, specs: Sequence[tuple[int, TicketUpdate]], keys: Mapping[int, str],
               comment_keys: Mapping[int, str | None]) -> int:
    """Copy the rows (and the tickets' pre-images) of a first-layout journal at `old` into
    `journal`, by position (the same input: the same positions), and set `old` aside; how many
    rows. Their time of sending is unknown: 0, so that reading one back never takes an earlier
    comment for a sign that nothing was posted."""
    by_index = dict(specs)
    try:
        db = sqlite3.connect(f"file:{old}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT idx, ticket_id, state, final, result, http_status, code, msg, log_id, "
                              "attempts, finished_at FROM rows").fetchall()
            preimages = dict(db.execute("SELECT ticket_id, state FROM preimage"))
        finally:
            db.close()
    except sqlite3.Error:
        return 0
    carried = 0
    for idx, ticket, state, final, result, status, code, msg, log_id, attempts, finished in rows:
        spec = by_index.get(idx)
        if spec is None or spec.ticket_id != ticket:
            continue
        journal.sending(keys[idx], spec.row, ticket, comment_keys[idx], 0)
        if state == "done" and result:
            outcome = Outcome(Result(result), status, code, msg or "", log_id or "", attempts or 0, finished or "")
            journal.done(keys[idx], outcome, bool(final))
        carried += 1
    journal.record_preimages(preimages)
    with contextlib.suppress(OSError):
        old.rename(old.with_name(old.name + ".carried-over"))
    return carried
