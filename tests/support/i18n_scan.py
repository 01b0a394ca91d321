"""Reading the library's source for what it says: the sentences given to `tr` / `N_` (the
catalogue's keys), and the English sentences built outside them (what is left to translate).

A sentence outside the catalogue is a string literal or f-string of three English words or more
that is not a docstring, SQL, a sentence the catalogue already has, a logging call's text (an operator's log stays English), a `help=`
text, or on a line marked `# i18n: en` (or just below one) (the API's own words matched in its answers, a label read
from input, a developer's assertion). The sandbox plays the API and speaks as it does."""

from __future__ import annotations

import ast
import re
import string
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from batch_updater.i18n.zh import MESSAGES as _KNOWN

PACKAGE = Path(__file__).resolve().parents[2] / "batch_updater"
# Three English words or more, apart by spaces (and the commas, colons or brackets of a sentence).
SENTENCE = re.compile(r"[A-Za-z][a-z']+(?:[,;:)(]*\s+\(?[A-Za-z][a-z'\-]*){2,}")
_SQL = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|PRAGMA)\b")
_LOGGING = {"debug", "info", "warning", "error", "exception", "critical"}
_LOGGERS = {"log", "logger", "_log", "logging"}
MARK = "# i18n: en"


@dataclass(frozen=True)
class Said:
    module: str  # batch_updater/rows/validate.py
    line: int
    text: str  # f-string's values shown as {}


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).as_posix()
        if "/sandbox/" not in rel and "/i18n/" not in rel:
            yield rel, path


def _call_name(node: ast.Call) -> str:
    return node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")


def _is_logging(node: ast.Call) -> bool:
    return (isinstance(node.func, ast.Attribute) and node.func.attr in _LOGGING
            and getattr(node.func.value, "id", "") in _LOGGERS)


def keys() -> Iterator[Said]:
    """The sentence of each `tr("...")` / `tr_in(lang, "...")` / `N_("...")` call."""
    for rel, path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _call_name(node) in ("tr", "N_", "tr_in"):
                arg = node.args[1] if _call_name(node) == "tr_in" else node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    yield Said(rel, node.lineno, arg.value)  # tr(NAME): the name's N_("...") is the key


def untranslated() -> Iterator[Said]:
    """English sentences outside tr(): not SQL, not a sentence the catalogue has (a table of
    N_ keys said later by tr(key))."""
    for rel, path in modules():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        skip: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
                first = node.body[0] if node.body else None
                if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                    skip.add(id(first.value))
            if isinstance(node, ast.Call):
                inside: list[ast.AST] = []
                if _call_name(node) in ("tr", "N_", "tr_in") or _is_logging(node):
                    inside = [node]
                inside += [k.value for k in node.keywords if k.arg == "help"]
                skip.update(id(sub) for part in inside for sub in ast.walk(part))
            if isinstance(node, ast.JoinedStr):
                skip.update(id(sub) for sub in ast.walk(node) if sub is not node)
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            elif isinstance(node, ast.JoinedStr):
                text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            else:
                continue
            end = getattr(node, "end_lineno", node.lineno)
            if any(MARK in lines[i - 1] for i in range(max(node.lineno - 1, 1), end + 1)):  # or the line above
                continue
            if SENTENCE.search(text) and not _SQL.match(text) and text not in _KNOWN:
                yield Said(rel, node.lineno, text)


def untranslated_by_module() -> Counter[str]:
    return Counter(said.module for said in untranslated())


def fields(template: str) -> set[str]:
    """The `{fields}` a template fills (with their conversion and format: `{text!r}`)."""
    return {f"{name}!{conv or ''}:{spec or ''}" for _, name, spec, conv in string.Formatter().parse(template)
            if name is not None}


PENDING_HEAD = ("# Modules that still build English sentences outside tr(), and how many (tests/test_i18n.py):\n"
                "# a count may only go down; a module translated leaves the list.\n"
                "# Rewrite it after translating: python -m tests.support.i18n_scan > tests/i18n_pending.txt\n")

if __name__ == "__main__":
    print(PENDING_HEAD + "".join(f"{n} {m}\n" for m, n in sorted(untranslated_by_module().items())), end="")
