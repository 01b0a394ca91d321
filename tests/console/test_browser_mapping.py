"""The mapping in Chromium, in English and Chinese (issue 23): each column with its first values and
the field it is sent as, by name; a value map fixes a whole column; the choices survive a re-upload
of the same name, and go to a job file and come back from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.console.browsing import WAIT, expect, shot, upload
from tests.console.conftest import IDS
from tests.support.sheets import write_csv

WORDS = {
    "en-US": {"before": "6 rows: 1 valid, 5 invalid", "after": "6 rows: 6 valid, 0 invalid", "status": "status · 状态",
              "kept": "values of “状态”: 1 mapped", "field": "Field for column “优先级”", "loaded": "job file"},
    "zh-CN": {"before": "共 6 行：1 行有效，5 行无效", "after": "共 6 行：6 行有效，0 行无效", "status": "状态 · status",
              "kept": "“状态”列的取值对应：1 个", "field": "“优先级”列对应的字段", "loaded": "任务文件"},
}


def messy(path: Path) -> Path:
    """The trial's workbook in small: a status column in the team's own words, a solved column too."""
    return write_csv(path, [["工单ID", "状态", "是否解决", "优先级"],
                            *[[tid, ["已完成", "处理中", "已完成"][i % 3], "搞定" if i % 2 else "", "P2"]
                              for i, tid in enumerate(IDS[:6])]])


def value_map(tab, header):
    row = tab.locator(f"#mapping-rows tr[data-header='{header}']")
    details = row.locator("details.value-map")
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()
    return row


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_a_value_map_fixes_a_column_and_survives_a_re_upload_and_a_job_file(page, tmp_path, shots, locale):
    said = WORDS[locale]
    _, tab = page(locale=locale)
    sheet = messy(tmp_path / "工单.csv")
    upload(tab, sheet)
    assert said["before"] in tab.inner_text("#check-counts")
    status = tab.locator("#mapping-rows tr[data-header='状态']")
    assert "已完成" in status.inner_text() and "处理中" in status.inner_text()  # its first values
    assert status.locator(".sample.bad").count() == 1  # 已完成 is not a status: it stands out
    assert status.locator("select.target option:checked").inner_text() == said["status"]  # by its name
    assert tab.get_by_label(said["field"]).count() == 1  # every select named
    value_map(tab, "状态").locator("select.value-to[data-value='已完成']").select_option("51")
    value_map(tab, "是否解决").locator("select.value-to[data-value='搞定']").select_option("2")
    shot(tab, shots, "2-mapping", locale, of="#mapping")
    tab.click("#recheck")
    expect(tab.locator("#check-counts")).to_contain_text(said["after"], timeout=WAIT)
    expect(tab.locator("#check-table tbody")).to_contain_text('"status":51')

    upload(tab, sheet)  # the same name again: the value maps stay, said so
    expect(tab.locator("#kept")).to_contain_text(said["kept"])
    assert said["after"] in tab.inner_text("#check-counts")

    with tab.expect_download() as saving:
        tab.click("#job-save")
    job = Path(saving.value.path()).read_text(encoding="utf-8")
    assert '[values."状态"]' in job and '"已完成" = "51"' in job and '[values."是否解决"]' in job and '"搞定" = "2"' in job
    saved = tmp_path / "工单-job.toml"
    saved.write_text(job, encoding="utf-8")
    tab.click("#kept-forget")
    expect(tab.locator("#check-counts")).to_contain_text(said["before"], timeout=WAIT)
    tab.set_input_files("#job-load", str(saved))
    expect(tab.locator("#check-counts")).to_contain_text(said["after"], timeout=WAIT)
    assert said["loaded"] in tab.inner_text("#kept")
    shot(tab, shots, "2-kept", locale, of="#step-upload")


def test_a_column_is_mapped_to_a_custom_field_by_its_id(page, tmp_path):
    _, tab = page()
    upload(tab, write_csv(tmp_path / "c.csv", [["ticket_id", "Priority"], [IDS[0], "P1"], [IDS[1], "P2"]]))
    row = tab.locator("#mapping-rows tr[data-header='Priority']")
    row.locator("select.target").select_option("custom:")
    row.locator(".custom-id").fill("6948728206392295444")
    tab.click("#recheck")
    expect(tab.locator("#check-counts")).to_contain_text("2 rows: 2 valid", timeout=WAIT)
    expect(tab.locator("#check-table tbody")).to_contain_text('"customized_fields":[{"id":"6948728206392295444","value":"P1"}]')
