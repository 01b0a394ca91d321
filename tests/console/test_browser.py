"""The console in a real headless Chromium, against `serve --sandbox` on 127.0.0.1: upload a sheet
with mistakes, see the invalid rows, plan, run and watch it end, download the report, stop a run,
reload the page during one, and the page in Chinese. Screenshots of each step go to docs/console/
with UPDATE_SCREENSHOTS=1."""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import pytest

from tests.console.conftest import IDS
from tests.support.sheets import write_csv

expect = pytest.importorskip("playwright.sync_api").expect
WAIT = 60_000  # ms: a run on a busy 2-core machine


def mistakes_sheet(path):
    return write_csv(path, [
        ["工单ID", "状态", "评论", "标签", "优先级"],
        *[[tid, "已关闭", f"批量关闭 #{i}", "migrated", "P2"] for i, tid in enumerate(IDS[:8])],
        [IDS[8], "bogus", "", "", "P1"],         # not a status
        ["12345", "closed", "", "", ""],          # not a ticket id
        [IDS[9], "", "", "", "P3"],               # nothing to change
    ])


@pytest.fixture
def page(browser, console_at):
    def open_page(rates=((1000, 1.0),), locale="en-US"):
        running = console_at(rates)
        context = browser.new_context(locale=locale, viewport={"width": 1200, "height": 900}, accept_downloads=True)
        tab = context.new_page()
        tab.goto(running.url)
        tab.wait_for_selector("body[data-ready=yes]")
        return running, tab

    return open_page


def at_least_done(tab, n):
    """The run's "rows done" reads n or more (the page is pushed its progress)."""
    more = "|".join([str(i) for i in range(n, 10)] + ["[1-9][0-9]+"])
    expect(tab.locator("#stat-done")).to_have_text(re.compile(rf"^({more}) / "), timeout=WAIT)


def start_run(tab, rate):
    """Run at a fixed rate, without reading the tickets first (no undo sheet), confirmed."""
    tab.uncheck("#opt-undo")
    tab.check("input[name=rate-kind][value=fixed]")
    tab.fill("#rate-value", rate)
    tab.click("#run-start")
    tab.click("#confirm-go")


def upload(tab, path):
    tab.set_input_files("#file", str(path))
    tab.wait_for_selector("#step-check:not([hidden]) #check-table tbody tr", timeout=WAIT)


def test_upload_check_plan_run_and_download(page, tmp_path, shots):
    running, tab = page(rates=[(20, 1.0)])
    assert tab.url == running.origin + "/"  # the token went into a cookie, out of the address bar
    tab.screenshot(path=shots / "1-start.png")
    upload(tab, mistakes_sheet(tmp_path / "tickets.csv"))
    assert "11 rows: 8 valid, 3 invalid" in tab.inner_text("#check-counts")
    assert "优先级" in tab.inner_text("#mapping")  # a column the tool does not know, offered for mapping
    tab.select_option("#check-filter", "invalid")
    expect(tab.locator("#check-table tbody tr")).to_have_count(3)
    problems = tab.inner_text("#check-table tbody")
    assert "not a status" in problems and "16 to 19 digits" in problems and "nothing to change" in problems
    tab.screenshot(path=shots / "2-check.png", full_page=True)

    tab.click("#plan-start")
    tab.wait_for_selector("#plan-result:not([hidden]) #plan-table tbody tr", timeout=WAIT)
    assert "8 change" in tab.inner_text("#plan-counts")
    assert tab.locator("#plan-table .changed .new").count() >= 8  # new values highlighted
    assert "51 closed by agent" in tab.inner_text("#plan-table")  # a status code with its name
    tab.locator("#step-plan").screenshot(path=shots / "3-plan.png")

    tab.check("input[name=rate-kind][value=fixed]")
    tab.fill("#rate-value", "4/s")
    tab.click("#run-start")
    tab.wait_for_selector("#confirm[open]")
    assert "8 tickets" in tab.inner_text("#confirm-text") and "8 comments" in tab.inner_text("#confirm-text")
    assert "sandbox" in tab.inner_text("#confirm-api")
    tab.locator("#confirm").screenshot(path=shots / "4-confirm.png")
    tab.click("#confirm-go")
    tab.wait_for_selector("#run-live:not([hidden])")
    expect(tab.locator("#run-state")).to_have_text("tickets.csv · Sending", timeout=WAIT)  # read first (undo)
    at_least_done(tab, 4)
    tab.locator("#step-run").screenshot(path=shots / "5-running.png")
    tab.wait_for_selector("#run-result:not([hidden])", timeout=WAIT)
    assert tab.inner_text("#stat-done") == "8 / 8"
    assert "8 ok" in tab.inner_text("#run-counts") and "3 invalid" in tab.inner_text("#run-counts")
    tab.locator("#step-run").screenshot(path=shots / "6-done.png")

    with tab.expect_download() as download:
        tab.click("#run-files a[href$='/files/report']")
    report = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert [r["result"] for r in report] == ["ok"] * 8 + ["invalid"] * 3
    assert any(link.get_attribute("href").endswith("/files/undo") for link in tab.locator("#run-files a").all())
    tab.wait_for_selector("#history tbody tr")
    assert tab.locator("#history tbody tr").count() == 2  # the plan and the run
    tab.screenshot(path=shots / "7-page.png", full_page=True)


def test_stop_ends_a_run_as_ctrl_c_does(page, tmp_path):
    running, tab = page(rates=[(100, 1.0)])
    write_csv(tmp_path / "many.csv", [["ticket_id", "status"], *[[tid, "2"] for tid in IDS]])
    upload(tab, tmp_path / "many.csv")
    start_run(tab, "4/s")
    at_least_done(tab, 2)
    tab.click("#run-stop")
    tab.wait_for_selector("#run-result:not([hidden])", timeout=WAIT)
    counts = tab.inner_text("#run-counts")
    assert "not sent" in counts and "Stopped" in tab.inner_text("#run-message")
    sent = next(iter(running.console.runs.records.values())).counts.get("ok", 0)
    assert 2 <= sent < len(IDS)
    tab.click("#run-start")  # the confirmation says what resuming leaves, and how long it takes
    tab.wait_for_selector("#confirm[open]")
    said = tab.inner_text("#confirm-text")
    assert f"This sends {len(IDS) - sent} rows" in said and f"{sent} rows were done by an earlier run" in said
    assert f"Estimated time: about {duration(math.ceil((len(IDS) - sent) / (4 * 0.985)))} at 4.0/s" in said
    tab.click("#confirm button[value=cancel]")


def test_a_run_goes_on_when_the_page_is_reloaded(page, tmp_path):
    running, tab = page(rates=[(100, 1.0)])
    write_csv(tmp_path / "some.csv", [["ticket_id", "tag_names"], *[[tid, "reloaded"] for tid in IDS[:12]]])
    upload(tab, tmp_path / "some.csv")
    start_run(tab, "6/s")
    at_least_done(tab, 1)
    tab.reload()
    tab.wait_for_selector("body[data-ready=yes]")
    tab.wait_for_selector("#run-live:not([hidden])", timeout=WAIT)  # the run in progress, shown again
    tab.wait_for_selector("#run-result:not([hidden])", timeout=WAIT)
    assert "12 ok" in tab.inner_text("#run-counts")


def test_the_page_speaks_chinese_when_the_browser_asks(page, tmp_path, shots):
    _, tab = page(locale="zh-CN")
    assert "上传表格" in tab.inner_text("#step-upload h2")
    upload(tab, mistakes_sheet(tmp_path / "工单.csv"))
    assert "共 11 行：8 行有效，3 行无效" in tab.inner_text("#check-counts")
    tab.screenshot(path=shots / "8-chinese.png")
    tab.click("#run-start")
    tab.wait_for_selector("#confirm[open]")
    said = tab.inner_text("#confirm-text")
    assert "将发送 8 行，更新 8 个工单，发布 8 条评论" in said and "3 行无效" in said and "预计用时" in said
    tab.click("#confirm button[value=cancel]")
    tab.click("#lang")
    assert "Upload the sheet" in tab.inner_text("#step-upload h2")


def test_a_bad_file_shows_a_message_and_a_fixable_one_the_way_to_fix_it(page, tmp_path):
    _, tab = page()
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4 not a sheet")
    tab.set_input_files("#file", str(tmp_path / "scan.pdf"))
    tab.wait_for_selector("#error:not([hidden])")
    assert "not a spreadsheet the tool reads" in tab.inner_text("#error")
    write_csv(tmp_path / "export.csv", [["Number", "State"], [IDS[0], "closed"], [IDS[1], "2"]])
    tab.set_input_files("#file", str(tmp_path / "export.csv"))
    tab.wait_for_selector("#problem:not([hidden])")
    assert "No column was recognised as the ticket id" in tab.inner_text("#problem")
    assert tab.locator("#step-check").is_hidden() and tab.locator("#error").is_hidden()
    tab.select_option("#mapping-rows select[data-header='Number']", "ticket_id")
    tab.select_option("#mapping-rows select[data-header='State']", "status")
    tab.click("#recheck")
    tab.wait_for_selector("#step-check:not([hidden]) #check-table tbody tr")
    assert "2 rows: 2 valid, 0 invalid" in tab.inner_text("#check-counts")
    assert tab.locator("#kept").is_hidden()
    write_csv(tmp_path / "export.csv", [["Number", "State"], [IDS[0], "closed"], [IDS[1], "2"], [IDS[2], "2"]])
    tab.set_input_files("#file", str(tmp_path / "export.csv"))  # fixed, and uploaded again: the choices stay
    expect(tab.locator("#check-counts")).to_contain_text("3 rows: 3 valid, 0 invalid")
    assert "column “Number” → ticket_id" in tab.inner_text("#kept") and "column “State” → status" in tab.inner_text("#kept")
    tab.click("#kept-forget")
    tab.wait_for_selector("#problem:not([hidden])")
    assert tab.locator("#kept").is_hidden() and "No column was recognised as the ticket id" in tab.inner_text("#problem")


def duration(seconds):
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min {seconds % 60} s"


def test_a_fixed_rate_is_said_in_its_unit_and_send_is_off_while_another_run_sends(page, tmp_path):
    """Trial F7.2, F7.3, F7.6: a fixed 1/s ended "at 59/min"; while another run was sending, the
    confirmation still offered Send (refused in red when pressed); "1 invalid rows are not sent"."""
    running, tab = page(rates=[(100, 1.0)])
    write_csv(tmp_path / "slow.csv", [["ticket_id", "tag_names"], *[[tid, "slow"] for tid in IDS[:3]]])
    upload(tab, tmp_path / "slow.csv")
    start_run(tab, "1/s")
    tab.wait_for_selector("#run-result:not([hidden])", timeout=WAIT)
    message = tab.inner_text("#run-message")
    assert "held at 98.5% of the fixed 1/s" in message and "/min" not in message, message

    write_csv(tmp_path / "many.csv", [["ticket_id", "status"], *[[tid, "2"] for tid in IDS]])
    upload(tab, tmp_path / "many.csv")
    start_run(tab, "2/s")
    at_least_done(tab, 1)
    write_csv(tmp_path / "one.csv", [["ticket_id", "status"], [IDS[0], "3"], ["12345", "2"]])
    upload(tab, tmp_path / "one.csv")
    tab.click("#run-start")
    tab.wait_for_selector("#confirm[open]")
    said = tab.inner_text("#confirm-text")
    assert "A run of many.csv (started " in said and "T" not in said.split("started ")[1][:20]
    assert "This sends 1 row, updating 1 ticket, and posts 0 comments" in said and "1 invalid row is not sent" in said
    expect(tab.locator("#confirm-go")).to_be_disabled()  # was: Send, refused in red when pressed
    tab.click("#confirm button[value=cancel]")
    next(r for r in running.console.runs.records.values() if r.upload_name == "many.csv").control.stop()


def test_a_base_link_pasted_checked_run_and_written_back(page, shots):
    """The link box: the sandbox's demo Base table (the sample rows), checked, run, its results
    written into the table."""
    import json
    import urllib.request

    running, tab = page(rates=[(1000, 1.0)])
    tab.click("#demo-base")
    assert "/base/" in tab.input_value("#link")
    tab.click("#link-check")
    tab.wait_for_selector("#step-check:not([hidden]) #check-table tbody tr", timeout=WAIT)
    assert "/base/" in tab.inner_text("#file-name") and "Base table" in tab.inner_text("#source")
    assert "52 rows: 47 valid, 5 invalid" in tab.inner_text("#check-counts")
    api = running.console.env["FEISHU_BASE_URL"]
    with urllib.request.urlopen(f"{api}/_sandbox/docs") as answer:
        assert "batch_update" not in json.load(answer)["calls"]  # the page's check only reads the link
    tab.locator("#step-upload").screenshot(path=shots / "9-link.png")
    start_run(tab, "200/s")
    tab.wait_for_selector("#run-result:not([hidden])", timeout=WAIT)
    assert "47 ok" in tab.inner_text("#run-counts") and "5 invalid" in tab.inner_text("#run-counts")
    with urllib.request.urlopen(f"{api}/_sandbox/docs") as answer:
        docs = json.load(answer)
    assert docs["records_written"] >= 52 and docs["overlapping_writes"] == 0
