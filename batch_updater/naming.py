"""How a message names one of a run's options: each front end names its own controls.

The library says what is wrong and which option would change it; it never spells a command-line
flag. `option("rate")` is the option's name as the front end in use writes it: `--rate` on the
command line, `rate=` for `run_frame`, the console's rate box, `rate` for a library call.
`advice("encoding")` is how to set it there, as a short instruction: `pass --encoding NAME` on
the command line, `choose its encoding in the list above` in the console.

A front end sets its namer around the calls it makes (`naming(cli_flag)`); the namer is kept in
a context variable, so each thread (the console runs jobs on threads) sets its own: a thread
does not inherit it, and `run_in_executor` does not copy it (`contextvars.copy_context().run`
does). A row's message written into a report is built while the run goes, so it speaks the
words of the front end that ran the job.

    raise UsageError(f"{option('rate')} {text!r}: use auto, N/s or N/min", option="rate", value=text)
    raise InputError(f"cannot tell the file's encoding ...; {advice('encoding')} (e.g. utf-8, big5)")

The words an option's name takes, `option`, must fit these places in a sentence: "X: what is
wrong", "X value: what is wrong", "(X)", "run with X", "rerun with X", "run without X",
"because X asks for it", "check X", "choose another ... with X", "columns named in X".
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from batch_updater.i18n import N_, tr

NO_VALUE: object = object()  # advice() without a value: how to choose one


class Namer:
    """How one front end names the run's options (RunOptions' field names: `rate`,
    `retry_comments`...). This one is a library call's: the field's name as written."""

    def __call__(self, name: str) -> str:
        return self.name(name)

    def name(self, name: str) -> str:
        """The option, as this front end names it."""
        return name

    def advice(self, name: str, value: object = NO_VALUE) -> str:
        """How to set the option (to `value`, if given) here, as an instruction."""
        return tr("pass {option}={value}", option=name, value="NAME" if value is NO_VALUE else repr(value))


class CommandLine(Namer):
    """The command line's words: `--retry-comments`, `pass --header-row 3`. The options only a
    job file sets (`columns`, `defaults`) are named by it."""

    JOB_FILE_ONLY = {"columns": N_("the job file"), "defaults": N_("the job file's [defaults]"),
                     "values": N_("the job file's [values]")}
    FLAGS = {"plan_file": "--plan", "config_path": "--config"}  # options whose flag is not their name

    def name(self, name: str) -> str:
        if name in self.JOB_FILE_ONLY:
            return tr(self.JOB_FILE_ONLY[name])
        return self.FLAGS.get(name) or "--" + name.replace("_", "-")

    def advice(self, name: str, value: object = NO_VALUE) -> str:
        return tr("pass {option} {value}", option=self.name(name), value="NAME" if value is NO_VALUE else value)


class Keyword(Namer):
    """A Python call's keywords, as `run_frame(df, rate=...)` takes them: `rate=`."""

    def name(self, name: str) -> str:
        return f"{name}="


library_name = Namer()
cli_flag = CommandLine()
keyword = Keyword()

_NAMER: ContextVar[Namer] = ContextVar("batch_updater_option_namer", default=library_name)


def option(name: str) -> str:
    """The option `name` (a RunOptions field: `rate`, `encoding`, `retry_comments`...) as the
    front end in use names it."""
    return _NAMER.get().name(name)


def advice(name: str, value: object = NO_VALUE) -> str:
    """How to set the option `name` (to `value`, if given) in the front end in use: `pass
    --encoding NAME`, `pass --header-row 3`, `choose its encoding in the list above`."""
    return _NAMER.get().advice(name, value)


def current() -> Namer:
    """The namer in use in this thread (or task)."""
    return _NAMER.get()


@contextlib.contextmanager
def naming(namer: Namer) -> Iterator[None]:
    """Messages built inside name the options with `namer` (this thread and the tasks it starts)."""
    token = _NAMER.set(namer)
    try:
        yield
    finally:
        _NAMER.reset(token)
