"""Who may talk to the console: like Jupyter, a random access token in the URL the server prints,
kept as a cookie after the first visit; and, against DNS rebinding and cross-site posts, only
the Host names the server listens as, and for anything that changes state, only its own Origin.

The cookie outlives the browser's session: it holds a proof of the token (an HMAC of the time it
was given, never the token), good until the server stops (its token dies with it) or, with
`serve --session-days N`, for N days. Without it, a page in a browser is a 403 page with a box
to paste the token or the whole address the server printed."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import html
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs, urlsplit

from aiohttp import web

from batch_updater.console.controls import language_of
from batch_updater.feishu.credentials import is_loopback
from batch_updater.i18n import N_, tr_in

COOKIE = "batch_updater_console"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
ANY_ADDRESS = ("", "0.0.0.0", "::")  # noqa: S104 - names of "every interface", to recognise them
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
FOREVER_DAYS = 400  # a cookie's longest life in today's browsers: "until the server stops", in effect


def session_cookie(token: str, issued: int) -> str:
    """The cookie's value: when it was given and a proof of the token (the token itself never is)."""
    proof = hmac.new(token.encode(), f"console-session {issued}".encode(), hashlib.sha256).hexdigest()
    return f"{issued}.{proof}"


def valid_cookie(value: str, token: str, now: float, days: float | None) -> bool:
    issued, _, _ = value.partition(".")
    if not issued.isdigit() or not value.isascii():
        return False
    if not hmac.compare_digest(value.encode(), session_cookie(token, int(issued)).encode()):
        return False
    return days is None or now - int(issued) < days * 86400


def given_token(text: str) -> str:
    """A token as pasted: the token, or the whole address the server printed (…/?token=…)."""
    text = text.strip()
    if "token=" in text:
        found = parse_qs(urlsplit(text).query).get("token") or parse_qs(text.split("?", 1)[-1]).get("token")
        if found:
            return found[0].strip()
    return text


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


def guard(token: str, hosts: set[str], *, session_days: float | None = None,
          clock: Callable[[], float] = time.time) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """`hosts`: the Host headers allowed (lower case); the set may be filled once the port is known.
    `session_days`: how long the cookie lets a browser in (None: until the server stops)."""

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        lang = language_of(request.headers.get("Accept-Language"))  # before the page's words are set (web.py)
        if request.host.lower() not in hosts:
            return _refuse(request, tr_in(lang, "this server answers only to its own address (Host not allowed)"))
        origin = request.headers.get("Origin", "").lower()
        if request.method not in SAFE_METHODS and not (origin.startswith("http://") and origin[7:] in hosts):
            return _refuse(request, tr_in(lang, "a change must come from this console's own page (Origin not allowed)"))
        given = request.query.get("token")
        if given is not None and given_token(given).isascii() and hmac.compare_digest(
                given_token(given).encode(), token.encode()):
            # The first visit: keep a proof of the token as a cookie and take it out of the address bar.
            rest = request.rel_url.with_query({k: v for k, v in request.query.items() if k != "token"})
            response = web.Response(status=303, headers={"Location": str(rest)})
            now = int(clock())
            days = FOREVER_DAYS if session_days is None else session_days
            response.set_cookie(cookie_name(request), session_cookie(token, now), httponly=True, samesite="Strict",
                                path="/", max_age=int(days * 86400))
            return response
        if not valid_cookie(request.cookies.get(cookie_name(request), ""), token, clock(), session_days):
            wrong = given is not None
            return _refuse(request, tr_in(lang, "that is not this server's access token: paste the address "
                                                "`batch-updater serve` printed when it started (it holds the token)")
                           if wrong else
                           tr_in(lang, "open the address `batch-updater serve` printed when it started: it holds the "
                                       "access token (ask whoever started it)"), box=True, wrong=wrong)
        return await handler(request)

    return check


_WORDS = (N_("batch-updater console"), N_("This page needs the console's access token."),
          N_("Paste the address batch-updater serve printed when it started (it holds the token), or "
             "the token alone. Ask whoever started it."), N_("Address or token"), N_("Open"),
          N_("That is not this server's token."))  # the token box's, said in each language (i18n/zh.py)
_PAGE = """<!doctype html><html lang="{lang}"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<body style="font:16px/1.5 sans-serif;margin:40px auto;max-width:40em;padding:0 16px;color:#1f2328">
<main>{sections}</main></body></html>"""
_SECTION = """<section lang="{lang}"><h1 style="font-size:20px">{heading}</h1><p>{lead}</p>{wrong}
<form method="get" action="{action}"><label for="token-{lang}">{label}</label><br>
<input id="token-{lang}" name="token" type="password" autocomplete="off" required
 style="width:100%;max-width:36em;font:inherit;padding:6px;margin:6px 0">
<button type="submit"
 style="font:inherit;padding:6px 16px;color:#fff;background:#1f5fc4;border:0;border-radius:6px">{go}</button>
</form></section>"""


def _refuse(request: web.Request, reason: str, *, box: bool = False, wrong: bool = False) -> web.Response:
    if request.method == "GET" and "text/html" in request.headers.get("Accept", ""):  # a person, in a browser
        first = language_of(request.headers.get("Accept-Language"))
        langs = (first, "en" if first == "zh" else "zh")
        if not box:  # a foreign Host: no form, only the reason
            return web.Response(status=403, content_type="text/html", text=_PAGE.format(
                lang=first, title="batch-updater", sections=f"<p>{html.escape(reason.replace('`', ''))}</p>"))
        words = {lang: [tr_in(lang, w) for w in _WORDS] for lang in langs}
        sections = "<hr>".join(_SECTION.format(
            lang=lang, heading=words[lang][0], lead=words[lang][1] + " " + words[lang][2], label=words[lang][3],
            go=words[lang][4], action=html.escape(request.path, quote=True),
            wrong=f'<p role="alert" style="color:#b42318">{words[lang][5]}</p>' if wrong else "") for lang in langs)
        return web.Response(status=403, content_type="text/html", text=_PAGE.format(
            lang=first, title=words[first][0], sections=sections), headers={"Cache-Control": "no-store"})
    return web.json_response({"error": reason}, status=403)
