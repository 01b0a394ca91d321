"""Who may talk to the console: like Jupyter, a random access token in the URL the server prints,
kept as a cookie after the first visit; and, against DNS rebinding and cross-site posts, only
the Host names the server listens as, and for anything that changes state, only its own Origin."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable

from aiohttp import web

from batch_updater.feishu.credentials import is_loopback

COOKIE = "batch_updater_console"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def allowed_hosts(host: str, port: int) -> set[str]:
    """The Host headers a browser sends for this server: the address it binds, and for loopback
    the other names of this machine."""
    names = {host}
    if is_loopback(host) or host in ("", "0.0.0.0", "::"):  # noqa: S104 - only the names, not a bind
        names |= {"127.0.0.1", "localhost", "[::1]"}
    return {f"{name}:{port}".lower() for name in names} | ({n.lower() for n in names} if port == 80 else set())


def guard(token: str, hosts: set[str]) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """`hosts`: the Host headers allowed (lower case); the set may be filled once the port is known."""

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.host.lower() not in hosts:
            return _refuse("this server answers only to its own address (Host not allowed)")
        origin = request.headers.get("Origin", "").lower()
        if request.method not in SAFE_METHODS and not (origin.startswith("http://") and origin[7:] in hosts):
            return _refuse("a change must come from this console's own page (Origin not allowed)")
        given = request.query.get("token")
        if given is not None and hmac.compare_digest(given, token):
            # The first visit: keep the token as a cookie and take it out of the address bar.
            rest = request.rel_url.with_query({k: v for k, v in request.query.items() if k != "token"})
            response = web.Response(status=303, headers={"Location": str(rest)})
            response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/")
            return response
        if not hmac.compare_digest(request.cookies.get(COOKIE, ""), token):
            return _refuse("open the address `batch-updater serve` printed: it holds the access token")
        return await handler(request)

    return check


def _refuse(reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=403)
