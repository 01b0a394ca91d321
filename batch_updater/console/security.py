"""Who may talk to the console: like Jupyter, a random access token in the URL the server prints,
kept as a cookie after the first visit; and, against DNS rebinding and cross-site posts, only
the Host names the server listens as, and for anything that changes state, only its own Origin."""

from __future__ import annotations

import contextlib
import hmac
import secrets
import socket
from collections.abc import Awaitable, Callable

from aiohttp import web

from batch_updater.feishu.credentials import is_loopback

COOKIE = "batch_updater_console"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
ANY_ADDRESS = ("", "0.0.0.0", "::")  # noqa: S104 - names of "every interface", to recognise them
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def machine_addresses() -> set[str]:
    """This machine's names and addresses, for a server listening on every interface."""
    names = {socket.gethostname(), socket.getfqdn()}
    with contextlib.suppress(OSError):
        names |= {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)}
    return {f"[{n}]" if ":" in n else n for n in names if n}


def allowed_hosts(host: str, port: int) -> set[str]:
    """The Host headers a browser sends for this server: the address it listens on (for every
    interface, this machine's names and addresses), and on this machine, its loopback names."""
    names = {host}
    if is_loopback(host) or host in ANY_ADDRESS:
        names |= {"127.0.0.1", "localhost", "[::1]"}
    if host in ANY_ADDRESS:
        names |= machine_addresses()
    return {f"{name}:{port}".lower() for name in names if name} | (
        {n.lower() for n in names if n} if port == 80 else set())


def cookie_name(request: web.Request) -> str:
    """One cookie per port: two consoles on one machine do not log each other out."""
    return f"{COOKIE}_{request.url.port or 80}"


def guard(token: str, hosts: set[str]) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """`hosts`: the Host headers allowed (lower case); the set may be filled once the port is known."""

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.host.lower() not in hosts:
            return _refuse(request, "this server answers only to its own address (Host not allowed)")
        origin = request.headers.get("Origin", "").lower()
        if request.method not in SAFE_METHODS and not (origin.startswith("http://") and origin[7:] in hosts):
            return _refuse(request, "a change must come from this console's own page (Origin not allowed)")
        given = request.query.get("token")
        if given is not None and hmac.compare_digest(given.encode(), token.encode()):
            # The first visit: keep the token as a cookie and take it out of the address bar.
            rest = request.rel_url.with_query({k: v for k, v in request.query.items() if k != "token"})
            response = web.Response(status=303, headers={"Location": str(rest)})
            response.set_cookie(cookie_name(request), token, httponly=True, samesite="Strict", path="/")
            return response
        if not hmac.compare_digest(request.cookies.get(cookie_name(request), "").encode(), token.encode()):
            return _refuse(request, "open the address `batch-updater serve` printed when it started: it holds the "
                                    "access token (ask whoever started it)")
        return await handler(request)

    return check


_PAGE = """<!doctype html><meta charset="utf-8"><title>batch-updater</title>
<p style="font:16px sans-serif;margin:40px">{en}</p><p style="font:16px sans-serif;margin:40px">{zh}</p>"""
_ZH = "请打开 batch-updater serve 启动时打印的地址（其中含有访问令牌；可向启动它的人索取）。"


def _refuse(request: web.Request, reason: str) -> web.Response:
    if request.method == "GET" and "text/html" in request.headers.get("Accept", ""):  # a person, in a browser
        return web.Response(status=403, content_type="text/html",
                            text=_PAGE.format(en=reason.replace("`", ""), zh=_ZH))
    return web.json_response({"error": reason}, status=403)
