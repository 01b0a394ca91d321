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

from batch_updater.naming import NO_VALUE, Namer, cli_flag

T = TypeVar("T")
LANGUAGES = ("en", "zh")

# option -> (English, Chinese): the control's name, where a message names the option
_NAMES: Mapping[str, tuple[str, str]] = {
    "sheet": ("the sheet list above", "上方的工作表列表"),
    "encoding": ("the encoding chosen above", "上方选择的编码"),
    "columns": ("the column mapping on this page", "本页的列对应"),
    "rate": ("the speed box", "速度框"),
    "skip_unchanged": ("the option to skip rows that change nothing", "“跳过不会改变任何内容的行”选项"),
    "undo": ("the option to write an undo sheet", "“生成撤销表”选项"),
    "retry_comments": ("the option to retry comments", "“对可能已发布的评论也重试”选项"),
    "sandbox": ("`batch-updater serve --sandbox`", "`batch-updater serve --sandbox`"),
}
# option -> (English, Chinese): how to set it on the page, with {value} where one is given
_ADVICE: Mapping[str, tuple[tuple[str, str], tuple[str, str]]] = {  # (without a value, with one)
    "encoding": (("choose its encoding in the list above", "请在上方列表中选择它的编码"),
                 ("choose {value} in the encoding list above", "请在上方编码列表中选择 {value}")),
    "sheet": (("choose another sheet in the list above", "请在上方列表中选择另一个工作表"),
              ("choose sheet {value} in the list above", "请在上方列表中选择工作表 {value}")),
}
_COMMAND_LINE = ("the command line's {flag}", "命令行的 {flag}")  # an option the page has no control for
_ON_THE_COMMAND_LINE = ("run it from the command line with {flag}", "请在命令行中使用 {flag}")


class PageWords(Namer):
    """The console's words for the run's options, in `lang` ("en" or "zh")."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang if lang in LANGUAGES else "en"
        self._at = LANGUAGES.index(self.lang)

    def name(self, name: str) -> str:
        words = _NAMES.get(name)
        if words is not None:
            return words[self._at]
        return _COMMAND_LINE[self._at].format(flag=cli_flag.name(name))

    def advice(self, name: str, value: object = NO_VALUE) -> str:
        advice = _ADVICE.get(name)
        if advice is None:
            flag = cli_flag.name(name) + ("" if value is NO_VALUE else f" {value}")
            return _ON_THE_COMMAND_LINE[self._at].format(flag=flag)
        without, given = advice
        return without[self._at] if value is NO_VALUE else given[self._at].format(value=value)


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
