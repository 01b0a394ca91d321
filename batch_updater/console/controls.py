"""How the console names a run's options in the library's messages: by the page's own controls
(the encoding list, the sheet list, the column mapping, the speed box, the options of Run), in
the page's language (English or Chinese, as static/i18n.js; the request says which). An option
the page has no control for is the command line's, and is named so.

The web side sets it around each request (web.py), and the threads a request starts carry it
(`in_words`): a check, a plan or a run speaks the words of the page that started it, in its
messages, its warnings and the rows' messages of its report."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from batch_updater.i18n import LANGUAGES, N_, tr_in
from batch_updater.naming import NO_VALUE, Namer, cli_flag

T = TypeVar("T")

# option -> the control's name, where a message names the option (its Chinese in i18n/zh.py)
_NAMES: Mapping[str, str] = {
    "sheet": N_("the sheet list above"),
    "encoding": N_("the encoding chosen above"),
    "columns": N_("the column mapping on this page"),
    "values": N_("the value maps on this page"),
    "rate": N_("the speed box"),
    "skip_unchanged": N_("the option to skip rows that change nothing"),
    "undo": N_("the option to write an undo sheet"),
    "retry_comments": N_("the option to retry comments"),
    "sandbox": "`batch-updater serve --sandbox`",
}
# option -> how to set it on the page: (without a value, with one: {value})
_ADVICE: Mapping[str, tuple[str, str]] = {
    "encoding": (N_("choose its encoding in the list above"), N_("choose {value} in the encoding list above")),
    "sheet": (N_("choose another sheet in the list above"), N_("choose sheet {value} in the list above")),
}
_COMMAND_LINE = N_("the command line's {flag}")  # an option the page has no control for
_ON_THE_COMMAND_LINE = N_("run it from the command line with {flag}")


class PageWords(Namer):
    """The console's words for the run's options, in `lang` ("en" or "zh")."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang if lang in LANGUAGES else "en"

    def name(self, name: str) -> str:
        words = _NAMES.get(name)
        if words is not None:
            return tr_in(self.lang, words)
        return tr_in(self.lang, _COMMAND_LINE, flag=cli_flag.name(name))

    def advice(self, name: str, value: object = NO_VALUE) -> str:
        advice = _ADVICE.get(name)
        if advice is None:
            flag = cli_flag.name(name) + ("" if value is NO_VALUE else f" {value}")
            return tr_in(self.lang, _ON_THE_COMMAND_LINE, flag=flag)
        without, given = advice
        return tr_in(self.lang, without) if value is NO_VALUE else tr_in(self.lang, given, value=value)


def language_of(accept_language: str | None) -> str:
    """The page's language from a request's Accept-Language (the page sends its own choice):
    Chinese if it comes first, else English."""
    first = (accept_language or "").split(",")[0].strip().lower()
    return "zh" if first.startswith("zh") else "en"


def in_words(call: Callable[..., T], *args: Any) -> Callable[[], T]:
    """`call(*args)` to be run on another thread with this one's context (its namer): a thread
    starts with none, and `run_in_executor` does not copy it."""
    context = contextvars.copy_context()
    return lambda: context.run(call, *args)
