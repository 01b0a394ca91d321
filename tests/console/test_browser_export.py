"""The Export step in Chromium, in English and Chinese (issue 21's export from the console): the
lead picks filters, the server exports the tickets they select through the library's
`export_tickets` (as `batch-updater export` does), the page offers the workbook as a download and
takes it as the sheet in use; its custom-field columns, headed by their display names, are
recognised and shown by name in the mapping."""

from __future__ import annotations

import re

import pytest

from batch_updater.sheet.read import load
from tests.console.browsing import WAIT, expect, shot

WORDS = {
    "en-US": {"done": re.compile(r"^Exported (\d+) tickets? in "), "status": "1 awaiting response",
              "check": "{n} rows: {n} valid, 0 invalid", "custom": "紧急程度 (custom field)",
              "selected": "status=1 tag=billing created-since=2000-01-01"},
    "zh-CN": {"done": re.compile(r"^已导出 (\d+) 个工单，用时 "), "status": "1 待响应",
              "check": "共 {n} 行：{n} 行有效，0 行无效", "custom": "紧急程度（自定义字段）",
              "selected": "状态=1；标签=billing；创建时间不早于 2000-01-01"},
}


def export(tab):
    """Press Export and wait for what it says."""
    tab.click("#export-go")
    tab.wait_for_selector("#export-result:not([hidden])", timeout=WAIT)
    expect(tab.locator("#export-go")).to_be_enabled(timeout=WAIT)


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_the_tickets_a_filter_selects_are_exported_downloaded_and_used_as_the_sheet(page, tmp_path, shots, locale):
    said = WORDS[locale]
    _, tab = page(locale=locale)
    tab.click("#export-box summary")
    assert tab.locator("#export-statuses input").count() == 8  # 1-5, 50, 51 and 52 (closed by the user)
    export(tab)  # no filter: every ticket the sandbox has
    every = int(said["done"].match(tab.inner_text("#export-counts")).group(1))
    assert every > 0

    tab.locator("#export-statuses label", has_text=said["status"]).locator("input").check()
    tab.fill("#export-tag", "billing")
    tab.fill("#export-created-since", "2000-01-01")
    export(tab)
    expect(tab.locator("#export-selected")).to_contain_text(said["selected"])  # the filters in the page's words
    shown = int(said["done"].match(tab.inner_text("#export-counts")).group(1))
    assert 0 < shown < every  # some of the sandbox's demo tickets are tagged billing
    shot(tab, shots, "0-export", locale, of="#step-export")

    with tab.expect_download() as saving:
        tab.click("#export-file")
    assert re.fullmatch(r"tickets-\d{8}-\d{6}\.xlsx", saving.value.suggested_filename)
    workbook = tmp_path / saving.value.suggested_filename
    saving.value.save_as(workbook)
    sheet = load(workbook)
    tags = sheet.columns.header.index("tag_names")
    assert len(sheet.rows) == shown and all("billing" in r.cells[tags] for r in sheet.rows)  # only the filter's
    assert "紧急程度" in sheet.columns.header  # a custom field, by its display name

    tab.click("#export-use")  # the workbook as the sheet in use: checked at once, as an upload
    tab.wait_for_selector(f"body[data-shown] #file-name:text('{workbook.name}')", timeout=WAIT)
    expect(tab.locator("#check-counts")).to_contain_text(said["check"].format(n=shown), timeout=WAIT)
    custom = tab.locator("#mapping-rows tr[data-header='紧急程度'] select.target option:checked")
    assert custom.inner_text() == said["custom"]  # recognised by its display name, shown by it
    shot(tab, shots, "0-export-used", locale, of="#step-upload")


def test_a_bad_filter_is_said_and_changes_nothing(page):
    _, tab = page()
    tab.click("#export-box summary")
    tab.fill("#export-channel", "web")
    tab.click("#export-go")
    expect(tab.locator("#error")).to_contain_text("channel 'web'", timeout=WAIT)
    assert tab.locator("#export-result").is_hidden()
    expect(tab.locator("#export-go")).to_be_enabled()
