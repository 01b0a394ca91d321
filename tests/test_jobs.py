import json
import logging
import os
import subprocess
import sys

import pytest

from batch_updater.sheet.columns import check_renames, resolve_columns
from batch_updater.jobs.config import credential_env, load_config
from batch_updater.errors import JobLocked, UsageError
from batch_updater.jobs.lock import job_id, job_lock
from batch_updater.paths import state_dir
from batch_updater.jobs.journal import Journal
from batch_updater.logs import close_logging, event, setup_logging
from batch_updater.model import Outcome, Result, Row
from batch_updater.rows.validate import RowValidator, parse_defaults


# --- journal ------------------------------------------------------------------------

def test_journal_records_sending_then_done_and_survives_reopening(tmp_path):
    journal = Journal(tmp_path / "j.sqlite")
    journal.sending("a.0", 2, "111", False, 1000)
    journal.sending("b.0", 3, "222", True, 1000)
    journal.done("a.0", Outcome(Result.OK, 200, 0, "success", "L1", 1, "t"), final=True)
    journal.sending("b.0", 5, "222", True, 2000)  # sent again by a later run, from another row
    journal.close()
    reopened = Journal(tmp_path / "j.sqlite")
    entries = reopened.entries()
    reopened.close()
    assert entries["a.0"].state == "done" and entries["a.0"].final and entries["a.0"].outcome.log_id == "L1"
    assert entries["b.0"].state == "sending" and entries["b.0"].has_comment and entries["b.0"].outcome is None
    assert entries["b.0"].row == 5 and entries["b.0"].sent_after == 1000  # the first run that sent it


def test_journal_meta(tmp_path):
    journal = Journal(tmp_path / "j.sqlite")
    journal.set_meta("input", "a.csv")
    assert journal.get_meta("input") == "a.csv" and journal.get_meta("nope") is None
    journal.close()


# --- identity and lock ----------------------------------------------------------------

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


# --- job files --------------------------------------------------------------------------

def write(tmp_path, text):
    path = tmp_path / "job.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_job_file_paths_are_relative_to_it(tmp_path):
    config = load_config(write(tmp_path, 'input = "in.xlsx"\nsheet = 2\nrate = "600/min"\n'
                                         '[columns]\n"Ticket Number" = "ticket_id"\n[defaults]\nstatus = 51\n'))
    assert config.input == tmp_path / "in.xlsx" and config.sheet == "2" and config.rate == "600/min"
    assert config.columns == {"Ticket Number": "ticket_id"} and config.defaults == {"status": 51}


@pytest.mark.parametrize("text, message", [
    ('rate = "auto"\nconcurency = 3\n', "concurency: not a known key"),
    ("concurrency = 0\n", "concurrency: Input should be greater than or equal to 1"),
    ("input = [\n", "not valid TOML"),
    ('[credentials]\nhelpdesk_token = "s3cr3t-value!"\n', "credentials.helpdesk_token: must be the NAME"),
    ('log_format = "xml"\n', "log_format"),
])
def test_bad_job_files_name_the_key(tmp_path, text, message):
    with pytest.raises(UsageError, match=message) as e:
        load_config(write(tmp_path, text))
    assert "s3cr3t" not in str(e.value)


def test_missing_job_file(tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        load_config(tmp_path / "none.toml")


def test_credentials_are_read_from_the_named_variables(tmp_path):
    config = load_config(write(tmp_path, '[credentials]\nuser_access_token = "ACME_TOKEN"\n'))
    env = credential_env(config, {"ACME_TOKEN": "u-1", "FEISHU_USER_ACCESS_TOKEN": "other", "FEISHU_HELPDESK_ID": "h"})
    assert env["FEISHU_USER_ACCESS_TOKEN"] == "u-1" and env["FEISHU_HELPDESK_ID"] == "h"


# --- renames and defaults ------------------------------------------------------------------

def test_renames_map_their_headers_onto_ours():
    columns = resolve_columns(["Ticket Number", "New State", "x"], {"ticket number": "ticket_id",
                                                                    "New State": "status", "Gone": "comment"})
    assert columns.roles == ("ticket_id", "status", None)
    assert "columns named in the job file but not in the sheet: gone" in columns.warnings


def test_rename_targets_must_be_fields():
    with pytest.raises(UsageError, match="columns.Foo: 'stat' is not a field"):
        check_renames({"Foo": "stat"})


def test_defaults_fill_empty_fields_and_make_id_only_rows_valid():
    defaults = parse_defaults({"status": "closed", "tag_names": "migrated"})
    validate = RowValidator(resolve_columns(["ticket_id", "status"]), defaults)
    assert validate(Row(2, ("6945345902185807891", ""))).body == {"status": 51, "tag_names": ["migrated"]}
    assert validate(Row(3, ("6945345902185807891", "2"))).body == {"status": 2, "tag_names": ["migrated"]}


@pytest.mark.parametrize("defaults, message", [({"status": "done"}, "defaults.status 'done': not a status"),
                                               ({"ticket_id": "1"}, "defaults.ticket_id: not a field")])
def test_bad_defaults(defaults, message):
    with pytest.raises(UsageError, match=message):
        parse_defaults(defaults)


# --- logs ------------------------------------------------------------------------------------

def test_json_logs_one_object_per_event_and_no_secret(tmp_path):
    path = tmp_path / "run.log"
    handler = setup_logging("json", path, secrets=["u-very-secret-token"])
    try:
        event("row_failed", "row 3 failed", level=logging.WARNING, row=3, code=154004)
        event("oops", "leaked u-very-secret-token by mistake", detail="u-very-secret-token")
    finally:
        close_logging(handler)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0]["event"] == "row_failed" and lines[0]["row"] == 3 and lines[0]["level"] == "warning"
    assert "u-very-secret-token" not in path.read_text()


# --- resume planning ---------------------------------------------------------------------------

def test_plan_resume_skips_done_rows_and_guards_crashed_comment_rows():
    from batch_updater.jobs.journal import Entry
    from batch_updater.model import TicketUpdate
    from batch_updater.jobs.resume import plan_resume

    specs = [(0, TicketUpdate(2, "1", {"status": 2})), (1, TicketUpdate(3, "2", {"comment": "c"})),
             (2, TicketUpdate(4, "3", {"comment": "d"})), (3, TicketUpdate(5, "4", {"status": 2})),
             (4, TicketUpdate(6, "5", {"comment": "e"}))]
    keys = {i: f"k{i}" for i, _ in specs}
    entries = {
        "k0": Entry("k0", 2, "1", False, "done", True, Outcome(Result.OK)),
        "k1": Entry("k1", 3, "2", True, "sending", False, None, 1000),
        "k2": Entry("k2", 4, "3", True, "done", True, Outcome(Result.UNKNOWN, msg="timeout")),
        "k3": Entry("k3", 5, "4", False, "done", False, Outcome(Result.FAILED, 500, 155000)),
    }
    plan = plan_resume(specs, keys, entries, retry_comments=False)
    assert list(plan.earlier) == [0, 2] and list(plan.crashed) == [1]
    assert [i for i, _ in plan.to_send] == [3, 4] and plan.sent_after == {1: 1000}
    accepted = plan_resume(specs, keys, entries, retry_comments=True)  # the user accepts the risk
    assert list(accepted.earlier) == [0] and [i for i, _ in accepted.to_send] == [1, 2, 3, 4]
