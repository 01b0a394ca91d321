"""One exception tree. Each job-stopping error carries its exit code.

    BatchUpdaterError            exit 1 (never raised bare)
    ├── UsageError               exit 2  bad arguments or configuration
    │   └── ReportPlaceError             the report cannot go where asked (.path)
    ├── InputError               exit 2  the input file cannot be read as a sheet of rows
    │   └── EncodingUnclear              a text file's encoding cannot be told (.lines, .candidates)
    ├── CredentialsRefused       exit 3  the API refused the credentials or the app's permission
    ├── NoSpace                  exit 3  a disk is full: the job's journal cannot be written
    └── JobLocked                exit 75 another run of the same job holds its lock

A run stopped by the API (exit 3) or by Ctrl-C / SIGTERM (exit 130) is not an
exception either: it writes its report and says so in RunResult.exit_code.

A bad row is not an exception: it is an invalid spec or an Outcome value.
No message here ever holds a token or a secret.

An error about one of the run's options carries it (`option`, its RunOptions name, and the
`value` given), so a front end can point at its own control; its message names the option the
way the front end in use does (naming.option): the library never spells a command-line flag.
A leaf is typed by its cause where a front end needs the facts, as httpx types its leaves
(the console keeps a sheet whose encoding is unclear, and offers its list of encodings).
"""

from __future__ import annotations

import errno
import sqlite3

INTERRUPTED = 130  # Ctrl-C or SIGTERM: not an exception, a run that stopped and wrote its report


class BatchUpdaterError(Exception):
    exit_code = 1

    def __init__(self, message: str = "", *, option: str | None = None, value: object = None) -> None:
        super().__init__(message)
        self.option = option  # the RunOptions field the error is about, if one is
        self.value = value  # the value given for it


class UsageError(BatchUpdaterError):
    exit_code = 2


class InputError(BatchUpdaterError):
    exit_code = 2


class EncodingUnclear(InputError):
    """A text file's encoding cannot be told, or the one given does not read it: a choice of
    encoding fixes it. `lines`: the lines (1 = the first) that say so; `candidates`: the
    encodings that may read it (a few common ones when nothing narrows them); `value`: the
    encoding given, if one was."""

    def __init__(self, message: str, *, lines: tuple[int, ...] = (), candidates: tuple[str, ...] = (),
                 value: str | None = None) -> None:
        super().__init__(message, option="encoding", value=value)
        self.lines = lines
        self.candidates = candidates


class ReportPlaceError(UsageError):
    """The report (or a file beside it) cannot go where it was asked to: not a report's kind of
    name, over the input or the write-back copy, a folder, a place that takes no file. `path`:
    the report asked for. Nothing was sent."""

    def __init__(self, message: str, *, path: object) -> None:
        super().__init__(message, option="report", value=path)
        self.path = path


class CredentialsRefused(BatchUpdaterError):
    exit_code = 3


class JobLocked(BatchUpdaterError):
    exit_code = 75


class NoSpace(BatchUpdaterError):
    """A disk is full (or a quota reached) where the tool must write: the run stops as Ctrl-C
    stops it, every row not sent `not_attempted`, and writes its report where it still can."""

    exit_code = 3


_FULL = {errno.ENOSPC: "no space left on", errno.EDQUOT: "disk quota exceeded on"}


def disk_full(error: BaseException, where: object) -> str | None:
    """`no space left on <where>` when `error` says a disk is full (an OSError, or SQLite's
    "database or disk is full"); None for any other error."""
    if isinstance(error, OSError) and error.errno in _FULL:
        return f"{_FULL[error.errno]} {where}"
    if isinstance(error, sqlite3.OperationalError) and (
            getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(error)):
        return f"no space left on {where}"
    return None


def why_not_written(error: OSError, where: object) -> str:
    """What stopped a file being written, in a few words: `no space left on <where>` for a full
    disk, else the system's words."""
    return disk_full(error, where) or str(error.strerror or error)
