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


def test_an_existing_file_is_not_overwritten_unless_asked(tmp_path, monkeypatch):
    """Trial 20-21 #5: `export -o edited.xlsx` from the shell's history wrote over an hour's edits."""
    with ThreadSandbox(config(n_tickets=5)) as ts:
        monkeypatch.chdir(tmp_path)
        env = ts.env()
        (tmp_path / "edited.csv").write_text("ticket_id,status\n1,my edits\n", encoding="utf-8")
        refused = CliRunner(env=env).invoke(cli, ["export", "-o", "edited.csv"])
        kept = (tmp_path / "edited.csv").read_text(encoding="utf-8")
        replaced = CliRunner(env=env).invoke(cli, ["export", "-o", "edited.csv", "--overwrite"])
    assert refused.exit_code == 2 and kept == "ticket_id,status\n1,my edits\n", refused.output
    assert "edited.csv: the file exists (an export you edited?): give another name, or run with --overwrite" \
        in refused.output
    assert replaced.exit_code == 0 and len(exported(tmp_path / "edited.csv")) == 5, replaced.output


def test_an_export_without_its_as_exported_column_is_refused_before_undoing_agents_changes(tmp_path):
    """Trial 20-21 #4: the `as exported (not sent)` column deleted (it looks like clutter), every
    cell was sent, putting back a status an agent changed since the export; nothing warned."""
    with ThreadSandbox(config(n_tickets=5)) as ts:
        env = ts.env()
        export_tickets(ExportOptions(tmp_path / "t.csv", rates=FAST), env=env)
        rows = exported(tmp_path / "t.csv")
        header = [h for h in rows[0] if h != "as exported (not sent)"]
        write_csv(tmp_path / "t.csv", [header, *[[r[h] for h in header] for r in rows]])
        target = rows[0]["ticket_id"]
        ts.call(lambda sb: setattr(sb.tickets[target], "status", 3 if sb.tickets[target].status != 3 else 4))
        with pytest.raises(Exception) as refused:
            run_job(RunOptions(input=tmp_path / "t.csv", rate="500/s", report=tmp_path / "r.csv"), env=env)
        applied = ts.stats()["applied"]
    assert applied == 0
    assert getattr(refused.value, "exit_code", None) == 2
    assert ("has an export's (not sent) columns but not its `as exported (not sent)` column: every cell would be "
            "sent, putting back what agents changed since the export") in str(refused.value)


def test_updated_before_takes_the_tickets_never_updated_since_they_were_created(tmp_path):
    """Trial 20-21 #11: "not touched since November" left out the tickets never updated at all
    (updated_at -1): a ticket never updated was last changed when it was created."""
    from batch_updater.helpdesk.filters import Filters

    with ThreadSandbox(config(n_tickets=6)) as ts:
        ids = ts.call(lambda sb: list(sb.tickets))

        def arrange(sb):
            for i, tid in enumerate(ids):  # created at 1,000,000 + i s; updated later, or never (-1)
                t = sb.tickets[tid]
                t.created_at, t.updated_at = 1_000_000 + i * 1000, (-1 if i % 2 else 2_000_000 + i * 1000)
        ts.call(arrange)
        before = export_tickets(ExportOptions(tmp_path / "b.csv", Filters(updated_before=2_003_500), rates=FAST),
                                env=ts.env())
        since = export_tickets(ExportOptions(tmp_path / "s.csv", Filters(updated_since=1_500_000), rates=FAST),
                               env=ts.env())
    assert {r["ticket_id"] for r in exported(tmp_path / "b.csv")} == {ids[0], ids[2], ids[1], ids[3], ids[5]}
    assert {r["ticket_id"] for r in exported(tmp_path / "s.csv")} == {ids[0], ids[2], ids[4]}  # never updated: not since
    assert before.exit_code == since.exit_code == 0


def test_ids_that_are_no_ticket_id_are_refused_naming_their_rows(tmp_path, monkeypatch):
    """Trial 20-21 #12: an id Excel turned into 6.94534590218581E+18 was left out without a word (and
    1234 was said to be "not in the helpdesk")."""
    with ThreadSandbox(config(n_tickets=5)) as ts:
        ids = ts.call(lambda sb: list(sb.tickets))
        write_csv(tmp_path / "ids.csv", [["ticket_id"], [ids[0]], ["6.94534590218581E+18"], ["1234"], [ids[0]], [""]])
        monkeypatch.chdir(tmp_path)
        result = CliRunner(env=ts.env()).invoke(cli, ["export", "--ids", "ids.csv", "-o", "picked.csv"])
        listed = ts.stats()["list"]["accepted"]
    assert result.exit_code == 2, result.output
    assert "--ids ids.csv: row 3 ('6.94534590218581E+18'): " in result.output
    assert "lost its last digits" in result.output and "not sent" not in result.output
    assert "row 4 ('1234'): a ticket id has 16 to 19 digits" in result.output
    assert listed == 0 and not (tmp_path / "picked.csv").exists()


def test_a_cell_emptied_since_the_export_is_said_not_to_clear_its_field(tmp_path):
    """Trial 20-21 #14: deleting 客户编号 in an export was a silent no-op."""
    with ThreadSandbox(config(n_tickets=3)) as ts:
        env = ts.env()
        ts.call(lambda sb: [t.customized_fields.update({"6948728206392295447": {"value": "C-22865", "key_name": "c"}})
                            for t in sb.tickets.values()])
        export_tickets(ExportOptions(tmp_path / "t.csv", rates=FAST), env=env)
        rows = exported(tmp_path / "t.csv")
        rows[1]["客户编号"] = ""
        header = list(rows[0])
        write_csv(tmp_path / "t.csv", [header, *[[r[h] for h in header] for r in rows]])
        warnings: list[str] = []
        plan = plan_job(RunOptions(input=tmp_path / "t.csv", report=tmp_path / "plan.csv"), env=env,
                        on_warning=warnings.append)
    assert {p.kind for p in plan.planned} == {"no-op"}
    assert any(w.startswith("1 cell emptied since the export (row 3 客户编号) is not sent: an empty cell leaves")
               for w in warnings), warnings
