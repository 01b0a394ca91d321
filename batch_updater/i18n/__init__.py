"""What the tool says, in English or Chinese: one catalogue, chosen by the front end in use.

Every sentence a user reads is written in English in the code, wrapped in `tr`, with its
facts as named fields; `zh.MESSAGES` holds its Chinese (tests/test_i18n.py fails when one is
missing, or when a raise or a warning builds an English sentence outside `tr`):

    raise UsageError(tr("{option} {text!r}: use auto, N/s or N/min", option=option("rate"), text=text))

The language is kept in a context variable, as naming.py keeps the option namer: the command
line sets it from `--lang` or the locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), the console from
the page's language on each request (and the threads it starts copy it), the library from a
call's `lang=`. A message built while a run goes speaks the language of the front end that ran
it. A sentence missing from the catalogue is said in English, never an error.

The fixed contract stays English by default: result column names and values, exit codes, the
journal. Chinese chosen in so many words (`--lang zh`, `lang="zh"`, the console's 中文: see
report_language; not the locale alone) gives a report Chinese headers and values too
(sheet/blocks.py ZH_WORDS); a file in either language is recognised when fed back.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar

from batch_updater.i18n.zh import MESSAGES as _ZH

LANGUAGES = ("en", "zh")
CATALOGUES: dict[str, Mapping[str, str]] = {"zh": _ZH}

_LANG: ContextVar[str] = ContextVar("batch_updater_language", default="en")
# The language a user chose in so many words (--lang, lang=, the page's switch), not the locale's:
# only then does a report's contract (its result columns' names and values) speak it.
_CHOSEN: ContextVar[str] = ContextVar("batch_updater_chosen_language", default="en")
_LOCALE_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
_TAG = re.compile(r"^(zh|en)(?:[-_.@:].*)?$", re.IGNORECASE)


def language() -> str:
    """The language messages are built in here: "en" or "zh"."""
    return _LANG.get()


def report_language() -> str:
    """The language of a report's result columns: "en", the contract, unless a language was
    chosen in so many words (`speaking(lang, chosen=True)`): a cron job on a Chinese machine
    keeps writing `result` and `ok` for the scripts that read them."""
    return _CHOSEN.get()


def tr(english: str, /, **facts: object) -> str:
    """`english` in the language in use, its `{fields}` filled from `facts` (str.format)."""
    lang = _LANG.get()
    template = english if lang == "en" else CATALOGUES[lang].get(english, english)
    return template.format(**facts) if facts else template


def tr_in(lang: str, english: str, /, **facts: object) -> str:
    """`english` in `lang` (not the one in use): a report's Chinese headers, a page's words."""
    with speaking(lang):
        return tr(english, **facts)


def language_tag(text: str | None) -> str | None:
    """"zh" or "en" for a language tag or a locale (`zh`, `zh-CN`, `zh_TW.UTF-8`, `en_US`), else None."""
    found = _TAG.match((text or "").strip())
    return found.group(1).lower() if found else None


def from_locale(env: Mapping[str, str]) -> str:
    """The language the environment's locale asks for: the first of LANGUAGE (a list, `zh_CN:en`),
    LC_ALL, LC_MESSAGES and LANG that is set; "zh" for a Chinese one, else "en"."""
    for name in _LOCALE_VARS:
        value = env.get(name, "").strip()
        if value and value not in ("C", "POSIX"):
            return language_tag(value.split(":")[0]) or "en"
    return "en"


@contextlib.contextmanager
def speaking(lang: str, *, chosen: bool = True) -> Iterator[None]:
    """Messages built inside are in `lang` ("en" or "zh"; this thread and the tasks it starts);
    a report's result columns too when the language was `chosen` (not the locale's guess)."""
    lang = lang if lang in LANGUAGES else "en"
    token = _LANG.set(lang)
    chose = _CHOSEN.set(lang) if chosen else None
    try:
        yield
    finally:
        _LANG.reset(token)
        if chose is not None:
            _CHOSEN.reset(chose)


def set_language(lang: str, *, chosen: bool = True) -> None:
    """The language of this thread from now on (a command's --lang; see speaking)."""
    lang = lang if lang in LANGUAGES else "en"
    _LANG.set(lang)
    if chosen:
        _CHOSEN.set(lang)


def N_(english: str) -> str:  # noqa: N802 (gettext's name for it)
    """Marks a sentence kept to be said later (`tr(CONSTANT)`): the catalogue's test reads it."""
    return english
