"""The console's HTTP side (aiohttp.web): the page, a small JSON API over `work.Console`, a
Server-Sent Events stream per run, downloads. Every answer is JSON or a file; a bad upload is a
400 with the reason, never a traceback; no credential ever leaves the server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

from batch_updater.console.choices import choice_routes
from batch_updater.console.common import CONSOLE, body_of, described, upload_of
from batch_updater.console.confirm import confirmation
from batch_updater.console.controls import PageWords, in_words, language_of
from batch_updater.console.export_routes import export_routes
from batch_updater.console.runs import FILES, BusyError, RunRecord
from batch_updater.console.security import guard
from batch_updater.console.tables import page_of
from batch_updater.console.uploads import SUFFIXES, discard
from batch_updater.console.work import Console
from batch_updater.errors import BatchUpdaterError
from batch_updater.i18n import speaking, tr
from batch_updater.naming import naming
from batch_updater.sheet.limits import command_line_limits

STATIC_TYPES = {".js": "text/javascript", ".css": "text/css"}  # the page's files: static/*.js, static/*.css
NO_STORE = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}  # every answer of the API
EVENT_EVERY_S = 0.5  # the server pushes a run's progress at most this often
INFO = web.AppKey("info", dict)


def make_app(console: Console, *, token: str, hosts: set[str], max_upload: int,
             info: Mapping[str, Any], session_days: float | None = None) -> web.Application:
    """`info`: what the page may show of the server (its API, which credentials are set: never
    their values); `session_days`: how long a browser stays let in (None: until the server stops)."""
    app = web.Application(middlewares=[_no_store, guard(token, hosts, session_days=session_days), _page_words,
                                       _errors],
                          client_max_size=max_upload + 64 * 1024)
    app[CONSOLE] = console
    app[INFO] = {**info, "max_upload_mb": round(max_upload / 2**20), "max_rows": console.uploads.budget.rows,
                 "suffixes": SUFFIXES}
    upload_limit = max_upload

    async def upload(request: web.Request) -> web.Response:
        upload_id, arrived = await _receive(request, console, upload_limit)
        loop = asyncio.get_running_loop()
        found = await loop.run_in_executor(None, in_words(console.uploads.add, upload_id, arrived))  # cleans up
        return web.json_response(described(console, found))

    async def link(request: web.Request) -> web.Response:
        body = await body_of(request)
        text = body.get("link")
        if not isinstance(text, str) or not text.strip():
            raise BatchUpdaterError(tr("paste a link to a Base table or a sheet (https://….feishu.cn/base/…?table=…)"))
        loop = asyncio.get_running_loop()  # checked in the page's words, as an upload is
        found = await loop.run_in_executor(None, in_words(console.uploads.add_link, text))
        return web.json_response(described(console, found))

    app.add_routes([
        web.get("/", _page), web.get("/static/{name}", _static), web.get("/api/status", _status),
        web.post("/api/uploads", upload), web.get("/api/uploads/{id}", _upload), web.post("/api/links", link),
        web.get("/api/uploads/{id}/rows", _upload_rows),
        web.get("/api/uploads/{id}/check.csv", _check_file), web.get("/favicon.ico", _no_icon),
        web.post("/api/uploads/{id}/plan", _start("plan")), web.post("/api/uploads/{id}/runs", _start("run")),
        web.post("/api/uploads/{id}/confirm", _confirm),
        web.get("/api/runs", _runs), web.get("/api/runs/{id}", _run), web.get("/api/runs/{id}/events", _events),
        web.post("/api/runs/{id}/stop", _stop), web.get("/api/runs/{id}/rows", _run_rows),
        web.get("/api/runs/{id}/files/{kind}", _file),
    ])
    app.add_routes(choice_routes(console))  # the mapping: fields, value maps, job files, the sheets kept
    app.add_routes(export_routes())  # the Export step: the helpdesk's tickets as a workbook, or the sheet in use
    return app


@web.middleware
async def _no_store(request: web.Request, handler: Callable[[web.Request], Any]) -> web.StreamResponse:
    """The API's answers and downloads: never cached, never sniffed into another type (a
    download or a message of the user's own cells read as HTML)."""
    response = await handler(request)
    if not response.prepared and request.path.startswith("/api/"):
        response.headers.update(NO_STORE)
    elif not response.prepared:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


@web.middleware
async def _page_words(request: web.Request, handler: Callable[[web.Request], Any]) -> web.StreamResponse:
    """The library's messages name the page's controls, in the page's language (its requests
    say which in Accept-Language), on this request and the threads it starts (in_words)."""
    lang = language_of(request.headers.get("Accept-Language"))
    with naming(PageWords(lang)), speaking(lang):  # and the library's messages in the page's language
        return await handler(request)


@web.middleware
async def _errors(request: web.Request, handler: Callable[[web.Request], Any]) -> web.StreamResponse:
    try:
        return await handler(request)
    except BusyError as e:
        return web.json_response({"error": str(e)}, status=409)
    except BatchUpdaterError as e:
        return web.json_response({"error": str(e)}, status=400)
    except KeyError:
        return web.json_response({"error": tr("not found (after a restart of the server, only the runs' list and "
                                              "files are kept)")}, status=404)
    except web.HTTPException:
        raise
    except ValueError as e:
        return web.json_response({"error": tr("bad request: {reason}", reason=e)}, status=400)


# --- the page ------------------------------------------------------------------------------------

def _asset(name: str) -> bytes:
    return resources.files("batch_updater.console").joinpath("static", name).read_bytes()


async def _page(request: web.Request) -> web.Response:
    return web.Response(body=_asset("index.html"), content_type="text/html",
                        headers={"Cache-Control": "no-store", "Content-Security-Policy": _CSP})


def _static_names() -> dict[str, str]:
    """The page's own files (static/*.js, *.css: plain ES modules and the style), each with its type."""
    folder = resources.files("batch_updater.console").joinpath("static")
    return {item.name: STATIC_TYPES[Path(item.name).suffix] for item in folder.iterdir()
            if Path(item.name).suffix in STATIC_TYPES}


STATIC = _static_names()


async def _static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in STATIC:
        raise KeyError(name)
    return web.Response(body=_asset(name), content_type=STATIC[name], headers={"Cache-Control": "no-cache"})


# i18n: en (a header)
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'")


async def _status(request: web.Request) -> web.Response:
    return web.json_response(request.app[INFO])


# --- uploads -----------------------------------------------------------------------------------------

async def _receive(request: web.Request, console: Console, limit: int) -> tuple[str, Path]:
    """The uploaded file, streamed to a place of its own; refused past `limit` bytes, or while a
    run of the sheet it would replace is going."""
    if request.content_length is not None and request.content_length > limit + 64 * 1024:
        raise _too_big(limit)
    try:
        reader = await request.multipart()
        part = await reader.next()
    except (ValueError, AssertionError, KeyError):
        raise BatchUpdaterError(tr("send the file as a form upload (multipart/form-data, field `file`)")) from None
    while part is not None and getattr(part, "name", None) != "file":
        part = await reader.next()
    if part is None:
        raise BatchUpdaterError(tr("no file in the upload (field `file`)"))
    upload_id, path = console.uploads.incoming(part.filename or "upload")
    busy = console.runs.active_for(upload_id)
    if busy is not None:
        discard(path)
        if busy.kind == "plan":
            raise BusyError(tr("a plan of {name} is going: wait for it to end, or stop it, before you upload that "
                               "sheet again", name=path.name))
        raise BusyError(tr("a run of {name} is going: wait for it to end, or stop it, before you upload that sheet "
                           "again", name=path.name))
    try:
        size = 0
        with path.open("wb") as out:
            while chunk := await part.read_chunk(1 << 16):
                size += len(chunk)
                if size > limit:
                    raise _too_big(limit)
                out.write(chunk)
    except BaseException:  # too big, the connection dropped, the server stopping: nothing left behind
        discard(path)
        raise
    return upload_id, path


def _too_big(limit: int) -> BatchUpdaterError:
    return BatchUpdaterError(tr("the file is larger than this console takes ({mb} MB); split it, or run it from the "
                                "command line (batch-updater run), which takes {limits}",
                                mb=f"{limit / 2**20:.0f}", limits=command_line_limits()))


async def _upload(request: web.Request) -> web.Response:
    return web.json_response(described(request.app[CONSOLE], await upload_of(request)))


async def _check_file(request: web.Request) -> web.FileResponse:
    found = await upload_of(request)
    path = found.path.parent / "check.csv"
    if found.checked is None or not path.is_file():
        raise KeyError("check.csv")
    name = f"{Path(found.name).stem}-check.csv"
    return web.FileResponse(path, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


async def _no_icon(request: web.Request) -> web.Response:
    return web.Response(status=204)


async def _upload_rows(request: web.Request) -> web.Response:
    found = await upload_of(request)
    if found.checked is None:
        raise BatchUpdaterError(found.problem)
    return web.json_response(page_of(found.checked.rows, request.query, "result"))


# --- plans and runs -----------------------------------------------------------------------------------

def _start(kind: str) -> Callable[[web.Request], Any]:
    async def start(request: web.Request) -> web.Response:
        found = await upload_of(request)
        if found.checked is None:
            raise BatchUpdaterError(found.problem)
        record = request.app[CONSOLE].runs.start(kind, found, await body_of(request))
        return web.json_response(record.snapshot(), status=202)

    return start


async def _confirm(request: web.Request) -> web.Response:
    """What Run would do now with the page's options: from the job's journal, not the check."""
    found = await upload_of(request)
    if found.checked is None:
        raise BatchUpdaterError(found.problem)
    runs = request.app[CONSOLE].runs
    options = runs.options("run", found, await body_of(request))
    told = await asyncio.get_running_loop().run_in_executor(None, in_words(confirmation, options, runs.env))
    told["name"] = found.link or found.name  # the confirmation names the file, and the options it runs with
    told["options"] = {"rate": options.rate, "skip_unchanged": options.skip_unchanged, "undo": options.undo,
                       "retry_comments": options.retry_comments, "sheet": options.sheet,
                       "columns": len(options.columns), "values": sum(len(v) for v in options.values.values()),
                       "write_back": bool(found.link) and options.write_back is not False}
    other = runs.sending()
    told["sending"] = {"id": other.id, "name": other.upload_name, "started_at": other.started_at} if other else None
    return web.json_response(told)


def _record(request: web.Request) -> RunRecord:
    return request.app[CONSOLE].runs.records[request.match_info["id"]]


async def _runs(request: web.Request) -> web.Response:
    runs = sorted(request.app[CONSOLE].runs.records.values(), key=lambda r: r.started_at, reverse=True)
    return web.json_response([dict(r.snapshot(), series=[]) for r in runs])


async def _run(request: web.Request) -> web.Response:
    return web.json_response(_record(request).snapshot())


async def _stop(request: web.Request) -> web.Response:
    record = _record(request)
    record.control.stop()
    record.version += 1
    return web.json_response(record.snapshot())


async def _events(request: web.Request) -> web.StreamResponse:
    """The run's snapshot whenever it changed, at most every EVENT_EVERY_S, until it ends."""
    record = _record(request)
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", **NO_STORE, "X-Accel-Buffering": "no"})
    await response.prepare(request)
    seen, idle = -1, 0.0
    while True:
        if record.version != seen:
            seen = record.version
            snapshot = record.snapshot()
            await response.write(f"data: {json.dumps(snapshot, ensure_ascii=False)}\n\n".encode())
            if not snapshot["running"]:
                break
            idle = 0.0
        elif idle >= 15:
            await response.write(b": still here\n\n")  # keeps proxies and the browser from giving up
            idle = 0.0
        await asyncio.sleep(EVENT_EVERY_S)
        idle += EVENT_EVERY_S
    return response


async def _run_rows(request: web.Request) -> web.Response:
    """A finished plan's or run's rows, a page at a time (read again from its folder when needed)."""
    record = _record(request)
    runs = request.app[CONSOLE].runs
    table = await asyncio.get_running_loop().run_in_executor(None, runs.table, record.id)
    runs.touch(record.id)
    return web.json_response(page_of(table, request.query, "kind" if record.kind == "plan" else "result"))


async def _file(request: web.Request) -> web.FileResponse:
    kind = request.match_info["kind"]
    if kind not in FILES:
        raise KeyError(kind)
    path = request.app[CONSOLE].runs.file(request.match_info["id"], kind)
    return web.FileResponse(path, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(path.name)}"})
