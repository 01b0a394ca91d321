"""The catalogue (batch_updater/i18n): every sentence the tool says has its Chinese, and what is
still said only in English is written down module by module and only ever shrinks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from batch_updater.i18n import from_locale, language, language_tag, speaking, tr, tr_in
from batch_updater.i18n.zh import MESSAGES
from tests.support.i18n_scan import fields, keys, untranslated, untranslated_by_module

PENDING = Path(__file__).parent / "i18n_pending.txt"
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _pending() -> dict[str, int]:
    counts = {}
    for line in PENDING.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            count, module = line.split()
            counts[module] = int(count)
    return counts


def test_every_sentence_given_to_tr_has_its_chinese_with_the_same_fields() -> None:
    said = list(keys())
    assert said, "the scan found no tr() call: it is broken"
    missing = sorted({s.text for s in said} - MESSAGES.keys())
    assert not missing, f"{len(missing)} sentences have no Chinese in i18n/zh.py:\n" + "\n".join(missing[:30])
    wrong = [k for k, v in MESSAGES.items() if fields(k) != fields(v)]
    assert not wrong, f"the Chinese fills other fields than the English: {wrong[:10]}"
    not_chinese = [k for k, v in MESSAGES.items() if not _CJK.search(v) and fields(k) == fields(v) and v == k]
    assert not not_chinese, f"not translated: {not_chinese[:10]}"


def test_no_chinese_is_left_over() -> None:
    used = {s.text for s in keys()}
    stale = sorted(MESSAGES.keys() - used)
    assert not stale, f"{len(stale)} lines of i18n/zh.py are said nowhere:\n" + "\n".join(stale[:30])


def test_english_said_outside_the_catalogue_only_shrinks() -> None:
    """tests/i18n_pending.txt: the modules that still build English sentences outside tr(), and
    how many. A module may not gain one, and its count is lowered as it is translated."""
    now, pending = untranslated_by_module(), _pending()
    grown = {m: (n, pending.get(m, 0)) for m, n in now.items() if n > pending.get(m, 0)}
    if grown:
        found = [f"{s.module}:{s.line}: {s.text[:80]!r}" for s in untranslated() if s.module in grown]
        pytest.fail("English sentences outside tr() (wrap them in tr() and add their Chinese to i18n/zh.py; "
                    f"or mark the line '# i18n: en' if no user reads it): {grown}\n" + "\n".join(found[:40]))
    shrunk = {m: (now.get(m, 0), n) for m, n in pending.items() if now.get(m, 0) < n}
    assert not shrunk, f"lower these counts in tests/i18n_pending.txt (now, written): {shrunk}"


def test_a_sentence_is_said_in_the_language_in_use() -> None:
    english = "{column} {value!r}: required"
    assert tr(english, column="status", value="x") == "status 'x': required"
    with speaking("zh"):
        assert language() == "zh"
        assert tr("required") == MESSAGES["required"]
        assert tr("an English sentence nobody translated") == "an English sentence nobody translated"
    assert language() == "en"
    assert tr_in("zh", "required") == MESSAGES["required"]


@pytest.mark.parametrize(("env", "lang"), [
    ({"LANG": "zh_CN.UTF-8"}, "zh"), ({"LANG": "en_US.UTF-8"}, "en"), ({}, "en"), ({"LANG": "C"}, "en"),
    ({"LANGUAGE": "zh_TW:en", "LANG": "en_US.UTF-8"}, "zh"), ({"LC_ALL": "en_GB", "LANG": "zh_CN"}, "en"),
    ({"LC_MESSAGES": "zh_CN.GB18030"}, "zh"), ({"LANG": "fr_FR.UTF-8"}, "en"),
])
def test_the_locale_chooses_the_language(env: dict[str, str], lang: str) -> None:
    assert from_locale(env) == lang


@pytest.mark.parametrize(("tag", "lang"), [("zh", "zh"), ("zh-CN", "zh"), ("ZH_cn", "zh"), ("en", "en"),
                                            ("en-US", "en"), ("fr", None), ("", None), ("zhx", None)])
def test_language_tags(tag: str, lang: str | None) -> None:
    assert language_tag(tag) == lang
