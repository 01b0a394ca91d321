"""The API's refusals in Chinese (issue 23 item 1): the API's own words stay as it answers them,
and the tool's meaning and advice are said in the language of the run, end to end."""

from __future__ import annotations

from click.testing import CliRunner

from batch_updater.cli import cli
from batch_updater.errors import UsageError
from batch_updater.feishu.credentials import check_base_url
from batch_updater.i18n import speaking
from batch_updater.sandbox import SandboxConfig
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv

IDS = [str(7100000000000000001 + i * 7919) for i in range(3)]
MISSING = "7999999999999999999"
FAST = [(1_000_000, 1.0)]


def _run(tmp_path, env, *lang):
    name = "".join(lang).strip("-") or "en"  # a job of its own for each language (its input's name)
    write_csv(tmp_path / f"{name}.csv", [["ticket_id", "status"], [IDS[0], "2"], [IDS[1], "2"], [MISSING, "2"]])
    report = tmp_path / f"out-{name}.csv"
    result = CliRunner(env=env).invoke(cli, [*lang, "run", str(tmp_path / f"{name}.csv"), "--report", str(report)])
    return result, read_rows(report) if report.exists() else []


def test_a_refused_row_says_what_the_code_means_in_chinese(tmp_path):
    config = SandboxConfig(ticket_ids=IDS, forbidden=frozenset({IDS[1]}), rates=FAST, get_rates=FAST)
    with ThreadSandbox(config) as ts:
        result, rows = _run(tmp_path, ts.env(), "--lang", "zh")
        english, en_rows = _run(tmp_path, ts.env())
    assert result.exit_code == 1, result.output
    # the API's msg as it answered, then what it means, in Chinese
    # (--lang zh chose Chinese: the report's result columns speak it too, 说明 for msg, 失败 for failed)
    assert rows[1]["说明"] == "Please check you have the correct access（含义：没有这个工单的权限）"
    assert rows[2]["说明"] == "Resource not found（含义：没有这个工单）"
    assert rows[1]["结果"] == "失败"
    # in English the row says the API's words only, as before
    assert english.exit_code == 1, english.output
    assert [r["msg"] for r in en_rows[1:]] == ["Please check you have the correct access", "Resource not found"]


def test_refused_credentials_stop_the_job_with_chinese_advice(tmp_path):
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=FAST, get_rates=FAST)) as ts:
        result, rows = _run(tmp_path, ts.env(FEISHU_HELPDESK_TOKEN="ht-wrong"), "--lang", "zh")
    assert result.exit_code == 3, result.output
    assert "接口拒绝了凭证（154001 Unauthorized, please check you have the correct access）" in result.output
    assert "服务台凭证不正确（FEISHU_HELPDESK_ID / FEISHU_HELPDESK_TOKEN）" in result.output
    assert "the API refused" not in result.output


def test_a_bad_base_url_is_refused_in_chinese(tmp_path):
    with speaking("zh"):
        try:
            check_base_url("http://example.com")
        except UsageError as e:
            said = str(e)
    assert said == "基础 URL 'http://example.com'：除本机（127.0.0.1）外不接受明文 http；请用 https"
    try:
        check_base_url("http://example.com")
    except UsageError as e:
        assert "plain http is refused" in str(e)
