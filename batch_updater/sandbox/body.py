"""The PUT body, checked the way the update doc types it (docs/api-facts.md, docs/helpdesk-ticket-update.zh.md).

Where the doc is silent the check is the stricter one (harder on the client):
unknown fields, an empty comment, an empty tag name, a customized field
without `id` or `value`, and floats or booleans for integers are all refused.
"""

from __future__ import annotations

import json
from typing import Any

UPDATE_FIELDS = frozenset(
    {"status", "tag_names", "comment", "customized_fields", "ticket_type", "solved", "channel"})
STATUSES = frozenset({1, 2, 3, 4, 5, 50, 51})  # the update doc's list: no 52
SOLVED = frozenset({1, 2})
TICKET_TYPES = frozenset({1, 2})  # 1 bot, 2 human (the get doc's meaning)
_FIELD_KEYS = frozenset({"id", "value", "key_name"})


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_body(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """Raw bytes -> (the object, None) or (None, why it is not a JSON object)."""
    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError) as exc:
        return None, f"not JSON: {exc}"
    if not isinstance(body, dict):
        return None, "the body is not a JSON object"
    return body, None


def body_problem(body: dict[str, Any]) -> str | None:
    """None if `body` is a valid update, else the first reason it is not."""
    unknown = sorted(set(body) - UPDATE_FIELDS)
    if unknown:
        return f"unknown fields: {', '.join(unknown)}"
    if not body:
        return "at least one field is required"
    for name, value in body.items():
        problem = _field_problem(name, value)
        if problem:
            return f"{name}: {problem}"
    return None


def _field_problem(name: str, value: Any) -> str | None:
    if value is None:
        return "null"
    if name in ("status", "solved", "ticket_type", "channel") and not _is_int(value):
        return "not an integer"
    if name == "status" and value not in STATUSES:
        return f"{value} is not one of {sorted(STATUSES)}"
    if name == "solved" and value not in SOLVED:
        return "must be 1 or 2"
    if name == "ticket_type" and value not in TICKET_TYPES:
        return "must be 1 or 2"
    if name == "channel" and value < 0:
        return "negative"
    if name == "comment" and (not isinstance(value, str) or not value):
        return "not a non-empty string"
    if name == "tag_names":
        if not isinstance(value, list) or not all(isinstance(t, str) and t for t in value):
            return "not a list of non-empty strings"
    if name == "customized_fields":
        if not isinstance(value, list):
            return "not a list"
        for item in value:
            problem = _custom_field_problem(item)
            if problem:
                return problem
    return None


def _custom_field_problem(item: Any) -> str | None:
    if not isinstance(item, dict):
        return "an item is not an object"
    if set(item) - _FIELD_KEYS:
        return f"unknown keys {sorted(set(item) - _FIELD_KEYS)}"
    if not isinstance(item.get("id"), str) or not item["id"]:
        return "an item has no string id"
    if not isinstance(item.get("value"), str):
        return "an item has no string value"
    if "key_name" in item and not isinstance(item["key_name"], str):
        return "key_name is not a string"
    return None
