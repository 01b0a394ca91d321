"""A disk that fills up for good, as a real one does: once `FullDisk.fill()` is called (or the
`after` writes to a SQLite file under the folder have gone through), EVERY later write under the
folder fails, as ENOSPC (files) or SQLite's "database or disk is full" (its databases), whatever
writes it: the journal, the comment ledger, the changes table, the learned rate, a token file, a
lock or a report falling back there. Reads keep working.

    disk = FullDisk(state_folder, after=5)   # the 6th write to a database under it fails, and all after
    disk.install(monkeypatch)
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import sqlite3
from pathlib import Path
from typing import Any

_READS = ("SELECT", "PRAGMA", "BEGIN", "ROLLBACK", "WITH", "EXPLAIN")


class FullDisk:
    def __init__(self, folder: Path, *, after: int | None = None) -> None:
        self.folder = str(Path(folder).resolve())
        self.after = after
        self.writes = 0  # database write statements that went through before it filled up
        self.full = False
        self.refused: list[str] = []  # what was refused, for a test's assertions

    def fill(self) -> None:
        self.full = True

    def under(self, path: object) -> bool:
        text = os.fspath(path) if isinstance(path, str | bytes | os.PathLike) else ""
        if isinstance(text, bytes):
            text = text.decode(errors="replace")
        if text.startswith("file:"):
            text = text[5:].split("?", 1)[0]
        return os.path.abspath(text).startswith(self.folder + os.sep)

    def _refuse(self, what: str) -> None:
        self.refused.append(what)
        raise OSError(errno.ENOSPC, "No space left on device", what)

    def _statement(self, sql: str) -> None:
        text = sql.lstrip().upper()
        if text.startswith(_READS) and not (text.startswith("PRAGMA") and "=" in text):
            return
        if not self.full and self.after is not None and self.writes >= self.after:
            self.full = True
        if self.full:
            self.refused.append(text.split()[0])
            raise sqlite3.OperationalError("database or disk is full")
        self.writes += 1

    def room(self) -> None:
        """Room made: writes go through again."""
        self.full, self.after = False, None

    def install(self, monkeypatch: Any) -> FullDisk:
        disk = self
        real_connect, real_open, real_os_open = sqlite3.connect, io.open, os.open

        class Connection(sqlite3.Connection):
            def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
                disk._statement(sql)
                return super().execute(sql, *args)

            def executemany(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
                disk._statement(sql)
                return super().executemany(sql, *args)

            def executescript(self, sql: str) -> sqlite3.Cursor:  # type: ignore[override]
                disk._statement(sql)
                return super().executescript(sql)

            def commit(self) -> None:
                if disk.full:
                    raise sqlite3.OperationalError("database or disk is full")
                super().commit()

        def connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
            if disk.under(database) and "factory" not in kwargs:
                kwargs["factory"] = Connection
            return real_connect(database, *args, **kwargs)

        def open_(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if disk.full and set(mode) & set("wax+") and disk.under(file):
                disk._refuse(os.fspath(file))
            return real_open(file, mode, *args, **kwargs)

        def os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            writes = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC)
            if disk.full and writes and disk.under(path) and (flags & os.O_CREAT and not os.path.exists(path)
                                                              or flags & (os.O_TRUNC | os.O_APPEND)):
                disk._refuse(os.fspath(path))
            return real_os_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(sqlite3, "connect", connect)
        monkeypatch.setattr(io, "open", open_)
        monkeypatch.setattr(builtins, "open", open_)
        monkeypatch.setattr(os, "open", os_open)
        return self
