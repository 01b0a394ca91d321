"""The seam every input goes through: a `Source` loads its rows as a `Sheet`, and says what the
job is for its journal, how the run names it and its report, and what a write-back copies.

A new input (a Feishu Base table, say) is one class with these five members, passed as
`RunOptions(input=...)`; the command line's INPUT path becomes a `FileSource` (sources/files.py).
A test writes one in ten lines: tests/run/test_sources_e2e.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol, runtime_checkable

from batch_updater.schema.sheet import Sheet


@runtime_checkable
class Source(Protocol):
    """Where a job's rows come from."""

    @property
    def label(self) -> str:
        """The input as the run's messages and its report's settings name it (a file: its path as given)."""
        ...

    @property
    def stem(self) -> str | None:
        """The default report's name: `<stem>-<date>-<time>.<kind>`; None: no report unless one is
        asked for (a DataFrame's results come back with `.to_frame()`)."""
        ...

    @property
    def write_back(self) -> Path | None:
        """The file `--write-back` copies with the results added beside its own columns (and that
        no report may overwrite); None: this source has none."""
        ...

    def load(self, renames: Mapping[str, str]) -> Sheet:
        """The rows, each cell as text, with the header resolved (`renames`: the job's `columns`,
        its own header names onto the tool's). Raises InputError or UsageError (exit 2)."""
        ...

    def identity(self, sheet: Sheet) -> dict[str, str]:
        """What the job is, as loaded (its journal and lock are keyed by it, with the API and the
        helpdesk): the same input gives the same values on every run, so the job resumes. Its
        `input` names the job in other jobs' warnings."""
        ...


class Loaded:
    """`source` with its rows already read (`run_job(sheet=...)`): `sheet` whatever `load` is asked."""

    def __init__(self, source: Source, sheet: Sheet) -> None:
        self.source, self.sheet = source, sheet

    @property
    def label(self) -> str:
        return self.source.label

    @property
    def stem(self) -> None:
        return None  # rows given, not read from the input: a report only where one is asked for

    @property
    def write_back(self) -> Path | None:
        return self.source.write_back

    def load(self, renames: Mapping[str, str]) -> Sheet:
        return self.sheet

    def identity(self, sheet: Sheet) -> dict[str, str]:
        return self.source.identity(sheet)
