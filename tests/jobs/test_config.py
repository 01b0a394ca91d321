"""Job files."""

import pytest

from batch_updater.errors import UsageError
from batch_updater.jobs.config import credential_env, load_config


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


def test_a_rate_written_as_a_number_is_per_second_as_on_the_command_line(tmp_path):
    """Trial F7.5: `rate = 20` was refused ("rate: Input should be a valid string")."""
    from batch_updater.jobs.config import options_from
    from batch_updater.send.pacing import parse_rate

    config = load_config(write(tmp_path, 'input = "in.csv"\nrate = 20\n'))
    assert config.rate == "20" and parse_rate(options_from(config).rate).per_second == 20
    assert load_config(write(tmp_path, "rate = 2.5\n")).rate == "2.5"
