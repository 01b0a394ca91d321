"""Issue 22, item 3: word when a job ends. A run with --notify sends its card to a chat and a user
through the app's bot and to a signed custom bot webhook, all played by the sandbox on 127.0.0.1
(sandbox/im.py); a failing notification (230013) leaves the exit code and the report unchanged;
no token in any card."""

from __future__ import annotations

import json
import urllib.request

from batch_updater.run.job import RunOptions, run_job
from batch_updater.sandbox import SandboxConfig
from tests.support.budget_runs import ticket_ids, write_input
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import read_rows


def _get(url: str):
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read())


def _post(url: str, body) -> None:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).close()


def _run(tmp_path, ts, notify, **env):
    ids = ticket_ids(0, 6)
    write_input(tmp_path / "job.csv", ids)
    warnings: list[str] = []
    result = run_job(RunOptions(input=tmp_path / "job.csv", rate="100/s", report=tmp_path / "out.csv",
                                notify=notify), env=ts.env(**env), on_warning=warnings.append)
    return result, warnings


def test_a_card_to_a_chat_a_user_and_a_signed_webhook(tmp_path):
    with ThreadSandbox(SandboxConfig(ticket_ids=ticket_ids(0, 6), rates=[(1000, 1.0)])) as ts:
        base = ts.env()["FEISHU_BASE_URL"]
        _post(f"{base}/_sandbox/im", {"secrets": {"hook-token": "s3cret"}})
        result, warnings = _run(tmp_path, ts, ["chat:oc_ops", "user:lead@example.com",
                                               f"webhook:{base}/open-apis/bot/v2/hook/hook-token"],
                                FEISHU_WEBHOOK_SECRET="s3cret")
        delivered = _get(f"{base}/_sandbox/messages")
        secrets = [v for k, v in ts.env().items() if k != "FEISHU_BASE_URL"]
    assert result.exit_code == 0 and warnings == []
    assert [(m["via"], m.get("receive_id_type"), m.get("receive_id")) for m in delivered] == [
        ("bot", "chat_id", "oc_ops"), ("bot", "email", "lead@example.com"), ("webhook", None, None)]
    assert delivered[2]["signed"] is True
    uuids = [m["uuid"] for m in delivered[:2]]
    assert len(set(uuids)) == 2 and all(result.job_id[:16] in u and len(u) <= 50 for u in uuids)
    for message in delivered:
        text = json.dumps(message["content"], ensure_ascii=False)
        assert "job.csv" in text and "ok 6" in text and "**Exit code**: 0" in text and str(result.report_path) in text
        assert not any(secret in text for secret in secrets)  # no token, secret or helpdesk credential
        assert "s3cret" not in text


def test_a_failing_notification_changes_neither_the_exit_code_nor_the_report(tmp_path):
    with ThreadSandbox(SandboxConfig(ticket_ids=ticket_ids(0, 6), rates=[(1000, 1.0)])) as ts:
        base = ts.env()["FEISHU_BASE_URL"]
        _post(f"{base}/_sandbox/im", {"secrets": {"hook-token": "right"}})
        result, warnings = _run(tmp_path, ts, ["user:outside@example.com", "chat:oc_ops",
                                               f"webhook:{base}/open-apis/bot/v2/hook/hook-token"],
                                FEISHU_WEBHOOK_SECRET="wrong")
        delivered = _get(f"{base}/_sandbox/messages")
    assert result.exit_code == 0 and result.summary.by_result == {"ok": 6}
    assert [r["result"] for r in read_rows(tmp_path / "out.csv")] == ["ok"] * 6
    assert len(warnings) == 2
    assert "notifying user:outside@example.com failed: 230013" in warnings[0]
    assert "notifying webhook:http://127.0.0.1:" in warnings[1] and "19021" in warnings[1]
    assert all("exit code and report are unchanged" in w and "hook-token" not in w for w in warnings)
    assert [m.get("receive_id") for m in delivered] == ["oc_ops"]  # the others still told


def test_a_bad_notify_target_is_refused_before_anything_is_sent(tmp_path, runner):
    from batch_updater.cli import cli

    write_input(tmp_path / "job.csv", ticket_ids(0, 2))
    result = runner.invoke(cli, ["run", str(tmp_path / "job.csv"), "--sandbox", "--notify", "pager:42"])
    assert result.exit_code == 2 and "--notify 'pager:42'" in result.output


def test_a_base_sources_card_names_its_link(tmp_path):
    from tests.support.links import TEXT, base_link

    ids = ticket_ids(0, 3)
    with ThreadSandbox(SandboxConfig(ticket_ids=ids, rates=[(1000, 1.0)])) as ts:
        link, _, _ = base_link(ts, [{"ticket_id": tid, "status": "2"} for tid in ids],
                               columns=[("ticket_id", TEXT), ("status", TEXT)])
        warnings: list[str] = []
        result = run_job(RunOptions(input=link, rate="100/s", report_dir=tmp_path, notify=["chat:oc_ops"]),
                         env=ts.env(), on_warning=warnings.append)
        delivered = _get(f"{ts.env()['FEISHU_BASE_URL']}/_sandbox/messages")
    assert result.exit_code == 0 and warnings == []
    text = json.dumps(delivered[0]["content"], ensure_ascii=False)
    assert f"**Source**: {link}" in text and "ok 3" in text and str(result.report_path) in text
