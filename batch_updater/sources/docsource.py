"""What the two link sources (base_table.py, sheets.py) share: a wiki link resolved to the object
it shows, an answer that refuses said as what to grant, and async work done from the sync
`Source.load` (in a thread of its own when an event loop already runs, as in Jupyter)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from batch_updater.errors import BatchUpdaterError, CredentialsRefused, InputError
from batch_updater.feishu.codes import DOC_PERMISSION
from batch_updater.sources.links import Link

if TYPE_CHECKING:  # aiohttp is loaded only when a link is read
    from batch_updater.feishu.client import Answer
    from batch_updater.feishu.docs import DocsApi

T = TypeVar("T")
SCOPE_MISSING = 99991672
TOKEN_REFUSED = frozenset({99991661, 99991663, 99991668, 99991671, 99991677, 99991664, 99991543})
ADD_APP = "add the app to it (the … menu at the top right → 更多 → 添加文档应用)"


def run_sync(work: Coroutine[Any, Any, T]) -> T:
    """`work` to its end from sync code: here, or on a thread of its own when this thread runs a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = asyncio.run(work)
        except BaseException as e:  # noqa: BLE001 - handed to the caller's thread as it is
            box["error"] = e

    thread = threading.Thread(target=run, name="batch-updater-link")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


def refusal(answer: Answer, doing: str, grant: str) -> BatchUpdaterError:
    """An answer that refuses `doing` ("read the Base table ..."), as an error that says what to
    grant: a missing scope, a token refused, or the object's own permission."""
    from batch_updater.feishu.docs import problem

    said = problem(answer)
    if answer.code == SCOPE_MISSING:
        scopes = ", ".join(answer.scopes) or "the one the answer names"
        return CredentialsRefused(f"cannot {doing}: the app lacks the scope {scopes} ({said}); enable it for the app "
                                  "in the developer console and publish a new version")
    if answer.code in TOKEN_REFUSED:
        return CredentialsRefused(f"cannot {doing}: the token was refused ({said}); check FEISHU_APP_ID and "
                                  "FEISHU_APP_SECRET (or FEISHU_USER_ACCESS_TOKEN)")
    if answer.code in DOC_PERMISSION:
        return CredentialsRefused(f"cannot {doing}: permission refused ({said}); {grant}")
    return InputError(f"cannot {doing}: {said}")


async def resolve(api: DocsApi, link: Link) -> Link:
    """A wiki link as the Base or spreadsheet its node shows (`get_node`, §9.1); others as they are."""
    if link.kind != "wiki":
        return link
    answer = await api.retrying("get_node", "GET", "/open-apis/wiki/v2/spaces/get_node",
                                params={"token": link.token, "obj_type": "wiki"})
    node = (answer.data or {}).get("node") if answer.code == 0 and isinstance(answer.data, dict) else None
    if not isinstance(node, dict):
        raise refusal(answer, f"read the wiki page {link.token}", f"{ADD_APP} with permission to read, and give "
                      "the app one of the scopes wiki:node:read, wiki:wiki or wiki:wiki:readonly")
    kind, token = node.get("obj_type"), str(node.get("obj_token") or "")
    if kind == "bitable":
        if not link.table:
            raise InputError(f"the wiki page {link.token} shows a Base: open the table in it and copy the link from "
                             "the address bar (it has ?table=tbl...)")
        return link.resolved("base", token)
    if kind == "sheet":
        return link.resolved("sheets", token)
    raise InputError(f"the wiki page {link.token} is a {kind}, not a Base table or a sheet")
