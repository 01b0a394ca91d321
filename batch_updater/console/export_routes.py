"""The Export step over HTTP (exports.py): export with the page's filters, download the
workbook, take it as the sheet in use."""

from __future__ import annotations

import asyncio
import shutil
from urllib.parse import quote

from aiohttp import web

from batch_updater.console.common import CONSOLE, body_of, described
from batch_updater.console.controls import in_words
from batch_updater.console.runs import BusyError
from batch_updater.console.uploads import discard
from batch_updater.errors import BatchUpdaterError
from batch_updater.i18n import tr


def export_routes() -> list[web.RouteDef]:
    return [web.post("/api/exports", _make), web.get("/api/exports/{id}/file", _file),
            web.post("/api/exports/{id}/use", _use)]


async def _make(request: web.Request) -> web.Response:
    console = request.app[CONSOLE]
    body = await body_of(request)
    given = body.get("filters") or {}
    if not isinstance(given, dict):
        raise BatchUpdaterError(tr("filters: a JSON object of a filter's name -> its value"))
    found = await asyncio.get_running_loop().run_in_executor(None, in_words(console.exports.make, given))
    return web.json_response(found)


async def _file(request: web.Request) -> web.FileResponse:
    path = request.app[CONSOLE].exports.file(request.match_info["id"])
    return web.FileResponse(path, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(path.name)}"})


async def _use(request: web.Request) -> web.Response:
    """The export as the sheet in use: uploaded as the page uploads a file (checked at once)."""
    console = request.app[CONSOLE]
    path = console.exports.file(request.match_info["id"])
    upload_id, staging = console.uploads.incoming(path.name)
    busy = console.runs.active_for(upload_id)
    if busy is not None:
        discard(staging)
        raise BusyError(tr("a plan of {name} is going: wait for it to end, or stop it, first", name=path.name)
                        if busy.kind == "plan" else
                        tr("a run of {name} is going: wait for it to end, or stop it, first", name=path.name))
    shutil.copyfile(path, staging)
    found = await asyncio.get_running_loop().run_in_executor(None, in_words(console.uploads.add, upload_id, staging))
    return web.json_response(described(console, found))
