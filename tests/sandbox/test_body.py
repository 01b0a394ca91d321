from __future__ import annotations

from typing import Any

import pytest

from batch_updater.sandbox.body import body_problem, parse_body

VALID: list[dict[str, Any]] = [
    {"status": 51},
    {"status": 1, "tag_names": ["abc"], "comment": "good",
     "customized_fields": [{"id": "123", "value": "value", "key_name": "key"}],
     "ticket_type": 1, "solved": 1, "channel": 1},  # the doc's example
    {"tag_names": []},
    {"customized_fields": [{"id": "1", "value": ""}]},
    {"solved": 2},
    {"channel": 9},
    {"comment": "多语言 ✓"},
]

INVALID: list[Any] = [
    {},
    {"status": 52},  # 52 is only ever read, never written
    {"status": 6}, {"status": "1"}, {"status": 1.0}, {"status": True}, {"status": None},
    {"solved": 0}, {"solved": 3}, {"solved": False},
    {"ticket_type": 3}, {"ticket_type": 1.5},
    {"channel": -1}, {"channel": "9"}, {"channel": True},
    {"comment": ""}, {"comment": 5}, {"comment": None},
    {"tag_names": "abc"}, {"tag_names": ["a", 1]}, {"tag_names": [""]}, {"tag_names": [None]},
    {"customized_fields": {"id": "1", "value": "v"}},
    {"customized_fields": ["x"]},
    {"customized_fields": [{"id": 1, "value": "v"}]},
    {"customized_fields": [{"id": "1"}]},
    {"customized_fields": [{"id": "1", "value": 2}]},
    {"customized_fields": [{"id": "1", "value": "v", "key_name": 3}]},
    {"customized_fields": [{"id": "1", "value": "v", "display_name": "x"}]},
    {"customized_fields": [{"id": "1", "value": None}]},
    {"status": 1, "solve": 2},  # the get field's name, not the update's
    {"status": 1, "tags": []},
]


@pytest.mark.parametrize("body", VALID)
def test_valid_bodies(body: dict[str, Any]) -> None:
    assert body_problem(body) is None


@pytest.mark.parametrize("body", INVALID)
def test_invalid_bodies(body: dict[str, Any]) -> None:
    assert body_problem(body) is not None


@pytest.mark.parametrize("raw", [b"", b"[]", b"null", b"{", b'{"status": NaN}', b"\xff\xfe"])
def test_not_a_json_object(raw: bytes) -> None:
    assert parse_body(raw) [0] is None
