"""Tickets: their current fields, every update and comment applied, and the
`ticket_v2` shape `GET /open-apis/helpdesk/v1/tickets/:id` answers with (docs/api-facts.md §5).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from batch_updater.sandbox.config import SandboxConfig

CLOSED_BY_USER = 52
_CLOSING = {50, 51}
_NAMES = ["Li Lei", "Han Meimei", "Wang Fang", "Zhang Wei", "Chen Jing", "Liu Yang", "Zhao Min"]
# Drawn by every seeded ticket before its channel, as the two demo fields of earlier versions did,
# so that the values drawn after them (channel, tags...) stay what tests have always seen.
_EARLIER_DRAWS = (("low", "normal", "high"), ("north", "south", "east", "west"))
_SPAN_BEFORE = 30 * 86_400_000  # the span seeded creation times were drawn from


@dataclass(frozen=True, slots=True)
class User:
    id: str
    name: str
    numeric_id: int  # comments carry user_id as an integer (lark-oapi `Comments`)

    def as_ticket_user(self) -> dict[str, Any]:
        return {"id": self.id, "avatar_url": f"https://avatar.example/{self.id}.png",
                "name": self.name, "email": f"{self.id}@example.com", "department": "Support",
                "city": "Shanghai", "country": "CN"}


OPERATOR = User("ou_sandbox_agent_0001", "Sandbox Agent", 7001)
AGENTS = (OPERATOR, User("ou_sandbox_agent_0002", "Zhou Xin", 7002), User("ou_sandbox_agent_0003", "Sun Li", 7003))


@dataclass(slots=True)
class Comment:
    id: int
    content: str
    created_at: int  # ms
    user: User

    def as_v2(self) -> dict[str, Any]:
        return {"content": self.content, "created_at": self.created_at, "id": self.id,
                "user_avatar_url": f"https://avatar.example/{self.user.id}.png",
                "user_name": self.user.name, "user_id": self.user.numeric_id}


@dataclass(frozen=True, slots=True)
class Update:
    """One applied PUT: when, its log id, and the body exactly as received."""

    at_ms: int
    log_id: str
    body: dict[str, Any]


@dataclass(slots=True)
class Ticket:
    ticket_id: str
    status: int
    solve: int
    ticket_type: int
    channel: int
    score: int
    created_at: int
    guest: User
    tags: list[str] = field(default_factory=list)
    customized_fields: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> value, key_name
    comments: list[Comment] = field(default_factory=list)
    history: list[Update] = field(default_factory=list)
    updated_at: int = -1  # -1: never updated (docs/api-facts.md §5)
    closed_at: int = -1
    agent: User = OPERATOR


def generated_ids(seed: int, n: int) -> list[str]:
    """`n` distinct 19-digit ids that look like Feishu's (6945345902185807891)."""
    rng = random.Random(f"{seed}-ids")
    ids: dict[str, None] = {}
    while len(ids) < n:
        ids[str(rng.randrange(6_900_000_000_000_000_000, 7_400_000_000_000_000_000))] = None
    return list(ids)


class TicketStore:
    """The tickets of one sandbox, rebuilt identically from the config by `reset`."""

    def __init__(self, config: SandboxConfig) -> None:
        self._config = config
        self.tickets: dict[str, Ticket] = {}
        self._tag_ids: dict[str, str] = {}
        self._next_comment_id = 1
        self.version = 0  # changes whenever a ticket is added or updated (the list's memo reads it)
        self._order: list[Ticket] | None = None  # newest first, as the list answers
        self.reset()

    def reset(self) -> None:
        config = self._config
        ids = list(config.ticket_ids) if config.ticket_ids is not None else generated_ids(
            config.seed, config.n_tickets)
        rng = random.Random(f"{config.seed}-tickets")
        self.tickets = {tid: self._seed_ticket(tid, rng) for tid in dict.fromkeys(ids)}
        self._tag_ids = {}
        self._next_comment_id = 1
        self.version += 1
        self._order = None

    def newest_first(self) -> list[Ticket]:
        """Every ticket, the newest first (then by id): the list API's order here."""
        if self._order is None:
            self._order = sorted(self.tickets.values(), key=lambda t: (t.created_at, t.ticket_id), reverse=True)
        return self._order

    def _seed_ticket(self, ticket_id: str, rng: random.Random) -> Ticket:
        name = rng.choice(_NAMES)
        status = CLOSED_BY_USER if ticket_id in self._config.closed_by_user else self._config.initial_status
        for options in _EARLIER_DRAWS:
            rng.choice(options)
        own = random.Random(f"{self._config.seed}-fields-{ticket_id}")  # the labelled fields and the agent
        fields = {}
        for f in self._config.custom_fields:
            value = f.demo_value(own)
            if value is not None:
                fields[f.id] = {"value": value, "key_name": f.key_name}
        span = self._config.created_span_ms
        return Ticket(
            ticket_id=ticket_id, status=status, solve=1, ticket_type=2,
            channel=rng.choice([9, 2, 14, 13]), score=rng.choice([1, 2, 3]),
            created_at=1_700_000_000_000 + rng.randrange(0, _SPAN_BEFORE) * span // _SPAN_BEFORE,
            guest=User(f"ou_{rng.randrange(16**16):016x}", name, rng.randrange(10**6, 10**7)),
            tags=[rng.choice(["vip", "billing", "bug", "howto"])], customized_fields=fields,
            closed_at=-1 if status != CLOSED_BY_USER else 1_700_000_000_000 + 40 * 86_400_000,
            agent=own.choice(AGENTS),
        )

    def get(self, ticket_id: str) -> Ticket | None:
        return self.tickets.get(ticket_id)

    def add(self, ticket_ids: Iterable[str]) -> int:
        """Tickets for ids it does not know yet (a sheet uploaded to the web console); how many."""
        rng = random.Random(f"{self._config.seed}-added-{len(self.tickets)}")
        new = [tid for tid in dict.fromkeys(ticket_ids) if tid not in self.tickets]
        for tid in new:
            self.tickets[tid] = self._seed_ticket(tid, rng)
        if new:
            self.version += 1
            self._order = None
        return len(new)

    def apply(self, ticket: Ticket, body: dict[str, Any], log_id: str, user: User = OPERATOR) -> None:
        """Apply a checked update body: set the fields, append the comment, record it."""
        now = int(self._config.wall_time() * 1000)
        if "status" in body:
            ticket.status = body["status"]
            ticket.closed_at = now if ticket.status in _CLOSING else -1
        if "solved" in body:
            ticket.solve = body["solved"]
        for name in ("ticket_type", "channel"):
            if name in body:
                setattr(ticket, name, body[name])
        if "tag_names" in body:
            ticket.tags = list(dict.fromkeys(body["tag_names"]))
        known = {f.id: f for f in self._config.custom_fields}
        for item in body.get("customized_fields", ()):
            defined = known.get(item["id"])
            held = ticket.customized_fields.get(item["id"])
            value = item["value"] if defined is None else defined.stored(
                item["value"], held["value"] if held else None, self._config.dropdown_write)
            if value is None:
                continue  # a dropdown value it does not take: kept as it was, without a word
            current = ticket.customized_fields.setdefault(
                item["id"], {"key_name": defined.key_name if defined else item["id"]})
            current["value"] = value
            if "key_name" in item:
                current["key_name"] = item["key_name"]
        if "comment" in body:
            ticket.comments.append(Comment(self._next_comment_id, body["comment"], now, user))
            self._next_comment_id += 1
        ticket.updated_at = now
        ticket.history.append(Update(now, log_id, body))
        self.version += 1

    def _tag_id(self, name: str) -> str:
        return self._tag_ids.setdefault(name, str(7_000_000_000_000_000_000 + len(self._tag_ids) + 1))

    def as_v2(self, ticket: Ticket, helpdesk_id: str) -> dict[str, Any]:
        """The `ticket_v2` object. `comments` is one object, the latest comment
        (the get doc and lark-oapi's TicketV2 agree); absent when there is none."""
        names = {f.id: f.display_name for f in self._config.custom_fields}
        fields = [{"id": fid, "value": f["value"], "key_name": f["key_name"],
                   "display_name": names.get(fid, f["key_name"]), "position": position,
                   "required": False, "editable": True}
                  for position, (fid, f) in enumerate(ticket.customized_fields.items(), 1)]
        agent = ticket.agent.as_ticket_user()
        v2: dict[str, Any] = {
            "ticket_id": ticket.ticket_id, "helpdesk_id": helpdesk_id,
            "guest": ticket.guest.as_ticket_user(), "ticket_type": ticket.ticket_type,
            "status": ticket.status, "score": ticket.score, "created_at": ticket.created_at,
            "updated_at": ticket.updated_at, "closed_at": ticket.closed_at,
            "dissatisfaction_reason": {"zh_cn": "", "en_us": "", "ja_jp": ""},
            "agents": [agent], "channel": ticket.channel, "solve": ticket.solve,
            "collaborators": [], "customized_fields": fields,
            "agent_service_duration": 12.5, "agent_first_response_duration": 30,
            "bot_service_duration": 5, "agent_resolution_time": 600,
            "actual_processing_time": 540, "agent_entry_time": ticket.created_at + 60_000,
            "agent_first_response_time": ticket.created_at + 90_000,
            "agent_last_response_time": max(ticket.updated_at, ticket.created_at + 90_000),
            "agent_owner": agent,
            "tags": [{"id": self._tag_id(name), "name": name} for name in ticket.tags],
        }
        if ticket.status in _CLOSING or ticket.status == CLOSED_BY_USER:
            v2["closed_by"] = ticket.guest.as_ticket_user() if ticket.status == CLOSED_BY_USER else agent
        if ticket.comments:
            v2["comments"] = ticket.comments[-1].as_v2()
        return v2

    def comment_texts(self) -> dict[str, list[str]]:
        return {tid: [c.content for c in t.comments] for tid, t in self.tickets.items() if t.comments}


def ticket_ids_from(paths: Iterable[str]) -> list[str]:
    """The ticket ids of spreadsheets, via the project's own reader (`batch_updater.sheet.read`)."""
    from batch_updater.sheet.read import ticket_ids_in  # only the command line reads spreadsheets

    ids: dict[str, None] = {}
    for path in paths:
        ids.update(dict.fromkeys(ticket_ids_in(path)))
    return list(ids)
