"""The command line's words: what a run, a plan and their problems print (cli.py parses;
this module only presents a result the library returned)."""

from __future__ import annotations

import sys
from typing import Any

import click

from batch_updater.control import format_rate
from batch_updater.feishu.codes import Action, action_for
from batch_updater.i18n import N_, language, tr
from batch_updater.model import Result
from batch_updater.run.job import RunResult
from batch_updater.schema.sheet import Sheet
from batch_updater.sheet.blocks import word


def print_plan(result: Any) -> None:
    s = result.summary
    _print_input(result.sheet)
    kinds = tr(", ").join(_counted(n, k) for k, n in sorted(s.by_kind.items(), key=lambda kv: -kv[1]))
    click.echo(tr("Plan: {rows}: {counts}", rows=_rows(s.rows), counts=kinds))
    for name, tickets in s.tickets_changing.items():
        click.echo(tr("  {field}: would change on {tickets}", field=name, tickets=_tickets(tickets)))
    no_op = s.by_kind.get("no-op", 0)
    click.echo(tr("{no_op}; {comments} would be posted; {missing} not found",
                  no_op=tr("{n} row changes nothing (no-op)", n=no_op) if no_op == 1 else
                  tr("{n} rows change nothing (no-op)", n=no_op),
                  comments=tr("{n} comment", n=s.comments) if s.comments == 1 else tr("{n} comments", n=s.comments),
                  missing=_tickets(s.missing_tickets)))
    if result.stop_reason:
        click.echo(tr("error: stopped early: {reason}", reason=result.stop_reason), err=True)
    elif result.read.interrupted:
        click.echo(tr("Interrupted: the tickets not read are marked not_attempted in the plan."), err=True)
    if result.write_back_path:
        click.echo(tr("Your file with the plan's columns: {path}", path=result.write_back_path))
    if getattr(result, "written_back", None):
        click.echo(tr("The plan's columns could not all be written to: {target}", target=result.written_back)
                   if result.write_back_problem else
                   tr("The plan's columns are in: {target}", target=result.written_back))
    click.echo(tr("Plan: {path} (nothing was sent)", path=result.report_path))
    sys.exit(result.exit_code)


def _print_input(sheet: Sheet | None) -> None:
    if sheet is not None:
        click.echo(tr("Input: {source}", source=sheet.source))
        click.echo(tr("Columns sent: {columns}", columns=sheet.columns.sent()))


def _warn(text: str) -> None:
    click.echo(tr("warning: {text}", text=text), err=True)


def print_result(result: RunResult, *, dry_run: bool) -> None:
    s = result.summary
    counts = tr(", ").join(_counted(n, name) for name, n in sorted(s.by_result.items(), key=lambda kv: -kv[1]))
    _print_input(result.sheet)
    rows, counts = _rows(s.rows), counts or tr("none")
    click.echo(tr("Dry run: {rows}: {counts}", rows=rows, counts=counts) if dry_run else
               tr("{rows}: {counts}", rows=rows, counts=counts))
    if s.repeated_tickets:
        n = s.repeated_tickets
        click.echo(tr("{tickets} on more than one row ({rows} rows): applied one after another, in file order",
                      tickets=tr("{n} ticket appears", n=n) if n == 1 else tr("{n} tickets appear", n=n),
                      rows=s.rows_on_repeated))
    if s.common_errors:
        click.echo(tr("Most common problems:"))
        for text, n in s.common_errors:
            click.echo(f"  {n:>6} x {text}")
        kinds, problems = s.more_errors
        if kinds:
            click.echo(tr("  and {kinds} ({problems}): see the report's msg column",
                          kinds=tr("{n} more kind", n=kinds) if kinds == 1 else tr("{n} more kinds", n=kinds),
                          problems=tr("{n} problem", n=problems) if problems == 1 else
                          tr("{n} problems", n=problems)))
    if s.common_codes:
        click.echo(tr("Most common answers:"))
        for text, n in s.common_codes:
            click.echo(f"  {n:>6} x {text}")
    if result.sent is not None:
        sent = result.sent
        settled = (tr("{rate} (the API's limit, found)", rate=format_rate(sent.final_rate)) if sent.limit_found
                   else format_rate(sent.final_rate))
        achieved = (tr("too few answers to measure") if sent.achieved_rate is None
                    else format_rate(sent.achieved_rate))
        click.echo(tr("Sent in {seconds} s: achieved {achieved}, rate at the end {settled}; {throttles}, {pauses}",
                      seconds=f"{sent.elapsed:.1f}", achieved=achieved, settled=settled,
                      throttles=tr("{n} throttle answer", n=sent.throttles) if sent.throttles == 1 else
                      tr("{n} throttle answers", n=sent.throttles),
                      pauses=tr("{n} pause", n=sent.pauses) if sent.pauses == 1 else tr("{n} pauses", n=sent.pauses)))
        if sent.limit_found and not result.sent.base_url.startswith("http://"):
            click.echo(tr("The next run starts from {rate} ({option} fixes a rate).", rate=format_rate(sent.final_rate),
                          option="--rate"))
    if result.undo_path:
        click.echo(tr("Undo sheet (run it to restore the fields this run changed): {path}", path=result.undo_path))
    if result.undo_comments_path:
        click.echo(tr("Comments posted (the API cannot take them back): {path}", path=result.undo_comments_path))
    if result.no_undo:
        click.echo(result.no_undo)
    if result.resumed:
        click.echo(tr("Resumed job {job}: {rows} done by an earlier run was not sent again ({option} starts over)",
                      job=result.job_id, rows=_rows(result.resumed), option="--fresh") if result.resumed == 1 else
                   tr("Resumed job {job}: {rows} done by an earlier run were not sent again ({option} starts over)",
                      job=result.job_id, rows=_rows(result.resumed), option="--fresh"))
    click.echo(tr("Report: {path}", path=result.report_path) if result.report_path else
               tr("Report: not written (see the warning above)"))
    if result.write_back_path:
        click.echo(tr("Your file with the result columns: {path}", path=result.write_back_path))
    if result.written_back:
        failed = result.write_back_problem
        click.echo(tr("Results could not all be written back to: {target} ({problem}; every row's result is in the "
                      "report)", target=result.written_back, problem=failed) if failed else
                   tr("Results written back to: {target}", target=result.written_back))
    if result.retry_path:
        click.echo(tr("Rows not done ({rows}), in your own columns: {path}", rows=result.retry_rows,
                      path=result.retry_path))
    if result.unknown_path:
        click.echo(tr("Rows that may have been applied ({rows}): {path}: check those tickets; they are left out of "
                      "the retry file so that no comment is posted twice", rows=result.unknown_rows,
                      path=result.unknown_path))
    # an in-process sandbox starts empty each time
    resume = tr(RESUME) if result.job_id else tr("run it again")
    if not dry_run and result.retry_rows and not result.stop_reason and not _interrupted(result):
        click.echo(_retry_advice(result, resume))
    if dry_run:
        click.echo(tr("Nothing was sent.") if result.exit_code == 0 else
                   tr("Nothing was sent. Fix the invalid rows (see the report's msg column) and check again."))
    not_sent = any(o.result is Result.NOT_ATTEMPTED for o in result.outcomes)
    if result.stop_reason:
        click.echo(tr("error: stopped early: {reason}", reason=result.stop_reason), err=True)
        click.echo(tr("The rows not sent are marked not_attempted; fix that, then {resume}.", resume=resume)
                   if not_sent else tr("Fix that, then {resume}.", resume=resume), err=True)
    elif _interrupted(result):
        click.echo(tr("Interrupted: rows not sent are marked not_attempted; {resume}.", resume=resume) if not_sent
                   else tr("Interrupted; {resume}.", resume=resume), err=True)


RESUME = N_("run the same command again to resume: rows already done are not sent again")


def _retry_advice(result: RunResult, resume: str) -> str:
    """Fixing the input helps only rows that are invalid or that the API refused for good; a row
    that got no final answer (the API could not be reached, a timeout, a server error) is sent again."""
    to_fix = sum(1 for o in result.outcomes if o.result is Result.INVALID or (
        o.result is Result.FAILED and o.code is not None and action_for(o.code, o.http_status or 0) is Action.FAIL))
    not_taken = sum(1 for o in result.outcomes if o.not_taken)  # a final answer: it did not take
    if not_taken:
        rest = result.retry_rows - to_fix - not_taken
        return tr("; ").join([
            tr("{rows}: the API answered success, but the value did not take: sending it again will not help "
               "(see the msg column)", rows=_rows(not_taken)),
            *([tr("fix the {n} invalid or refused in your input", n=to_fix)] if to_fix else []),
            *([tr("{n} got no final answer: {resume}", n=rest, resume=resume)] if rest > 0 else [])]) + tr(".")
    if to_fix == 0:
        return tr("Nothing to fix in those rows: the API gave them no final answer (see the msg column); {resume}.",
                  resume=resume)
    if to_fix < result.retry_rows:
        return tr("Fix the {n} rows that are invalid or that the API refused (see the msg column), then {resume}; "
                  "the other {rest} got no final answer and are sent again.", n=to_fix, resume=resume,
                  rest=result.retry_rows - to_fix)
    return tr("Fix those rows in your input and {resume}.", resume=resume)


def _interrupted(result: RunResult) -> bool:
    return bool((result.sent is not None and result.sent.interrupted) or (result.read and result.read.interrupted))


# A plan's kinds of row (plan/preview.py), as said; a run's results are said as a Chinese report names them
PLAN_KINDS = {"change": N_("change"), "no-op": N_("no-op"), "missing": N_("missing"), "forbidden": N_("forbidden")}


def _counted(n: int, name: str) -> str:
    """`3 ok`, `3 change`: a count of one result (or a plan's kind of row), in the language in use."""
    said = word(name, language()) if name not in PLAN_KINDS else tr(PLAN_KINDS[name])
    return tr("{n} {result}", n=n, result=said)


def _rows(n: int) -> str:
    return tr("{n} row", n=n) if n == 1 else tr("{n} rows", n=n)


def _tickets(n: int) -> str:
    return tr("{n} ticket", n=n) if n == 1 else tr("{n} tickets", n=n)
