"""The language of the command line and the library: --lang, the locale, run_frame(lang=)."""

from __future__ import annotations

import pytest

from batch_updater import speaking
from batch_updater.cli import cli
from batch_updater.i18n import language
from tests.support.sheets import read_rows, write_csv

ID = "6945345902185807891"
ROWS = [["ticket_id", "status"], [ID, "51"], ["x1", "9"]]
EN = "a ticket id is digits only (16 to 19 of them)"
ZH = "工单号只能是数字（16 到 19 位）"


def _msgs(path, column="msg"):
    return [row[column] for row in read_rows(path)]


@pytest.mark.parametrize("args", [["--lang", "zh", "run"], ["run", "--lang", "zh"]])
def test_lang_zh_says_a_rows_problems_in_chinese(runner, tmp_path, args):
    write_csv(tmp_path / "in.csv", ROWS)
    result = runner.invoke(cli, [*args, "in.csv", "--dry-run", "--report", "out.csv"])
    assert result.exit_code == 1, result.output
    assert ZH in result.output and EN not in result.output
    bad = _msgs(tmp_path / "out.csv", "说明")[1]  # a Chinese report's msg column
    assert ZH in bad and "不是有效状态" in bad
    assert language() == "en"  # the command's language ends with it


def test_a_chinese_locale_speaks_chinese_and_lang_en_wins(runner, tmp_path):
    write_csv(tmp_path / "in.csv", ROWS)
    result = runner.invoke(cli, ["run", "in.csv", "--dry-run", "--report", "zh.csv"], env={"LANG": "zh_CN.UTF-8"})
    assert ZH in _msgs(tmp_path / "zh.csv")[1], result.output  # a locale alone: the contract's columns (msg)
    result = runner.invoke(cli, ["run", "in.csv", "--dry-run", "--report", "en.csv", "--lang", "en"],
                           env={"LANG": "zh_CN.UTF-8"})
    assert EN in _msgs(tmp_path / "en.csv")[1], result.output


def test_the_library_takes_lang(tmp_path):
    pd = pytest.importorskip("pandas")
    from batch_updater import run_frame

    frame = pd.DataFrame({"ticket_id": [ID, "x1"], "status": ["51", "9"]})
    zh = run_frame(frame, job="zh", dry_run=True, lang="zh", env={"BATCH_UPDATER_STATE_DIR": str(tmp_path)})
    assert ZH in zh.outcomes[1].msg
    with speaking("zh"):
        also = run_frame(frame, job="zh2", dry_run=True, env={"BATCH_UPDATER_STATE_DIR": str(tmp_path)})
    assert ZH in also.outcomes[1].msg
    en = run_frame(frame, job="en", dry_run=True, env={"BATCH_UPDATER_STATE_DIR": str(tmp_path)})
    assert EN in en.outcomes[1].msg
