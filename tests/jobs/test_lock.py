"""A job's identity and its lock."""

import os
import subprocess
import sys

import pytest

from batch_updater.errors import JobLocked
from batch_updater.jobs.lock import job_id, job_lock
from batch_updater.paths import state_dir


def test_job_id_depends_on_its_identity_only():
    a = job_id({"input": "/x/a.csv", "api": "https://h"})
    assert a == job_id({"api": "https://h", "input": "/x/a.csv"})
    assert a != job_id({"input": "/x/b.csv", "api": "https://h"})


def test_state_dir_rules(tmp_path, monkeypatch):
    assert state_dir({"BATCH_UPDATER_STATE_DIR": str(tmp_path)}) == tmp_path
    monkeypatch.delenv("BATCH_UPDATER_STATE_DIR")
    assert state_dir({"XDG_STATE_HOME": str(tmp_path)}) == tmp_path / "batch-updater"


def test_a_second_holder_is_refused_with_the_first_ones_pid(tmp_path):
    lock = tmp_path / "job.lock"
    with subprocess.Popen([sys.executable, "-c", (
            "import sys; from pathlib import Path; from batch_updater.jobs.lock import job_lock\n"
            f"with job_lock(Path({str(lock)!r})):\n    print('held', flush=True); sys.stdin.read()")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as holder:
        try:
            assert holder.stdout.readline().strip() == "held"
            with pytest.raises(JobLocked, match=f"pid {holder.pid}"), job_lock(lock):
                pass
        finally:
            holder.kill()
    with job_lock(lock):  # a killed holder's lock is free again
        assert lock.read_text().strip() == str(os.getpid())


def test_another_job_looking_whether_this_one_runs_never_keeps_it_from_starting(tmp_path):
    """jobs/stale.py takes a job's lock for an instant to see whether it runs: a start at that
    instant was refused with exit 75 (a fresh review: 2,214 of 29,237 starts). It now waits for
    the look to end."""
    import threading

    from batch_updater.jobs.stale import _locked

    lock = tmp_path / "job.lock"
    lock.touch()
    looking = threading.Event()
    done = threading.Event()

    def look() -> None:
        while not done.is_set():
            _locked(lock)
            looking.set()

    thread = threading.Thread(target=look)
    thread.start()
    try:
        looking.wait(5)
        for _ in range(300):
            with job_lock(lock):
                pass
    finally:
        done.set()
        thread.join()
