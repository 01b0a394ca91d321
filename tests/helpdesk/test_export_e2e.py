"""`batch-updater export` against the sandbox: every ticket exactly once past the list's 10,000
(split by creation time), a millisecond that holds too many said so, the filters exact, and the
round trip: an exported sheet run as it is changes nothing, one edited cell sends one update."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from batch_updater.cli import cli
from batch_updater.helpdesk.export import ExportOptions, export_tickets
from batch_updater.helpdesk.filters import filters_from
from batch_updater.run.job import RunOptions, run_job
from batch_updater.run.plan import plan_job
from batch_updater.sandbox import SandboxConfig
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows, write_csv

FAST = [(1_000_000, 1.0)]


def config(**more) -> SandboxConfig:
    return SandboxConfig(**{"rates": FAST, "get_rates": FAST, "list_rates": FAST, "fields_rates": FAST, **more})


def exported(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fp:
        return list(csv.DictReader(fp))


def test_25000_tickets_past_the_10000_a_query_reaches_each_exactly_once(tmp_path):
    with ThreadSandbox(config(n_tickets=25_000)) as ts:
        result = export_tickets(ExportOptions(tmp_path / "all.csv", rates=FAST), env=ts.env())
        every = ts.call(lambda sb: set(sb.tickets))
    ids = [row["ticket_id"] for row in exported(tmp_path / "all.csv")]
    assert len(ids) == len(set(ids)) == 25_000 and set(ids) == every
    assert result.exit_code == 0 and result.selected.windows >= 3  # split by creation time
    assert result.selected.reported == 25_000 and not result.selected.warnings


def test_a_millisecond_holding_more_than_a_query_reaches_is_said(tmp_path):
    with ThreadSandbox(config(n_tickets=30, list_cap=10, created_span_ms=1)) as ts:
        result = export_tickets(ExportOptions(tmp_path / "x.csv", rates=FAST, cap=10), env=ts.env())
    assert result.exit_code == 1 and result.tickets == 10
    assert "holds 30 tickets, more than the 10 one query of the list API reaches: only 10" in result.selected.warnings[0]


def test_the_filters_are_exact_whatever_the_api_makes_of_them(tmp_path):
    with ThreadSandbox(config(n_tickets=60)) as ts:
        ids = ts.call(lambda sb: list(sb.tickets))

        def tag(sb):
            for i, tid in enumerate(ids):
                sb.tickets[tid].tags = ["billing", "vip"] if i < 5 else ["billing"] if i < 20 else ["bug"]
                sb.tickets[tid].status = 5 if i % 2 else 1
        ts.call(tag)
        result = export_tickets(ExportOptions(tmp_path / "x.csv", filters_from({"tag": ["billing", "vip"],
                                                                                "status": "待用户响应"}),
                                              rates=FAST), env=ts.env())
    rows = exported(tmp_path / "x.csv")
    assert {r["ticket_id"] for r in rows} == {ids[i] for i in range(5) if i % 2}  # all the tags (the API: any)
    assert {r["status"] for r in rows} == {"待用户响应"} and result.exit_code == 0


def test_agent_channel_solved_and_time_filters_select_exactly_and_the_progress_counts(tmp_path):
    from batch_updater.helpdesk.filters import Filters
    from batch_updater.sandbox.state import User

    other = User("ou_other_agent", "Other", 7002)
    with ThreadSandbox(config(n_tickets=80)) as ts:
        ids = ts.call(lambda sb: list(sb.tickets))

        def arrange(sb):
            for i, tid in enumerate(ids):
                t = sb.tickets[tid]
                t.agent = other if i % 2 else t.agent
                t.channel, t.solve = (3 if i % 3 else 5), (2 if i % 5 else 1)
                t.created_at, t.updated_at = 1_000_000 + i * 1000, (-1 if i % 7 == 0 else 2_000_000 + i * 1000)
        ts.call(arrange)
        seen: list[tuple[int, int]] = []
        filters = Filters(agent="ou_other_agent", channel=3, solved=2, created_since=1_010_000,
                          created_before=1_070_000, updated_since=2_020_000, updated_before=2_065_000)
        result = export_tickets(ExportOptions(tmp_path / "x.csv", filters, rates=FAST), env=ts.env(),
                                on_progress=lambda p: seen.append((p.done, p.total)))
    want = {ids[i] for i in range(80) if i % 2 and i % 3 and i % 5 and i % 7 and 20 <= i < 65}
    assert {r["ticket_id"] for r in exported(tmp_path / "x.csv")} == want and result.exit_code == 0
    assert want and seen and seen[-1] == (len(want), len(want))  # the count so far, to all of them
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))


def test_an_exported_sheet_run_unchanged_sends_nothing_and_one_edited_cell_one_update(tmp_path):
    with ThreadSandbox(config(n_tickets=40)) as ts:
        env = ts.env()
        export_tickets(ExportOptions(tmp_path / "t.csv", rates=FAST), env=env)
        rows = exported(tmp_path / "t.csv")
        assert {"紧急程度", "产品线", "guest (not sent)", "as exported (not sent)"} <= set(rows[0])
        plan = plan_job(RunOptions(input=tmp_path / "t.csv", report=tmp_path / "plan.csv"), env=env)
        unchanged = run_job(RunOptions(input=tmp_path / "t.csv", rate="500/s", report=tmp_path / "r1.csv"), env=env)
        stats = ts.stats()
        assert stats["applied"] == 0 and stats["get"]["accepted"] == 0  # nothing sent, not even read
        assert {p.kind for p in plan.planned} == {"no-op"} and plan.exit_code == 0
        assert {o.result.value for o in unchanged.outcomes} == {"skipped"} and unchanged.exit_code == 0

        header = list(rows[0])
        target = rows[3]["ticket_id"]
        rows[3]["status"] = "处理中" if rows[3]["status"] != "处理中" else "待定"
        rows[7]["status"] = {"待响应": "1", "处理中": "2"}.get(rows[7]["status"], rows[7]["status"])  # the same, as a code
        write_csv(tmp_path / "t.csv", [header, *[[r[h] for h in header] for r in rows]])
        edited = run_job(RunOptions(input=tmp_path / "t.csv", rate="500/s", report=tmp_path / "r2.csv"), env=env)
        history = ts.call(lambda sb: {tid: [u.body for u in t.history] for tid, t in sb.tickets.items() if t.history})
    assert history == {target: [{"status": 2 if rows[3]["status"] == "处理中" else 4}]}  # one update, that field only
    results = [r["result"] for r in read_rows(tmp_path / "r2.csv")]
    assert results.count("ok") == 1 and results.count("skipped") == 39 and edited.exit_code == 0


def test_export_by_ids_and_from_the_command_line(tmp_path, monkeypatch):
    with ThreadSandbox(config(n_tickets=20)) as ts:
        ids = ts.call(lambda sb: list(sb.tickets))
        write_csv(tmp_path / "ids.csv", [["ticket_id"], [ids[2]], [ids[5]], ["7399999999999999999"]])
        monkeypatch.chdir(tmp_path)
        env = ts.env(FEISHU_USER_ACCESS_TOKEN="", FEISHU_REFRESH_TOKEN="")  # reading needs the app's, not a user's
        result = CliRunner(env=env).invoke(cli, ["export", "--ids", "ids.csv", "-o", "picked.xlsx"])
    assert result.exit_code == 0, result.output
    assert "Exported 2 tickets to" in result.output and "1 of the 3 ids are not in the helpdesk" in result.output
    from batch_updater.sheet.read import load

    sheet = load(tmp_path / "picked.xlsx")
    assert sorted(r.cells[0] for r in sheet.rows) == sorted([ids[2], ids[5]])


@pytest.mark.parametrize("args, words", [
    (["--status", "bogus"], "status 'bogus': not a status"),
    (["--created-since", "yesterday"], "created-since 'yesterday': not a date"),
    (["-o", "x.pdf"], "--output x.pdf: use a .xlsx, .csv or .tsv name"),
])
def test_bad_export_arguments_are_refused_before_anything_is_read(runner, args, words):
    result = runner.invoke(cli, ["export", "--sandbox", "-o", "x.csv", *args])
    assert result.exit_code == 2 and words in result.output
