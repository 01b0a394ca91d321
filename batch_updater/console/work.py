"""What the web console keeps, under one working folder: the sheets uploaded (uploads.py) and the
plans and runs started from the page (runs.py), with the credentials of the server's environment,
which never leave the server. Nothing here knows HTTP."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from batch_updater.console.budget import Budget
from batch_updater.console.runs import Runs
from batch_updater.console.uploads import Upload, Uploads
from batch_updater.run.job import RunResult, run_job
from batch_updater.run.plan import PlanResult, plan_job


class Console:
    """`budget`: the largest sheet the page takes; `sandbox`: runs go to the console's sandbox (the
    command the page gives for a larger sheet says so); `on_checked`: told of each sheet a check
    could read (the sandbox learns its ticket ids); `clock`: when an upload was last used."""

    def __init__(self, workdir: Path, env: Mapping[str, str], *, run: Callable[..., RunResult] = run_job,
                 plan: Callable[..., PlanResult] = plan_job, budget: Budget = Budget(), sandbox: bool = False,
                 on_checked: Callable[[Upload], None] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        workdir.mkdir(parents=True, exist_ok=True)  # the user's own folder: its mode is theirs
        self.workdir = workdir
        self.env = dict(env)
        folders = re.compile(re.escape(str(self.workdir)) + r"/(?:[^/\s'\",)]+/)+")
        # the server's folders taken out of a message's paths (its options are named by the page's
        # own controls already: controls.py)
        self.shown: Callable[[str], str] = lambda text: folders.sub("", text)
        self.uploads = Uploads(self.workdir / "sheets", run, self.env, budget=budget, sandbox=sandbox, clock=clock,
                               on_checked=on_checked)
        self.runs = Runs(self.workdir / "runs", self.env, run=run, plan=plan, shown=self.shown)

    def stop_all(self, wait: float | None = None) -> None:
        """The server is stopping: every run stops as with Ctrl-C and writes its report."""
        self.runs.stop_all(wait)
