"""A Feishu Base, Sheets or Wiki link as the input (issue 20), end to end against the sandbox on
127.0.0.1: the tickets updated, each record's or row's result written into the table or sheet,
the report written; a view's filter; ids that are numbers refused; --no-write-back, --dry-run and
plan; the job resumes as a file's does."""

from __future__ import annotations

import pytest

from batch_updater import RunOptions, run_job
from batch_updater.errors import UsageError
from batch_updater.run.plan import plan_job
from batch_updater.sandbox import SandboxConfig
from tests.support.links import IDS, NUMBER, TEXT, UNLIMITED, _quick_backoff, base_link, field, sheet_link  # noqa: F401
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows


def rows(n: int, **extra: str) -> list[dict[str, str]]:
    return [{"ticket_id": IDS[i], "status": "closed" if i % 3 else "处理中", "comment": f"moved {i}", **extra}
            for i in range(n)]


def sandbox(**config) -> ThreadSandbox:
    return ThreadSandbox(SandboxConfig(ticket_ids=IDS[:60], rates=UNLIMITED, **config))


def run(link: str, ts: ThreadSandbox, tmp_path, **options):
    return run_job(RunOptions(input=link, rate="1000/s", report_dir=tmp_path, **options), env=ts.env())


def test_a_base_link_runs_end_to_end(tmp_path):
    with sandbox() as ts:
        link, base, table = base_link(ts, rows(6))
        result = run(link, ts, tmp_path)
        stats, docs = ts.stats(), ts.call(lambda sb: sb.docs.stats.snapshot())
    assert result.exit_code == 0 and [o.result.value for o in result.outcomes] == ["ok"] * 6
    assert stats["applied"] == 6 and stats["tickets_with_duplicate_comments"] == 0
    assert field(table, "result") == ["ok"] * 6 and field(table, "code") == ["0"] * 6
    assert field(table, "msg") == ["success"] * 6 and all(field(table, "finished_at"))
    assert [f.field_name for f in table.fields][-4:] == ["result", "code", "msg", "finished_at"]
    assert docs["calls"]["batch_update"] == 1 and docs["overlapping_writes"] == 0
    assert result.written_back == link and result.report_path.is_file()
    assert result.sheet.source.startswith("Base table") and [r.number for r in result.sheet.rows] == [1, 2, 3, 4, 5, 6]


def test_a_sheets_link_runs_end_to_end_and_writes_right_of_the_used_range(tmp_path):
    cells = [["Changes for Q3"], [], ["ticket_id", "status", "comment"],
             *[[r["ticket_id"], r["status"], r["comment"]] for r in rows(4)], [], [IDS[9], "closed", ""]]
    with sandbox() as ts:
        link, book = sheet_link(ts, cells, with_sheet=False)  # no ?sheet=: the first sheet
        result = run(link, ts, tmp_path, report=tmp_path / "out.csv", header_row=3)
        grid = book.sheets[0].cells
    assert result.exit_code == 0 and [r.number for r in result.sheet.rows] == [4, 5, 6, 7, 9]
    assert grid[2][3:9] == ["result", "code", "msg", "log_id", "attempts", "finished_at"]
    assert [grid[r][3] for r in (3, 4, 5, 6, 8)] == ["ok"] * 5 and len(grid[7]) <= 3  # the blank row: nothing
    assert [r["result"] for r in read_rows(tmp_path / "out.csv")] == ["ok"] * 5


def test_a_wiki_link_runs_the_base_its_page_shows(tmp_path):
    with sandbox() as ts:
        link, base, table = base_link(ts, rows(3))
        node = ts.call(lambda sb: sb.docs.add_wiki_node("bitable", base.app_token, "Changes"))
        wiki = f"https://acme.feishu.cn/wiki/{node.node_token}?table={table.table_id}"
        result = run(wiki, ts, tmp_path)
        direct = run(link, ts, tmp_path)
        docs = ts.call(lambda sb: sb.docs.stats.snapshot())
    assert result.exit_code == 0 and field(table, "result") == ["ok"] * 3
    assert docs["calls"]["get_node"] == 1
    assert direct.job_id == result.job_id and direct.resumed == 3  # one job: the table, however it was linked


def test_a_wiki_link_to_a_sheet(tmp_path):
    with sandbox() as ts:
        link, book = sheet_link(ts, [["ticket_id", "status"], [IDS[0], "closed"]])
        node = ts.call(lambda sb: sb.docs.add_wiki_node("sheet", book.token))
        result = run(f"https://acme.larksuite.com/wiki/{node.node_token}", ts, tmp_path)
    assert result.exit_code == 0 and book.sheets[0].cells[1][2] == "ok"


def test_a_views_filter_and_order_are_the_rows(tmp_path):
    view = ("Open", [("status", "is", ["处理中"])])
    with sandbox() as ts:
        link, _, table = base_link(ts, rows(9), views=[view], view=1)
        result = run(link, ts, tmp_path)
        stats = ts.stats()
    assert [r.cells[0] for r in result.sheet.rows] == [IDS[0], IDS[3], IDS[6]]
    assert stats["applied"] == 3 and field(table, "result") == ["ok", None, None, "ok", None, None, "ok", None, None]


def test_a_ticket_id_in_a_number_field_is_refused(tmp_path):
    columns = [("ticket_id", NUMBER), ("status", TEXT)]
    with sandbox() as ts:
        link, _, table = base_link(ts, [{"ticket_id": int(IDS[0]), "status": "closed"}], columns=columns)
        result = run(link, ts, tmp_path)
        stats = ts.stats()
    assert result.exit_code == 1 and result.outcomes[0].result.value == "invalid" and stats["applied"] == 0
    assert "this is a Number field" in result.outcomes[0].msg and "change the field's type to Text" in result.outcomes[0].msg
    assert field(table, "result") == ["invalid"]


def test_a_ticket_id_typed_as_a_number_in_a_sheet_is_refused(tmp_path):
    with sandbox() as ts:
        link, book = sheet_link(ts, [["ticket_id", "status"], [int(IDS[0]), "closed"], [IDS[1], "closed"]])
        result = run(link, ts, tmp_path)
    assert [o.result.value for o in result.outcomes] == ["invalid", "ok"]
    assert "this cell holds a number" in result.outcomes[0].msg and "纯文本" in result.outcomes[0].msg


def test_no_write_back_keeps_the_link_read_only(tmp_path):
    with sandbox() as ts:
        link, _, table = base_link(ts, rows(2))
        result = run(link, ts, tmp_path, write_back=False)
        docs = ts.call(lambda sb: sb.docs.stats.snapshot())
    assert result.exit_code == 0 and result.written_back is None
    assert "batch_update" not in docs["calls"] and "field_create" not in docs["calls"] and len(table.fields) == 4


def test_a_dry_run_and_a_plan_write_their_own_columns(tmp_path):
    with sandbox() as ts:
        link, _, table = base_link(ts, [*rows(2), {"ticket_id": "12", "status": "closed"}])
        checked = run(link, ts, tmp_path, dry_run=True)
        planned = plan_job(RunOptions(input=link, report_dir=tmp_path), env=ts.env())
        run(link, ts, tmp_path)
    assert checked.exit_code == 1 and field(table, "check") == ["valid", "valid", "invalid"]
    assert "16 to 19" in field(table, "check msg")[2]
    assert planned.written_back == link and field(table, "plan") == ["change", "change", "invalid"]
    assert field(table, "status (new)")[:2] == ["2", "51"] and field(table, "plan msg")[0].startswith("posts a comment")
    assert field(table, "result") == ["ok", "ok", "invalid"] and field(table, "check") == ["valid", "valid", "invalid"]


def test_a_link_with_the_built_in_sandbox_is_refused(tmp_path):
    with pytest.raises(UsageError, match="run `batch-updater sandbox`"):
        run_job(RunOptions(input="https://acme.feishu.cn/sheets/shtcnAbCd1234", sandbox=True), env={})
