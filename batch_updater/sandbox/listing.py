"""The ticket list and the custom-field list (docs/api-facts.md §5, §10).

`GET /open-apis/helpdesk/v1/tickets`: a tenant token and the helpdesk header; its own throttle
(1000/min and 50/s); the filters of §5; `page` (from 1) and `page_size` (1 to 200, default 20);
`data.total` and `data.tickets`. Choices where the docs are silent (the harder case for a client):

- a query reaches at most `list_cap` (10,000) results: a page past them is empty, while `total`
  still counts every match (so a client must not read `total` as what it can page through);
- the order is the newest ticket first (then by id); `create_time_*` and `update_time_*` are
  milliseconds, both ends included; a ticket never updated (`updated_at` -1) has no update time;
- `tags` (repeatable) matches a ticket with ANY of them, `status_list` (repeatable) any status;
- a page_size over 200, or a filter that is not a number where one is expected: 400 / 154000;
- each ticket is the `ticket_v2` shape, but `comments` is a list of every comment (lark-oapi's list
  model: `List[Comments]`), oldest first.

`GET /open-apis/helpdesk/v1/ticket_customized_fields`: a tenant token; `page_size` (1 to 100,
default 20) and `page_token`; `data.items`, `has_more`, `next_page_token`; its own throttle
(UNKNOWN: 5/s here).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from batch_updater.sandbox.core import SandboxCore
from batch_updater.sandbox.state import Ticket
from batch_updater.sandbox.throttle import Refusal

LIST_PATH = "/open-apis/helpdesk/v1/tickets"
FIELDS_PATH = "/open-apis/helpdesk/v1/ticket_customized_fields"
MAX_PAGE_SIZE = 200
MAX_FIELDS_PAGE = 100
_INTS = ("type", "channel", "solved", "score", "create_time_start", "create_time_end", "update_time_start",
         "update_time_end")


BAD_BODY = 154000


@dataclass(frozen=True)
class Answers:
    """The app's own answers (sandbox/app.py), handed over when the routes are added: this module
    builds on them and app.py adds its routes, so neither imports the other."""

    core: web.AppKey[SandboxCore]
    answer: Callable[[web.Request, int], web.Response]
    throttled: Callable[[web.Request, Refusal], web.Response]
    json: Callable[[web.Request, int, dict[str, Any]], web.Response]
    checks: Callable[[web.Request, SandboxCore, int], web.Response | None]  # token, quota, scope, helpdesk


ANSWERS = web.AppKey("sandbox_list_answers", Answers)


class BadQuery(ValueError):
    pass


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise BadQuery(text) from None


def _query(request: web.Request) -> tuple[dict[str, Any], int, int]:
    """The filters, the page and the page size; BadQuery for a value the API would refuse."""
    q = request.query
    filters: dict[str, Any] = {}
    for name in ("ticket_id", "agent_id", "closed_by_id", "guest_name", "guest_id"):
        if q.get(name):
            filters[name] = q[name]
    for name in _INTS:
        if q.get(name):
            filters[name] = _int(q[name])
    statuses = [*q.getall("status_list", []), *q.getall("status_list[]", [])]
    if statuses:
        filters["status_list"] = frozenset(_int(s) for s in statuses)
    tags = [*q.getall("tags", []), *q.getall("tags[]", [])]
    if tags:
        filters["tags"] = frozenset(tags)
    page, size = _int(q.get("page", "1")), _int(q.get("page_size", "20"))
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        raise BadQuery("page")
    return filters, page, size


def _test(filters: dict[str, Any]) -> Callable[[Ticket], bool]:
    def matches(t: Ticket) -> bool:
        f = filters
        if "ticket_id" in f and t.ticket_id != f["ticket_id"]:
            return False
        if "agent_id" in f and t.agent.id != f["agent_id"]:
            return False
        if "closed_by_id" in f and (t.closed_at < 0 or t.agent.id != f["closed_by_id"]):
            return False
        if "guest_name" in f and t.guest.name != f["guest_name"]:
            return False
        if "guest_id" in f and t.guest.id != f["guest_id"]:
            return False
        for key, value in (("type", t.ticket_type), ("channel", t.channel), ("solved", t.solve), ("score", t.score)):
            if key in f and value != f[key]:
                return False
        if "status_list" in f and t.status not in f["status_list"]:
            return False
        if "tags" in f and not f["tags"] & set(t.tags):
            return False
        if "update_time_start" in f and (t.updated_at < 0 or t.updated_at < f["update_time_start"]):
            return False
        return not ("update_time_end" in f and (t.updated_at < 0 or t.updated_at > f["update_time_end"]))

    return matches


def _created_within(order: Sequence[Ticket], start: int | None, end: int | None) -> Sequence[Ticket]:
    """The tickets of `order` (newest first) created from `start` to `end` (ms, both included)."""
    keys = [-t.created_at for t in order]
    low = 0 if end is None else bisect.bisect_left(keys, -end)
    high = len(order) if start is None else bisect.bisect_right(keys, -start)
    return order[low:high]


class ListMemo:
    """The matches of the last few queries (paging one query asks the same filters again and again)."""

    def __init__(self) -> None:
        self._keys: list[tuple[Any, ...]] = []
        self._found: dict[tuple[Any, ...], list[Ticket]] = {}
        self._version = -1

    def matches(self, core: SandboxCore, filters: dict[str, Any]) -> list[Ticket]:
        store = core.tickets
        if store.version != self._version:
            self._keys, self._found, self._version = [], {}, store.version
        key = tuple(sorted(filters.items()))
        if key not in self._found:
            within = _created_within(store.newest_first(), filters.get("create_time_start"),
                                     filters.get("create_time_end"))
            self._found[key] = list(filter(_test(filters), within))
            self._keys.append(key)
            if len(self._keys) > 8:
                self._found.pop(self._keys.pop(0), None)
        return self._found[key]


MEMO = web.AppKey("sandbox_list_memo", ListMemo)


def _listed(core: SandboxCore, ticket: Ticket) -> dict[str, Any]:
    shown = core.tickets.as_v2(ticket, core.tokens.identity.helpdesk_id)
    shown.pop("comments", None)
    if ticket.comments:
        shown["comments"] = [c.as_v2() for c in ticket.comments]
    return shown


async def list_tickets(request: web.Request) -> web.StreamResponse:
    say = request.app[ANSWERS]
    core = request.app[say.core]
    now = core.clock()
    refusal = core.list_throttle.try_admit(now)
    if refusal is not None:
        return say.throttled(request, refusal)
    core.stats.list.add(now)
    problem = say.checks(request, core, core.tokens.check_tenant(request.headers.get("Authorization")))
    if problem is not None:
        return problem
    try:
        filters, page, size = _query(request)
    except BadQuery:
        return say.answer(request, BAD_BODY)
    found = request.app[MEMO].matches(core, filters)
    start = (page - 1) * size
    shown = found[start:max(start, min(start + size, core.config.list_cap))]
    return say.json(request, 200, {"code": 0, "msg": "success", "data": {
        "total": len(found), "tickets": [_listed(core, t) for t in shown]}})


async def list_fields(request: web.Request) -> web.StreamResponse:
    say = request.app[ANSWERS]
    core = request.app[say.core]
    now = core.clock()
    refusal = core.fields_throttle.try_admit(now)
    if refusal is not None:
        return say.throttled(request, refusal)
    core.stats.fields.add(now)
    problem = say.checks(request, core, core.tokens.check_tenant(request.headers.get("Authorization")))
    if problem is not None:
        return problem
    try:
        size = _int(request.query.get("page_size", "20"))
        offset = _int(request.query.get("page_token") or "0")
    except BadQuery:
        return say.answer(request, BAD_BODY)
    if not 1 <= size <= MAX_FIELDS_PAGE or offset < 0:
        return say.answer(request, BAD_BODY)
    every = list(core.config.custom_fields)
    helpdesk = core.tokens.identity.helpdesk_id
    items = [f.as_item(helpdesk, offset + i + 1) for i, f in enumerate(every[offset:offset + size])]
    more = offset + size < len(every)
    return say.json(request, 200, {"code": 0, "msg": "success", "data": {
        "items": items, "has_more": more, "next_page_token": str(offset + size) if more else ""}})


def add_listing_routes(app: web.Application, answers: Answers) -> None:
    app[ANSWERS] = answers
    app[MEMO] = ListMemo()
    app.router.add_get(LIST_PATH, list_tickets)
    app.router.add_get(FIELDS_PATH, list_fields)
