"""batch-updater: apply a spreadsheet of helpdesk-ticket changes to Feishu / Lark.

The library behind the command line, for a scheduler or workflow task:

    from batch_updater import RunOptions, run_job, run_config
    result = run_job(RunOptions(input="changes.xlsx", rate="auto"))
    result = run_config("nightly.toml")           # a job file, as `run --config`
    result.exit_code, result.summary.by_result, result.report_path, result.outcomes
    result = run_frame(df, job="q3")              # a pandas DataFrame (pip install batch-updater[pandas])
    result.to_frame()                             # the frame with the result columns joined on
    result = run_job(RunOptions(input=my_source))  # rows from anywhere: a Source (sources/base.py)
    job_status("changes.xlsx")[0].running        # a job's status, as `batch-updater status` (jobs/status.py)
    export_tickets(ExportOptions("billing.xlsx", parse_select("status=5 tag=billing")))  # the helpdesk's tickets
    picked, result = run_selection(RunOptions(input="-"), Selection(parse_select("status=5"), {"status": "51"}))

Messages in Chinese: `with speaking("zh"): run_job(...)`, or `run_frame(df, lang="zh")`.

A run's hooks: `on_progress` is told a `RunProgress` now and then; a `RunControl` is a Stop
button for a run on another thread (`run_job(options, control=control)`, then `control.stop()`).
"""

from batch_updater.control import RunControl, RunProgress
from batch_updater.errors import (
    BatchUpdaterError,
    CredentialsRefused,
    InputError,
    JobLocked,
    UsageError,
)
from batch_updater.helpdesk.export import ExportOptions, export_tickets
from batch_updater.helpdesk.filters import Filters, filters_from, parse_select
from batch_updater.helpdesk.select import Selection, plan_selection, run_selection
from batch_updater.i18n import speaking
from batch_updater.jobs.config import JobConfig, load_config, options_from
from batch_updater.jobs.options import RunOptions
from batch_updater.jobs.status import JobStatus, job_status
from batch_updater.model import Outcome, Result, TicketUpdate
from batch_updater.run.frame import plan_frame, run_frame
from batch_updater.run.job import RunResult, run_config, run_job
from batch_updater.sources.base import Source

__all__ = [
    "BatchUpdaterError", "CredentialsRefused", "ExportOptions", "Filters", "InputError", "JobConfig", "JobLocked",
    "JobStatus", "Outcome", "Result", "RunControl", "RunOptions", "RunProgress", "RunResult", "Selection", "Source",
    "TicketUpdate", "UsageError", "export_tickets", "filters_from", "job_status", "load_config", "options_from",
    "parse_select", "plan_frame", "plan_selection", "run_config", "run_frame", "run_job", "run_selection", "speaking",
]
