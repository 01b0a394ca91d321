"""Where batch-updater keeps what outlives a run, and writing files safely: folders only their
owner can open, files created 0600, and writes that replace a file whole or not at all. And the
one place every output's file name is derived (report, files beside it, write-back copies, the
console's uploads), each made to fit in a file name's 255 bytes."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from datetime import datetime
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
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path.name), suffix=TEMP_SUFFIX, dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)




# --- Output names ----------------------------------------------------------------------------------
# Every name the tool derives is made here, so that each fits in NAME_MAX bytes: a stem too long is
# cut at a character boundary and marked `~` + 6 hex digits of the whole stem (two long names that
# differ only at their end stay apart); the tags and suffixes are kept whole.

NAME_MAX = 255  # bytes in a file name (ext4, XFS, Btrfs, tmpfs, APFS); a Chinese character is 3 in UTF-8
SIBLINGS = ("retry", "unknown", "undo", "undo-comments")  # written beside a report: <report stem>-<tag>
WRITE_BACKS = ("results", "plan", "check")  # the input's copy with a run's, a plan's, a dry run's columns
TEMP_SUFFIX = ".tmp"
_TEMP_ROOM = len(".") + len(".") + 8 + len(TEMP_SUFFIX)  # atomic_path's `.<name>.XXXXXXXX.tmp`
_SIBLING_ROOM = max(len(f"-{tag}") for tag in SIBLINGS)  # what a report's own name leaves for its siblings
_REPORT_SUFFIX_MAX = len(".xlsx")
_CONSOLE_ROOM = len("-plan") + _SIBLING_ROOM + _REPORT_SUFFIX_MAX  # the console's <upload stem>-<plan|run>...
_MARK = len("~") + 6


def name_size(name: str) -> int:
    """A file name's size in bytes, as the file system counts it."""
    return len(os.fsencode(name))


def _cut(text: str, size: int) -> str:
    """The longest start of `text` of at most `size` bytes, cut between characters."""
    total = 0
    for i, ch in enumerate(text):
        total += name_size(ch)
        if total > size:
            return text[:i]
    return text


def fit_name(stem: str, tail: str, limit: int = NAME_MAX) -> str:
    """`stem + tail` in at most `limit` bytes: `tail` (a tag, a time, a suffix) whole, and `stem`
    as it is, or cut and marked `~` + 6 hex digits of the whole stem when it does not fit."""
    if name_size(stem + tail) <= limit:
        return stem + tail
    mark = "~" + hashlib.sha256(os.fsencode(stem)).hexdigest()[:_MARK - 1]
    return _cut(stem, limit - name_size(tail) - _MARK) + mark + tail


def temp_prefix(name: str) -> str:
    """The start of the temporary file written beside `name` (atomic_path), short enough to fit."""
    return f".{_cut(name, NAME_MAX - _TEMP_ROOM)}."


def report_path(input_path: Path, directory: Path, suffix: str, started: datetime, tag: str = "") -> Path:
    """The default report: `<input stem><tag>-<date>-<time><suffix>` in `directory`, short enough
    that each file beside it (`-undo-comments`, the longest) fits too, with the report's own stem."""
    tail = f"{tag}-{started:%Y%m%d-%H%M%S}{suffix}"
    return directory / fit_name(input_path.stem, tail, NAME_MAX - _SIBLING_ROOM)


def sibling_path(report: Path, tag: str) -> Path:
    """`<report stem>-<tag><suffix>` beside the report (retry, unknown, undo files)."""
    return report.with_name(fit_name(report.stem, f"-{tag}{report.suffix}"))


def report_names(report: Path) -> list[Path]:
    """The report and every file that may be written beside it, longest name last."""
    return sorted([report, *(sibling_path(report, tag) for tag in SIBLINGS)], key=lambda p: name_size(p.name))


def write_back_path(input_path: Path, kind: str) -> Path:
    """`<input stem>-<kind><its suffix>` beside the input (kind: one of WRITE_BACKS): an .xlsm stays
    an .xlsm, so that its macros still open."""
    return input_path.with_name(fit_name(input_path.stem, f"-{kind}{input_path.suffix}"))


def upload_name(stem: str, suffix: str) -> str:
    """A console upload's file name: short enough that the console's report named after it
    (`<stem>-plan.xlsx`) and the files beside that report fit too."""
    return fit_name(stem, "", NAME_MAX - _CONSOLE_ROOM) + suffix
