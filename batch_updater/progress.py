"""Showing a run's progress: a bar on a terminal, a short line every few seconds otherwise."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from batch_updater.control import RunProgress, rate_in_words
from batch_updater.i18n import language, tr_in
from batch_updater.sheet.blocks import word


def _counts(update: RunProgress, lang: str = "en") -> str:
    shown = [tr_in(lang, "{n} {result}", n=update.counts.get(k, 0), result=word(k, lang))
             for k in ("ok", "failed", "unknown") if update.counts.get(k)]
    return tr_in(lang, ", ").join(shown) or tr_in(lang, "starting")


class ProgressDisplay:
    """A context manager whose instance is the `on_progress` callback."""

    def __init__(self, stream: TextIO | None = None, every: float = 5.0, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.every = every
        self.quiet = quiet  # the stream carries JSON logs: no progress lines in it
        self.terminal = self.stream.isatty() and not quiet
        self._last = 0.0
        self._bar: Progress | None = None
        self._task = None
        self._reading: bool | None = None  # the phase the bar shows: reading tickets, or sending rows
        self.lang = language()  # the command's: the run may call back from another thread

    def __enter__(self) -> ProgressDisplay:
        if self.terminal:
            self._bar = Progress(
                TextColumn("{task.fields[what]}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[counts]}"), TextColumn("[dim]{task.fields[rate]}"), TimeRemainingColumn(),
                console=Console(file=self.stream), transient=True,
            )
            self._bar.start()
        return self

    def __call__(self, update: RunProgress) -> None:
        lang = self.lang
        shown = rate_in_words(update.rate, update.own_rate, update.shared_with, lang)
        rate = tr_in(lang, "{rate} (paused: throttled)", rate=shown) if update.paused else shown
        if self._bar is not None:
            if self._task is None or self._reading != update.reading:  # a new phase: a bar of its own
                if self._task is not None:
                    self._bar.remove_task(self._task)
                self._reading = update.reading
                self._task = self._bar.add_task("send", total=update.total, counts="", rate="",
                                                what=tr_in(lang, "reading tickets") if update.reading
                                                else tr_in(lang, "sending"))
            self._bar.update(self._task, completed=update.done, counts=_counts(update, lang), rate=rate)
            return
        now = time.monotonic()
        if self.quiet:
            return
        if now - self._last >= self.every or update.done == update.total:
            self._last = now
            print(tr_in(lang, "progress: {done}/{total} tickets read, {counts}, rate {rate}", done=update.done,
                        total=update.total, counts=_counts(update, lang), rate=rate) if update.reading else
                  tr_in(lang, "progress: {done}/{total} rows, {counts}, rate {rate}", done=update.done,
                        total=update.total, counts=_counts(update, lang), rate=rate), file=self.stream, flush=True)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()
