"""Where batch-updater keeps what outlives a run, and writing files safely: folders only their
owner can open, files created 0600, and writes that replace a file whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path


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


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` (its own name, created 0600), renamed over `path` only when
    the block succeeds; on failure `path` is left as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


