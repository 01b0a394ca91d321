"""Only the front ends name their own controls: the library says which option (`rate`), the
command line says `--rate`, run_frame says `rate=` (issue 19)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import batch_updater
from batch_updater import RunOptions, UsageError, run_frame, run_job
from batch_updater.cli import cli
from batch_updater.errors import EncodingUnclear, InputError, ReportPlaceError
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


BIG5 = "ticket_id,comment\r\n6945345902185807891,客戶反饋登錄失敗，已重置密碼並通知用戶\r\n".encode("big5")


def test_an_unclear_encoding_names_the_option_and_carries_the_facts(tmp_path):
    (tmp_path / "in.csv").write_bytes(BIG5)
    with pytest.raises(EncodingUnclear) as raised:
        run_job(RunOptions(input=tmp_path / "in.csv", dry_run=True))
    e = raised.value
    assert "cannot tell the file's encoding" in str(e) and "pass encoding=NAME (e.g. utf-8" in str(e)
    assert "--" not in str(e)
    assert isinstance(e, InputError) and e.exit_code == 2 and (e.option, e.value) == ("encoding", None)
    assert e.lines == (2,) and "big5" in e.candidates and "utf-8" not in e.candidates


def test_the_command_line_names_the_encoding_flag(tmp_path):
    (tmp_path / "in.csv").write_bytes(BIG5)
    result = CliRunner().invoke(cli, ["run", str(tmp_path / "in.csv"), "--dry-run"])
    assert result.exit_code == 2 and "pass --encoding NAME (e.g. utf-8, gb18030, cp1252, big5)" in result.output


def test_a_report_s_place_is_a_typed_error_with_its_path(tmp_path):
    (tmp_path / "in.csv").write_text("ticket_id,status\n6945345902185807891,2\n")
    with pytest.raises(ReportPlaceError) as raised:
        run_job(RunOptions(input=tmp_path / "in.csv", dry_run=True, report=tmp_path / "out.pdf"))
    assert raised.value.path == tmp_path / "out.pdf" and raised.value.option == "report"
    assert str(raised.value).startswith(f"report {tmp_path / 'out.pdf'}: use a .xlsx")


FRONT_ENDS = ("cli.py", "cli_print.py", "cli_helpdesk.py", "console/", "sandbox/cli.py", "naming.py")  # they name their own controls, flags among them
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")


def _flags_in_strings(path: Path) -> list[tuple[int, str]]:
    """(line, flag) of each `--flag` in a string of `path`'s code that is not a docstring."""
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, found.group()) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            for found in [FLAG.search(node.value)] if found]


def test_no_library_module_spells_a_command_line_flag():
    """A message (raised, warned, a row's msg) names an option through naming.option / advice, so
    each front end names it its way; only the front ends spell flags. Comments and docstrings may."""
    package = Path(batch_updater.__file__).parent
    found = {f"{path.relative_to(package)}:{line}": flag for path in sorted(package.rglob("*.py"))
             if not str(path.relative_to(package)).startswith(FRONT_ENDS) for line, flag in _flags_in_strings(path)}
    assert found == {}


def test_the_scan_finds_a_flag_in_a_message_and_not_in_a_docstring(tmp_path):
    (tmp_path / "m.py").write_text('"""Use --rate."""\n\ndef f():\n    """--fresh here is fine."""\n'
                                   '    # --encoding: a comment\n    raise ValueError(f"{1} rerun with --retry-comments")\n')
    assert _flags_in_strings(tmp_path / "m.py") == [(6, "--retry-comments")]
