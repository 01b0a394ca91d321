"""Logs a scheduler can read."""

import json
import logging

from batch_updater.logs import close_logging, event, setup_logging


def test_json_logs_one_object_per_event_and_no_secret(tmp_path):
    path = tmp_path / "run.log"
    handler = setup_logging("json", path, secrets=["u-very-secret-token"])
    try:
        event("row_failed", "row 3 failed", level=logging.WARNING, row=3, code=154004)
        event("oops", "leaked u-very-secret-token by mistake", detail="u-very-secret-token")
    finally:
        close_logging(handler)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0]["event"] == "row_failed" and lines[0]["row"] == 3 and lines[0]["level"] == "warning"
    assert "u-very-secret-token" not in path.read_text()
