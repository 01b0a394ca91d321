"""`run --select FILTERS --set FIELD=VALUE`: exactly the matched tickets, confirmed first, resumed
after kill -9 with the same tickets, undone by its undo sheet; `plan --select`; a job file's
[select] and [set]."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from click.testing import CliRunner

from batch_updater.cli import cli
from batch_updater.sandbox import SandboxConfig
from tests.run.test_jobs_e2e import wait_for
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows

FAST = [(1_000_000, 1.0)]


def helpdesk(n: int = 40) -> ThreadSandbox:
    return ThreadSandbox(SandboxConfig(n_tickets=n, rates=FAST, get_rates=FAST, list_rates=FAST, fields_rates=FAST))


def waiting_billing(ts: ThreadSandbox) -> set[str]:
    """Tickets 0-29 tagged billing; the even ones waiting for the user (5), the rest new (1)."""
    def arrange(sb):
        for i, t in enumerate(sb.tickets.values()):
            t.tags = ["billing"] if i < 30 else ["bug"]
            t.status = 5 if i % 2 == 0 else 1
        return {tid for i, tid in enumerate(sb.tickets) if i < 30 and i % 2 == 0}
    return ts.call(arrange)


def state(ts: ThreadSandbox) -> dict[str, tuple[int, list[str], int]]:
    return ts.call(lambda sb: {tid: (t.status, [c.content for c in t.comments], len(t.history))
                               for tid, t in sb.tickets.items()})


COMMAND = ["run", "--select", "status=5 tag=billing", "--set", "status=51", "--comment", "closed in bulk", "--yes",
           "--undo", "--report", "out.csv"]


def test_select_and_set_touches_exactly_the_matched_tickets_resumes_after_kill_9_and_undoes(tmp_path):
    with helpdesk() as ts:
        matched = waiting_billing(ts)
        env = {**os.environ, **ts.env(), "BATCH_UPDATER_STATE_DIR": str(tmp_path / "state")}
        command = [sys.executable, "-m", "batch_updater", *COMMAND]
        first = subprocess.Popen([*command, "--rate", "4/s"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        try:
            wait_for(lambda: ts.stats()["applied"] >= 3 or first.poll() is not None)
            first.send_signal(signal.SIGKILL)
            first.communicate(timeout=10)
        finally:
            first.kill()
        applied_before = ts.stats()["applied"]
        assert 3 <= applied_before < len(matched)

        def close_one_more(sb):  # meanwhile another ticket starts to match: the resumed run keeps its tickets
            sb.tickets[sorted(set(sb.tickets) - matched)[0]].status = 5
        ts.call(close_one_more)
        second = subprocess.run([*command, "--rate", "500/s"], cwd=tmp_path, env=env, capture_output=True, text=True,
                                timeout=120)
        after = state(ts)
        assert second.returncode == 0, second.stderr + second.stdout
        assert "Resumed the selection an earlier run left unfinished: 15 tickets" in second.stdout
        assert "rows done by an earlier run were not sent again" in second.stdout
        changed = {tid for tid, (_, _, updates) in after.items() if updates}
        assert changed == matched  # exactly those, not the one that matched later
        assert all(after[tid][0] == 51 and after[tid][1] == ["closed in bulk"] for tid in matched)
        assert ts.stats()["tickets_with_duplicate_comments"] == 0
        assert {r["result"] for r in read_rows(tmp_path / "out.csv")} == {"ok"}

        undone = CliRunner(env=env).invoke(cli, ["run", str(tmp_path / "out-undo.csv"), "--report",
                                                 str(tmp_path / "undo-report.csv")])
        restored = state(ts)
    assert undone.exit_code == 0, undone.output
    assert all(restored[tid][0] == 5 for tid in matched)


def test_it_asks_first_naming_how_many_tickets(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with helpdesk() as ts:
        matched = waiting_billing(ts)
        runner = CliRunner(env=ts.env())
        command = ["run", "--select", "status=5 tag=billing", "--set", "tag_names=closed-out", "--report", "out.csv"]
        no = runner.invoke(cli, command, input="n\n")
        applied = ts.stats()["applied"]
        yes = runner.invoke(cli, command, input="y\n")
        tags = ts.call(lambda sb: {tid: t.tags for tid, t in sb.tickets.items()})
    assert no.exit_code == 2 and applied == 0
    assert f"Selected {len(matched)} tickets (status=5 tag=billing)" in no.output
    assert f"Apply tag_names=closed-out to these {len(matched)} tickets? [y/N]" in no.output
    assert "Not confirmed: nothing was sent" in no.output
    assert yes.exit_code == 0, yes.output
    assert {tid for tid, t in tags.items() if t == ["closed-out"]} == matched


def test_plan_select_and_a_nightly_job_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "nightly.toml").write_text(
        'report_dir = "reports"\nrate = "500/s"\n\n[select]\nstatus = 5\ntag = "billing"\n\n'
        '[set]\nstatus = "closed"\n"紧急程度" = "低"\ncomment = "closed: no answer for 14 days"\n', encoding="utf-8")
    with helpdesk() as ts:
        matched = waiting_billing(ts)
        runner = CliRunner(env=ts.env())
        planned = runner.invoke(cli, ["plan", "--config", "nightly.toml"])
        applied = ts.stats()["applied"]
        done = runner.invoke(cli, ["run", "--config", "nightly.toml", "--yes"])
        after = ts.call(lambda sb: {tid: (t.status, t.customized_fields.get("6948728206392295444", {}).get("value"))
                                    for tid, t in sb.tickets.items() if t.history})
        again = runner.invoke(cli, ["run", "--config", "nightly.toml", "--yes"])  # the next night: none left
    assert planned.exit_code == 0 and applied == 0, planned.output
    assert f"Plan: {len(matched)} rows: {len(matched)} change" in planned.output
    assert done.exit_code == 0, done.output
    assert after == {tid: (51, "低") for tid in matched}
    assert again.exit_code == 0 and "No ticket matches status=5 tag=billing: nothing to do." in again.output


def test_select_mistakes_are_refused_before_anything_is_read(runner):
    bad = runner.invoke(cli, ["run", "--sandbox", "--select", "status=5", "--set", "colour=red"])
    assert bad.exit_code == 2 and "'colour' is not a ticket field nor a custom field of this helpdesk" in bad.output
    both = runner.invoke(cli, ["run", "in.csv", "--select", "status=5", "--set", "status=51"])
    assert both.exit_code == 2 and "give INPUT or --select, not both" in both.output
    alone = runner.invoke(cli, ["run", "--sandbox", "--set", "status=51"])
    assert alone.exit_code == 2 and "--set and --comment go with --select" in alone.output


def test_without_a_user_token_nothing_is_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with helpdesk() as ts:
        env = ts.env(FEISHU_USER_ACCESS_TOKEN="", FEISHU_REFRESH_TOKEN="")
        result = CliRunner(env=env).invoke(cli, ["run", "--select", "status=5", "--set", "status=51", "--yes"])
        listed = ts.stats()["list"]["accepted"]
    assert result.exit_code == 2 and "missing credentials: set FEISHU_USER_ACCESS_TOKEN" in result.output
    assert listed == 0
