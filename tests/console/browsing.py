"""What the console's browser tests share: a page on a fresh console (in a language, at a width),
uploading a sheet, starting a run, waiting for its progress."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.console.conftest import IDS
from tests.support.sheets import write_csv

expect = pytest.importorskip("playwright.sync_api").expect
WAIT = 60_000  # ms: a run on a busy 2-core machine
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def mistakes_sheet(path):
    return write_csv(path, [
        ["工单ID", "状态", "评论", "标签", "优先级"],
        *[[tid, "已关闭", f"批量关闭 #{i}", "migrated", "P2"] for i, tid in enumerate(IDS[:8])],
        [IDS[8], "bogus", "", "", "P1"],         # not a status
        ["12345", "closed", "", "", ""],          # not a ticket id
        [IDS[9], "", "", "", "P3"],               # nothing to change
    ])


def open_page(browser, running, locale="en-US", width=1200, height=900, **context):
    tab = browser.new_context(locale=locale, viewport={"width": width, "height": height}, accept_downloads=True,
                              **context).new_page()
    tab.goto(running.url)
    tab.wait_for_selector("body[data-ready=yes]")
    return tab


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
    """Upload `path` and wait until the page shows it checked (not the sheet shown before)."""
    shown = int(tab.evaluate("document.body.dataset.shown || '0'"))
    tab.set_input_files("#file", str(path))
    tab.wait_for_selector(f"body[data-shown='{shown + 1}']", timeout=WAIT)
    tab.wait_for_selector("#step-check:not([hidden]) #check-table tbody tr", timeout=WAIT)


def shot(tab, folder, name, locale, **options):
    """A screenshot named for its language: `2-check.png`, `zh-2-check.png`."""
    prefix = "zh-" if locale.startswith("zh") else ""
    target = options.pop("of", None)
    (tab.locator(target) if target else tab).screenshot(path=folder / f"{prefix}{name}.png", **options)
