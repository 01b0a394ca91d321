"""Logs a scheduler can read: one JSON object per event, or plain lines for people.

Events are ordinary `logging` records on the "batch_updater" logger with an
`event` name and fields in `extra`. No token, secret or Authorization header
is ever passed to a log call; `scrub` is a last guard for the known secrets.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from batch_updater.paths import private_file

LOGGER = "batch_updater"
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

log = logging.getLogger(LOGGER)
log.addHandler(logging.NullHandler())  # events go only where setup_logging sends them


def event(name: str, message: str, level: int = logging.INFO, **fields: Any) -> None:
    log.log(level, message, extra={"event": name, **fields})


def warn(text: str, on_warning: Callable[[str], None] | None = None, **fields: Any) -> None:
    """A warning for the user: a `warning` event in the logs, and a line through `on_warning`."""
    event("warning", text, level=logging.WARNING, **fields)
    if on_warning is not None:
        on_warning(text)


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


class Scrubber(logging.Filter):
    """Replaces any known secret that reached a record anyway."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            text = record.getMessage()
            for secret in self.secrets:
                text = text.replace(secret, "***")
            record.msg, record.args = text, None
            for key, value in _fields(record).items():
                if isinstance(value, str):
                    for secret in self.secrets:
                        value = value.replace(secret, "***")
                    setattr(record, key, value)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": getattr(record, "event", "message"),
            "message": record.getMessage(),
        }
        data.update({k: v for k, v in _fields(record).items() if k != "event"})
        return json.dumps(data, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created).astimezone().strftime("%Y-%m-%d %H:%M:%S")
        return f"{stamp} {record.levelname.lower():7} {record.getMessage()}"


def setup_logging(fmt: str = "text", file: Path | None = None, stream: TextIO | None = None,
                  secrets: Iterable[str] = ()) -> logging.Handler | None:
    """Send the tool's events to `file` (or `stream`) in `fmt`; returns the handler to remove later."""
    if file is None and stream is None:
        return None
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        if not file.exists():  # a new log is the user's alone: it names tickets and their changes
            private_file(file)
        handler: logging.Handler = logging.FileHandler(file, encoding="utf-8")
    else:
        handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(Scrubber(secrets))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    return handler


def close_logging(handler: logging.Handler | None) -> None:
    if handler is not None:
        log.removeHandler(handler)
        handler.close()
