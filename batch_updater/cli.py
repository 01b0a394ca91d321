"""Command line: parses arguments and prints; the library does the work."""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, ParamSpec, TypeVar

import click

from batch_updater.cli_print import _counted, _warn, print_plan, print_result
from batch_updater.control import format_rate, rate_in_words
from batch_updater.errors import BatchUpdaterError
from batch_updater.i18n import LANGUAGES, from_locale, set_language, speaking, tr
from batch_updater.jobs.config import JobConfig, credential_env, load_config, options_from, secret_values
from batch_updater.jobs.options import RunOptions
from batch_updater.logs import close_logging, event, setup_logging
from batch_updater.naming import cli_flag, naming
from batch_updater.progress import ProgressDisplay
from batch_updater.run.job import run_job
from batch_updater.sources.links import is_link

P = ParamSpec("P")
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


class LazyGroup(click.Group):
    """Imports a subcommand's module only when it is used (the sandbox and the console pull in aiohttp.web)."""

    lazy = {"sandbox": ("batch_updater.sandbox.cli", "sandbox_command"),
            "serve": ("batch_updater.console.serve", "serve_command"),
            "export": ("batch_updater.cli_helpdesk", "export_command")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            module, attr = self.lazy[name]
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)


def _speak(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value:
        set_language(value)  # eager: the messages of the arguments that follow speak it too
    return value


def lang_option(fn: F) -> F:
    """`--lang zh|en` on a command (and before it): its messages, and its report's result columns
    for zh, in that language; without it, the locale's (LANG=zh_CN.UTF-8: Chinese)."""
    return click.option("--lang", type=click.Choice(LANGUAGES), is_eager=True, expose_value=False,
                        callback=_speak, help="Messages (and a report's result columns) in Chinese or English; "
                                              "default: the locale's (LANG).")(fn)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="batch-updater")
@click.option("--lang", type=click.Choice(LANGUAGES), help="Messages in Chinese or English (default: the locale's).")
@click.pass_context
def cli(ctx: click.Context, lang: str | None) -> None:
    """Apply a spreadsheet of helpdesk-ticket changes to Feishu / Lark."""
    # --lang, or the locale's (messages only: a report's result columns stay the contract's then);
    # a command's own --lang, parsed after, wins
    # (the first: this command's languages, a command's own --lang among them, end with it)
    ctx.with_resource(speaking("en"))
    ctx.with_resource(speaking(lang or from_locale(os.environ), chosen=lang is not None))
    ctx.with_resource(naming(cli_flag))  # the library's messages name the options as flags here


_PATH = click.Path(path_type=Path, dir_okay=False)
_BOTH = ("run", "plan")


class _Input(click.ParamType):
    """INPUT: a spreadsheet's path, or a Feishu / Lark link kept as written (a Path folds its `//`)."""

    name = "input"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and is_link(value):
            return value
        return _PATH.convert(value, param, ctx)


@dataclass(frozen=True)
class _Flag:
    """One flag of `run` or `plan`: its click declaration, and its help in each command that has it."""

    decls: tuple[str, ...]
    help: dict[str, str]  # command -> help: a flag is in the commands named here
    kwargs: dict[str, Any] = field(default_factory=dict)


def _flag(*decls: str, help: str | dict[str, str], only: str | None = None, **kwargs: Any) -> _Flag:
    """`help`: one text for `only` (or both commands), or each command's own."""
    helps = help if isinstance(help, dict) else {command: help for command in ((only,) if only else _BOTH)}
    return _Flag(decls, helps, kwargs)


# The job's flags, declared once, in the order --help lists them (as sqlite-utils declares its option
# groups); `run` has them all, `plan` the ones that read (tests/test_cli.py checks the two agree).
# Each maps onto RunOptions (jobs/options.py), but --config and the log flags.
JOB_FLAGS = (
    _flag("--config", "config_path", type=_PATH, metavar="FILE", help={
        "run": "A TOML job file with the run's settings; flags given here win over it.",
        "plan": "A TOML job file; flags given here win over it."}),
    _flag("--dry-run", is_flag=True, only="run", help="Check every row offline and write the report; send nothing."),
    _flag("--sheet", metavar="NAME_OR_INDEX", help="Sheet of a workbook or Sheets link: name, or number (1 = first)."),
    _flag("--encoding", help={
        "run": "Text encoding of a CSV/TSV (default: detect UTF-8, UTF-16, GBK/GB18030).",
        "plan": "Text encoding of a CSV/TSV (default: detect)."}),
    _flag("--header-row", type=int, metavar="N", help={
        "run": "The row of column names, when rows above it hold a title (default: the first non-empty row).",
        "plan": "The row of column names (default: the first non-empty row)."}),
    _flag("--report", type=_PATH, help={
        "run": "Report file (.xlsx, .csv or .tsv). Default: reports/<input>-<time>.<input's kind>.",
        "plan": "Plan file (.xlsx, .csv or .tsv). Default: reports/<input>-plan-<time>.<input's kind>."}),
    _flag("--rate", metavar="auto|N/s|N/min", only="run",
          help="Requests per second or minute; auto (the default) finds the API's limit and holds it."),
    _flag("--concurrency", type=int,
          help="Requests in flight at most (default 64); fewer are used when the API answers fast."),
    _flag("--max-attempts", type=int, help={
        "run": "Attempts per row for retryable failures; throttle answers do not count (default 5).",
        "plan": "Attempts per ticket read (default 5)."}),
    _flag("--timeout", type=float, help="Seconds to wait for an answer (default 30)."),
    _flag("--base-url", metavar="URL", help="API origin (default: $FEISHU_BASE_URL or https://open.feishu.cn)."),
    _flag("--sandbox", is_flag=True, help={
        "run": "Send to a built-in local emulator of the API instead of Feishu.",
        "plan": "Read from a built-in local emulator of the API instead of Feishu."}),
    _flag("--retry-comments", is_flag=True, default=None, only="run",
          help="Also retry rows with a comment after an ambiguous failure (risk: the comment twice)."),
    _flag("--fresh", is_flag=True, only="run",
          help="Start this job over: forget which rows an earlier run already sent."),
    _flag("--plan", "plan_file", type=_PATH, metavar="PLAN_FILE", only="run",
          help="Apply exactly the changes of a plan file `plan` wrote (instead of INPUT), skipping each ticket "
               "changed since the plan (read first; needs the app's credentials)."),
    _flag("--skip-unchanged", is_flag=True, only="run",
          help="Read each ticket first and send only the rows that change something (needs the app's "
               "credentials); also writes an undo sheet."),
    _flag("--undo", is_flag=True, only="run",
          help="Read each ticket first and write an undo sheet beside the report (needs the app's credentials)."),
    _flag("--write-back/--no-write-back", default=None, help={
        "run": "Also write INPUT with the result columns added beside your own: <input>-results.xlsx "
               "(<input>-check.xlsx with --dry-run; .xlsx, .xlsm, .csv, .tsv; everything else in the file kept). "
               "A link's results go into its table or sheet as the run goes; --no-write-back keeps it read-only.",
        "plan": "Also write INPUT with the plan's columns added beside your own: <input>-plan.xlsx (a link: "
                "into its table or sheet; --no-write-back keeps it read-only)."}),
    _flag("--refresh-fields", is_flag=True,
          help="Read the helpdesk's custom field list again (it is kept for a day), for columns named by a "
               "custom field's display name."),
    _flag("--notify", multiple=True, metavar="chat:ID|user:EMAIL|webhook:URL", only="run",
          help="When the run ends, send its card (counts, rate, exit code, report, first problems) to a chat or "
               "a user through the app's bot, or to a group's custom bot (FEISHU_WEBHOOK_SECRET signs it). "
               "Repeatable."),
    _flag("--limiter", metavar="none|state|redis://...", help={
        "run": "Where the rate budget shared with other jobs of the same app is kept: the state folder (the "
               "default: every run on this machine), redis://[:password@]host:port/db (several machines), "
               "or none (this run alone). Default: $BATCH_UPDATER_LIMITER, else the state folder.",
        "plan": "Where the read budget shared with other jobs is kept (as for run)."}),
    _flag("--log-format", type=click.Choice(["text", "json"]), only="run",
          help="json: one JSON object per event (to --log-file, or to stderr), for a log shipper."),
    _flag("--log-file", type=_PATH, only="run", help="Append the run's events here."),
)

_GIVEN_FALSE = ("write_back",)  # flags whose False means "no" (--no-write-back), not "not given"


def job_options(command: str) -> Callable[[F], F]:
    """INPUT and the job's flags `command` ("run" or "plan") has, from JOB_FLAGS."""
    def decorate(fn: F) -> F:
        for flag in reversed(JOB_FLAGS):
            if command in flag.help:
                fn = click.option(*flag.decls, help=flag.help[command], **flag.kwargs)(fn)
        return click.argument("input", type=_Input(), required=False)(lang_option(fn))

    return decorate


@dataclass
class _Front:
    """How a job-stopping error reaches the user: one line on stderr, or, when stderr carries the
    JSON log (`json_stderr`), an `error` event only; with its exit code."""

    json_stderr: bool = False

    def call(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a library call; a BatchUpdaterError (or an OSError, exit 2) ends the command."""
        try:
            return fn(*args, **kwargs)
        except BatchUpdaterError as e:
            self.fail(str(e), e.exit_code)
        except OSError as e:
            self.fail(f"{e.strerror or e}: {e.filename or ''}".rstrip(": "), 2)

    def fail(self, text: str, exit_code: int) -> NoReturn:
        event("error", text, level=logging.ERROR, exit_code=exit_code)
        if not self.json_stderr:
            click.echo(tr("error: {text}", text=text), err=True)
        sys.exit(exit_code)


def _options(front: _Front, config_path: Path | None, flags: dict[str, Any]) -> tuple[JobConfig | None, RunOptions]:
    """The job file's settings, with the flags given winning over them."""
    config = front.call(load_config, config_path) if config_path else None
    # an unset flag (False) leaves the job file's value; --no-write-back is a False that was given
    return config, front.call(options_from, config, **given_flags(flags))


def start_logging(front: _Front, config: JobConfig | None, env: dict[str, str], log_format: str | None,
                  log_file: Path | None) -> logging.Handler | None:
    """The run's log (a flag, else the job file's, else text), secrets masked; JSON on stderr (no
    --log-file) leaves stderr to the log: the front end then reports an error as an event only."""
    log_format = log_format or (config.log_format if config else None) or "text"
    log_file = log_file or (config.log_file if config else None)
    front.json_stderr = log_format == "json" and log_file is None
    return front.call(setup_logging, log_format, log_file, sys.stderr if front.json_stderr else None,
                      secret_values(env))


def given_flags(flags: dict[str, Any]) -> dict[str, Any]:
    """The flags given: an unset flag (False, or an empty repeatable one) leaves the job file's value;
    --no-write-back is a False that was given; a repeatable flag's values as a list."""
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in flags.items()
            if (v is not False or k in _GIVEN_FALSE) and v != ()}


def selection_flags(command: str) -> Callable[[F], F]:
    """`--select`, `--set`, `--comment` (and `--yes` for run): one change to the tickets a filter
    selects, instead of INPUT (cli_helpdesk.py)."""
    def decorate(fn: F) -> F:
        if command == "run":
            fn = click.option("--yes", is_flag=True, help="Do not ask before changing the selected tickets.")(fn)
        fn = click.option("--comment", metavar="TEXT", help="With --select: a comment to post on each ticket.")(fn)
        fn = click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE",
                          help="With --select: the change (repeatable): status=51, 优先级=高.")(fn)
        return click.option("--select", metavar="FILTERS",
                            help='Instead of INPUT, the tickets these filters select: "status=5 tag=billing '
                                 'updated-before=2026-11-01" (export\'s filters).')(fn)

    return decorate


@cli.command()
@job_options("run")
@selection_flags("run")
def run(config_path: Path | None, log_format: str | None, log_file: Path | None, select: str | None,
        sets: tuple[str, ...], comment: str | None, yes: bool, **flags: Any) -> None:
    """Apply the changes in INPUT (.csv, .tsv, .txt, .xlsx, .xlsm or .xls, or a Feishu / Lark Base, Sheets or
    Wiki link: its results are written back into it) and write a report of every row.

    Credentials come from the environment: FEISHU_USER_ACCESS_TOKEN, FEISHU_HELPDESK_ID and
    FEISHU_HELPDESK_TOKEN (and, to refresh the user token in long jobs, FEISHU_APP_ID,
    FEISHU_APP_SECRET and FEISHU_REFRESH_TOKEN). Running the same job again resumes it.
    """
    if select is not None or sets or comment is not None or _selects(config_path):
        _helpdesk("run_select")(config_path, log_format, log_file, select, sets, comment, yes, flags)
    front = _Front()
    config, options = _options(front, config_path, flags)
    env = credential_env(config, os.environ) if config else dict(os.environ)
    handler = start_logging(front, config, env, log_format, log_file)
    try:
        with ProgressDisplay(quiet=front.json_stderr) as progress:
            result = front.call(run_job, options, env=env, on_progress=progress,
                                on_warning=None if front.json_stderr else _warn)
    finally:
        close_logging(handler)
    print_result(result, dry_run=options.dry_run)
    sys.exit(result.exit_code)


@cli.command()
@job_options("plan")
@selection_flags("plan")
def plan(config_path: Path | None, select: str | None, sets: tuple[str, ...], comment: str | None,
         **flags: Any) -> None:
    """Show what `run` would change: each ticket's current values beside the new ones.

    Reads every valid row's ticket (GET, at most 10/s, with the app's tenant token: set
    FEISHU_APP_ID and FEISHU_APP_SECRET as well) and writes a plan; sends no update.
    """
    from batch_updater.run.plan import plan_job

    front = _Front()
    if select is not None or sets or comment is not None or _selects(config_path):
        result = _helpdesk("plan_select")(front, config_path, select, sets, comment, flags)
    else:
        config, options = _options(front, config_path, flags)
        env = credential_env(config, os.environ) if config else dict(os.environ)
        with ProgressDisplay() as progress:
            result = front.call(plan_job, options, env=env, on_progress=progress, on_warning=_warn)
    print_plan(result)


def _helpdesk(name: str) -> Any:
    """A function of cli_helpdesk.py (`run --select`), imported when used, as the lazy commands are:
    it builds on this module."""
    return getattr(importlib.import_module("batch_updater.cli_helpdesk"), name)


def _selects(config_path: Path | None) -> bool:
    """Whether a job file selects its tickets ([select]) instead of naming an input."""
    return bool(config_path and _Front().call(load_config, config_path).select)


@cli.command()
@click.argument("job", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per job (a list without JOB), for a scheduler.")
@lang_option
def status(job: str | None, as_json: bool) -> None:
    """Is JOB running, how far has it got, and how did its last run end? JOB: a job id (or its first
    characters), or the input's path; without it, every job of the state folder, the latest first.

    For a scheduler: `running` (from the job's lock), rows done of the total, counts by result, the
    rate, the last run's exit code and report. The library's `job_status(...)` returns the same."""
    import json

    from batch_updater.jobs.status import job_status

    found = _Front().call(job_status, job)
    if as_json:
        records = [s.as_dict() for s in found]
        click.echo(json.dumps(records[0] if job is not None else records, ensure_ascii=False, indent=1))
        return
    if not found:
        click.echo(tr("No jobs yet in this state folder."))
    for s in found[:1] if job is not None else found:
        state = (tr("running (pid {pid})", pid=s.pid) if s.running else
                 tr("interrupted (its run stopped at {when} without finishing: the process is gone)",
                    when=s.interrupted_at or "?") if s.state == "interrupted" else tr("not running"))
        counts = tr(", ").join(_counted(n, k) for k, n in sorted(s.counts.items(), key=lambda kv: -kv[1]))
        rate = ("" if s.state == "interrupted" else  # the rate it had then says nothing now
                rate_in_words(s.budget_rate, s.rate, s.shared_with) if s.shared_with and s.budget_rate else
                format_rate(s.rate) if s.rate else "")
        click.echo(tr("job {job}: {input}: {state}; {done} of {total} rows done", job=s.job, input=s.input,
                      state=state, done=s.rows_done, total=s.rows_total)
                   + (tr(" ({counts})", counts=counts) if counts else "") + (tr(", ") + rate if rate else ""))
        if s.state == "interrupted":
            click.echo(tr("  run the same command again to resume it: the rows done are not sent again"))
        if s.exit_code is not None:
            click.echo(tr("  last run: exit {code}, finished {finished}, report {report}", code=s.exit_code,
                          finished=s.finished_at, report=s.report or tr("not written")))


def main() -> None:
    cli(prog_name="batch-updater")
