"""Every output name derived in one place (paths.py), each fitting in a file name's 255 bytes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from batch_updater.errors import UsageError
from batch_updater.paths import (
    NAME_MAX,
    SIBLINGS,
    atomic_path,
    fit_name,
    name_size,
    report_names,
    report_path,
    sibling_path,
    upload_name,
    write_back_path,
)
from batch_updater.sheet.report import check_report_path, check_writable

AT = datetime(2026, 1, 5, 13, 30, 0)


def test_a_name_that_fits_is_left_as_it_is():
    assert fit_name("tickets", "-results.xlsx") == "tickets-results.xlsx"
    assert report_path(Path("in/tickets.xlsx"), Path("reports"), ".xlsx", AT, "-plan") == \
        Path("reports/tickets-plan-20260105-133000.xlsx")
    assert sibling_path(Path("reports/x-1.xlsx"), "undo-comments") == Path("reports/x-1-undo-comments.xlsx")
    assert write_back_path(Path("/x/Tracking.xlsm"), "check") == Path("/x/Tracking-check.xlsm")


@pytest.mark.parametrize("stem", ["工" * 84, "工" * 80 + "abcd", "x" * 250, "é" * 126 + "工"])
def test_a_long_stem_is_cut_between_characters_marked_and_its_tail_kept(stem):
    name = fit_name(stem, "-results.xlsx")
    assert name_size(name) <= NAME_MAX and name.endswith("-results.xlsx")
    cut, mark = name[:-len("-results.xlsx")].rsplit("~", 1)
    assert stem.startswith(cut) and len(mark) == 6
    assert fit_name(stem[:-1] + "!", "-results.xlsx") != name  # two names that differ at their end stay apart


def test_a_long_inputs_report_leaves_room_for_every_file_beside_it():
    report = report_path(Path("工" * 84 + ".csv"), Path("reports"), ".xlsx", AT)
    assert report.name.endswith("-20260105-133000.xlsx")
    for tag in SIBLINGS:  # beside it with the report's whole stem: nothing cut again
        assert sibling_path(report, tag).name == f"{report.stem}-{tag}.xlsx"
        assert name_size(sibling_path(report, tag).name) <= NAME_MAX
    assert report_names(report)[-1] == sibling_path(report, "undo-comments")


def test_a_given_report_name_near_the_limit_has_its_siblings_cut_to_fit():
    report = Path("x" * 240 + ".csv")
    assert name_size(sibling_path(report, "undo-comments").name) == NAME_MAX
    assert sibling_path(report, "undo-comments").name.endswith("-undo-comments.csv")


def test_a_console_uploads_name_leaves_room_for_its_reports():
    name = upload_name("工" * 100, ".xls")
    stem = name[:-4]
    assert name_size(f"{stem}-plan-undo-comments.xlsx") <= NAME_MAX and name.endswith(".xls")


def test_a_given_report_name_too_long_is_refused_before_anything(tmp_path):
    with pytest.raises(UsageError, match="at most 255 bytes and this one has 260"):
        check_report_path(tmp_path / ("工" * 85 + ".xlsx"), tmp_path / "in.csv")


def test_the_longest_name_is_tried_in_the_reports_folder_before_sending(tmp_path, monkeypatch):
    """A file system with shorter names (eCryptfs: 143 bytes) is found before anything is sent."""
    import tempfile

    real = tempfile.mkstemp

    def short_names(prefix="", suffix="", dir=None):
        if name_size(prefix + "12345678" + suffix) > 143:
            raise OSError(36, "File name too long")
        return real(prefix=prefix, suffix=suffix, dir=dir)

    monkeypatch.setattr(tempfile, "mkstemp", short_names)
    check_writable(tmp_path / ("x" * 100 + ".csv"))
    with pytest.raises(UsageError, match=r"File name too long \(writing x+-undo-comments.csv\)"):
        check_writable(tmp_path / ("x" * 120 + ".csv"))


def test_the_temporary_file_of_a_255_byte_name_fits_too(tmp_path):
    path = tmp_path / ("工" * 83 + ".csv")
    assert name_size(path.name) == 253
    with atomic_path(path) as tmp:
        assert name_size(tmp.name) <= NAME_MAX
        tmp.write_text("x")
    assert path.read_text() == "x"
