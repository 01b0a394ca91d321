"""A stand-in for the CLI's progress display that does something after the first row is done."""
from __future__ import annotations

from collections.abc import Callable


def after_first_row(action: Callable[[], None]) -> type:
    """A `ProgressDisplay` class that calls `action` once the first row is done (progress shows
    `done == 1` however updates are coalesced), to patch into `batch_updater.cli`."""

    class AfterFirstRow:
        def __init__(self, **_):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *_):
            return False

        def __call__(self, progress) -> None:
            if progress.done == 1:
                action()

    return AfterFirstRow
