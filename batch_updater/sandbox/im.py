"""Telling people a job has ended, as Feishu answers it (docs/api-facts.md §11): the app bot's
`POST /open-apis/im/v1/messages` and a group custom bot's `POST /open-apis/bot/v2/hook/<token>`.

- messages: a tenant token; `receive_id_type` chat_id, open_id, union_id, user_id or email;
  `msg_type` and `content` (a JSON string); the same `uuid` within an hour is delivered once
  (the first message's id is answered again). A chat id with `outside` in it is a group the bot
  is not in (230002); a user whose id or email has `outside` in it is out of the app's
  availability (230013); more than 5 messages in a second to one chat or user, 230020; a content
  over 30 KB, 230025.
- custom bot: `{"msg_type": "interactive", "card": {...}}`; a hook given a secret
  (`ImStore.secrets`, `POST /_sandbox/im`) checks `timestamp` and `sign`
  (base64(HMAC-SHA256(key = f"{timestamp}\\n{secret}", msg = b""))): wrong, or a timestamp more
  than an hour off, is 19021.
- `GET /_sandbox/messages`: what was delivered, in order.

Registered by `add_im_routes(app, check_tenant)`; its state lives in the app (`IM`), apart from the tickets'.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from batch_updater.feishu.codes import CODES

RECEIVE_TYPES = ("open_id", "union_id", "user_id", "email", "chat_id")
PER_RECIPIENT = 5  # messages a second to one chat or user
MAX_CONTENT = 30 * 1024
UUID_HOURS = 3600.0
BOT_NOT_IN_CHAT, NO_AVAILABILITY, IM_THROTTLED, TOO_LONG = 230002, 230013, 230020, 230025
BAD_SIGN = 19021
# A malformed request: its code is UNKNOWN in docs/api-facts.md; plain HTTP 400, as the gateway answers a bad path.
MALFORMED = "bad request: expected the documented JSON body"


@dataclass
class ImStore:
    """Messages delivered, uuids seen, per-recipient windows, custom bots' secrets."""

    delivered: list[dict[str, Any]] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict)  # hook token -> signing secret
    uuids: dict[str, tuple[float, str]] = field(default_factory=dict)  # uuid -> (when, message id)
    windows: dict[str, deque[float]] = field(default_factory=dict)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    check_tenant: Callable[[str | None], int] = lambda header: 0  # the sandbox's tenant token check

    def admit(self, recipient: str, now: float) -> bool:
        times = self.windows.setdefault(recipient, deque())
        while times and times[0] <= now - 1.0:
            times.popleft()
        if len(times) >= PER_RECIPIENT:
            return False
        times.append(now)
        return True


IM = web.AppKey("sandbox_im", ImStore)


def _answer(code: int, data: dict[str, Any] | None = None) -> web.Response:
    if code == 0:
        return web.json_response({"code": 0, "msg": "success", "data": data or {}})
    entry = CODES[code]
    return web.json_response({"code": code, "msg": entry.msg}, status=entry.http_status)


async def send_message(request: web.Request) -> web.StreamResponse:
    store = request.app[IM]
    code = store.check_tenant(request.headers.get("Authorization"))
    if code:
        return _answer(code)
    kind = request.query.get("receive_id_type", "")
    try:
        body = json.loads(await request.read())
    except ValueError:
        body = None
    if kind not in RECEIVE_TYPES or not isinstance(body, dict) or not isinstance(body.get("receive_id"), str) \
            or not isinstance(body.get("content"), str) or not isinstance(body.get("msg_type"), str):
        return web.Response(status=400, text=MALFORMED)
    now = time.time()
    uuid = body.get("uuid")
    if isinstance(uuid, str) and uuid in store.uuids and now - store.uuids[uuid][0] < UUID_HOURS:
        return _answer(0, {"message_id": store.uuids[uuid][1], "msg_type": body["msg_type"]})  # delivered once
    receiver = body["receive_id"]
    if "outside" in receiver:
        return _answer(BOT_NOT_IN_CHAT if kind == "chat_id" else NO_AVAILABILITY)
    if len(body["content"].encode()) > MAX_CONTENT:
        return _answer(TOO_LONG)
    if not store.admit(f"{kind}:{receiver}", now):
        return _answer(IM_THROTTLED)
    message_id = f"om_{next(store.ids):032x}"
    if isinstance(uuid, str):
        store.uuids[uuid] = (now, message_id)
    store.delivered.append({"via": "bot", "receive_id_type": kind, "receive_id": receiver, "uuid": uuid,
                            "msg_type": body["msg_type"], "content": json.loads(body["content"])
                            if body["msg_type"] == "interactive" else body["content"], "message_id": message_id})
    return _answer(0, {"message_id": message_id, "msg_type": body["msg_type"], "create_time": str(int(now * 1000))})


def expected_sign(timestamp: str, secret: str) -> str:
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


async def hook(request: web.Request) -> web.StreamResponse:
    store = request.app[IM]
    token = request.match_info["token"]
    try:
        body = json.loads(await request.read())
    except ValueError:
        body = None
    if not isinstance(body, dict) or body.get("msg_type") not in ("text", "post", "interactive", "image"):
        return web.Response(status=400, text=MALFORMED)
    secret = store.secrets.get(token)
    if secret is not None:
        stamp, sign = str(body.get("timestamp", "")), body.get("sign")
        fresh = stamp.isdigit() and abs(time.time() - int(stamp)) <= UUID_HOURS
        if not fresh or not isinstance(sign, str) or not hmac.compare_digest(sign, expected_sign(stamp, secret)):
            return _answer(BAD_SIGN)
    store.delivered.append({"via": "webhook", "hook": token, "msg_type": body["msg_type"],
                            "content": body.get("card") if body["msg_type"] == "interactive" else body.get("content"),
                            "signed": secret is not None})
    return _answer(0)


async def messages(request: web.Request) -> web.StreamResponse:
    return web.json_response(request.app[IM].delivered)


async def configure(request: web.Request) -> web.StreamResponse:
    """POST {"secrets": {hook token: secret}}: the custom bots that sign."""
    store = request.app[IM]
    try:
        changes = json.loads(await request.read())
        store.secrets.update({str(k): str(v) for k, v in changes.get("secrets", {}).items()})
    except (ValueError, AttributeError) as exc:
        raise web.HTTPBadRequest(text="expected {\"secrets\": {...}}") from exc
    return web.json_response({"hooks": sorted(store.secrets)})


def add_im_routes(app: web.Application, check_tenant: Callable[[str | None], int]) -> None:
    app[IM] = ImStore(check_tenant=check_tenant)
    app.router.add_post("/open-apis/im/v1/messages", send_message)
    app.router.add_post("/open-apis/bot/v2/hook/{token}", hook)
    app.router.add_get("/_sandbox/messages", messages)
    app.router.add_post("/_sandbox/im", configure)
