"""What the console's HTTP modules share (web.py, choices.py): the Console an app serves, a
request's JSON body, the sheet its URL names, and a sheet as the page is told of it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

from batch_updater.console.controls import in_words
from batch_updater.console.uploads import Upload, describe
from batch_updater.console.work import Console
from batch_updater.errors import BatchUpdaterError
from batch_updater.i18n import tr

CONSOLE = web.AppKey("console", Console)


def described(console: Console, upload: Upload) -> dict[str, Any]:
    """A sheet for the page (uploads.describe), the server's folders taken out of its messages."""
    found = describe(upload)
    found["problem"] = console.shown(found["problem"])
    found["source"] = console.shown(found["source"])
    found["warnings"] = [console.shown(w) for w in found["warnings"]]
    return found


async def upload_of(request: web.Request) -> Upload:
    """The sheet of the URL: in memory, or kept on disk from before a restart (checked again)."""
    uploads = request.app[CONSOLE].uploads
    return await asyncio.get_running_loop().run_in_executor(None, in_words(uploads.get, request.match_info["id"]))


async def body_of(request: web.Request) -> dict[str, Any]:
    """The request's JSON object ({} without a body)."""
    if not request.can_read_body:
        return {}
    try:
        data = await request.json()
    except json.JSONDecodeError:
        raise BatchUpdaterError(tr("the request's body is not JSON")) from None
    if not isinstance(data, dict):
        raise BatchUpdaterError(tr("the request's body must be a JSON object"))
    return data
