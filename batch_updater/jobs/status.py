"""A job's status for schedulers (`batch-updater status [JOB] [--json]`, the library's
`job_status`): running or not (from its lock: the kernel drops a killed run's), interrupted (its
status says it was running, its lock is free: killed, resumable), rows done of the total, counts by
result, the rate, and the last run's exit code and report.

A live run keeps `<state folder>/jobs/<job id>.status.json` (0600, replaced whole): what it is
(input, API, helpdesk), written at its start, its progress at most once a second, and its end.
Never a token.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from batch_updater.errors import UsageError
from batch_updater.i18n import tr
from batch_updater.paths import atomic_path, state_dir

PROGRESS_EVERY = 1.0  # seconds between two writes of a run's progress


def status_path(folder: Path, job: str) -> Path:
    return folder / f"{job}.status.json"


class StatusFile:
    """What one live run writes about itself."""

    def __init__(self, folder: Path, job: str, about: Mapping[str, Any]) -> None:
        self.path = status_path(folder, job)
        self.record: dict[str, Any] = {"job": job, **about}
        self._written = float("-inf")

    def start(self, **values: Any) -> None:
        old = _read(self.path) or {}
        last = {k: old[k] for k in ("exit_code", "report", "finished_at", "counts", "achieved_rate") if k in old}
        self.record.update(pid=os.getpid(), started_at=_now(), previous=last or None, progress=None,
                           exit_code=None, report=None, finished_at=None, **values)
        self._write()

    def progress(self, done: int, total: int, counts: Mapping[str, int], rate: float, *, force: bool = False,
                 own_rate: float | None = None, shared_with: int = 0) -> None:
        """`rate`: the budget's; with `shared_with` other jobs on it, this job's own is `own_rate`."""
        now = time.monotonic()
        if not force and now - self._written < PROGRESS_EVERY:
            return
        self.record["progress"] = {"done": done, "total": total, "counts": dict(counts), "rate": round(rate, 3)}
        if shared_with and own_rate is not None:
            self.record["progress"].update(rate=round(own_rate, 3), budget_rate=round(rate, 3),
                                           shared_with=shared_with)
        self._write()

    def finish(self, **values: Any) -> None:
        self.record.update(finished_at=_now(), **values)
        self._write()

    def _write(self) -> None:
        self._written = time.monotonic()
        with contextlib.suppress(OSError), atomic_path(self.path) as tmp:  # a status never stops a run
            tmp.write_text(json.dumps(self.record, ensure_ascii=False, indent=1), encoding="utf-8")


@dataclass
class JobStatus:
    """One job as a scheduler sees it."""

    job: str
    input: str
    running: bool
    state: str  # "running"; "interrupted": its run ended without finishing (killed), resumable; "finished"
    pid: int | None
    rows_done: int  # rows with a final result (this run's so far, and earlier runs')
    rows_total: int  # the valid rows of the input
    counts: dict[str, int] = field(default_factory=dict)  # by result: the run in progress, else the last run
    rate: float | None = None  # requests per second: this job's now, or achieved by the last run
    budget_rate: float | None = None  # while other jobs share its budget: the budget's rate (all of theirs)
    shared_with: int = 0  # other jobs sharing its budget now (0: alone)
    exit_code: int | None = None  # the last finished run's (None: none finished)
    report: str | None = None  # the last finished run's report
    started_at: str | None = None
    finished_at: str | None = None
    api: str = ""
    helpdesk: str = ""
    input_path: str = ""  # a file's, resolved
    interrupted_at: str | None = None  # an interrupted run's last sign of life (its status file's last write)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def job_status(job: str | os.PathLike[str] | None = None, *, env: Mapping[str, str] | None = None
               ) -> list[JobStatus]:
    """The status of the job `job` names (its id, or the first characters of it; or its input's
    path), or of every job in the state folder, the latest first. A UsageError if none matches."""
    folder = state_dir(os.environ if env is None else env) / "jobs"
    found = []
    for path in folder.glob("*.status.json") if folder.is_dir() else ():
        record = _read(path)
        if record is not None:
            found.append(_status(folder, record))
    found.sort(key=lambda s: s.started_at or "", reverse=True)
    if job is None:
        return found
    wanted = str(job)
    given = Path(wanted).expanduser()
    resolved = str(given.resolve()) if given.exists() else None
    matching = [s for s in found if s.job.startswith(wanted) or s.input == wanted or
                (resolved is not None and resolved in (s.input, s.input_path))]
    if not matching:
        raise UsageError(tr("no job {job!r} in {folder} (give a job id, or the path of its input; {status} alone "
                            "lists them)", job=wanted, folder=folder, status="`status`"))
    return matching


def _status(folder: Path, record: Mapping[str, Any]) -> JobStatus:
    job = str(record.get("job", ""))
    pid = holder(folder / f"{job}.lock")
    running = pid is not None and record.get("finished_at") is None
    progress = record.get("progress") or {}
    previous = record.get("previous") or {}
    earlier = int(record.get("done_earlier") or 0)
    if record.get("finished_at") is not None:
        counts = dict(record.get("counts") or {})
        done = sum(n for k, n in counts.items() if k != "not_attempted")
        rate = record.get("achieved_rate")
        exit_code, report, finished = record.get("exit_code"), record.get("report"), record.get("finished_at")
    else:
        counts = dict(progress.get("counts") or {})
        done = earlier + sum(n for k, n in counts.items() if k not in ("failed", "unknown"))
        rate = progress.get("rate")
        exit_code, report = previous.get("exit_code"), previous.get("report")
        finished = previous.get("finished_at")
    shared = running and progress.get("shared_with")
    state = "running" if running else "finished" if record.get("finished_at") is not None else "interrupted"
    return JobStatus(job, str(record.get("input", "")), running, state, pid if running else None, done,
                     int(record.get("valid") or 0), counts, rate, progress.get("budget_rate") if shared else None,
                     int(progress.get("shared_with") or 0) if shared else 0, exit_code, report,
                     record.get("started_at"), finished, str(record.get("api", "")), str(record.get("helpdesk", "")),
                     str(record.get("input_path", "")), _last_write(folder, job) if state == "interrupted" else None)


def _last_write(folder: Path, job: str) -> str | None:
    try:
        mtime = status_path(folder, job).stat().st_mtime
    except OSError:
        return None
    return datetime.fromtimestamp(mtime).astimezone().isoformat(timespec="seconds")


def holder(lock: Path) -> int | None:
    """The process id of the run holding `lock`, or None when no run holds it."""
    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.EACCES):
                return None
            text = os.pread(fd, 32, 0).decode(errors="replace").strip()
            return int(text) if text.isdigit() else -1
        return None
    finally:
        os.close(fd)


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
