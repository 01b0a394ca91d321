"""A Feishu Base (多维表格) table as a job's source: its records (a view's, in the view's order, or
the whole table's) read with `records/search`, its fields for their types, each cell as text
(cells.py); the run's results written back into fields of the table (results.py).

A record's row number is its place in the view (1 = the first), as the Base shows it; its record
id is kept (`record_ids`) to write its results. The job is the base, table and view (not the
link's host, nor a wiki page that shows it): the same table run again resumes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from batch_updater.errors import InputError
from batch_updater.feishu.codes import BASE_NOT_FOUND
from batch_updater.model import Outcome, Row
from batch_updater.schema.columns import resolve_columns
from batch_updater.schema.sheet import Sheet
from batch_updater.sources.base_fields import Placed, place_fields
from batch_updater.sources.cells import BASE_ID_NUMBER, base_cell, number_problems, with_problems
from batch_updater.sources.docsource import ADD_APP, refusal, resolve, run_sync
from batch_updater.sources.links import Link, identity_of
from batch_updater.sources.results import Results, Values, counted

if TYPE_CHECKING:
    from batch_updater.feishu.client import Answer
    from batch_updater.feishu.docs import DocsApi

TEXT = 1
PAGE = 500  # records/search's largest page (§9.3)
FIELD_PAGE = 100
# The fields a run, a check (--dry-run) and a plan write, by what they hold; a job file's
# `result_fields` names them otherwise ({"msg": "Why"}).
RUN_FIELDS = ("result", "code", "msg", "finished_at")
CHECK_FIELDS = ("check", "check msg")
PLAN_MSG = "plan msg"
PLAN_CORE = ("plan", PLAN_MSG)
READ_GRANT = (f"{ADD_APP} with permission to read it, and give the app one of the scopes base:record:retrieve, "
              "bitable:app or bitable:app:readonly (base:field:read for the fields)")
WRITE_GRANT = (f"{ADD_APP} with permission to edit it (可编辑), and give the app one of the scopes "
               "base:record:update or bitable:app (a write scope also lets it add the result fields); with "
               "advanced permissions (高级权限) on, give the app a role that may edit these records and fields")


def _path(link: Link, tail: str) -> str:
    return f"/open-apis/bitable/v1/apps/{link.token}/tables/{link.table}{tail}"


class BaseTableSource:
    """The table (and view) a Base link names, read at the run's API with `env`'s credentials."""

    def __init__(self, link: Link, env: Mapping[str, str], base_url: str | None = None, *, timeout: float = 30.0,
                 result_fields: Mapping[str, str] | None = None) -> None:
        self.link, self.env, self.base_url, self.timeout = link, env, base_url, timeout
        self.names = {name: (result_fields or {}).get(name, name) for name in RUN_FIELDS}
        self.given = frozenset((result_fields or {}).values())  # named by the job: written as named
        self.target: Link | None = None  # the base and table, a wiki link resolved
        self.table_name = ""
        self.field_types: dict[str, int] = {}
        self.record_ids: list[str] = []  # one per row of the loaded sheet
        self.first_values: dict[str, Any] = {}  # the first row's record as read (the tool's fields too)

    @property
    def label(self) -> str:
        return self.link.text

    @property
    def stem(self) -> str:
        name = re.sub(r'[\\/:*?"<>|\s]+', "-", self.table_name).strip("-.")
        return name or f"base-{(self.target or self.link).table}"

    @property
    def write_back(self) -> None:
        return None  # no file: the results go into the table itself (results())

    def identity(self, sheet: Sheet) -> dict[str, str]:
        return {"input": identity_of(self.target or self.link), "sheet": ""}

    def open_api(self) -> Any:
        from batch_updater.feishu.docs import open_docs

        return open_docs(self.env, self.base_url, timeout=self.timeout)

    # -- reading ------------------------------------------------------------------------------
    def load(self, renames: Mapping[str, str]) -> Sheet:
        return run_sync(self._load(renames))

    def placed(self, kind: str, header: Sequence[str] = ()) -> Placed:
        """The fields a run's (kind "results"), a check's or a plan's (its `header`) values go
        into, as the table's fields are now (base_fields.py: the table's own left alone)."""
        if kind == "results":
            return place_fields([self.names[n] for n in RUN_FIELDS], self.field_types, given=self.given)
        if kind == "check":
            return place_fields(CHECK_FIELDS, self.field_types)
        return place_fields(header, self.field_types, core=PLAN_CORE, apart=" (plan)")

    def ours(self, name: str) -> bool:
        """A field a run, a check or a plan of the tool wrote: not read as one of the input's. A
        field of the table's own named like one of them is read (and left alone)."""
        tools = {*self.placed("results").fields, *self.placed("check").fields,
                 *self.placed("plan", PLAN_CORE).fields}
        return name in tools or name.endswith((" (now)", " (new)", " (now) (plan)", " (new) (plan)"))

    async def _load(self, renames: Mapping[str, str]) -> Sheet:
        async with self.open_api() as api:
            link = self.target = await resolve(api, self.link)
            fields = await self._fields(api, link)
            self.field_types = {name: kind for name, kind in fields}
            header = [name for name, _ in fields if not self.ours(name)]
            tools = [name for name, _ in fields if self.ours(name)]  # read too: the write probe writes them back
            columns = resolve_columns(header, renames)
            types = [self.field_types[name] for name in header]
            rows: list[Row] = []
            self.record_ids, self.first_values = [], {}
            place = 0
            async for record_id, values in self._records(api, link, [*header, *tools]):
                place += 1
                cells, numbers = [], {}
                for i, (name, kind) in enumerate(zip(header, types)):
                    text, number = base_cell(values.get(name), kind)
                    cells.append(text)
                    if number is not None:
                        numbers[i] = number
                if not any(c.strip() for c in cells):
                    continue  # an empty record, as a blank row
                rows.append(with_problems(Row(place, tuple(cells)), number_problems(columns, numbers,
                                                                                    BASE_ID_NUMBER)))
                self.record_ids.append(record_id)
                if len(self.record_ids) == 1:
                    self.first_values = dict(values)
            where = f"Base table {self.table_name or link.table!r}" + (f", view {link.view}" if link.view else "")
            warnings = list(columns.warnings)
            if not rows:
                warnings.append(await self._nothing(api, link, where, place))
        return Sheet("xlsx", columns, rows, sheet_name=self.table_name or link.table, warnings=tuple(warnings),
                     origin=f"{where}: {counted(place, 'record')}")

    async def _nothing(self, api: DocsApi, link: Link, where: str, place: int) -> str:
        """Why there is nothing to do, from what the API answers: a view that leaves no record out
        of a table that has some (the work is done), or a table that answers none at all (empty,
        or hidden from the app by advanced permissions: said as a note)."""
        if place:
            return f"{where} has {counted(place, 'record')}, each empty in the fields read: nothing to do"
        if link.view:
            answer = await api.retrying("search", "POST", _path(link, "/records/search"), params={"page_size": "1"},
                                        body={})
            data = self._data(answer, f"read the records of the Base table {link.table}", READ_GRANT, link)
            if data.get("items"):
                return f"{where} has no records (its filter leaves none of the table's): nothing to do"
        return (f"{where} answered no records: nothing to do. If the table has records, the app cannot see them: "
                "with advanced permissions (高级权限) on, an app without manage rights finds none; "
                f"{ADD_APP} with manage permission (可管理), or give the app a role that may read these records "
                "(with a user token: the user needs the same)")

    async def _fields(self, api: DocsApi, link: Link) -> list[tuple[str, int]]:
        fields: list[tuple[str, int]] = []
        token = ""
        while True:
            params = {"page_size": str(FIELD_PAGE), **({"page_token": token} if token else {})}
            answer = await api.retrying("fields", "GET", _path(link, "/fields"), params=params)
            data = self._data(answer, f"read the fields of the Base table {link.table}", READ_GRANT, link)
            for item in data.get("items") or []:
                if isinstance(item, dict) and isinstance(item.get("field_name"), str):
                    fields.append((item["field_name"], int(item.get("type") or TEXT)))
            token = str(data.get("page_token") or "")
            if not data.get("has_more") or not token:
                break
        self.table_name = self.table_name or link.table
        return fields

    async def _records(self, api: DocsApi, link: Link, header: Sequence[str]) -> Any:
        body: dict[str, Any] = {"view_id": link.view} if link.view else {}
        if 0 < len(header) <= 200:
            body["field_names"] = list(header)
        token = ""
        while True:
            params = {"page_size": str(PAGE), **({"page_token": token} if token else {})}
            answer = await api.retrying("search", "POST", _path(link, "/records/search"), params=params, body=body)
            data = self._data(answer, f"read the records of the Base table {link.table}", READ_GRANT, link)
            for item in data.get("items") or []:
                if isinstance(item, dict):
                    yield str(item.get("record_id") or ""), item.get("fields") or {}
            token = str(data.get("page_token") or "")
            if not data.get("has_more") or not token:
                return

    @staticmethod
    def _data(answer: Answer, doing: str, grant: str, link: Link) -> dict[str, Any]:
        if answer.code in BASE_NOT_FOUND:
            part = BASE_NOT_FOUND[answer.code]
            what, check = {"app_token": (f"no such base {link.token}", "the part after /base/"),
                           "table": (f"no such table {link.table} in the base", "?table= in it"),
                           "view": (f"no such view {link.view} in the table", "&view= in it")}[part]
            raise InputError(f"cannot {doing}: {what} ({answer.code}): check the link ({check}), or copy it again "
                             "from the address bar")
        if answer.code != 0 or not isinstance(answer.data, dict):
            raise refusal(answer, doing, grant)
        return answer.data

    # -- writing ------------------------------------------------------------------------------
    def results(self, kind: str, header: Sequence[str] | None = None) -> Results:
        """Where a run's (kind "results"), a check's ("check") or a plan's ("plan", with its
        `header`) values go: fields of this table, created as Text when missing."""
        if kind == "results":
            names: Sequence[str] = tuple(self.names[name] for name in RUN_FIELDS)
            values_of: Any = run_values
        elif kind == "check":
            names, values_of = CHECK_FIELDS, check_values
        else:
            names, values_of = tuple(PLAN_MSG if h == "msg" else h for h in header or ()), None
        assert self.target is not None, "load() first"
        return Results(BaseWriter(self, kind), names, self.open_api, values_of)


def run_values(outcome: Outcome) -> Values:
    return (outcome.result.value, "" if outcome.code is None else str(outcome.code), outcome.msg,
            outcome.finished_at)


def check_values(outcome: Outcome) -> Values:
    return (outcome.result.value, outcome.msg)


class BaseWriter:
    """The table's records: at most 1,000 a call (§9.4), into Text fields created when missing; a
    field of the table's own with the same name is left alone, and the tool's is named apart
    (`msg (run)`: base_fields.py)."""

    limit = 1000

    def __init__(self, source: BaseTableSource, kind: str) -> None:
        assert source.target is not None
        self.source, self.link, self.kind = source, source.target, kind
        self.what = f"the Base table {source.table_name or self.link.table!r}"
        self.fields: list[str] = []

    async def prepare(self, api: DocsApi, header: Sequence[str]) -> None:
        """The fields made ready (created as Text when missing), then, when none had to be
        created, the app's right to write records tried on one record (its values written back as
        they are): a Base the app may read but not edit is refused before anything is sent."""
        placed = self.source.placed(self.kind, header)
        types = self.source.field_types
        for name in placed.create:
            answer = await api.retrying("field_create", "POST", _path(self.link, "/fields"),
                                        body={"field_name": name, "type": TEXT})
            if answer.code != 0:
                raise refusal(answer, f"add the field {name!r} for the results to {self.what}", WRITE_GRANT)
            types[name] = TEXT
        self.fields = list(placed.fields)
        if not placed.create and self.source.record_ids:
            await self._probe(api)

    async def _probe(self, api: DocsApi) -> None:
        first = self.source.first_values
        same = {name: (base_cell(first.get(name), TEXT)[0] or None) for name in self.fields}
        answer = await api.retrying("batch_update", "POST", _path(self.link, "/records/batch_update"),
                                    body={"records": [{"record_id": self.source.record_ids[0], "fields": same}]})
        if answer.code != 0:
            raise refusal(answer, f"write the results to {self.what} (tried on its first record, before "
                          "anything is sent)", WRITE_GRANT)

    async def write(self, api: DocsApi, rows: Sequence[tuple[int, Values]]) -> Answer:
        ids = self.source.record_ids
        records = [{"record_id": ids[index], "fields": {name: (None if value in (None, "") else str(value))
                                                        for name, value in zip(self.fields, values)}}
                   for index, values in rows]
        return await api.retrying("batch_update", "POST", _path(self.link, "/records/batch_update"),
                                  body={"records": records})

    def failed(self, answer: Answer, rows: int) -> str:
        return str(refusal(answer, f"write {counted(rows, 'result')} to {self.what}", WRITE_GRANT))
