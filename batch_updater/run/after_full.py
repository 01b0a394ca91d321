"""The writes a run makes to the state folder after sending (the comment ledger's release, the
changes the undo sheet reads): a disk that filled up refuses them too, as it refused the journal
that stopped the run. Each is then said in a warning and let go, so that the run still writes its
report, where asked: what was sent is never left unreported for a bookkeeping write."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from batch_updater.errors import disk_full
from batch_updater.logs import warn


@contextlib.contextmanager
def unless_full(where: Path, lost: str, on_warning: Callable[[str], None] | None) -> Iterator[None]:
    """Run the block; a full disk (`no space left on <where>`) is a warning saying what is `lost`,
    any other error is raised."""
    try:
        yield
    except (OSError, sqlite3.Error) as e:
        full = disk_full(e, where)
        if full is None:
            raise
        warn(f"{full}: {lost}", on_warning)
