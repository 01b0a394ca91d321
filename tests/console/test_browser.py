"""The console in a real headless Chromium, against `serve --sandbox` on 127.0.0.1: upload a sheet
with mistakes, see the invalid rows, plan, run and watch it end, download the report, stop a run,
reload the page during one, and the page in Chinese. Screenshots of each step go to docs/console/
with UPDATE_SCREENSHOTS=1."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pytest

from tests.console.browsing import WAIT, at_least_done, expect, mistakes_sheet, shot, start_run, upload
from tests.console.conftest import IDS
from tests.support.sheets import write_csv

WORDS = {  # what the page says at each step, in each language
    "en-US": {"counts": "11 rows: 8 valid, 3 invalid", "problems": ("not a status", "16 to 19 digits", "nothing to change"),
              "plan": "8 change", "status": "51 closed by agent", "field": "status: ", "confirm": ("8 tickets", "8 comments", "File: tickets.csv"),
              "sandbox": "sandbox", "sending": "Sending", "ok": "8 ok", "invalid": "3 invalid",
              "said": "The run of tickets.csv: Finished · 8 of 8 rows done",
              "source": "encoding utf-8, comma-separated", "unknown": "columns kept in the report but not sent"},
    "zh-CN": {"counts": "共 11 行：8 行有效，3 行无效", "problems": ("不是有效状态", "16 到 19 位", "没有要改的内容"),
              "plan": "8 将改变", "status": "51 人工关闭工单", "field": "状态（status）：", "confirm": ("8 个工单", "8 条评论", "文件：tickets.csv"),
              "sandbox": "沙箱", "sending": "正在发送", "ok": "8 成功", "invalid": "3 无效",
              "said": "tickets.csv 的执行：已完成 · 已完成 8/8 行",
              "source": "编码 utf-8，逗号分隔", "unknown": "这些列保留在报告中但不发送"},
}


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_upload_check_plan_run_and_download(page, tmp_path, shots, locale):
    said = WORDS[locale]
    running, tab = page(rates=[(20, 1.0)], locale=locale)
    assert tab.url == running.origin + "/"  # the token went into a cookie, out of the address bar
    shot(tab, shots, "1-start", locale)
    upload(tab, mistakes_sheet(tmp_path / "tickets.csv"))
    assert said["counts"] in tab.inner_text("#check-counts")
    assert "优先级" in tab.inner_text("#mapping")  # a column the tool does not know, offered for mapping
    tab.select_option("#check-filter", "invalid")
    expect(tab.locator("#check-table tbody tr")).to_have_count(3)
    problems = tab.inner_text("#check-table tbody")
    assert all(problem in problems for problem in said["problems"])
    assert said["source"] in tab.inner_text("#source") and said["unknown"] in tab.inner_text("#warnings")
    shot(tab, shots, "2-check", locale, full_page=True)

    tab.click("#plan-start")
    tab.wait_for_selector("#plan-result:not([hidden]) #plan-table tbody tr", timeout=WAIT)
    assert said["plan"] in tab.inner_text("#plan-counts")
    assert tab.locator("#plan-table .changed .new").count() >= 8  # new values highlighted
    assert said["status"] in tab.inner_text("#plan-table")  # a status code with its name
    fields = tab.locator("#plan-table .field").all_inner_texts()  # each field named in the page's language
    assert said["field"] in fields and (locale == "en-US" or not any(f.endswith(": ") for f in fields)), fields
    shot(tab, shots, "3-plan", locale, of="#step-plan")

    tab.check("input[name=rate-kind][value=fixed]")
    tab.fill("#rate-value", "4/s")
    tab.click("#run-start")
    tab.wait_for_selector("#confirm[open]")
    assert all(words in tab.inner_text("#confirm-text") for words in said["confirm"])  # names the file too
    assert said["sandbox"] in tab.inner_text("#confirm-api")
    shot(tab, shots, "4-confirm", locale, of="#confirm")
    tab.click("#confirm-go")
    tab.wait_for_selector("#run-live:not([hidden])")
    expect(tab.locator("#run-state")).to_have_text(f"tickets.csv · {said['sending']}", timeout=WAIT)  # read first
    at_least_done(tab, 4)
    expect(tab.locator("#banner")).to_be_visible()  # a run is going: said at the top
    shot(tab, shots, "5-running", locale, of="#step-run")
    tab.wait_for_selector("#run-result:not([hidden])", timeout=WAIT)
    assert tab.inner_text("#stat-done") == "8 / 8"
    assert tab.inner_text("#stat-rate") == "–" and tab.inner_text("#stat-left") == "–"  # live figures cleared
    assert said["ok"] in tab.inner_text("#run-counts") and said["invalid"] in tab.inner_text("#run-counts")
    expect(tab.locator("#announce")).to_have_text(said["said"])  # the live region said it
    expect(tab.locator("#banner")).to_be_hidden(timeout=WAIT)
    shot(tab, shots, "6-done", locale, of="#step-run")

    with tab.expect_download() as download:
        tab.click("#run-files a[href$='/files/report']")
    report = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    if locale == "en-US":
        assert [r["result"] for r in report] == ["ok"] * 8 + ["invalid"] * 3
    else:  # the page in 中文 chose Chinese: the report's result columns speak it (README: 中文 / Chinese)
        assert [r["结果"] for r in report] == ["成功"] * 8 + ["无效"] * 3
    assert any(link.get_attribute("href").endswith("/files/undo") for link in tab.locator("#run-files a").all())
    tab.wait_for_selector("#history tbody tr")
    expect(tab.locator("#history tbody tr")).to_have_count(2)  # the plan and the run
    named = [c.get_attribute("aria-label") or "" for c in tab.locator("#history tbody button, #history tbody a").all()]
    kinds = ("plan", "run") if locale == "en-US" else ("计划", "执行")
    assert named and all("tickets.csv" in n for n in named), named  # each history link says which run
    assert all(any(kind in n for n in named) for kind in kinds), named
    shot(tab, shots, "7-page", locale, full_page=True)


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
    tab.locator("#step-upload").screenshot(path=shots / "8-link.png")
    tab.click("#lang")  # and in Chinese: the page's own words, and the library's once the link is checked again
    expect(tab.locator("#h-upload")).to_contain_text("上传表格")
    tab.click("#link-check")
    expect(tab.locator("#source")).to_contain_text("多维表格数据表", timeout=WAIT)
    expect(tab.locator("#warnings")).to_contain_text("这些列保留在报告中但不发送")
    assert "Base table" not in tab.inner_text("#source") and "kept in the report" not in tab.inner_text("#step-upload")
    tab.locator("#step-upload").screenshot(path=shots / "zh-8-link.png")
    tab.click("#lang")
    expect(tab.locator("#h-upload")).to_contain_text("Upload the sheet")
    start_run(tab, "200/s")
    tab.wait_for_selector("#run-result:not([hidden])", timeout=WAIT)
    assert "47 ok" in tab.inner_text("#run-counts") and "5 invalid" in tab.inner_text("#run-counts")
    with urllib.request.urlopen(f"{api}/_sandbox/docs") as answer:
        docs = json.load(answer)
    assert docs["records_written"] >= 52 and docs["overlapping_writes"] == 0


def test_a_file_input_is_a_button_in_the_page_s_language_and_still_reached_by_the_keyboard(page, tmp_path):
    """The browser's own "Choose File / No file chosen" speaks its UI's language: the page shows a
    labelled button of its own instead; the input, hidden from sight only, keeps the focus and the name."""
    _, tab = page(locale="zh-CN")
    for picker, words in (("#file", "选择文件"), ("#job-load", "选择文件")):
        box = tab.locator(picker).bounding_box() or {"width": 0, "height": 0}
        assert box["width"] <= 1 and box["height"] <= 1  # the raw control is not what shows
        button = tab.locator(f"label:has({picker}) .pick-button")
        if picker == "#file":
            expect(button).to_be_visible()
        expect(button).to_have_text(words)
    tab.focus("#lang")
    for _ in range(10):  # the keyboard reaches the upload's input, and its button shows the focus
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.id") == "file":
            break
    assert tab.evaluate("document.activeElement.id") == "file"
    ring = tab.evaluate("getComputedStyle(document.querySelector('#drop .pick-button')).outlineStyle")
    assert ring != "none"
    assert "拖到这里" in tab.locator("#file").evaluate("e => e.labels[0].innerText")  # its name, in Chinese
    upload(tab, mistakes_sheet(tmp_path / "工单.csv"))  # and it still takes a file
    assert "共 11 行" in tab.inner_text("#check-counts")
    tab.click("#lang")
    expect(tab.locator("#drop .pick-button")).to_have_text("Choose a file")
