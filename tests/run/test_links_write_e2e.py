"""Writing a link's results back (issue 20), against the sandbox on 127.0.0.1: in batches of at
most 1,000 records, one write at a time per base, retried while the answer says nothing was
written (throttled with HTTP 200, a write conflict, not ready) and counted once; as the run goes;
a write-back that still fails leaves the report and exits 1; refusals say what to grant."""

from __future__ import annotations

import pytest

from batch_updater import RunOptions, run_job
from batch_updater.errors import CredentialsRefused
from batch_updater.sandbox import SandboxConfig
from tests.support.links import IDS, UNLIMITED, _quick_backoff, base_link, field, sheet_link  # noqa: F401
from tests.support.send_harness import ThreadSandbox


def rows(n: int) -> list[dict[str, str]]:
    return [{"ticket_id": IDS[i], "status": "closed"} for i in range(n)]


def run(link, ts, tmp_path, **options):
    return run_job(RunOptions(input=link, rate="100000/s", report_dir=tmp_path, **options), env=ts.env())


def test_2500_records_write_back_in_3_calls_and_never_two_at_once(tmp_path, monkeypatch):
    monkeypatch.setattr("batch_updater.sources.results.FLUSH_EVERY_S", 600.0)  # the end's write only
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS[:2500], rates=UNLIMITED)) as ts:
        ts.call(lambda sb: setattr(sb.docs, "write_s", 0.05))  # a write that overlapped another would show
        link, _, table = base_link(ts, rows(2500))
        result = run(link, ts, tmp_path, concurrency=64)
        docs = ts.call(lambda sb: sb.docs.stats.snapshot())
    assert result.exit_code == 0 and field(table, "result") == ["ok"] * 2500
    assert docs["calls"]["batch_update"] <= 3 and docs["records_written"] == 2500
    assert docs["overlapping_writes"] == 0


def test_a_throttled_a_conflicting_and_a_not_ready_write_are_retried_and_counted_once(tmp_path):
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS[:10], rates=UNLIMITED)) as ts:
        link, _, table = base_link(ts, rows(10))
        ts.call(lambda sb: sb.docs.fail_next("batch_update", 1254290, 1254291, 1254607))
        result = run(link, ts, tmp_path)
        docs = ts.call(lambda sb: sb.docs.stats.snapshot())
    assert result.exit_code == 0 and result.write_back_problem is None
    assert docs["calls"]["batch_update"] == 4 and docs["codes"] == {"1254290": 1, "1254291": 1, "1254607": 1}
    assert docs["writes_applied"] == 1 and docs["records_written"] == 10  # all or nothing: once
    assert field(table, "result") == ["ok"] * 10


def test_a_throttled_sheet_write_is_retried(tmp_path):
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS[:10], rates=UNLIMITED)) as ts:
        link, book = sheet_link(ts, [["ticket_id", "status"], *[[i, "closed"] for i in IDS[:3]]])
        ts.call(lambda sb: sb.docs.fail_next("values_batch_update", 90217, 90235, 90242))
        result = run(link, ts, tmp_path)
        docs = ts.call(lambda sb: sb.docs.stats.snapshot())
    assert result.exit_code == 0 and [r[2] for r in book.sheets[0].cells[1:4]] == ["ok"] * 3
    assert docs["calls"]["values_batch_update"] == 5 and docs["writes_applied"] == 2  # the header, then the rows


def test_results_arrive_while_sending(tmp_path, monkeypatch):
    """Every 0.05 s here (3 s by default): writes land before the last row is sent."""
    monkeypatch.setattr("batch_updater.sources.results.FLUSH_EVERY_S", 0.05)
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS[:40], rates=UNLIMITED)) as ts:
        link, _, table = base_link(ts, rows(40))
        result = run_job(RunOptions(input=link, rate="100/s", report_dir=tmp_path), env=ts.env())
        docs = ts.call(lambda sb: sb.docs)
        last_put = ts.call(lambda sb: max(u.at_ms for t in sb.tickets.values() for u in t.history))
    assert result.exit_code == 0 and field(table, "result") == ["ok"] * 40
    assert docs.stats.calls["batch_update"] >= 3 and docs.stats.overlapping_writes == 0
    assert docs.stats.records_written >= 40  # each written once the row was done, the end's write adds none
    assert docs.stats.records_written < 80 and last_put > 0


def test_a_write_back_that_keeps_failing_leaves_the_report_and_exits_1(tmp_path):
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS[:5], rates=UNLIMITED)) as ts:
        link, base, table = base_link(ts, rows(5))
        base.access = "read_only"  # advanced permissions: the app may not edit
        with pytest.raises(CredentialsRefused, match="add the field 'result'") as refused:
            run(link, ts, tmp_path)  # its result fields cannot be added: refused before anything is sent
        assert ts.stats()["applied"] == 0
        base.access = "full"
        assert run(link, ts, tmp_path).exit_code == 0  # the fields are there now

        def revoke(progress):  # the app's edit right taken away while the run sends
            ts.call(lambda sb: setattr(base, "access", "read_only"))

        failed = run_job(RunOptions(input=link, rate="100000/s", report_dir=tmp_path, fresh=True), env=ts.env(),
                         on_progress=revoke)
    assert "添加文档应用" in str(refused.value) and "base:record:update" in str(refused.value)
    assert failed.exit_code == 1 and failed.report_path.is_file()
    assert [o.result.value for o in failed.outcomes] == ["ok"] * 5
    assert "permission refused (1254302" in failed.write_back_problem and "可编辑" in failed.write_back_problem


def test_a_table_that_answers_no_records_is_nothing_to_do_with_a_note_on_permissions(tmp_path):
    """Was an error (exit 2); the trial's nightly job on an emptied view failed every night: an
    empty answer is an empty input, and the permission hint a note (FACTS §9.2)."""
    warnings: list[str] = []
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS[:5], rates=UNLIMITED)) as ts:
        link, base, table = base_link(ts, rows(3))
        base.access = "hidden"  # advanced permissions: a successful search with no records
        result = run_job(RunOptions(input=link, rate="100000/s", report_dir=tmp_path), env=ts.env(),
                         on_warning=warnings.append)
        sent = ts.stats()["applied"]
    assert result.exit_code == 0 and result.outcomes == [] and sent == 0 and len(table.fields) == 4  # none added
    note = next(w for w in warnings if "answered no records: nothing to do" in w)
    assert "高级权限" in note and "添加文档应用" in note and "可管理" in note


def test_a_sheet_the_app_may_not_read_says_what_to_grant(tmp_path):
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS[:5], rates=UNLIMITED)) as ts:
        link, book = sheet_link(ts, [["ticket_id"], [IDS[0]]])
        book.access = "none"
        with pytest.raises(CredentialsRefused) as e:
            run(link, ts, tmp_path, dry_run=True)
    assert "90213" in str(e.value) and "添加文档应用" in str(e.value) and "sheets:spreadsheet" in str(e.value)


def test_a_missing_scope_is_named(tmp_path):
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS[:5], rates=UNLIMITED)) as ts:
        link, _, _ = base_link(ts, rows(1))
        ts.call(lambda sb: setattr(sb.docs, "missing_scope", "bitable:app"))
        with pytest.raises(CredentialsRefused, match="the app lacks the scope bitable:app"):
            run(link, ts, tmp_path, dry_run=True)


def test_reading_a_link_needs_credentials(tmp_path):
    with pytest.raises(Exception, match="FEISHU_APP_ID and FEISHU_APP_SECRET"):
        run_job(RunOptions(input="https://acme.feishu.cn/sheets/shtcnAbCd1234", dry_run=True), env={})
