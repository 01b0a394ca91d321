"""The page's choices for a sheet, over HTTP: the fields a column can be mapped to, a check with
the sheet, encoding, column mapping and value maps chosen, the choices saved as a job file and
loaded from one, and the sheets the console keeps (to reopen one)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

from batch_updater.console.common import CONSOLE, body_of, described, upload_of
from batch_updater.console.controls import in_words
from batch_updater.console.jobfile import job_file, read_job_file
from batch_updater.console.targets import targets
from batch_updater.console.work import Console
from batch_updater.errors import BatchUpdaterError
from batch_updater.i18n import tr
from batch_updater.schema.fields import REGISTRY

MAX_JOB_FILE = 256 * 1024  # a job file the page loads (a few KB at most, in practice)


def choice_routes(console: Console) -> list[web.RouteDef]:
    return [
        web.get("/api/targets", _targets), web.get("/api/uploads", _sheets),
        web.post("/api/uploads/{id}/check", _check), web.get("/api/uploads/{id}/job.toml", _save_job),
        web.post("/api/uploads/{id}/job", _load_job),
    ]


async def _targets(request: web.Request) -> web.Response:
    """What a column can be mapped to (the seam where more targets join: targets.py)."""
    more = request.app[CONSOLE].more_targets
    return web.json_response(await asyncio.get_running_loop().run_in_executor(None, targets, REGISTRY, more))


async def _sheets(request: web.Request) -> web.Response:
    uploads = request.app[CONSOLE].uploads
    return web.json_response(await asyncio.get_running_loop().run_in_executor(None, uploads.listed))


def _renames(body: Mapping[str, Any]) -> dict[str, str] | None:
    renames = body.get("renames")
    if renames is None:
        return None
    if not isinstance(renames, dict):
        raise BatchUpdaterError(tr("renames: a JSON object of the sheet's header -> the tool's column"))
    return {str(k): str(v) for k, v in renames.items() if str(v).strip()}


def _values(body: Mapping[str, Any]) -> dict[str, dict[str, str]] | None:
    values = body.get("values")
    if values is None:
        return None
    if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
        raise BatchUpdaterError(tr("values: a JSON object of the sheet's header -> {{a value -> what to send "
                                   "instead}}"))
    return {str(k): {str(a): str(b) for a, b in v.items()} for k, v in values.items()}


async def _check(request: web.Request) -> web.Response:
    """Check the sheet again with the page's choices (a key left out: as before)."""
    console = request.app[CONSOLE]
    found = await upload_of(request)
    body = await body_of(request)
    await asyncio.get_running_loop().run_in_executor(
        None, in_words(console.uploads.check, found, body.get("sheet"), _renames(body), body.get("encoding"),
                       _values(body)))
    return web.json_response(described(console, found))


async def _save_job(request: web.Request) -> web.Response:
    """The sheet's choices as a job file (`?rate=`, `?retry_comments=1`: the Run options too)."""
    found = await upload_of(request)
    run = {"rate": request.query.get("rate", ""), "retry_comments": request.query.get("retry_comments") == "1"}
    name = f"{Path(found.name).stem}-job.toml"
    return web.Response(text=job_file(found, run), content_type="application/toml", charset="utf-8",
                        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


async def _load_job(request: web.Request) -> web.Response:
    """A job file's choices applied to the sheet and checked; its Run options for the page's form."""
    console = request.app[CONSOLE]
    found = await upload_of(request)
    body = await body_of(request)
    text, name = body.get("text"), str(body.get("name") or "job.toml")
    if not isinstance(text, str) or len(text) > MAX_JOB_FILE:
        raise BatchUpdaterError(tr("{name}: give the job file's text (a TOML file of at most {kb} KB)", name=name,
                                   kb=MAX_JOB_FILE // 1024))
    config, run = read_job_file(text, Path(name).name)
    sheet = config.sheet or ""
    encoding = config.encoding or ""
    await asyncio.get_running_loop().run_in_executor(
        None, in_words(console.uploads.check, found, sheet, dict(config.columns), encoding,
                       {k: {a: str(b) for a, b in v.items()} for k, v in config.values.items()}, Path(name).name))
    return web.json_response({**described(console, found), "run": run})
