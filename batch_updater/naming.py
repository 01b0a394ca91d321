"""How a message names one of a run's options: each front end names its own controls.

The library says what is wrong and which option would change it; it never spells a command-line
flag. `option("rate")` is the option's name as the front end in use writes it: `--rate` on the
command line, `rate=` for `run_frame`, the rate box in the console, `rate` for a library call.
A front end sets its namer around the calls it makes (`naming(cli_flag)`); the namer is kept in
a context variable, so each thread (the console runs jobs on threads) sets its own.

    raise UsageError(f"{option('rate')} {text!r}: use auto, N/s or N/min", option="rate", value=text)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

Namer = Callable[[str], str]


def library_name(name: str) -> str:
    """A library call's words: the field of RunOptions (or keyword of run_job), as written."""
    return name


def cli_flag(name: str) -> str:
    """The command line's words: `--retry-comments`."""
    return "--" + name.replace("_", "-")


def keyword(name: str) -> str:
    """A Python call's keyword, as `run_frame(df, rate=...)` takes it: `rate=`."""
    return f"{name}="


_NAMER: ContextVar[Namer] = ContextVar("batch_updater_option_namer", default=library_name)


def option(name: str) -> str:
    """The option `name` (a RunOptions field: `rate`, `encoding`, `retry_comments`...) as the
    front end in use names it."""
    return _NAMER.get()(name)


@contextlib.contextmanager
def naming(namer: Namer) -> Iterator[None]:
    """Messages built inside name the options with `namer` (this thread and the tasks it starts)."""
    token = _NAMER.set(namer)
    try:
        yield
    finally:
        _NAMER.reset(token)
