"""A job's identity, its files, and the lock that keeps two runs of it apart."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from batch_updater.errors import JobLocked


def state_dir(env: Mapping[str, str]) -> Path:
    """Where batch-updater keeps what outlives a run (journals, locks, tokens, learned rates).

    Read from `env`, then from the process environment (a caller passing only credentials
    in `env` still gets the state directory it set for the process)."""
    names = ("BATCH_UPDATER_STATE_DIR", "XDG_STATE_HOME")
    source = env if any(env.get(name) for name in names) else os.environ
    if source.get("BATCH_UPDATER_STATE_DIR"):
        return Path(source["BATCH_UPDATER_STATE_DIR"])
    base = Path(source["XDG_STATE_HOME"]) if source.get("XDG_STATE_HOME") else Path.home() / ".local" / "state"
    return base / "batch-updater"


def job_id(input_bytes: bytes, settings: Mapping[str, Any]) -> str:
    """The job is the input's content plus the settings that decide what is sent."""
    digest = hashlib.sha256(input_bytes)
    digest.update(json.dumps(settings, sort_keys=True, ensure_ascii=False, default=str).encode())
    return digest.hexdigest()[:20]


@contextlib.contextmanager
def job_lock(path: Path) -> Iterator[None]:
    """Held for the whole run. A lock left by a killed run is free again: the kernel drops it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise JobLocked(f"another run of this job is running (pid {holder}); lock file {path}") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)
