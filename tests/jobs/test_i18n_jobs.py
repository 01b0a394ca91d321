"""A resumed job's messages in Chinese (issue 23 item 1): a comment row a killed run left
mid-send, read back and confirmed or sent again, or left unknown without the app's credentials;
the job's lock held by another run; other files' runs on the same tickets."""

from __future__ import annotations

import os

import pytest

from batch_updater.errors import JobLocked
from batch_updater.i18n import speaking
from batch_updater.jobs.lock import job_lock
from batch_updater.jobs.resume import Elsewhere
from batch_updater.run.job import RunOptions, run_job
from batch_updater.sandbox import SandboxConfig
from tests.run.test_jobs_e2e import IDS, _crash_mid_send
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import write_csv

FAST = [(1_000_000, 1.0)]


def test_a_resumed_job_says_what_it_found_reading_back_in_chinese(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], [IDS[0], "first"], [IDS[1], "second"]])
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=FAST)) as ts:
        options = dict(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "out.csv")
        assert run_job(RunOptions(**options), env=ts.env()).exit_code == 0
        _crash_mid_send(0)  # its comment is on the ticket
        _crash_mid_send(1)
        ts.call(lambda sb: sb.tickets[IDS[1]].comments.clear())  # ...and this one never arrived
        with speaking("zh"):
            again = run_job(RunOptions(**options), env=ts.env())
        duplicates = ts.stats()["tickets_with_duplicate_comments"]
    assert [o.result.value for o in again.outcomes] == ["ok", "ok"] and duplicates == 0
    assert again.outcomes[0].msg.startswith("读回工单确认：")
    assert again.outcomes[1].msg == "读回工单后重新发送：发送之后工单上没有新的评论"


@pytest.mark.usefixtures("cli_words")
def test_a_crashed_comment_row_left_unknown_says_so_in_chinese(tmp_path):
    write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], [IDS[0], "first"]])
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=FAST)) as ts:
        env = {k: v for k, v in ts.env().items() if k not in ("FEISHU_APP_ID", "FEISHU_APP_SECRET")}
        options = dict(input=tmp_path / "in.csv", rate="500/s", report=tmp_path / "out.csv")
        run_job(RunOptions(**options), env=env)
        _crash_mid_send(0)
        with speaking("zh"):
            again = run_job(RunOptions(**options), env=env)
        applied = ts.stats()["applied"]
    assert again.outcomes[0].result.value == "unknown" and applied == 1
    assert again.outcomes[0].msg == ("上一次运行在发送这一行时中断了，它的评论可能已经发出：请检查工单，"
                                     "或加上 --retry-comments 重新运行以再次发送")


def test_a_job_locked_by_another_run_is_said_in_chinese(tmp_path):
    lock = tmp_path / "job.lock"
    with job_lock(lock), speaking("zh"), pytest.raises(JobLocked) as locked, job_lock(lock, wait=0):
        pass
    assert str(locked.value) == f"这个任务的另一次运行正在进行（进程号 {os.getpid()}）；锁文件 {lock}"


def test_other_files_runs_on_the_same_tickets_are_said_in_chinese():
    others = Elsewhere(touched={IDS[0]: "2026-12-01 10:00:00", IDS[1]: ""}, latest_input="/x/earlier.csv")
    with speaking("zh"):
        one, two = others.warning(comments_held_back=1), others.warning(comments_held_back=2)
    assert one == ("其他文件之前的运行已经向这个服务台发送过其中 2 个工单的更新（最近一次：earlier.csv，"
                   "2026-12-01 10:00:00）；只有同一个文件的行才会被认作已完成。这里有 1 行要发的评论已经（或可能已经）"
                   "发在同一个工单上：不再发送（retry_comments 会发送它们）")
    assert two.endswith("这里有 2 行要发的评论已经（或可能已经）发在同一个工单上：不再发送（retry_comments 会发送它们）")
