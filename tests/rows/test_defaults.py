"""Defaults for empty fields (a job file's [defaults])."""

import pytest

from batch_updater.errors import UsageError
from batch_updater.model import Row
from batch_updater.rows.validate import RowValidator, parse_defaults
from batch_updater.schema.columns import resolve_columns


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
