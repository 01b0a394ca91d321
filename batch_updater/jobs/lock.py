"""A job's identity and the lock that keeps two runs of it apart."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from batch_updater.errors import JobLocked
from batch_updater.paths import private_dir


def job_id(identity: Mapping[str, Any]) -> str:
    """A job is one input file sent to one API and helpdesk (resume.job_identity); what its rows
    say is not part of it: rows are recognised one by one (resume.row_keys)."""
    text = json.dumps(identity, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


PROBE_WAIT_S = 0.5  # a probe holds a job's lock for microseconds; a run, for as long as it runs


def _take(fd: int, wait: float, clock: Callable[[], float] = time.monotonic) -> bool:
    """The lock on `fd`, trying again every few milliseconds for `wait` seconds."""
    deadline = clock() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.EACCES):
                raise
        if clock() >= deadline:
            return False
        time.sleep(0.005)


@contextlib.contextmanager
def job_lock(path: Path, wait: float = PROBE_WAIT_S) -> Iterator[None]:
    """Held for the whole run. A lock left by a killed run is free again: the kernel drops it.
    Another job may hold it for an instant to see whether this one runs (jobs/stale.py): a lock
    still held after `wait` seconds is another run's."""
    private_dir(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if not _take(fd, wait):
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise JobLocked(f"another run of this job is running (pid {holder}); lock file {path}") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def setting_up(path: Path) -> Iterator[None]:
    """Held (blocking) while one process sets a shared SQLite file up: SQLite answers "database is
    locked" at once, without waiting, to a second process that turns on WAL as the first creates
    the file (two runs started together, each opening the comment ledger)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
