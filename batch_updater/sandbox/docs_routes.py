"""The routes of the documents a sandbox serves (docs.py): Base records and fields, Sheets
sheets and values, Wiki nodes (docs/api-facts.md §9), and `GET /_sandbox/docs` (their counters).

Order of checks on each: an injected fault, then the API's throttle (a request past it uses no
slot); the token (a tenant or a user token, §9.2: 99991661 missing, 99991663 unknown); the
app's scope (`Docs.missing_scope`: 99991672 naming it); the object (not found); the caller's
access (advanced permissions); the request; then the answer. A write to a base or a spreadsheet
takes `Docs.write_s`: another write to the same one meanwhile is counted in `overlapping_writes`
and refused (1254291 for a base; 90235 for a spreadsheet, the sandbox's choice: Feishu only says
to write serially per document).
"""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any

from aiohttp import web

from batch_updater.sandbox import bitable as bt
from batch_updater.sandbox import sheetdocs as sd
from batch_updater.sandbox.docs import APIS

if TYPE_CHECKING:
    from batch_updater.sandbox.core import SandboxCore

BITABLE = "/open-apis/bitable/v1/apps/{app_token}/tables/{table_id}"
SHEETS_V3 = "/open-apis/sheets/v3/spreadsheets/{token}"
SHEETS_V2 = "/open-apis/sheets/v2/spreadsheets/{token}"
MISSING_TOKEN, INVALID_TOKEN, SCOPE_MISSING = 99991661, 99991663, 99991672
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _answer(code: int, msg: str, data: Any = None, status: int = 200, headers: dict[str, str] | None = None,
            error: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"code": code, "msg": msg}
    if data is not None:
        body["data"] = data
    if error is not None:
        body["error"] = error
    return web.json_response(body, status=status, headers=headers)


def _ok(data: Any) -> web.Response:
    return _answer(0, "success", data)


def _page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        return max(0, int(base64.urlsafe_b64decode(token.encode()).decode().removeprefix("offset:")))
    except ValueError:
        return 0


def _int(text: str | None, default: int, high: int) -> int:
    try:
        return max(1, min(int(text or default), high))
    except ValueError:
        return default


def add_docs_routes(app: web.Application, core: SandboxCore) -> None:
    """Register the documents' routes on the sandbox's app (one line in app.py's make_app)."""
    docs = core.docs

    def gate(api: str, handle: Callable[[web.Request], Awaitable[web.Response]]) -> Handler:
        async def guarded(request: web.Request) -> web.StreamResponse:
            refused = docs.admit(api)
            if refused is not None:
                code, status, reset = refused
                docs.stats.codes[str(code)] += 1
                headers = {"x-ogw-ratelimit-reset": str(reset)} if status == 429 else None
                msg = "request trigger frequency limit" if code == 99991400 else (
                    bt.MSGS.get(code) or sd.MSGS.get(code) or "refused")
                return _answer(code, msg, status=status, headers=headers)
            token = _auth(core, request.headers.get("Authorization"))
            if token:
                docs.stats.codes[str(token)] += 1
                return _answer(token, "Invalid access token for authorization. Please make a request with token "
                               "attached." if token == INVALID_TOKEN else "Missing access token for authorization.",
                               status=400)
            if docs.missing_scope:
                docs.stats.codes[str(SCOPE_MISSING)] += 1
                return _answer(SCOPE_MISSING, f"Access denied. One of the following scopes is required: "
                               f"[{docs.missing_scope}]", status=400, error={"permission_violations": [
                                   {"type": "action_scope_required", "subject": docs.missing_scope}]})
            try:
                return await handle(request)
            except (bt.Refused, sd.SheetRefused) as e:
                docs.stats.codes[str(e.code)] += 1
                return _answer(e.code, str(e))

        return guarded

    async def search(request: web.Request) -> web.Response:
        table = _table(request)
        body = await _body(request)
        ids = bt.search(table, body, docs.base(request.match_info["app_token"]).access)
        size, start = _int(request.query.get("page_size"), 20, bt.MAX_PAGE), _offset(request.query.get("page_token"))
        page = ids[start:start + size]
        wanted = body.get("field_names")
        items = []
        for rid in page:
            fields = table.read(rid)
            if isinstance(wanted, list):
                fields = {k: v for k, v in fields.items() if k in wanted}
            items.append({"record_id": rid, "fields": fields})
        more = start + size < len(ids)
        return _ok({"items": items, "has_more": more, "page_token": _page_token(start + size) if more else "",
                    "total": len(ids)})

    async def list_fields(request: web.Request) -> web.Response:
        table = _table(request)
        size, start = _int(request.query.get("page_size"), 20, bt.MAX_FIELD_PAGE), _offset(request.query.get(
            "page_token"))
        page = table.fields[start:start + size]
        more = start + size < len(table.fields)
        return _ok({"items": [f.as_json() for f in page], "has_more": more,
                    "page_token": _page_token(start + size) if more else "", "total": len(table.fields)})

    async def create_field(request: web.Request) -> web.Response:
        table = _table(request)
        if docs.base(request.match_info["app_token"]).access != "full":
            raise bt.Refused(bt.READ_ONLY)
        body = await _body(request)
        name, kind = body.get("field_name"), body.get("type")
        if not isinstance(name, str) or not name or kind not in bt.UI_TYPES:
            raise bt.Refused(bt.FAIL, "field_name and a known type are needed")
        if table.field_named(name) is not None:
            raise bt.Refused(bt.FAIL, f"a field named {name!r} exists")
        made = bt.Field(docs.ids.make("fld", 7), name, int(kind))
        table.fields.append(made)
        return _ok({"field": made.as_json()})

    @contextlib.contextmanager
    def _one_writer(base: Any) -> Iterator[None]:
        """A write to a base: refused when the app may not write it, or while another write to it
        goes on (one writer per base, §9.4: counted as an overlapping write)."""
        if base.access != "full":
            raise bt.Refused(bt.READ_ONLY if base.access == "read_only" else bt.HIDDEN)
        if base.writing:
            docs.stats.overlapping_writes += 1
            raise bt.Refused(bt.WRITE_CONFLICT)
        base.writing += 1
        try:
            yield
        finally:
            base.writing -= 1

    async def batch_update(request: web.Request) -> web.Response:
        base = docs.base(request.match_info["app_token"])
        table = base.table(request.match_info["table_id"])
        with _one_writer(base):
            checked = bt.check_batch(table, (await _body(request)).get("records"))
            await core.pause(docs.write_s)
            bt.apply_batch(table, checked)
        docs.stats.writes_applied += 1
        docs.stats.records_written += len(checked)
        docs.stats.write_times.append(docs.clock())
        docs.stats.write_sizes.append(len(checked))
        return _ok({"records": [{"record_id": rid, "fields": table.read(rid)} for rid, _ in checked]})

    async def batch_create(request: web.Request) -> web.Response:
        """New records at the table's end (no client_token honoured: whether Feishu does is not
        known, so a client must not count on it)."""
        base = docs.base(request.match_info["app_token"])
        table = base.table(request.match_info["table_id"])
        with _one_writer(base):
            checked = bt.check_create(table, (await _body(request)).get("records"))
            await core.pause(docs.write_s)
            made = [bt.add_record(docs.ids, table, values) for values in checked]
        docs.stats.writes_applied += 1
        docs.stats.records_created += len(made)
        docs.stats.write_times.append(docs.clock())
        docs.stats.write_sizes.append(len(made))
        lost = docs.lost_answer("batch_create")
        if lost is not None:  # applied, but the answer says otherwise (a timeout after the write)
            docs.stats.codes[str(lost)] += 1
            return _answer(lost, bt.MSGS.get(lost) or "timeout", status=504 if lost == bt.TIMEOUT else 200)
        return _ok({"records": [{"record_id": rid, "fields": table.read(rid)} for rid in made]})

    async def sheets_query(request: web.Request) -> web.Response:
        book = _book(request)
        return _ok({"sheets": [s.as_json(i) for i, s in enumerate(book.sheets)]})

    async def values_get(request: web.Request) -> web.Response:
        book = _book(request)
        box = sd.parse_range(request.match_info["range"])
        values = sd.read_values(book.sheet(box.sheet_id), box)
        if len(json.dumps(values, ensure_ascii=False).encode()) > docs.max_answer_bytes:
            raise sd.SheetRefused(sd.ANSWER_TOO_LARGE)
        return _ok({"revision": 1, "spreadsheetToken": book.token, "valueRange": {
            "majorDimension": "ROWS", "range": request.match_info["range"], "revision": 1, "values": values}})

    async def values_batch_update(request: web.Request) -> web.Response:
        book = _book(request)
        if book.access != "full":
            raise sd.SheetRefused(sd.NO_PERMISSION)
        if book.writing:  # serial per document (§9.7)
            docs.stats.overlapping_writes += 1
            raise sd.SheetRefused(sd.RETRY_LATER)
        book.writing += 1
        try:
            writes = sd.check_writes(book, (await _body(request)).get("valueRanges"))
            await core.pause(docs.write_s)
            rows = sd.write_values(writes)
        finally:
            book.writing -= 1
        docs.stats.writes_applied += 1
        docs.stats.rows_written += rows
        docs.stats.write_times.append(docs.clock())
        docs.stats.write_sizes.append(rows)
        return _ok({"revision": 2, "spreadsheetToken": book.token, "responses": [
            {"spreadsheetToken": book.token, "updatedRange": f"{s.sheet_id}!{sd.column_letters(box.first_col)}"
             f"{box.first_row}", "updatedRows": len(v), "updatedColumns": max((len(r) for r in v), default=0),
             "updatedCells": sum(len(r) for r in v), "revision": 2} for s, box, v in writes]})

    async def get_node(request: web.Request) -> web.Response:
        node = docs.nodes.get(request.query.get("token", ""))
        if node is None:
            # UNKNOWN in docs/api-facts.md: the code for a missing node; this one is the sandbox's
            docs.stats.codes["131005"] += 1
            return _answer(131005, "not found: no such wiki node, or no permission to read it", status=404)
        return _ok({"node": node.as_json(docs.space_id)})

    def _table(request: web.Request) -> bt.Table:
        base = docs.base(request.match_info["app_token"])
        return base.table(request.match_info["table_id"])

    def _book(request: web.Request) -> sd.Spreadsheet:
        book = docs.books.get(request.match_info["token"])
        if book is None or book.access == "none":
            raise sd.SheetRefused(sd.NO_PERMISSION)
        return book

    async def docs_stats(request: web.Request) -> web.StreamResponse:
        return web.json_response(docs.stats.snapshot())

    router = app.router
    router.add_post(BITABLE + "/records/search", gate("search", search))
    router.add_get(BITABLE + "/fields", gate("fields", list_fields))
    router.add_post(BITABLE + "/fields", gate("field_create", create_field))
    router.add_post(BITABLE + "/records/batch_update", gate("batch_update", batch_update))
    router.add_post(BITABLE + "/records/batch_create", gate("batch_create", batch_create))
    router.add_get(SHEETS_V3 + "/sheets/query", gate("sheets_query", sheets_query))
    router.add_get(SHEETS_V2 + "/values/{range}", gate("values_get", values_get))
    router.add_post(SHEETS_V2 + "/values_batch_update", gate("values_batch_update", values_batch_update))
    router.add_get("/open-apis/wiki/v2/spaces/get_node", gate("get_node", get_node))
    router.add_get("/_sandbox/docs", docs_stats)
    assert set(APIS) == {"search", "fields", "field_create", "batch_update", "batch_create", "sheets_query",
                         "values_get", "values_batch_update", "get_node"}


def _auth(core: SandboxCore, header: str | None) -> int:
    """0 for a live tenant token or a usable user token (§9.2: either may read and write)."""
    tokens = core.tokens
    if tokens.check_tenant(header) == 0:
        return 0
    value = tokens.bearer(header)
    if value is None:
        return MISSING_TOKEN
    if value in tokens.user_tokens:
        return tokens.check_user(header)
    return INVALID_TOKEN


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read() or b"{}")
    except ValueError:
        raise bt.Refused(bt.FAIL, "the body is not JSON") from None
    if not isinstance(body, dict):
        raise bt.Refused(bt.FAIL, "the body is not a JSON object")
    return body
