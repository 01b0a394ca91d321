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


def private_dir(path: Path) -> Path:
    """`path` as a folder only its owner can open (0700), made with any missing parents, which
    get the same mode. Journals hold ticket pre-images and comments; token files, tokens."""
    missing = []
    parent = path
    while not parent.exists() and parent != parent.parent:
        missing.append(parent)
        parent = parent.parent
    path.mkdir(parents=True, exist_ok=True)
    for folder in {path, *missing}:
        with contextlib.suppress(OSError):  # not ours to change: leave it
            os.chmod(folder, 0o700)  # mkdir's mode is cut by the umask; say it exactly
    return path


def state_subdir(env: Mapping[str, str], name: str) -> Path:
    """A private folder inside the (private) state folder."""
    return private_dir(private_dir(state_dir(env)) / name)


def private_file(path: Path) -> Path:
    """Create `path` readable and writable only by its owner (0600) if it does not exist yet."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    return path


def job_id(identity: Mapping[str, Any]) -> str:
    """A job is one input file sent to one API and helpdesk (resume.job_identity); what its rows
    say is not part of it: rows are recognised one by one (resume.row_keys)."""
    text = json.dumps(identity, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


@contextlib.contextmanager
def job_lock(path: Path) -> Iterator[None]:
    """Held for the whole run. A lock left by a killed run is free again: the kernel drops it."""
    private_dir(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
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
