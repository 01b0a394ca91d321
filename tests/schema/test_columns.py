"""Header renames (a job file's [columns])."""

import pytest

from batch_updater.errors import UsageError
from batch_updater.schema.columns import check_renames, resolve_columns


@pytest.mark.usefixtures("cli_words")
def test_renames_map_their_headers_onto_ours():
    columns = resolve_columns(["Ticket Number", "New State", "x"], {"ticket number": "ticket_id",
                                                                    "New State": "status", "Gone": "comment"})
    assert columns.roles == ("ticket_id", "status", None)
    assert "columns named in the job file but not in the sheet: gone" in columns.warnings


def test_rename_targets_must_be_fields():
    with pytest.raises(UsageError, match="columns.Foo: 'stat' is not a field"):
        check_renames({"Foo": "stat"})
