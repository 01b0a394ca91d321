"""What a new user's trial of links found (issue 20's follow-up), end to end against the sandbox on
127.0.0.1: `--sheet` picks a Sheets link's sheet (never another silently); a Base's own fields
named like the tool's result fields are left alone; a Base the app may read but not write is found
out before anything is sent; an empty view is an empty input; a link without https://; a Lark link
with Feishu's API."""

from __future__ import annotations

import re

import pytest

from batch_updater import RunOptions, run_job
from batch_updater.cli import cli
from batch_updater.errors import CredentialsRefused, InputError, UsageError
from batch_updater.sandbox import SandboxConfig
from batch_updater.sources.links import APIS
from tests.support.links import IDS, NUMBER, TEXT, UNLIMITED, _quick_backoff, base_link, field  # noqa: F401
from tests.support.send_harness import ThreadSandbox


def sandbox() -> ThreadSandbox:
    return ThreadSandbox(SandboxConfig(ticket_ids=IDS[:20], rates=UNLIMITED))


def run(link: str, ts: ThreadSandbox, tmp_path, **options):
    return run_job(RunOptions(input=link, rate="1000/s", report_dir=tmp_path, **options), env=ts.env())


def applied(ts: ThreadSandbox) -> list[str]:
    """The tickets the sandbox applied an update to, in order."""
    return ts.call(lambda sb: sorted(tid for tid, t in sb.tickets.items() if t.history))


# -- #2: --sheet with a Sheets link -------------------------------------------------------------------

def two_sheets(ts: ThreadSandbox):
    """A spreadsheet whose first sheet ('Cover') holds last month's list, and whose second ('工单') this month's."""
    cover = [["ticket_id", "status", "comment"], [IDS[0], "51", "closed from LAST MONTH list"]]
    work = [["ticket_id", "status"], [IDS[1], "2"], [IDS[2], "2"]]
    book = ts.call(lambda sb: sb.docs.add_spreadsheet("Changes", [("Cover", cover), ("工单", work)]))
    return f"https://acme.feishu.cn/sheets/{book.token}", book


@pytest.mark.parametrize("sheet", ["工单", "2", " 工单 "])
def test_sheet_picks_a_sheets_links_sheet_by_name_or_position(tmp_path, sheet):
    with sandbox() as ts:
        link, book = two_sheets(ts)
        result = run(link, ts, tmp_path, sheet=sheet)
        sent = applied(ts)
    assert result.exit_code == 0 and result.sheet.source == "Feishu sheet '工单'"
    assert sent == sorted([IDS[1], IDS[2]])  # never the Cover's row
    assert [row[2] for row in book.sheets[1].cells[1:3]] == ["ok", "ok"] and len(book.sheets[0].cells[0]) == 3


def test_sheet_that_the_spreadsheet_has_not_is_refused_listing_its_sheets(tmp_path):
    with sandbox() as ts:
        link, _ = two_sheets(ts)
        with pytest.raises(InputError, match="no sheet 'Tickets' in the spreadsheet") as e:
            run(link, ts, tmp_path, sheet="Tickets")
        sent = applied(ts)
    assert "1: 'Cover'" in str(e.value) and "2: '工单'" in str(e.value) and sent == []


def test_sheet_that_contradicts_the_links_sheet_is_refused(tmp_path):
    with sandbox() as ts:
        link, book = two_sheets(ts)
        cover = f"{link}?sheet={book.sheets[0].sheet_id}"
        with pytest.raises(UsageError, match=r"\?sheet=") as e:
            run(cover, ts, tmp_path, sheet="工单")
        same = run(f"{link}?sheet={book.sheets[1].sheet_id}", ts, tmp_path, sheet="工单", dry_run=True)
        sent = applied(ts)
    assert "'Cover'" in str(e.value) and "'工单'" in str(e.value) and sent == []
    assert same.exit_code == 0 and same.sheet.source == "Feishu sheet '工单'"


def test_a_job_files_sheet_picks_the_sheet_of_a_sheets_link(tmp_path, runner, monkeypatch):
    with sandbox() as ts:
        for name, value in ts.env().items():
            monkeypatch.setenv(name, value)
        link, _ = two_sheets(ts)
        (tmp_path / "job.toml").write_text(f'input = "{link}"\nsheet = 2\nrate = "100/s"\n', encoding="utf-8")
        result = runner.invoke(cli, ["run", "--config", "job.toml"])
        sent = applied(ts)
    assert result.exit_code == 0, result.output
    assert "Feishu sheet '工单'" in result.output and sent == sorted([IDS[1], IDS[2]])


def test_sheet_with_a_base_link_is_refused(tmp_path):
    with sandbox() as ts:
        link, _, _ = base_link(ts, [{"ticket_id": IDS[0], "status": "2"}])
        with pytest.raises(UsageError, match=r"a Base link names its table with \?table=") as e:
            run(link, ts, tmp_path, sheet="Tickets")
        sent = applied(ts)
    assert e.value.option == "sheet" and sent == []


def test_header_row_with_a_base_link_is_refused_not_ignored(tmp_path):
    with sandbox() as ts:
        link, _, _ = base_link(ts, [{"ticket_id": IDS[0], "status": "2"}])
        with pytest.raises(UsageError, match=r"a Base table has no header row") as e:
            run(link, ts, tmp_path, header_row=2)
        sent = applied(ts)
    assert e.value.option == "header_row" and sent == []


# -- #3: a Base's own fields named result / msg / code / finished_at --------------------------------

OWN = [("ticket_id", TEXT), ("status", TEXT), ("result", NUMBER), ("msg", TEXT)]


def test_a_bases_own_result_and_msg_fields_are_left_alone(tmp_path):
    with sandbox() as ts:
        link, _, table = base_link(ts, [{"ticket_id": IDS[0], "status": "2", "result": 5, "msg": "my note"},
                                        {"ticket_id": IDS[1], "status": "3", "msg": "call back"}], columns=OWN)
        first = run(link, ts, tmp_path)
        names = [f.field_name for f in table.fields]
        second = run(link, ts, tmp_path, fresh=True)
        again = [f.field_name for f in table.fields]
    assert first.exit_code == 0 and second.exit_code == 0
    assert field(table, "result") == [5.0, None] and field(table, "msg") == ["my note", "call back"]
    assert names == ["ticket_id", "status", "result", "msg", "result (run)", "code", "msg (run)", "finished_at"]
    assert field(table, "result (run)") == ["ok", "ok"] and field(table, "msg (run)") == ["success", "success"]
    assert again == names  # the second run recognises its own block: no field added


def test_a_bases_own_text_result_field_alone_is_not_the_tools(tmp_path):
    columns = [("ticket_id", TEXT), ("status", TEXT), ("result", TEXT)]
    with sandbox() as ts:
        link, _, table = base_link(ts, [{"ticket_id": IDS[0], "status": "2", "result": "waiting on finance"}],
                                   columns=columns)
        checked = run(link, ts, tmp_path, dry_run=True)
        result = run(link, ts, tmp_path)
    assert checked.exit_code == 0 and result.exit_code == 0
    assert field(table, "result") == ["waiting on finance"] and field(table, "result (run)") == ["ok"]


def test_a_whole_block_of_the_tools_text_fields_is_written_over(tmp_path):
    columns = [("ticket_id", TEXT), ("status", TEXT), ("result", TEXT), ("code", TEXT), ("msg", TEXT),
               ("finished_at", TEXT)]
    with sandbox() as ts:
        link, _, table = base_link(ts, [{"ticket_id": IDS[0], "status": "2", "result": "failed", "code": "1",
                                         "msg": "an earlier run's", "finished_at": "2026-01-01"}], columns=columns)
        result = run(link, ts, tmp_path)
    assert result.exit_code == 0 and len(table.fields) == 6
    assert field(table, "result") == ["ok"] and field(table, "msg") == ["success"]


def test_result_fields_named_in_a_job_are_written_as_named(tmp_path):
    columns = [("ticket_id", TEXT), ("status", TEXT), ("msg", TEXT), ("备注", TEXT)]
    with sandbox() as ts:
        link, _, table = base_link(ts, [{"ticket_id": IDS[0], "status": "2", "msg": "my note", "备注": "old"}],
                                   columns=columns)
        result = run(link, ts, tmp_path, result_fields={"msg": "备注"})
    assert result.exit_code == 0 and field(table, "msg") == ["my note"] and field(table, "备注") == ["success"]
    assert [f.field_name for f in table.fields][4:] == ["result", "code", "finished_at"]


# -- #9: a Base the app may read but not write ------------------------------------------------------

def test_a_base_that_may_be_read_but_not_written_is_refused_before_anything_is_sent(tmp_path):
    with sandbox() as ts:
        link, base, table = base_link(ts, [{"ticket_id": IDS[i], "status": "2"} for i in range(3)])
        assert run(link, ts, tmp_path).exit_code == 0  # the result fields are there now
        before = ts.stats()["applied"]
        base.access = "read_only"  # advanced permissions: the app may read, not edit
        with pytest.raises(CredentialsRefused) as e:
            run(link, ts, tmp_path, fresh=True)
        after = ts.stats()["applied"]
    assert after == before == 3  # nothing sent
    assert "1254302" in str(e.value) and "可编辑" in str(e.value) and "高级权限" in str(e.value)
    assert e.value.exit_code == 3 and field(table, "result") == ["ok"] * 3  # the probe changed nothing


def test_the_write_probe_writes_one_record_back_as_it_is(tmp_path, monkeypatch):
    from batch_updater.sandbox import bitable

    writes: list[list[tuple[str, dict]]] = []
    apply = bitable.apply_batch
    monkeypatch.setattr(bitable, "apply_batch", lambda table, checked: (writes.append(list(checked)),
                                                                        apply(table, checked)))
    with sandbox() as ts:
        link, _, table = base_link(ts, [{"ticket_id": IDS[0], "status": "2"}, {"ticket_id": "12", "status": "2"}])
        assert run(link, ts, tmp_path, dry_run=True).exit_code == 1  # adds the check fields
        first = next(iter(table.records))
        table.records[first]["check msg"] = "as it was"
        writes.clear()
        checked = run(link, ts, tmp_path, dry_run=True)
    assert checked.exit_code == 1 and len(writes) == 2  # the probe, then every row's values at the end
    assert writes[0] == [(first, {"check": "valid", "check msg": "as it was"})]
    assert field(table, "check") == ["valid", "invalid"]


def test_result_fields_named_by_the_job_are_the_tools_even_alone(tmp_path):
    columns = [("ticket_id", TEXT), ("status", TEXT), ("result", TEXT)]
    with sandbox() as ts:
        link, _, table = base_link(ts, [{"ticket_id": IDS[0], "status": "2"}], columns=columns)
        result = run(link, ts, tmp_path, result_fields={"result": "result"})
    assert result.exit_code == 0 and field(table, "result") == ["ok"] and table.field_named("result (run)") is None


# -- #10: an empty view ---------------------------------------------------------------------------

TODO_VIEW = ("To do", [("result", "isEmpty", [])])


def test_a_view_emptied_by_the_work_being_done_is_nothing_to_do(tmp_path):
    warnings: list[str] = []
    block = [("result", TEXT), ("code", TEXT), ("msg", TEXT), ("finished_at", TEXT)]  # as a first run adds them
    with sandbox() as ts:
        link, _, table = base_link(ts, [{"ticket_id": IDS[i], "status": "2"} for i in range(3)], views=[TODO_VIEW],
                                   view=1, columns=[("ticket_id", TEXT), ("status", TEXT), *block])
        first = run(link, ts, tmp_path)
        second = run_job(RunOptions(input=link, rate="1000/s", report_dir=tmp_path), env=ts.env(),
                         on_warning=warnings.append)
    assert first.exit_code == 0 and field(table, "result") == ["ok"] * 3
    assert second.exit_code == 0 and second.outcomes == []
    assert any("no records" in w and "nothing to do" in w for w in warnings)
    assert not any("高级权限" in w for w in warnings)  # the table has records: the view is simply empty


def test_a_cli_run_of_an_empty_view_exits_0(tmp_path, runner, monkeypatch):
    with sandbox() as ts:
        for name, value in ts.env().items():
            monkeypatch.setenv(name, value)
        link, _, _ = base_link(ts, [{"ticket_id": IDS[0], "status": "2", "result": "ok"}], views=[TODO_VIEW], view=1,
                               columns=[("ticket_id", TEXT), ("status", TEXT), ("result", TEXT)])
        result = runner.invoke(cli, ["run", link])
    assert result.exit_code == 0, result.output
    assert "nothing to do" in result.output and "1 records" not in result.output


# -- #14: a link's smaller messages ---------------------------------------------------------------

def test_a_link_without_https_is_taken_as_the_link(tmp_path, runner, monkeypatch):
    with sandbox() as ts:
        for name, value in ts.env().items():
            monkeypatch.setenv(name, value)
        link, _, table = base_link(ts, [{"ticket_id": IDS[0], "status": "2"}])
        bare = link.removeprefix("https://")
        result = runner.invoke(cli, ["run", bare, "--rate", "100/s"])
    assert result.exit_code == 0, result.output
    assert field(table, "result") == ["ok"] and "unsupported file type" not in result.output


def test_an_unknown_base_or_table_says_so_and_to_check_the_link(tmp_path):
    with sandbox() as ts:
        link, base, table = base_link(ts, [{"ticket_id": IDS[0], "status": "2"}])
        with pytest.raises(InputError) as no_base:
            run(link.replace(base.app_token, base.app_token[:-1] + "Q"), ts, tmp_path, dry_run=True)
        with pytest.raises(InputError) as no_table:
            run(link.replace(table.table_id, table.table_id[:-1] + "Q"), ts, tmp_path, dry_run=True)
    assert "no such base" in str(no_base.value) and "check the link" in str(no_base.value)
    assert "no such table" in str(no_table.value) and "?table=" in str(no_table.value)


def test_a_lark_link_with_feishus_api_is_refused_before_anything_is_read():
    link = "https://acme.larksuite.com/base/bascnAbCd1234?table=tblXyZ"
    with pytest.raises(UsageError, match="FEISHU_BASE_URL=" + re.escape(APIS[True])) as e:
        run_job(RunOptions(input=link, dry_run=True), env={})  # no FEISHU_BASE_URL: Feishu's API
    with pytest.raises(UsageError, match="a Feishu link"):
        run_job(RunOptions(input="https://acme.feishu.cn/sheets/shtcnAbCd1234", dry_run=True,
                           base_url=APIS[True]), env={})
    assert "Lark" in str(e.value) and e.value.option == "base_url"


def test_a_dry_run_does_not_say_it_replaces_a_runs_results(tmp_path):
    warnings: list[str] = []
    with sandbox() as ts:
        book = ts.call(lambda sb: sb.docs.add_spreadsheet("Changes", [("Tickets", [
            ["ticket_id", "status", "result", "code", "msg", "log_id", "attempts", "finished_at"],
            [IDS[0], "2", "ok", "0", "success", "x", "1", "2026-01-01"]])]))
        run_job(RunOptions(input=f"https://acme.feishu.cn/sheets/{book.token}", dry_run=True, report_dir=tmp_path),
                env=ts.env(), on_warning=warnings.append)
        cells = book.sheets[0].cells
    assert cells[1][2:5] == ["ok", "0", "success"]  # untouched
    assert not any("replaced" in w for w in warnings)
    assert any("result, code, msg" in w and "not read" in w for w in warnings)


def test_counts_of_one_are_said_in_the_singular(tmp_path, runner, monkeypatch):
    with sandbox() as ts:
        for name, value in ts.env().items():
            monkeypatch.setenv(name, value)
        link, _, _ = base_link(ts, [{"ticket_id": IDS[0], "status": "2"}])
        assert runner.invoke(cli, ["run", link, "--rate", "100/s"]).exit_code == 0
        checked = runner.invoke(cli, ["run", link, "--dry-run"])
    assert checked.exit_code == 0, checked.output
    assert "1 record" in checked.output and "1 records" not in checked.output
