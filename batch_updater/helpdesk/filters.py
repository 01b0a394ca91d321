"""Which tickets an export or a `--select` takes: the filters, as the command line, a `--select`
string (`"status=5 tag=billing updated-before=2026-11-01"`) or a job file's `[select]` give them;
the list API's query for them (docs/api-facts.md §5); and the same test made on each ticket
read, so the result is exact whatever the API does with a filter it is given (its `tags` may
match any of several tags, here a ticket must have them all). Pure.

Times: a date (`2026-11-01`) is that day's start in this machine's time zone, a date and time
(`2026-11-01 08:30`, ISO 8601, an offset allowed) is that moment, `14 days ago` or `6 hours ago`
is counted back from now; `-since` includes it, `-before` does not."""

from __future__ import annotations

import re
import shlex
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from batch_updater.errors import UsageError
from batch_updater.i18n import tr
from batch_updater.naming import option
from batch_updater.rows.validate import Bad, code_parser, parse_int
from batch_updater.schema.fields import REGISTRY, as_int, fold, tag_names

_STATUS = code_parser(REGISTRY["status"])
_SOLVED = code_parser(REGISTRY["solved"])
_SPLIT = re.compile(r"[,，]")
STATUS_52 = 52
# The ticket list (docs/api-facts.md §5): what one query reaches, a page's most, its documented windows.
CAP = 10_000
PAGE_SIZE = 200
LIST_RATES = ((1000, 60.0), (50, 1.0))  # 1000/min and 50/s
KEYS = ("status", "tag", "agent", "channel", "solved", "created-since", "created-before", "updated-since",
        "updated-before", "ids")


@dataclass(frozen=True)
class Filters:
    """Tickets that match all that is given (a list: any of its statuses; all of its tags)."""

    statuses: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    agent: str | None = None
    channel: int | None = None
    solved: int | None = None
    created_since: int | None = None  # ms since the epoch, included
    created_before: int | None = None  # excluded
    updated_since: int | None = None
    updated_before: int | None = None
    ids: tuple[str, ...] = field(default=())  # only these tickets (--ids FILE)

    def query(self, created: tuple[int, int] | None = None) -> list[tuple[str, str]]:
        """The list API's filters; `created`: a window of creation times (ms, both ends included)
        instead of the filters' own."""
        q: list[tuple[str, str]] = [("status_list", str(s)) for s in self.statuses]
        q += [("tags", t) for t in self.tags]
        if self.agent:
            q.append(("agent_id", self.agent))
        if self.channel is not None:
            q.append(("channel", str(self.channel)))
        if self.solved is not None:
            q.append(("solved", str(self.solved)))
        start, end = created if created is not None else self.created_window(None)
        if start is not None:
            q.append(("create_time_start", str(start)))
        if end is not None:
            q.append(("create_time_end", str(end)))
        if self.updated_since is not None:
            q.append(("update_time_start", str(self.updated_since)))
        # no update_time_end: a ticket never updated (updated_at -1) is last changed when created, and
        # what the list makes of -1 against update_time_end is not documented; created_window narrows instead
        return q

    def created_window(self, now_ms: int | None) -> tuple[int | None, int | None]:
        """The creation times asked for, both ends included (ms); `now_ms` closes an open end. A
        ticket last changed before `updated_before` was created before it too."""
        ends = [b - 1 for b in (self.created_before, self.updated_before) if b is not None]
        end = min(ends) if ends else now_ms
        return self.created_since if self.created_since is not None else (0 if now_ms is not None else None), end

    def matches(self, ticket: Mapping[str, Any]) -> bool:
        """The same filters, on a ticket as the list shows it."""
        if self.ids and ticket.get("ticket_id") not in self.ids:
            return False
        if self.statuses and as_int(ticket.get("status")) not in self.statuses:
            return False
        if self.tags and not set(self.tags) <= set(tag_names(ticket.get("tags"))):
            return False
        if self.agent and self.agent not in _agent_ids(ticket):
            return False
        if self.channel is not None and as_int(ticket.get("channel")) != self.channel:
            return False
        solved = REGISTRY["solved"].read(ticket)
        if self.solved is not None and solved != self.solved:
            return False
        created, updated = as_int(ticket.get("created_at")), as_int(ticket.get("updated_at"))
        if not _within(created, self.created_since, self.created_before):
            return False
        if self.updated_since is not None and (updated is None or updated < 0 or updated < self.updated_since):
            return False  # never updated: not updated since
        last = updated if updated is not None and updated >= 0 else created  # never updated: as created
        return self.updated_before is None or (last is not None and last < self.updated_before)

    def describe(self) -> str:
        """The filters in the words of a --select string (for messages and the report)."""
        parts = []
        if self.statuses:
            parts.append("status=" + ",".join(map(str, self.statuses)))
        parts += [f"tag={t}" for t in self.tags]
        for key, value in (("agent", self.agent), ("channel", self.channel), ("solved", self.solved)):
            if value is not None:
                parts.append(f"{key}={value}")
        for key, ms in (("created-since", self.created_since), ("created-before", self.created_before),
                        ("updated-since", self.updated_since), ("updated-before", self.updated_before)):
            if ms is not None:
                parts.append(f"{key}={datetime.fromtimestamp(ms / 1000).astimezone().isoformat(timespec='seconds')}")
        if self.ids:
            parts.append(tr("ids={n} tickets", n=len(self.ids)))
        return " ".join(parts) or tr("every ticket")


def _agent_ids(ticket: Mapping[str, Any]) -> set[str]:
    agents = ticket.get("agents")
    found = {a.get("id") for a in agents if isinstance(a, Mapping)} if isinstance(agents, list) else set()
    owner = ticket.get("agent_owner")
    if isinstance(owner, Mapping):
        found.add(owner.get("id"))
    return {a for a in found if isinstance(a, str)}


def _within(value: int | None, since: int | None, before: int | None) -> bool:
    if since is None and before is None:
        return True
    return value is not None and (since is None or value >= since) and (before is None or value < before)


_AGO = re.compile(r"^(\d+)\s*(d|days?|h|hours?)\s+ago$", re.IGNORECASE)


def parse_time(text: str, key: str, now: Callable[[], float] = time.time) -> int:
    """A date or a date and time, as ms since the epoch (a date: its start, in local time); or
    `14 days ago`, `6 hours ago` (from now: a nightly job's window)."""
    value = text.strip()
    ago = _AGO.match(value)
    if ago:
        hours = int(ago.group(1)) * (24 if ago.group(2).lower().startswith("d") else 1)
        return int((now() - hours * 3600) * 1000)
    try:
        moment = datetime.fromisoformat(value.replace("/", "-"))
    except ValueError:
        raise UsageError(tr("{key} {text!r}: not a date; write 2026-11-01, 2026-11-01 08:30 or 14 days ago", key=key,
                            text=text)) from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # this machine's time zone
    return int(moment.timestamp() * 1000)


def _one(parse: Any, text: str, key: str) -> Any:
    try:
        return parse(text)
    except Bad as e:
        raise UsageError(tr("{key} {text!r}: {problem}", key=key, text=text, problem=e)) from None


def _status(text: str, key: str) -> int:
    value = text.strip()
    if value.lstrip("0") == str(STATUS_52) or value.strip().lower() in ("closed by user", "用户关闭工单"):  # i18n: en
        return STATUS_52  # shown by the API, and a filter may ask for it though no update sets it
    return int(_one(_STATUS, value, key))


# A ticket field's column name or alias (状态, 标签, 是否解决: as --set takes them) -> the filter it names
FILTER_OF = {"status": "status", "tag_names": "tag", "solved": "solved", "channel": "channel"}


def filters_from(given: Mapping[str, Any], ids: Sequence[str] = ()) -> Filters:
    """Filters from names and values (a --select string's, a job file's [select], the export's
    flags): `status` and `tag` take a value, a list of them, or a comma-separated text."""
    values: dict[str, Any] = {}
    for raw_key, raw in given.items():
        key = FILTER_OF.get(REGISTRY.headers.get(fold(raw_key), ""), raw_key.strip().lower().replace("_", "-"))
        items = raw if isinstance(raw, list | tuple) else [raw]
        texts = [str(v).strip() for item in items for v in (_SPLIT.split(str(item)) if key in ("status", "tag")
                                                            else [item]) if str(v).strip()]
        if not texts:
            continue
        if key in ("status", "statuses"):
            values["statuses"] = tuple(dict.fromkeys(_status(t, "status") for t in texts))
        elif key in ("tag", "tags"):
            values["tags"] = tuple(dict.fromkeys(texts))
        elif key == "agent":
            values["agent"] = texts[-1]
        elif key == "channel":
            values["channel"] = _one(parse_int, texts[-1], "channel")
        elif key == "solved":
            values["solved"] = _one(_SOLVED, texts[-1], "solved")
        elif key in ("created-since", "created-before", "updated-since", "updated-before"):
            values[key.replace("-", "_")] = parse_time(texts[-1], key)
        else:
            raise UsageError(tr("{key!r} is not a filter; use {keys}", key=raw_key, keys=", ".join(KEYS[:-1])))
    found = Filters(**values)
    for what in ("created", "updated"):
        since, before = getattr(found, f"{what}_since"), getattr(found, f"{what}_before")
        if since is not None and before is not None and since >= before:
            raise UsageError(tr("{since} is not before {before}: no ticket can match both (swapped?)",
                                since=f"{what}-since", before=f"{what}-before"))
    return replace(found, ids=tuple(dict.fromkeys(ids))) if ids else found


def parse_select(text: str) -> Filters:
    """A --select string: `key=value` pairs separated by spaces (quote a value with spaces)."""
    pairs: dict[str, list[str]] = {}
    try:
        words = shlex.split(text)
    except ValueError as e:
        raise UsageError(tr("{option} {text!r}: {problem}", option=option("select"), text=text, problem=e),
                         option="select", value=text) from None
    for word in words:
        key, sep, value = word.partition("=")
        if not sep or not key.strip():
            raise UsageError(tr("{option}: {word!r} is not key=value (e.g. \"status=5 tag=billing\")",
                                option=option("select"), word=word), option="select", value=text)
        pairs.setdefault(key.strip(), []).append(value)
    if not pairs:
        raise UsageError(tr("{option}: no filter given (e.g. \"status=5 tag=billing\")", option=option("select")),
                         option="select", value=text)
    return filters_from(pairs)


def joined(values: Iterable[str]) -> str:
    return ", ".join(values)
