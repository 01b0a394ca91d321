"""A link's results written back into its Base table or sheet (sources/results.py): the fields or
columns made ready before anything is sent, then every row's values once more at the end (while
sending, run/live.py writes them as they come: `Sending.results`). A run's, a check's (--dry-run)
and a plan's each have their own columns; `write_back = false` (--no-write-back) keeps the link
read-only."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from batch_updater.logs import event, warn
from batch_updater.model import Outcome
from batch_updater.run.prepare import Job
from batch_updater.sources.results import Results, Values
from batch_updater.sources.writable import WritesResults


def link_results(job: Job, kind: str, header: Sequence[str] | None = None) -> Results | None:
    """Where `job`'s results go when its input is a link (kind "results", "check" or "plan", with
    the plan's `header`), ready: its fields created or its columns placed (a refusal stops the job
    here, naming what to grant); None for a file, a link kept read-only, or one with no rows (nothing
    to write: no field is added)."""
    if job.options.write_back is False or not isinstance(job.source, WritesResults) or not job.sheet.rows:
        return None
    results = job.source.results(kind, header)
    results.start()
    return results


def finish(results: Results | None, rows: Mapping[int, Values], on_warning: Callable[[str], None] | None,
           label: str) -> str | None:
    """Every row's values written (those not written yet); why not, when that still failed (the
    run then exits 1, its report written all the same)."""
    if results is None:
        return None
    problem = results.finish(rows)
    event("write_back", f"results written back to {label}: {results.rows_written} rows in {results.calls} calls"
          + (f"; {problem}" if problem else ""), calls=results.calls, rows=results.rows_written)
    if problem:
        warn(f"{problem}; the report has every row's result", on_warning)
    return problem


def outcome_values(results: Results, outcomes: Sequence[Outcome]) -> dict[int, Values]:
    assert results.values_of is not None
    return {index: results.values_of(outcome) for index, outcome in enumerate(outcomes)}
