"""The sandbox plays the API and keeps its own field list (sandbox/body.py), never the client's
registry (schema/fields.py; an import-linter contract forbids it). This checks that the two
agree: the same body fields, the same codes, and each field read back as the client reads it."""

from __future__ import annotations

from typing import Any

import pytest

from batch_updater.sandbox import SandboxConfig
from batch_updater.sandbox.body import SOLVED, STATUSES, TICKET_TYPES, UPDATE_FIELDS, body_problem
from batch_updater.sandbox.state import TicketStore
from batch_updater.schema.fields import REGISTRY, Field

ID = "6945345902185807891"
SANDBOX_CODES = {"status": STATUSES, "solved": SOLVED, "ticket_type": TICKET_TYPES}


def test_the_same_update_fields():
    assert UPDATE_FIELDS == set(REGISTRY.body_names)


@pytest.mark.parametrize("field", [f for f in REGISTRY if f.kind == "code"], ids=lambda f: f.name)
def test_the_same_codes(field: Field):
    assert SANDBOX_CODES[field.name] == set(field.labels)
    for shown in field.shown_only:  # read back, never sent: the sandbox refuses it too
        assert body_problem({field.name: shown.code}) is not None


def _sample(field: Field) -> Any:
    """A value for the field the sandbox's seeded tickets do not have."""
    if field.kind == "code":
        return max(field.labels)
    return {"int": 13, "tags": ["z", "a", "z"], "text": "x", "comment": "hello",
            "custom": [{"id": "6868000000000000001", "value": "high"}]}[field.kind]


@pytest.mark.parametrize("field", [f for f in REGISTRY if f.in_body], ids=lambda f: f.name)
def test_each_field_is_taken_and_read_back_as_the_registry_reads_it(field: Field):
    store = TicketStore(SandboxConfig(ticket_ids=[ID]))
    ticket = store.get(ID)
    value = _sample(field)
    body = {field.name: value}
    assert body_problem(body) is None
    if field.number_cell:  # the client sends a code column's number as a JSON integer
        assert body_problem({field.name: str(value)}) == f"{field.name}: not an integer"
    store.apply(ticket, body, "log-1")
    read = store.as_v2(ticket, "hd")
    assert any(key in read for key in field.read_keys), f"the sandbox shows {field.name} under none of {field.read_keys}"
    if field.scalar:
        assert field.read(read) == field.target(value)
