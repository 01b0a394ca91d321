"""A table (an export's) written into a Base table or a sheet a link names: `export -o LINK`.

Checked before any ticket is read: the link, the app's access, and an empty table or sheet (a
Base table's blank records are filled in; a record or a cell holding anything refuses the
export: nothing of anyone's is overwritten). Then written through a run's write-back
(sources/results.py): a Base's missing fields created as Text, at most 1,000 records (Base) or
5,000 rows and 100 columns (Sheets) a call, one call at a time, each made again after a pause
while its answer says nothing was written. Then its ticket ids read back through the link (a
view's filter, as `run LINK` reads it): each ticket written shows once, as text, else the export
says what differs.

New records are added with `POST .../records/batch_create` (the official doc, fullPath
`/uAjLw4CM/ukTMukTMukTM/reference/bitable-v1/app-table-record/batch_create`: at most 1,000
records a call, 50/s, scope base:record:create or bitable:app). A create made twice adds its
records twice, and whether its `client_token` prevents that is not documented (as for
batch_update's): so a create is made again at once only after an answer that says nothing was
written (throttled, a write conflict, not ready); after one that may hide a write (no answer, a
timeout, a server error), the table's ticket ids are read first and only the missing records
are created.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from batch_updater.errors import BatchUpdaterError, UsageError
from batch_updater.naming import option
from batch_updater.sources.base_table import TEXT, BaseTableSource, _path
from batch_updater.sources.base_table import WRITE_GRANT as BASE_WRITE_GRANT
from batch_updater.sources.cells import base_cell, sheet_cell
from batch_updater.sources.docsource import ADD_APP, refusal, resolve, run_sync
from batch_updater.sources.links import Link, parse_link
from batch_updater.sources.results import Results, Values
from batch_updater.sources.sheets import WRITE_GRANT as SHEET_WRITE_GRANT
from batch_updater.sources.sheets import SheetsSource

if TYPE_CHECKING:
    from batch_updater.feishu.client import Answer
    from batch_updater.feishu.docs import DocsApi

CREATE_GRANT = (f"{ADD_APP} with permission to edit it (可编辑), and give the app one of the scopes "
                "base:record:create or bitable:app (and a scope that may add fields, such as bitable:app)")
NOTHING_WRITTEN = frozenset({1254290, 99991400, 1254291, 1254607})  # throttled, a write conflict, not ready
TOO_LARGE = frozenset({1254104, 90227})  # too many records, a request too large: nothing written; halved
# A call's body at most (bytes): Feishu's limit is not documented; aiohttp sends one this size at
# once (past 1 MiB it warns it may hold the event loop), and the sandbox's server takes up to 1 MiB.
MAX_BODY = 1_000_000
MAX_COLUMNS = 100  # a sheet's write: at most 100 columns a call (§9.7)
EMPTY = ("export into an empty one, so that nothing is overwritten: add a table to the base (新建数据表) or a "
         "sheet to the spreadsheet, and give its link")


@dataclass
class Written:
    """What an export to a link wrote."""

    what: str  # "the Base table 'Tickets'", "the sheet 'Sheet1'"
    rows: int  # rows (records) written
    calls: int  # write calls that wrote
    problem: str | None = None  # not written whole, or not read back as written: why (exit 1)
    interrupted: bool = False  # Ctrl-C while writing (exit 130)


class LinkExport:
    """The Base table or sheet `text` names, as an export's output."""

    def __init__(self, text: str, env: Mapping[str, str], base_url: str | None, *, timeout: float = 30.0) -> None:
        self.link = parse_link(text)
        self.text, self.env, self.base_url, self.timeout = text, env, base_url, timeout
        self.target: BaseExport | SheetExport | None = None

    def open_api(self) -> Any:
        from batch_updater.feishu.docs import open_docs

        return open_docs(self.env, self.base_url, timeout=self.timeout)

    def check(self, header: Sequence[str] = ()) -> None:
        """Before any ticket is read: the link can be read, its table or sheet is empty, and none
        of `header`'s names is a Base field of another type than Text (exit 2 or 3 otherwise)."""
        async def go() -> None:
            async with self.open_api() as api:
                link = await resolve(api, self.link)
                target = BaseExport(self, link) if link.kind == "base" else SheetExport(self, link)
                await target.check(api)
                self.target = target

        run_sync(go())
        assert self.target is not None
        self.target.refuse_types(header)

    def write(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Written:
        """`header` and `rows` written, then read back through the link; a refusal before the
        first write is raised (nothing written), a failure after it is said in `problem`."""
        assert self.target is not None, "check() first"
        results = Results(self.target, header, self.open_api)
        results.start()
        try:
            problem = results.finish({i: tuple(row) for i, row in enumerate(rows)})
        except KeyboardInterrupt:
            return Written(self.target.what, results.rows_written, results.calls,
                           f"interrupted: {results.rows_written} of the {len(rows)} rows were written; delete them or "
                           "export into another table or sheet", interrupted=True)
        written = Written(self.target.what, results.rows_written, results.calls, problem)
        if problem is not None:
            written.problem = (f"{problem}: {results.rows_written} of the {len(rows)} rows were written; delete them "
                               f"or export into another table or sheet")
        elif rows:
            written.problem = self.read_back(header, rows)
        return written

    def read_back(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> str | None:
        """The ticket ids read back through the link (a view's filter and order as `run` reads
        them): each one written shows once, as text; else what differs."""
        assert self.target is not None
        target = self.target

        async def go() -> tuple[Counter[str], int]:
            async with self.open_api() as api:
                return await target.shown(api, header[0], len(rows))

        try:
            shown, numbers = run_sync(go())
        except BatchUpdaterError as e:
            return f"reading {target.what} back failed: {e}"
        wanted = Counter(row[0] for row in rows)
        missing, twice = sum((wanted - shown).values()), sum(n - 1 for n in shown.values() if n > 1)
        said = []
        if numbers:
            said.append(f"{numbers} ticket ids read back as numbers, their last digits lost (`run` refuses those "
                        f"rows): format the {header[0]} column as plain text (纯文本), clear the sheet and export "
                        "again, or export into a Base table")
        if missing and not numbers:
            why = (": the link's view hides them (its filter); run the table's link without &view="
                   if self.link.view else "")
            said.append(f"{missing} of the {len(rows)} tickets written do not show through the link{why}")
        if twice:
            said.append(f"{twice} tickets show more than once")
        return "; ".join(said) or None


class BaseExport:
    """A Base table as an export's output (a Target of sources/results.py)."""

    limit = 1000

    def __init__(self, owner: LinkExport, link: Link) -> None:
        self.owner, self.link = owner, replace(link, view="")  # the table's records, whatever a view shows
        self.viewed = link  # as `run` reads it
        self.source = BaseTableSource(link, owner.env, owner.base_url, timeout=owner.timeout)
        self.what = f"the Base table {link.table!r}"
        self.types: dict[str, int] = {}
        self.blank: list[str] = []  # the records holding nothing: filled in first
        self.fields: list[str] = []

    async def check(self, api: DocsApi) -> None:
        self.types = dict(await self.source._fields(api, self.link))
        self.what = f"the Base table {self.source.table_name or self.link.table!r}"
        held = 0
        async for record_id, values in self.source._records(api, self.link, list(self.types)):
            if any(base_cell(value, self.types.get(name))[0].strip() for name, value in values.items()):
                held += 1
            else:
                self.blank.append(record_id)
        if held:
            raise UsageError(f"{option('output')}: {self.what} already holds {held} records; {EMPTY}",
                             option="output")

    def refuse_types(self, header: Sequence[str]) -> None:
        other = [name for name in header if self.types.get(name, TEXT) != TEXT]
        if other:
            raise UsageError(f"{option('output')}: {self.what} has a field {other[0]!r} that is not Text: an export "
                             f"writes text; delete or rename the field, or {EMPTY}", option="output")

    async def prepare(self, api: DocsApi, header: Sequence[str]) -> None:
        self.refuse_types(header)
        for name in header:
            if name not in self.types:
                answer = await api.retrying("field_create", "POST", _path(self.link, "/fields"),
                                            body={"field_name": name, "type": TEXT})
                if answer.code != 0:
                    raise refusal(answer, f"add the field {name!r} to {self.what}", BASE_WRITE_GRANT)
                self.types[name] = TEXT
        self.fields = list(header)

    def _fields(self, values: Values) -> dict[str, str]:
        return {name: str(value) for name, value in zip(self.fields, values) if value not in (None, "")}

    async def write(self, api: DocsApi, rows: Sequence[tuple[int, Values]]) -> Answer:
        fill = [(self.blank[i], values) for i, values in rows if i < len(self.blank)]
        new = [values for i, values in rows if i >= len(self.blank)]
        answer = None
        if fill:  # the same values written twice are harmless: made again as any write-back is
            answer = await api.retrying("batch_update", "POST", _path(self.link, "/records/batch_update"), body={
                "records": [{"record_id": rid, "fields": self._fields(values)} for rid, values in fill]})
            if answer.code != 0:
                return answer
        return await self._create(api, new) if new else answer  # type: ignore[return-value]

    async def _create(self, api: DocsApi, rows: Sequence[Values]) -> Answer:
        """`rows` as new records; after an answer that may hide a write, only those not there."""
        from batch_updater.feishu.client import Answer
        from batch_updater.feishu.docs import ATTEMPTS, again, backoff

        pending, token = list(rows), str(uuid.uuid4())
        for attempt in range(1, ATTEMPTS + 1):
            body = {"records": [{"fields": self._fields(values)} for values in pending]}
            answer = (_TOO_BIG if len(pending) > 1 and _size(body) > MAX_BODY else
                      await api.call("batch_create", "POST", _path(self.link, "/records/batch_create"),
                                     params={"client_token": token}, body=body))
            if _too_large(answer) and len(pending) > 1:  # refused whole: in two halves
                half = len(pending) // 2
                first = await self._create(api, pending[:half])
                return first if first.code != 0 else await self._create(api, pending[half:])
            if answer.code == 0 or attempt == ATTEMPTS or not again(answer):
                return answer
            api.retries["batch_create"] += 1
            wait = backoff(answer, attempt, api.rng)
            api.waited += wait
            await api.sleep(wait)
            if answer.transport is None and (answer.code in NOTHING_WRITTEN or answer.http_status == 429):
                continue  # nothing was written: the same call again
            there = await self._ids(api)  # it may have been written: create only what is not there
            pending = [values for values in pending if str(values[0]) not in there]
            if not pending:
                return Answer(http_status=200, code=0, msg="success (found written when read back)")
            token = str(uuid.uuid4())  # another request: its own token
        raise AssertionError("unreachable")

    async def _ids(self, api: DocsApi) -> set[str]:
        key = self.fields[0]
        return {base_cell(values.get(key), TEXT)[0].strip()
                async for _, values in self.source._records(api, self.link, [key])}

    def failed(self, answer: Answer, rows: int) -> str:
        return str(refusal(answer, f"write {rows} records to {self.what}", CREATE_GRANT))

    async def shown(self, api: DocsApi, key: str, rows: int) -> tuple[Counter[str], int]:
        """The `key` field's texts through the link's view (blank records left out), and how
        many are numbers."""
        shown: Counter[str] = Counter()
        numbers = 0
        async for _, values in self.source._records(api, self.viewed, [key]):
            text, number = base_cell(values.get(key), self.types.get(key))
            if number is not None:
                numbers += 1
            elif text.strip():
                shown[text.strip()] += 1
        return shown, numbers


class SheetExport:
    """A sheet as an export's output: the header in row 1, a row per ticket below (a Target of
    sources/results.py)."""

    limit = 5000

    def __init__(self, owner: LinkExport, link: Link) -> None:
        self.owner, self.link = owner, link
        self.source = SheetsSource(link, owner.env, owner.base_url, timeout=owner.timeout)
        self.what = f"the sheet {link.sheet or '(the first)'}"

    async def check(self, api: DocsApi) -> None:
        sheet_id, rows, columns = await self.source._pick(api, self.link)
        self.link = replace(self.link, sheet=sheet_id)
        self.what = f"the sheet {self.source.title!r}"
        values = await self.source._values(api, self.link, rows, columns)
        held = sum(1 for row in values if any(str(v).strip() for v in row if v is not None))
        if held:
            raise UsageError(f"{option('output')}: {self.what} already holds {held} rows; {EMPTY}", option="output")

    def refuse_types(self, header: Sequence[str]) -> None:
        return None  # a sheet's cells take text whatever they held

    async def prepare(self, api: DocsApi, header: Sequence[str]) -> None:
        answer = await self._put(api, 1, [list(header)])
        if answer.code != 0:
            raise refusal(answer, f"write the header to {self.what}", SHEET_WRITE_GRANT)

    async def write(self, api: DocsApi, rows: Sequence[tuple[int, Values]]) -> Answer:
        ordered = sorted(rows)
        answer = None
        start = 0
        while start < len(ordered):  # runs of rows next to each other, one block each
            end = start + 1
            while end < len(ordered) and ordered[end][0] == ordered[end - 1][0] + 1:
                end += 1
            block = [["" if v is None else str(v) for v in values] for _, values in ordered[start:end]]
            answer = await self._put(api, ordered[start][0] + 2, block)  # row 1: the header
            if answer.code != 0:
                return answer
            start = end
        return answer  # type: ignore[return-value]

    async def _put(self, api: DocsApi, first_row: int, block: list[list[str]]) -> Answer:
        """`block` from column A of `first_row`: a call per 100 columns (§9.7), made again while
        nothing was written (writing the same values twice is harmless)."""
        width = max(len(r) for r in block)
        answer = None
        for left in range(0, width, MAX_COLUMNS):
            answer = await self._put_columns(api, first_row, left, [r[left:left + MAX_COLUMNS] for r in block])
            if answer.code != 0:
                return answer
        return answer  # type: ignore[return-value]

    async def _put_columns(self, api: DocsApi, first_row: int, left: int, block: list[list[str]]) -> Answer:
        from batch_updater.schema.columns import column_letter

        right = left + max(len(r) for r in block) - 1
        cells = f"{self.link.sheet}!{column_letter(left)}{first_row}:{column_letter(right)}{first_row + len(block) - 1}"
        body = {"valueRanges": [{"range": cells, "values": block}]}
        answer = _TOO_BIG if len(block) > 1 and _size(body) > MAX_BODY else await api.retrying(
            "values_batch_update", "POST", f"/open-apis/sheets/v2/spreadsheets/{self.link.token}/values_batch_update",
            body=body)
        if _too_large(answer) and len(block) > 1:  # refused whole: in two halves
            half = len(block) // 2
            answer = await self._put_columns(api, first_row, left, block[:half])
            if answer.code == 0:
                answer = await self._put_columns(api, first_row + half, left, block[half:])
        return answer

    def failed(self, answer: Answer, rows: int) -> str:
        return str(refusal(answer, f"write {rows} rows to {self.what}", SHEET_WRITE_GRANT))

    async def shown(self, api: DocsApi, key: str, rows: int) -> tuple[Counter[str], int]:
        """Column A's values below the header (the ticket ids), and how many are numbers."""
        shown: Counter[str] = Counter()
        numbers = 0
        for row in (await self.source._values(api, self.link, rows + 1, 1))[1:]:
            text, number = sheet_cell(row[0] if row else None)
            if number is not None:
                numbers += 1
            elif text.strip():
                shown[text.strip()] += 1
        return shown, numbers


def _size(body: Any) -> int:
    return len(json.dumps(body, ensure_ascii=False).encode())


def _too_large(answer: Answer) -> bool:
    """The request was refused for its size (nothing written): too many records or bytes."""
    return answer.http_status == 413 or (answer.transport is None and answer.code in TOO_LARGE)


class _TooBig:
    """A call not made: its body is over MAX_BODY (split in two instead)."""

    http_status, code, transport = 413, None, None


_TOO_BIG: Any = _TooBig()
