"""What the web console keeps, under one working folder: the sheets uploaded (uploads.py) and the
plans and runs started from the page (runs.py), with the credentials of the server's environment,
which never leave the server. Nothing here knows HTTP."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

from batch_updater.console.runs import Runs
from batch_updater.console.uploads import Uploads
from batch_updater.run.job import RunResult, run_job
from batch_updater.run.plan import PlanResult, plan_job

# The command line's advice, as the page gives it: the page has its own choice of encoding.
_FOR_THE_PAGE = ((re.compile(r"pass --encoding(?: NAME \([^)]*\)| utf-16-le, or utf-16-be)?"),
                  "choose its encoding in the list above"),
                 (re.compile(r"check --encoding"), "check the encoding chosen above"))


def for_the_page(text: str) -> str:
    for advice, instead in _FOR_THE_PAGE:
        text = advice.sub(instead, text)
    return text


class Console:
    def __init__(self, workdir: Path, env: Mapping[str, str], *, run: Callable[..., RunResult] = run_job,
                 plan: Callable[..., PlanResult] = plan_job) -> None:
        workdir.mkdir(parents=True, exist_ok=True)  # the user's own folder: its mode is theirs
        self.workdir = workdir
        self.env = dict(env)
        folders = re.compile(re.escape(str(self.workdir)) + r"/(?:[^/\s'\",)]+/)+")
        self.shown: Callable[[str], str] = lambda text: for_the_page(folders.sub("", text))
        self.uploads = Uploads(self.workdir / "sheets", run, self.env)
        self.runs = Runs(self.workdir / "runs", self.env, run=run, plan=plan, shown=self.shown)

    def stop_all(self, wait: float | None = None) -> None:
        """The server is stopping: every run stops as with Ctrl-C and writes its report."""
        self.runs.stop_all(wait)
