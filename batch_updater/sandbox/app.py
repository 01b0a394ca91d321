"""The routes: the helpdesk ticket API, the token endpoints, and `/_sandbox/*` inspection.

Order of checks on `PUT /open-apis/helpdesk/v1/tickets/:id`, as a gateway in front of
the helpdesk service would run them (the order is UNKNOWN in docs/api-facts.md; this one is
the harder on the client):

1. throttle (and an injected 429 burst): first, before the token is even read, so
   every request that gets past it, whatever its fate (a bad token, a bad body, a
   404), uses up a slot of the window. Throttled requests use none.
2. injected HTML 502 from the gateway;
3. the user token: 99991661 missing, 99991663 a tenant/app token, 99991668 unknown
   or replaced, 99991677 expired; then the monthly quota (99991403) and the app's
   scope (99991672);
4. the helpdesk header (401 / 154001), the body (400 / 154000), the ticket
   (404 / 154004), the helpdesk's rights on it (403 / 154003);
5. injected 500 / 155000 and dropped connections (before or after applying),
   the update, a slow answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from batch_updater.feishu.codes import CODES, QUOTA_EXCEEDED, THROTTLED
from batch_updater.sandbox.body import body_problem, parse_body
from batch_updater.sandbox.core import SandboxCore
from batch_updater.sandbox.docs_routes import add_docs_routes
from batch_updater.sandbox.faults import BAD_GATEWAY_HTML
from batch_updater.sandbox.im import add_im_routes
from batch_updater.sandbox.listing import Answers, add_listing_routes
from batch_updater.sandbox.throttle import Refusal

CORE = web.AppKey("sandbox_core", SandboxCore)
LOG_ID = web.RequestKey("log_id", str)
CODE = web.RequestKey("code", int | None)  # the answer's code, for the stats
DROPPED = web.RequestKey("dropped", bool)
SCOPE_MISSING = 99991672
BAD_BODY, NO_TICKET, NO_RIGHTS, INTERNAL = 154000, 154004, 154003, 155000
TICKET_PATH = "/open-apis/helpdesk/v1/tickets/{ticket_id}"
# The `error` field of the refresh endpoint's failures (OAuth 2 names).
_OAUTH_ERRORS = {20001: "invalid_request", 20002: "invalid_client", 20036: "unsupported_grant_type",
                 20050: "server_error", 20072: "temporarily_unavailable"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _json(request: web.Request, status: int, body: dict[str, Any], code: int | None = None,
          headers: dict[str, str] | None = None) -> web.Response:
    request[CODE] = body.get("code") if code is None else code
    return web.json_response(body, status=status, headers=headers)


def answer(request: web.Request, code: int) -> web.Response:
    """The standard answer for `code`, its msg and HTTP status read from `codes.CODES`.
    Gateway (9999xxxx) errors carry the `error` object of docs/api-facts.md §3; 154xxx do not
    (UNKNOWN there; absent is the harder case for a client that reads it)."""
    entry = CODES[code]
    body: dict[str, Any] = {"code": code, "msg": entry.msg}
    if code == 0:
        body["data"] = {}
    elif code >= 99_990_000:
        log_id = request[LOG_ID]
        body["error"] = {"log_id": log_id, "troubleshooter": (
            f"Troubleshooting suggestions: https://open.feishu.cn/search?from=openapi"
            f"&log_id={log_id}&code={code}&method_id=7066450000000000000")}
        if code == SCOPE_MISSING:
            app_id = request.app[CORE].tokens.identity.app_id
            body["error"]["permission_violations"] = [
                {"type": "action_scope_required", "subject": "helpdesk:all"}]
            body["error"]["helps"] = [{
                "url": f"https://open.feishu.cn/app/{app_id}/auth?q=helpdesk:all&op_from=openapi",
                "description": "Enable the scope helpdesk:all for the app and publish it."}]
    return _json(request, entry.http_status, body)


def throttled(request: web.Request, refusal: Refusal) -> web.Response:
    entry = CODES[THROTTLED]
    return _json(request, entry.http_status, {"code": THROTTLED, "msg": entry.msg}, headers={
        "x-ogw-ratelimit-limit": str(refusal.limit), "x-ogw-ratelimit-reset": str(refusal.reset_s)})


def drop(request: web.Request) -> web.StreamResponse:
    """Close the connection without a byte of answer: the client sees ServerDisconnectedError."""
    request[DROPPED] = True
    if request.transport is not None:
        request.transport.close()
    return web.Response()  # aiohttp fails to write it to the closed transport and moves on


@web.middleware
async def log_id_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """An `X-Tt-Logid` on every answer; stats, in-flight count and latency for /open-apis."""
    core = request.app[CORE]
    request[LOG_ID] = log_id = core.next_log_id()
    counted = request.path.startswith("/open-apis/")
    stats = core.stats
    status = "exception"
    if counted:
        stats.started()
    try:
        if counted:
            await core.pause(core.dice.latency_s(core.faults))
        try:
            response = await handler(request)
        except web.HTTPException as exc:  # unknown path or method: plain text, like the gateway
            request[CODE] = None
            response = web.Response(status=exc.status, text=exc.text)
        if request.get(DROPPED):
            status = "dropped"
            return response
        response.headers["X-Tt-Logid"] = log_id
        response.headers["Date"] = formatdate(core.config.wall_time(), usegmt=True)  # its clock, offset or not
        status = str(response.status)
        return response
    finally:
        if counted:
            stats.finished(status, request.get(CODE))


async def update_ticket(request: web.Request) -> web.StreamResponse:
    core = request.app[CORE]
    faults, dice = core.faults, core.dice
    now = core.clock()
    refusal = core.put_throttle.refusal_for_burst() if dice.take_burst() else core.put_throttle.try_admit(now)
    if refusal is not None:
        return throttled(request, refusal)
    core.stats.put.add(now)
    if dice.hit(faults.bad_gateway_rate):
        request[CODE] = None
        return web.Response(status=502, text=BAD_GATEWAY_HTML, content_type="text/html")
    code = core.tokens.check_user(request.headers.get("Authorization"))
    problem = _common_checks(request, core, code)
    if problem is not None:
        return problem
    if request.content_type != "application/json":
        return answer(request, BAD_BODY)  # the doc fixes Content-Type; UNKNOWN what else does
    body, _ = parse_body(await request.read())
    if body is None or body_problem(body) is not None:
        return answer(request, BAD_BODY)
    ticket = core.tickets.get(request.match_info["ticket_id"])
    if ticket is None:
        return answer(request, NO_TICKET)
    if ticket.ticket_id in core.config.forbidden:
        return answer(request, NO_RIGHTS)
    if dice.hit(faults.error_rate):
        return answer(request, INTERNAL)
    if dice.hit(faults.drop_before_apply_rate):
        core.stats.dropped_before_apply += 1
        return drop(request)
    core.tickets.apply(ticket, body, request[LOG_ID])
    if dice.hit(faults.drop_after_apply_rate):
        core.stats.dropped_after_apply += 1
        return drop(request)
    if dice.hit(faults.slow_rate):
        core.stats.slow_answers += 1
        await core.pause(faults.slow_s)
    return answer(request, 0)


def _common_checks(request: web.Request, core: SandboxCore, token_code: int) -> web.Response | None:
    """Token, monthly quota, scope and helpdesk header, shared by PUT and GET."""
    if token_code:
        return answer(request, token_code)
    if not core.dice.spend_quota(core.faults):
        return answer(request, QUOTA_EXCEEDED)
    if core.faults.scope_missing:
        return answer(request, SCOPE_MISSING)
    helpdesk_code = core.tokens.check_helpdesk(request.headers.get("X-Lark-Helpdesk-Authorization"))
    return answer(request, helpdesk_code) if helpdesk_code else None


async def get_ticket(request: web.Request) -> web.StreamResponse:
    """Needs a tenant token (a user token is 99991663, the generic invalid-token code);
    its own throttle; no injected faults beyond latency."""
    core = request.app[CORE]
    now = core.clock()
    refusal = core.get_throttle.try_admit(now)
    if refusal is not None:
        return throttled(request, refusal)
    core.stats.get.add(now)
    code = core.tokens.check_tenant(request.headers.get("Authorization"))
    problem = _common_checks(request, core, code)
    if problem is not None:
        return problem
    ticket = core.tickets.get(request.match_info["ticket_id"])
    if ticket is None:
        return answer(request, NO_TICKET)
    v2 = core.tickets.as_v2(ticket, core.tokens.identity.helpdesk_id)
    return _json(request, 200, {"code": 0, "msg": "success", "data": {"ticket": v2}})


async def _form_or_json(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if request.content_type == "application/x-www-form-urlencoded":
        return dict(parse_qsl(raw.decode("utf-8", "replace")))
    body, _ = parse_body(raw)
    return body or {}


def _app_token_handler(kind: str) -> Handler:
    async def issue(request: web.Request) -> web.StreamResponse:
        core = request.app[CORE]
        credentials = await _form_or_json(request)
        code, token = core.tokens.issue_app_token(credentials, kind)
        if token is None:
            return answer(request, code)
        expire = int(token.expires_at - core.clock())
        body: dict[str, Any] = {"code": 0, "msg": "ok", f"{kind}_access_token": token.value,
                                "expire": expire}
        if kind == "app":  # the app endpoint hands out a tenant token too (docs/api-facts.md §4.3)
            _, tenant = core.tokens.issue_app_token(credentials, "tenant")
            assert tenant is not None
            body["tenant_access_token"] = tenant.value
        return _json(request, 200, body)
    return issue


async def refresh_user_token(request: web.Request) -> web.StreamResponse:
    """`POST /open-apis/authen/v2/oauth/token`, JSON or form body (lark-cli sends a form)."""
    core = request.app[CORE]
    code, fields = core.tokens.refresh(await _form_or_json(request))
    if code:
        entry = CODES[code]
        error = _OAUTH_ERRORS.get(code, "invalid_grant")
        return _json(request, entry.http_status,
                     {"code": code, "error": error, "error_description": entry.msg})
    return _json(request, 200, {"code": 0, **fields})


# -- inspection, outside /open-apis ----------------------------------------------------
async def sandbox_stats(request: web.Request) -> web.StreamResponse:
    return web.json_response(request.app[CORE].snapshot())


async def sandbox_reset(request: web.Request) -> web.StreamResponse:
    request.app[CORE].reset()
    return web.json_response({"reset": True})


async def sandbox_faults(request: web.Request) -> web.StreamResponse:
    """POST a JSON object of `Faults` fields to change them; `throttle_next` and
    `refresh_failures` queue one-shot faults. GET shows the current faults."""
    core = request.app[CORE]
    if request.method == "POST":
        changes, _ = parse_body(await request.read())
        if changes is None:
            raise web.HTTPBadRequest(text="expected a JSON object")
        core.throttle_next(int(changes.pop("throttle_next", core.dice.burst_left)))
        core.fail_next_refreshes(*changes.pop("refresh_failures", ()))
        try:
            core.set_faults(**changes)
        except (TypeError, ValueError) as exc:
            raise web.HTTPBadRequest(text=str(exc)) from exc
    faults = {name: getattr(core.faults, name) for name in core.faults.__dataclass_fields__}
    return web.json_response(faults)


async def sandbox_ticket(request: web.Request) -> web.StreamResponse:
    """A ticket as stored, with its full update history (no token needed)."""
    core = request.app[CORE]
    ticket = core.tickets.get(request.match_info["ticket_id"])
    if ticket is None:
        raise web.HTTPNotFound(text="no such ticket")
    v2 = core.tickets.as_v2(ticket, core.tokens.identity.helpdesk_id)
    v2["all_comments"] = [c.as_v2() for c in ticket.comments]
    v2["history"] = [{"at_ms": u.at_ms, "log_id": u.log_id, "body": u.body} for u in ticket.history]
    return web.json_response(v2)


def make_app(core: SandboxCore) -> web.Application:
    app = web.Application(middlewares=[log_id_middleware])
    app[CORE] = core
    app.router.add_put(TICKET_PATH, update_ticket)
    app.router.add_get(TICKET_PATH, get_ticket)
    app.router.add_post("/open-apis/auth/v3/tenant_access_token/internal", _app_token_handler("tenant"))
    app.router.add_post("/open-apis/auth/v3/app_access_token/internal", _app_token_handler("app"))
    app.router.add_post("/open-apis/authen/v2/oauth/token", refresh_user_token)
    app.router.add_get("/_sandbox/stats", sandbox_stats)
    app.router.add_post("/_sandbox/reset", sandbox_reset)
    app.router.add_get("/_sandbox/faults", sandbox_faults)
    app.router.add_post("/_sandbox/faults", sandbox_faults)
    app.router.add_get("/_sandbox/tickets/{ticket_id}", sandbox_ticket)
    add_docs_routes(app, core)  # Base, Sheets and Wiki (docs_routes.py)
    add_listing_routes(app, Answers(CORE, answer, throttled, _json, _common_checks))  # the list, the field list
    add_im_routes(app, lambda header: core.tokens.check_tenant(header))  # --notify: im/v1/messages, custom bots
    return app
