"""sources/cells.py: a Base cell and a sheet value as text (docs/api-facts.md §9.5, §9.7), and the
numbers that cannot be used (a ticket id in a Number field or a number cell)."""

from __future__ import annotations

from datetime import datetime

import pytest

from batch_updater.schema.columns import resolve_columns
from batch_updater.sources.cells import BASE_ID_NUMBER, LOST_DIGITS, base_cell, number_problems, sheet_cell


@pytest.mark.parametrize("value, kind, text", [
    ([{"type": "text", "text": "Moved "}, {"type": "mention", "text": "@Li"}], 1, "Moved @Li"),
    (2.0, 2, "2"),
    (1.5, 2, "1.5"),
    ("处理中", 3, "处理中"),
    (["a", "b"], 4, "a,b"),
    (True, 7, "true"),
    ([{"id": "ou_1", "name": "Li Wei"}, {"id": "ou_2", "name": "Wang"}], 11, "Li Wei,Wang"),
    ({"text": "site", "link": "https://x"}, 15, "site"),
    ({"type": 1, "value": [{"type": "text", "text": "looked up"}]}, 19, "looked up"),
    ({"type": 2, "value": [51]}, 20, "51"),
    (None, 1, ""),
])
def test_base_cells_as_text(value, kind, text):
    assert base_cell(value, kind)[0] == text


def test_a_base_date_is_a_local_date():
    ms = int(datetime(2024, 1, 5).timestamp() * 1000)
    assert base_cell(ms, 5) == ("2024-01-05", None)
    assert base_cell(ms + 13 * 3600_000 + 1800_000, 5)[0] == "2024-01-05 13:30:00"


def test_sheet_values_as_text():
    assert sheet_cell("6945345902185807891") == ("6945345902185807891", None)
    assert sheet_cell(6.945345902185808e18) == ("6.945345902185808e+18", 6.945345902185808e18)
    assert sheet_cell(2.0) == ("2", 2.0) and sheet_cell(None) == ("", None)
    assert sheet_cell([{"type": "text", "text": "a"}, {"type": "url", "text": "b", "link": "x"}])[0] == "ab"


def test_a_number_in_the_id_column_is_refused_and_a_long_one_in_a_text_column():
    columns = resolve_columns(["ticket_id", "status", "comment"])
    assert number_problems(columns, {0: 6.945345902185808e18, 1: 51.0}, BASE_ID_NUMBER) == ((0, BASE_ID_NUMBER),)
    assert number_problems(columns, {2: 6.945345902185808e18}, BASE_ID_NUMBER) == ((2, LOST_DIGITS),)
    assert number_problems(columns, {2: 12.0}, BASE_ID_NUMBER) == ()
