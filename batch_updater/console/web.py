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

from aiohttp import web

from batch_updater.console.security import guard
from batch_updater.console.tables import page_of, plan_rows, result_rows
from batch_updater.console.work import FILES, SUFFIXES, BusyError, Console, RunRecord, Upload, valid_ids
from batch_updater.errors import BatchUpdaterError
from batch_updater.model import FIELDS
from batch_updater.run.plan import PlanResult

STATIC = {"app.js": "text/javascript", "style.css": "text/css", "i18n.js": "text/javascript"}
EVENT_EVERY_S = 0.5  # the server pushes a run's progress at most this often
CONSOLE = web.AppKey("console", Console)
INFO = web.AppKey("info", dict)


def make_app(console: Console, *, token: str, hosts: set[str], max_upload: int, info: Mapping[str, Any],
             on_upload: Callable[[Upload], None] | None = None) -> web.Application:
    """`info`: what the page may show of the server (its API, which credentials are set: never
    their values); `on_upload`: told of each upload that was read (the sandbox learns its ids)."""
    app = web.Application(middlewares=[guard(token, hosts), _errors], client_max_size=max_upload + 64 * 1024)
    app[CONSOLE] = console
    app[INFO] = {**info, "max_upload_mb": round(max_upload / 2**20), "suffixes": SUFFIXES,
                 "fields": [f for f in FIELDS if f != "customized_fields"] + ["customized_fields"]}
    upload_limit, hook = max_upload, on_upload

    async def upload(request: web.Request) -> web.Response:
        name, path, upload_id = await _receive(request, console, upload_limit)
        loop = asyncio.get_running_loop()
        try:
            found = await loop.run_in_executor(None, console.add_upload, upload_id, name, path)
        except BaseException:
            _discard(path)
            raise
        if hook is not None:
            hook(found)
        return web.json_response(describe(found))

    app.add_routes([
        web.get("/", _page), web.get("/static/{name}", _static), web.get("/api/status", _status),
        web.post("/api/uploads", upload), web.get("/api/uploads/{id}", _upload),
        web.post("/api/uploads/{id}/check", _check), web.get("/api/uploads/{id}/rows", _upload_rows),
        web.post("/api/uploads/{id}/plan", _start("plan")), web.post("/api/uploads/{id}/runs", _start("run")),
        web.get("/api/runs", _runs), web.get("/api/runs/{id}", _run), web.get("/api/runs/{id}/events", _events),
        web.post("/api/runs/{id}/stop", _stop), web.get("/api/runs/{id}/rows", _run_rows),
        web.get("/api/runs/{id}/files/{kind}", _file),
    ])
    return app


@web.middleware
async def _errors(request: web.Request, handler: Callable[[web.Request], Any]) -> web.StreamResponse:
    try:
        return await handler(request)
    except BusyError as e:
        return web.json_response({"error": str(e)}, status=409)
    except BatchUpdaterError as e:
        return web.json_response({"error": str(e)}, status=400)
    except KeyError:
        return web.json_response({"error": "not found (after a restart of the server, only the runs' list and "
                                           "files are kept)"}, status=404)
    except web.HTTPException:
        raise
    except ValueError as e:
        return web.json_response({"error": f"bad request: {e}"}, status=400)


# --- the page ------------------------------------------------------------------------------------

def _asset(name: str) -> bytes:
    return resources.files("batch_updater.console").joinpath("static", name).read_bytes()


async def _page(request: web.Request) -> web.Response:
    return web.Response(body=_asset("index.html"), content_type="text/html",
                        headers={"Cache-Control": "no-store", "Content-Security-Policy": _CSP})


async def _static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in STATIC:
        raise KeyError(name)
    return web.Response(body=_asset(name), content_type=STATIC[name], headers={"Cache-Control": "no-cache"})


_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'")


async def _status(request: web.Request) -> web.Response:
    return web.json_response(request.app[INFO])


# --- uploads -----------------------------------------------------------------------------------------

async def _receive(request: web.Request, console: Console, limit: int) -> tuple[str, Path, str]:
    """The uploaded file, streamed to its folder; refused past `limit` bytes."""
    if request.content_length is not None and request.content_length > limit + 64 * 1024:
        raise _too_big(limit)
    try:
        reader = await request.multipart()
        part = await reader.next()
    except (ValueError, AssertionError, KeyError):
        raise BatchUpdaterError("send the file as a form upload (multipart/form-data, field `file`)") from None
    while part is not None and getattr(part, "name", None) != "file":
        part = await reader.next()
    if part is None:
        raise BatchUpdaterError("no file in the upload (field `file`)")
    name = part.filename or "upload"
    upload_id, path = console.new_upload_path(name)
    size = 0
    with path.open("wb") as out:
        while chunk := await part.read_chunk(1 << 16):
            size += len(chunk)
            if size > limit:
                out.close()
                _discard(path)
                raise _too_big(limit)
            out.write(chunk)
    return name, path, upload_id


def _too_big(limit: int) -> BatchUpdaterError:
    return BatchUpdaterError(f"the file is larger than this console takes ({limit / 2**20:.0f} MB); split it, or "
                             "run it from the command line (batch-updater run), which has no limit")


def _discard(path: Path) -> None:
    """An upload that was refused leaves nothing behind."""
    for item in path.parent.glob("*"):
        item.unlink(missing_ok=True)
    path.parent.rmdir()


def describe(upload: Upload) -> dict[str, Any]:
    """An upload for the page: what was read, its columns, the check's counts and warnings."""
    result = upload.checked
    assert result is not None and result.sheet is not None
    sheet = result.sheet
    columns = [{"header": h, "role": _role_name(r), "index": i} for i, (h, r) in enumerate(
        zip(sheet.columns.header, sheet.columns.roles))]
    comment = sheet.columns.index("comment")
    valid = [(row, out) for row, out in zip(sheet.rows, result.outcomes) if out.result.value == "valid"]
    return {
        "id": upload.id, "name": upload.name, "sheets": upload.sheets, "sheet": sheet.sheet_name,
        "source": sheet.source, "columns": columns, "renames": upload.columns,
        "unknown": [c["header"] for c in columns if c["role"] is None and c["header"].strip()],
        "warnings": list(result.warnings), "counts": dict(result.summary.by_result), "rows": len(result.outcomes),
        "tickets": len(set(valid_ids(result))),
        "comments": sum(1 for row, _ in valid if comment is not None and row.cells[comment].strip()),
        "checked_at": upload.checked_at, "report": upload.path.parent.joinpath("check.csv").exists(),
    }


def _role_name(role: Any) -> str | None:
    if role is None or isinstance(role, str):
        return role
    return f"custom:{role.field_id}"


async def _upload(request: web.Request) -> web.Response:
    return web.json_response(describe(request.app[CONSOLE].upload(request.match_info["id"])))


async def _check(request: web.Request) -> web.Response:
    console = request.app[CONSOLE]
    found = console.upload(request.match_info["id"])
    body = await _json(request)
    columns = {str(k): str(v) for k, v in (body.get("renames") or {}).items() if str(v).strip()}
    sheet = body.get("sheet")
    await asyncio.get_running_loop().run_in_executor(None, console.check, found, sheet, columns)
    return web.json_response(describe(found))


async def _upload_rows(request: web.Request) -> web.Response:
    found = request.app[CONSOLE].upload(request.match_info["id"])
    assert found.checked is not None
    return web.json_response(page_of(result_rows(found.checked), request.query, "result"))


async def _json(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        data = await request.json()
    except json.JSONDecodeError:
        raise BatchUpdaterError("the request's body is not JSON") from None
    if not isinstance(data, dict):
        raise BatchUpdaterError("the request's body must be a JSON object")
    return data


# --- plans and runs -----------------------------------------------------------------------------------

def _start(kind: str) -> Callable[[web.Request], Any]:
    async def start(request: web.Request) -> web.Response:
        console = request.app[CONSOLE]
        found = console.upload(request.match_info["id"])
        record = console.start(kind, found, await _json(request))
        return web.json_response(record.snapshot(), status=202)

    return start


def _record(request: web.Request) -> RunRecord:
    return request.app[CONSOLE].runs[request.match_info["id"]]


async def _runs(request: web.Request) -> web.Response:
    runs = sorted(request.app[CONSOLE].runs.values(), key=lambda r: r.started_at, reverse=True)
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
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache",
                                           "X-Accel-Buffering": "no"})
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
    record = _record(request)
    if record.result is None:
        raise KeyError(record.id)
    if isinstance(record.result, PlanResult):
        return web.json_response(page_of(plan_rows(record.result), request.query, "kind"))
    return web.json_response(page_of(result_rows(record.result), request.query, "result"))


async def _file(request: web.Request) -> web.FileResponse:
    kind = request.match_info["kind"]
    if kind not in FILES:
        raise KeyError(kind)
    path = request.app[CONSOLE].file(request.match_info["id"], kind)
    return web.FileResponse(path, headers={"Content-Disposition": f'attachment; filename="{path.name}"'})
