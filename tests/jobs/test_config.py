"""Job files."""

from dataclasses import MISSING, fields

import pytest

from batch_updater.errors import UsageError
from batch_updater.jobs.config import RUN_KEYS, JobConfig, credential_env, load_config, options_from
from batch_updater.jobs.options import COMMAND_LINE_ONLY, RunOptions


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


def test_a_job_files_run_keys_are_run_options_fields():
    """RUN_KEYS are RunOptions' fields, but one run's own choices (--dry-run, --fresh...), and
    JobConfig declares each of them, taking RunOptions' default, and nothing else but the log and
    credential settings: an option added to one of the two and not the other fails here."""
    options = {f.name: f for f in fields(RunOptions)}
    assert set(RUN_KEYS) | set(COMMAND_LINE_ONLY) == set(options) and not set(RUN_KEYS) & set(COMMAND_LINE_ONLY)
    assert set(JobConfig.model_fields) == set(RUN_KEYS) | {"log_format", "log_file", "credentials", "select", "sets"}
    for key in RUN_KEYS:
        field = options[key]
        default = field.default_factory() if field.default_factory is not MISSING else field.default
        if default is not MISSING:
            config = JobConfig.model_validate({key: default})
            assert getattr(options_from(config, input="in.csv"), key) == default


def test_a_job_files_keys_reach_the_run(tmp_path):
    config = load_config(write(tmp_path, 'input = "in.csv"\nrate = "5/s"\nconcurrency = 3\nmax_attempts = 2\n'
                                         'timeout = 9.5\nretry_comments = true\nwrite_back = true\nheader_row = 2\n'))
    options = options_from(config)
    assert (options.rate, options.concurrency, options.max_attempts, options.timeout) == ("5/s", 3, 2, 9.5)
    assert options.retry_comments and options.write_back and options.header_row == 2
    assert options.input == tmp_path / "in.csv"


def test_a_rate_written_as_a_number_is_per_second_as_on_the_command_line(tmp_path):
    """Trial F7.5: `rate = 20` was refused ("rate: Input should be a valid string")."""
    from batch_updater.jobs.config import options_from
    from batch_updater.send.pacing import parse_rate

    config = load_config(write(tmp_path, 'input = "in.csv"\nrate = 20\n'))
    assert config.rate == "20" and parse_rate(options_from(config).rate).per_second == 20
    assert load_config(write(tmp_path, "rate = 2.5\n")).rate == "2.5"
