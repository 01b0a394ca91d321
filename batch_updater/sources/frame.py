"""A pandas DataFrame as a job's source (run_frame, plan_frame): its rows are converted by
sheet/frames.py (pandas is imported only then). A frame has no file, so its job is named: `job`
if given (kept, it resumes the job after the frame is edited, as a file's path does), else a
name drawn from the frame's columns and cells (the same frame run again resumes).

The identity is a name, not a path; its value is the text earlier versions kept for it (the
state folder's `frames/<name>`), so a frame's job started before resumes after the upgrade."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from batch_updater.errors import UsageError
from batch_updater.i18n import tr
from batch_updater.paths import state_dir
from batch_updater.schema.sheet import Sheet
from batch_updater.sheet.frames import sheet_from_frame


class FrameSource:
    """`frame`'s rows; `job` names the job; `env` holds the state folder's setting, which the
    identity's text comes from (default: the process environment)."""

    def __init__(self, frame: Any, *, job: str | None = None, env: Mapping[str, str] | None = None) -> None:
        if job is not None and (not isinstance(job, str) or not job.strip()):
            raise UsageError(tr("job= must be a name (text), e.g. job='q3-migration'"))
        self.frame, self.job = frame, job.strip() if job else None
        self._folder = state_dir(os.environ if env is None else env) / "frames"
        self._loaded: tuple[dict[str, str], Sheet] | None = None

    @property
    def label(self) -> str:
        return f"a DataFrame (job {self.job})" if self.job else "a DataFrame"

    @property
    def stem(self) -> None:
        return None  # no report unless asked for: the results come back with .to_frame()

    @property
    def write_back(self) -> None:
        return None

    def load(self, renames: Mapping[str, str]) -> Sheet:
        """The frame's rows as text, converted once (run_frame converts it first, to refuse a bad
        frame before anything else)."""
        if self._loaded is None or self._loaded[0] != dict(renames):
            self._loaded = (dict(renames), sheet_from_frame(self.frame, renames))
        return self._loaded[1]

    def identity(self, sheet: Sheet) -> dict[str, str]:
        name = self.job or frame_job_name(sheet)
        return {"input": str((self._folder / quote(name, safe="")).resolve()), "sheet": sheet.sheet_name or ""}


def frame_job_name(sheet: Sheet) -> str:
    """A name drawn from the frame's columns and cells: the same frame gives the same job."""
    digest = hashlib.sha256()
    digest.update(json.dumps(sheet.columns.header, ensure_ascii=False).encode())
    for row in sheet.rows:
        digest.update(json.dumps(row.cells, ensure_ascii=False).encode())
    return "frame-" + digest.hexdigest()[:16]
