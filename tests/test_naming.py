"""Only the front ends name their own controls: the library says which option (`rate`), the
command line says `--rate`, run_frame says `rate=` (issue 19)."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from batch_updater import RunOptions, UsageError, run_frame, run_job
from batch_updater.cli import cli
from batch_updater.naming import cli_flag, naming, option


def test_a_library_call_names_the_option_as_run_options_does(tmp_path):
    (tmp_path / "in.csv").write_text("ticket_id,status\n6945345902185807891,2\n")
    with pytest.raises(UsageError) as raised:
        run_job(RunOptions(input=tmp_path / "in.csv", concurrency=0, dry_run=True))
    assert str(raised.value) == "concurrency must be from 1 to 512"
    assert (raised.value.option, raised.value.value) == ("concurrency", 0)


def test_run_frame_names_its_keyword():
    frame = pd.DataFrame({"ticket_id": ["6945345902185807891"], "status": ["2"]})
    with pytest.raises(UsageError) as raised:
        run_frame(frame, rate="fast", dry_run=True)
    assert str(raised.value).startswith("rate= 'fast': use auto, N/s or N/min") and "--" not in str(raised.value)
    assert raised.value.option == "rate"


def test_the_command_line_names_its_flag(tmp_path):
    (tmp_path / "in.csv").write_text("ticket_id,status\n6945345902185807891,2\n")
    result = CliRunner().invoke(cli, ["run", str(tmp_path / "in.csv"), "--dry-run", "--rate", "fast"])
    assert result.exit_code == 2
    assert "error: --rate 'fast': use auto, N/s or N/min" in result.output


def test_a_namer_holds_only_inside_its_block():
    with naming(cli_flag):
        assert option("retry_comments") == "--retry-comments"
    assert option("retry_comments") == "retry_comments"
