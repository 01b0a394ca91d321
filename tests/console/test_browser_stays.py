"""What stays, in Chromium (issue 23): the token box lets a new browser in; a finished run opens
again after a reload with its rows; a failed upload leaves the sheet in use; an earlier sheet
reopens; Run waits while another file uploads; big sheets page, find and go to a page without
losing a click; the page's small words (hours, the chart's legend while reading)."""

from __future__ import annotations

import time

import pytest

from tests.console.browsing import WAIT, expect, open_page, shot, start_run, upload
from tests.console.conftest import IDS, RunningConsole
from tests.support.sheets import write_csv

TOKEN_WORDS = {"en-US": "This page needs the console's access token.", "zh-CN": "此页面需要控制台的访问令牌。"}


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_the_token_box_lets_a_new_browser_in(page, browser, shots, locale):
    running, first = page(locale=locale)
    cookie = first.context.cookies()[0]
    assert cookie["expires"] > time.time() + 300 * 86400  # not a session cookie: closing the browser keeps it
    tab = browser.new_context(locale=locale, viewport={"width": 900, "height": 700}).new_page()
    tab.goto(running.origin + "/")  # a new browser, without the printed address
    assert TOKEN_WORDS[locale] in tab.inner_text("body")
    shot(tab, shots, "9-token", locale)
    box = tab.locator("#token-zh" if locale.startswith("zh") else "#token-en")
    box.fill("not-the-token")
    box.press("Enter")
    expect(tab.locator("p[role=alert]").first).to_be_visible()
    tab.locator("#token-en").fill(running.url)  # the whole printed address
    tab.locator("#token-en").press("Enter")
    tab.wait_for_selector("body[data-ready=yes]")
    assert tab.url == running.origin + "/"


REOPEN_WORDS = {"en-US": {"ok": "5 ok", "still": "the sheet in use is still done.csv", "open": "Open done.csv",
                          "run": "Open: the run of done.csv", "refused": "not a spreadsheet the tool reads"},
                "zh-CN": {"ok": "5 成功", "still": "（仍在使用表格 done.csv）", "open": "打开 done.csv",
                          "run": "打开: done.csv 的执行", "refused": "scan.pdf：不是本工具能读取的表格"}}


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_a_finished_run_reopens_after_a_reload_with_its_rows_and_a_failed_upload_keeps_the_sheet(page, tmp_path,
                                                                                                   locale):
    said = REOPEN_WORDS[locale]
    running, tab = page(locale=locale)
    write_csv(tmp_path / "done.csv", [["ticket_id", "tag_names"], *[[tid, "kept"] for tid in IDS[:5]]])
    upload(tab, tmp_path / "done.csv")
    start_run(tab, "100/s")
    tab.wait_for_selector("#run-result:not([hidden]) #run-table tbody tr", timeout=WAIT)
    tab.reload()
    tab.wait_for_selector("body[data-ready=yes]")
    expect(tab.locator("#run-table tbody tr")).to_have_count(5, timeout=WAIT)  # its rows, again
    assert said["ok"] in tab.inner_text("#run-counts") and "done.csv" in tab.inner_text("#run-which")
    assert tab.locator("#run-files a[href$='/files/report']").count() == 1

    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4 not a sheet")
    tab.set_input_files("#file", str(tmp_path / "scan.pdf"))
    expect(tab.locator("#error")).to_contain_text(said["refused"])  # the server's words in the page's language
    assert said["still"] in tab.inner_text("#error")
    assert tab.inner_text("#file-name") == "done.csv" and tab.locator("#step-check").is_visible()

    write_csv(tmp_path / "other.csv", [["ticket_id", "status"], [IDS[0], "2"]])
    upload(tab, tmp_path / "other.csv")
    assert tab.locator("#run-result").is_hidden()  # another sheet: its own (no) run
    tab.click("#sheets-box summary")
    tab.get_by_role("button", name=said["open"]).click()
    expect(tab.locator("#file-name")).to_have_text("done.csv")
    expect(tab.locator("#run-table tbody tr")).to_have_count(5, timeout=WAIT)  # the sheet's latest run with it

    tab.get_by_role("button", name=said["run"]).click()  # from the list of earlier runs
    expect(tab.locator("#run-which")).to_contain_text("done.csv")


def test_run_waits_while_another_file_uploads(page, tmp_path):
    _, tab = page()
    upload(tab, write_csv(tmp_path / "a.csv", [["ticket_id", "status"], [IDS[0], "2"]]))
    expect(tab.locator("#run-start")).to_be_enabled()
    held = []
    tab.route("**/api/uploads", lambda route: held.append(route))
    tab.set_input_files("#file", str(write_csv(tmp_path / "b.csv", [["ticket_id", "status"], [IDS[1], "2"]])))
    expect(tab.locator("#run-start")).to_be_disabled()
    expect(tab.locator("#plan-start")).to_be_disabled()
    held[0].continue_()
    expect(tab.locator("#file-name")).to_have_text("b.csv", timeout=WAIT)
    expect(tab.locator("#run-start")).to_be_enabled()


def test_a_big_sheet_pages_finds_and_loses_no_click(page, tmp_path):
    _, tab = page()
    rows = [[IDS[i % 40], "2", f"row {i}"] for i in range(130)]
    upload(tab, write_csv(tmp_path / "big.csv", [["ticket_id", "status", "comment"], *rows]))
    tab.select_option("#check-size", "25")
    expect(tab.locator("#check-table tbody tr")).to_have_count(25)
    assert "of 6 (130 rows)" in tab.inner_text("#check-rows .page-of")
    expect(tab.locator("#check-rows button[aria-label='First page']")).to_be_disabled()
    expect(tab.locator("#check-rows button[aria-label='Previous page']")).to_be_disabled()
    nxt = tab.locator("#check-rows button[aria-label='Next page']")
    for _ in range(3):
        nxt.click()  # quick clicks, each kept
    expect(tab.locator("#check-page")).to_have_value("4")
    expect(tab.locator("#check-table tbody tr").first.locator("td").first).to_have_text("77")
    tab.click("#check-rows button[aria-label='Last page']")
    expect(tab.locator("#check-table tbody tr")).to_have_count(5)
    expect(nxt).to_be_disabled()
    tab.fill("#check-page", "2")
    tab.press("#check-page", "Enter")
    expect(tab.locator("#check-table tbody tr").first.locator("td").first).to_have_text("27")
    tab.fill("#check-q", "57")  # a row number
    expect(tab.locator("#check-table tbody tr")).to_have_count(1)
    tab.fill("#check-q", IDS[3])  # a ticket id
    expect(tab.locator("#check-table tbody tr")).to_have_count(4)


@pytest.mark.parametrize("locale, hours, reading, alt", [
    ("en-US", "2 h 3 min", "tickets read per second", "Tickets read per second over the last 1 s"),
    ("zh-CN", "2 小时 3 分", "每秒读取工单数", "最近 1 秒每秒读取工单数")])
def test_time_left_in_hours_and_the_legend_while_reading(page, locale, hours, reading, alt):
    _, tab = page(locale=locale)
    assert tab.evaluate("async () => (await import('/static/words.js')).duration(7384)") == hours
    tab.evaluate("""async () => (await import('/static/run.js')).showRun({id: 'x', name: 'a.csv', state: 'reading',
        running: true, reading: true, done: 3, total: 9, rate: 2, seconds_left: 7384, series: [[0, 3, 0, 2]],
        live_counts: {}, warnings: [], pauses: 0, throttles: 0, files: [], counts: {}, options: {}})""")
    assert tab.inner_text("#chart-legend-rows") == reading
    assert tab.inner_text("#stat-left") == hours
    assert tab.get_attribute("#chart", "aria-label").startswith(alt)  # the chart's text alternative


def test_a_new_console_on_the_same_folder_lists_the_runs_with_their_rows(browser, tmp_path):
    """Results that stay across a restart of the server too (runs.json and each run's rows.json)."""
    with RunningConsole(tmp_path / "work", [(1000, 1.0)]) as running:
        tab = open_page(browser, running)
        upload(tab, write_csv(tmp_path / "x.csv", [["ticket_id", "status"], *[[t, "2"] for t in IDS[:3]]]))
        start_run(tab, "100/s")
        tab.wait_for_selector("#run-result:not([hidden]) #run-table tbody tr", timeout=WAIT)
        tab.context.close()
    with RunningConsole(tmp_path / "work", [(1000, 1.0)]) as running:
        tab = open_page(browser, running)
        tab.get_by_role("button", name="Open: the run of x.csv").click()
        expect(tab.locator("#run-table tbody tr")).to_have_count(3, timeout=WAIT)
        tab.context.close()


def test_the_banner_says_a_run_is_going_and_jumps_to_it(page, tmp_path):
    running, tab = page(rates=[(100, 1.0)])
    upload(tab, write_csv(tmp_path / "slow.csv", [["ticket_id", "status"], *[[t, "2"] for t in IDS[:20]]]))
    start_run(tab, "3/s")
    upload(tab, write_csv(tmp_path / "other.csv", [["ticket_id", "status"], [IDS[0], "3"]]))
    expect(tab.locator("#banner")).to_contain_text("A run of slow.csv is going", timeout=WAIT)
    assert tab.locator("#run-live").is_hidden()  # the other sheet's panel: no run of its own
    tab.click("#banner-go")
    expect(tab.locator("#file-name")).to_have_text("slow.csv")
    expect(tab.locator("#run-live")).to_be_visible()
    tab.click("#run-stop")
    expect(tab.locator("#banner")).to_be_hidden(timeout=WAIT)
