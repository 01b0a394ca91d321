"""Run or plan a pandas DataFrame as a job, for a notebook or a workflow task:

    from batch_updater import run_frame, plan_frame
    plan = plan_frame(df, job="q3-migration")             # nothing is sent
    todo = plan.to_frame().query("plan == 'change'")      # the rows that change something
    done = run_frame(todo[df.columns], job="q3-migration").to_frame()
    done.result.value_counts()

The same job as `batch-updater run`: validation, journal and resume, lock, pacing, retries.
A frame has no file name, so a job is named: `job=` (keep it to resume the job after editing
the frame, as a file's path does), else a name drawn from the frame's columns and cells, so
that the same frame run again resumes. A report file is written only when asked (`report=`).
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from batch_updater.control import RunControl
from batch_updater.errors import UsageError
from batch_updater.i18n import language, speaking, tr
from batch_updater.jobs.config import options_from
from batch_updater.jobs.options import RunOptions
from batch_updater.naming import keyword, naming
from batch_updater.run.job import RunResult, run_job
from batch_updater.sources.frame import FrameSource

if TYPE_CHECKING:  # plan_job brings in the sending half (aiohttp): imported only by a plan
    from batch_updater.run.plan import PlanResult

T = TypeVar("T")
_NOT_FOR_FRAMES = ("input", "sheet", "encoding", "write_back")
_WAKE_S = 0.2


def run_frame(frame: Any, *, job: str | None = None, env: Mapping[str, str] | None = None,
              on_progress: Callable[[Any], None] | None = None, on_warning: Callable[[str], None] | None = None,
              lang: str | None = None, **options: Any) -> RunResult:
    """Apply a DataFrame's rows, one row per update, in the input sheet's columns (`ticket_id` as
    text or int64, `status`, `tag_names`, `comment`...). `options` are RunOptions' (`dry_run`,
    `rate`, `sandbox`, `base_url`, `report`, `skip_unchanged`, `columns`, `defaults`...).
    `result.to_frame()` is the frame with the result columns joined on, its index kept. `lang`
    ("en" or "zh"; default: the language in use, i18n.speaking): the messages' and warnings'."""
    # messages name the options as this call's keywords (rate=), in `lang` if given
    with naming(keyword), speaking(lang or language(), chosen=lang is not None):
        run_options = _job_options(frame, job, env, options)
        result = _outside_a_loop(lambda control: run_job(run_options, env=env, on_progress=on_progress,
                                                         on_warning=on_warning, control=control))
    result.frame = frame.copy()
    return result


def plan_frame(frame: Any, *, job: str | None = None, env: Mapping[str, str] | None = None,
               on_progress: Callable[[Any], None] | None = None, on_warning: Callable[[str], None] | None = None,
               lang: str | None = None, **options: Any) -> PlanResult:
    """What run_frame would change, read from the API, sending nothing (needs the app's
    credentials). `result.to_frame()` is the frame with `plan` and each field's now and new value."""
    from batch_updater.run.plan import plan_job

    with naming(keyword), speaking(lang or language(), chosen=lang is not None):
        run_options = _job_options(frame, job, env, options)
        result = _outside_a_loop(lambda control: plan_job(run_options, env=env, on_progress=on_progress,
                                                          on_warning=on_warning, control=control))
    result.frame = frame.copy()
    return result


def _job_options(frame: Any, job: str | None, env: Mapping[str, str] | None,
                 options: Mapping[str, Any]) -> RunOptions:
    """The frame as the job's source (sources/frame.py: named by `job`, or by its contents), its
    rows converted now: a bad frame is refused before anything else is checked."""
    given = [name for name in _NOT_FOR_FRAMES if options.get(name)]
    if given:
        raise UsageError(tr("{option}= applies to an input file, not to a DataFrame (its results come back with "
                            ".to_frame())", option=given[0]))
    if options.get("undo") and not options.get("report"):
        raise UsageError(tr("undo=True writes its undo sheet beside the report: give report='...xlsx' too"))
    source = FrameSource(frame, job=job, env=env)
    source.load(options.get("columns") or {})
    return options_from(None, input=source, **options)


def _outside_a_loop(call: Callable[[RunControl | None], T]) -> T:
    """`call(control)`, in a thread of its own when this one runs an event loop (a Jupyter
    notebook does): the job runs its own loop. Ctrl-C (interrupting the kernel) reaches it as
    it would the command line, through `control`: rows not sent are not_attempted, and the
    result comes back."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call(None)
    control = RunControl()
    with ThreadPoolExecutor(1, thread_name_prefix="batch-updater") as pool:
        future = pool.submit(contextvars.copy_context().run, call, control)  # the option names too
        while True:
            try:
                return future.result(timeout=_WAKE_S)
            except TimeoutError:
                continue  # waking up now and then lets this thread take a Ctrl-C
            except KeyboardInterrupt:
                control.stop()
