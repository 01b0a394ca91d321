"""Accessibility in Chromium, in English and Chinese (issue 23): at 390 px wide the page fits and its
tables stack, no column 0 px wide; and axe-core (vendored for the tests: tests/console/vendor)
finds no WCAG 2.1 A/AA failure, among them no control without a name and no text below the AA
contrast, on a page with an export made, a sheet checked, a value map open, a plan and a run done."""

from __future__ import annotations

import json

import pytest

from tests.console.browsing import AXE, WAIT, mistakes_sheet, shot, start_run, upload

NARROW = """() => {
  // the cells shown (a stacked table's header row is kept for screen readers only, 1 px: not a column)
  const cells = [...document.querySelectorAll("table th, table td")].filter((c) => c.offsetParent !== null
    && !(c.closest("thead") && c.closest("thead").getBoundingClientRect().width <= 1));
  return { width: document.documentElement.scrollWidth, cells: cells.length,
           thin: cells.filter((c) => c.getBoundingClientRect().width < 16).map((c) => c.outerHTML.slice(0, 80)) };
}"""
AXE_RUN = """async () => {
  const found = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
                                         resultTypes: ["violations"] });
  return found.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(" ") + " " + n.failureSummary) }));
}"""


def everything_shown(tab, tmp_path):
    """A page with every part in use: an export made, a sheet with problems and a value map open, a
    run done."""
    tab.click("#export-box summary")
    tab.click("#export-go")
    tab.wait_for_selector("#export-result:not([hidden])", timeout=WAIT)
    upload(tab, mistakes_sheet(tmp_path / "tickets.csv"))
    tab.locator("#mapping-rows tr[data-header='状态'] details summary").click()
    start_run(tab, "200/s")
    tab.wait_for_selector("#run-result:not([hidden]) #run-table tbody tr", timeout=WAIT)
    tab.wait_for_selector("#history tbody tr")


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_at_390_px_the_page_fits_and_no_column_is_zero_wide(page, tmp_path, shots, locale):
    _, tab = page(locale=locale, width=390, height=844)
    everything_shown(tab, tmp_path)
    measured = tab.evaluate(NARROW)
    assert measured["width"] <= 390, measured  # nothing wider than the screen
    assert measured["cells"] > 20 and measured["thin"] == [], measured["thin"]
    shot(tab, shots, "10-phone-check", locale, of="#step-check")
    shot(tab, shots, "10-phone-run", locale, of="#step-run")
    shot(tab, shots, "10-phone-export", locale, of="#step-export")


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_axe_finds_no_missing_name_and_no_contrast_failure(page, tmp_path, locale):
    _, tab = page(locale=locale, bypass_csp=True)  # the page's CSP takes only its own scripts: axe is the test's
    everything_shown(tab, tmp_path)
    tab.click("#run-start")
    tab.wait_for_selector("#confirm[open]")  # the confirmation too
    tab.add_script_tag(path=str(AXE))
    violations = tab.evaluate(AXE_RUN)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
    tab.click("#confirm button[value=cancel]")
    violations = tab.evaluate(AXE_RUN)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
