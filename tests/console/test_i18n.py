"""The page's own words (static/i18n.js) exist in English and Chinese: every key in both (but the
".one" forms, where only a language that has one needs it), and every key the page uses (its
HTML's data-t attributes and its modules' t("...") calls) is there."""

from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).parent.parent.parent / "batch_updater" / "console" / "static"
_KEY = re.compile(r'^\s*"([\w.\-]+)":|,\s*"([\w.\-]+)":', re.MULTILINE)


def languages() -> dict[str, set[str]]:
    text = (STATIC / "i18n.js").read_text(encoding="utf-8")
    en, zh = text.split("\n  zh: {", 1)
    return {lang: {a or b for a, b in _KEY.findall(block)} for lang, block in (("en", en), ("zh", zh))}


def used() -> set[str]:
    keys = set(re.findall(r'data-t(?:-label|-placeholder)?="([\w.\-]+)"', (STATIC / "index.html").read_text()))
    for module in STATIC.glob("*.js"):
        keys |= set(re.findall(r'\bt\("([\w.\-]+)"', module.read_text(encoding="utf-8")))
    return keys


def test_every_key_is_in_both_languages():
    words = languages()
    plain = {lang: {k for k in keys if not k.endswith(".one")} for lang, keys in words.items()}
    assert len(plain["en"]) > 200
    assert plain["en"] - plain["zh"] == set(), "English keys with no Chinese"
    assert plain["zh"] - plain["en"] == set(), "Chinese keys with no English"
    for lang, keys in words.items():
        assert {k[:-4] for k in keys if k.endswith(".one")} <= keys, f"a .one form without its key in {lang}"


def test_every_key_the_page_uses_is_there():
    from batch_updater.console.runs import FILES, RUNNING

    words = languages()
    keys = used()
    missing = {key for key in keys if not key.endswith(".") and (key not in words["en"] or key not in words["zh"])}
    assert missing == set()
    prefixes = {key for key in keys if key.endswith(".")}  # t("run.state." + state): each value the server says
    assert prefixes >= {"run.state.", "files.", "kind.", "result."}
    states = (*RUNNING, "finished", "stopped", "refused", "failed", "interrupted")
    expected = {f"run.state.{s}" for s in states} | {f"files.{f}" for f in FILES} | {"kind.plan", "kind.run"}
    assert expected <= words["en"] and expected <= words["zh"]
