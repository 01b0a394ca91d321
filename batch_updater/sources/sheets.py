"""A Feishu Sheets (电子表格) sheet as a job's source: its values (FormattedValue, dates as text) read
in ranges small enough for the API's 10 MB answer, the first non-empty row the header as in a file,
each row numbered as the sheet numbers it; the run's results written back to the right of the
used range (or over the block an earlier run wrote there), as `--write-back` writes a file's.

The job is the spreadsheet and its sheet (a link without `?sheet=` runs the first sheet).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from batch_updater.errors import InputError, UsageError
from batch_updater.model import Outcome
from batch_updater.naming import option
from batch_updater.schema.columns import column_letter
from batch_updater.schema.sheet import Sheet
from batch_updater.sheet.blocks import PLAN, RESULTS, block_spans, fold, placement, results_block
from batch_updater.sheet.header import header_index
from batch_updater.sheet.read import build_sheet
from batch_updater.sheet.report import own_columns
from batch_updater.sources.cells import SHEET_ID_NUMBER, number_problems, sheet_cell, with_problems
from batch_updater.sources.docsource import ADD_APP, refusal, resolve, run_sync
from batch_updater.sources.links import Link, identity_of
from batch_updater.sources.results import Results, Values, counted

if TYPE_CHECKING:
    from batch_updater.feishu.client import Answer
    from batch_updater.feishu.docs import DocsApi

ROWS_A_READ = 5000  # rows per values read; halved while the answer is too large (90221)
TOO_LARGE = 90221
CHECK_HEADER = ("check", "check msg")  # a check's (--dry-run's) columns: never over a run's results
READ_GRANT = (f"{ADD_APP} with permission to read it, and give the app one of the scopes sheets:spreadsheet:readonly, "
              "sheets:spreadsheet or drive:drive:readonly")
WRITE_GRANT = (f"{ADD_APP} with permission to edit it (可编辑), and give the app the scope sheets:spreadsheet or "
               "drive:drive; a protected range over the result columns must let the app edit")


def pick_sheet(sheets: Sequence[Mapping[str, Any]], wanted: str, linked: Mapping[str, Any] | None
               ) -> Mapping[str, Any]:
    """The sheet `wanted` names (the `sheet` option: a title, as a workbook's sheet is named, spaces and
    case aside; a position, 1 = the first; or a sheet id); refused when the link's `?sheet=` names
    another (`linked`), or when the spreadsheet has none of that name."""
    def title(s: Mapping[str, Any]) -> str:
        return str(s.get("title") or s["sheet_id"])

    text = wanted.strip()
    found = (next((s for s in sheets if title(s) == wanted), None)
             or next((s for s in sheets if title(s).strip().lower() == text.lower()), None)
             or (sheets[int(text) - 1] if text.isdigit() and 1 <= int(text) <= len(sheets) else None)
             or next((s for s in sheets if s["sheet_id"] == text), None))
    if found is None:
        listed = ", ".join(f"{i}: {title(s)!r}" for i, s in enumerate(sheets, 1))
        raise InputError(f"{option('sheet')} {wanted}: no sheet {wanted!r} in the spreadsheet; its sheets are {listed}",
                         option="sheet", value=wanted)
    if linked is not None and found["sheet_id"] != linked["sheet_id"]:
        raise UsageError(f"the link names the sheet {title(linked)!r} (?sheet={linked['sheet_id']}) and "
                         f"{option('sheet')} names {title(found)!r}: keep one of them", option="sheet", value=wanted)
    return found


def _check_spans(header: Sequence[str]) -> list[tuple[int, int]]:
    names = [fold(h) for h in header]
    return [(i, 2) for i in range(len(names) - 1) if (names[i], names[i + 1]) == CHECK_HEADER]


class SheetsSource:
    """The sheet a Sheets link names, read at the run's API with `env`'s credentials."""

    def __init__(self, link: Link, env: Mapping[str, str], base_url: str | None = None, *,
                 timeout: float = 30.0, header_row: int | None = None, sheet: str | None = None) -> None:
        self.link, self.env, self.base_url, self.timeout = link, env, base_url, timeout
        self.header_row = header_row  # the header's row (1 = the first), when a title is above it
        self.sheet = sheet  # --sheet: a sheet's name, position (1 = the first) or id, for a link without ?sheet=
        self.target: Link | None = None
        self.title = ""
        self.raw_header: list[str] = []  # the header row as the sheet has it (the tool's blocks included)
        self.used = 0  # columns up to the farthest non-empty one
        self.loaded: Sheet | None = None

    @property
    def label(self) -> str:
        return self.link.text

    @property
    def stem(self) -> str:
        name = "".join(c if c.isalnum() or c in "-_" else "-" for c in self.title).strip("-")
        return name or f"sheet-{(self.target or self.link).sheet}"

    @property
    def write_back(self) -> None:
        return None

    def identity(self, sheet: Sheet) -> dict[str, str]:
        return {"input": identity_of(self.target or self.link), "sheet": ""}

    def open_api(self) -> Any:
        from batch_updater.feishu.docs import open_docs

        return open_docs(self.env, self.base_url, timeout=self.timeout)

    # -- reading ------------------------------------------------------------------------------
    def load(self, renames: Mapping[str, str]) -> Sheet:
        self.loaded = run_sync(self._load(renames))
        return self.loaded

    async def _load(self, renames: Mapping[str, str]) -> Sheet:
        async with self.open_api() as api:
            link = await resolve(api, self.link)
            sheet_id, rows, columns = await self._pick(api, link)
            link = self.target = link.resolved("sheets", link.token) if link.sheet else Link(
                "sheets", link.token, sheet=sheet_id, lark=link.lark, text=link.text)
            values = await self._values(api, link, rows, columns)
        records: list[list[str]] = []
        numbers: dict[int, dict[int, float]] = {}  # row index -> column -> the number a cell holds
        for r, row in enumerate(values):
            texts = []
            for c, value in enumerate(row):
                text, number = sheet_cell(value)
                texts.append(text)
                if number is not None:
                    numbers.setdefault(r, {})[c] = number
            records.append(texts)
        where = f"sheet {self.title!r}"
        self.used = max((max((c + 1 for c, t in enumerate(rec) if t.strip()), default=0) for rec in records),
                        default=0)
        start = header_index(records, self.header_row, where)
        self.raw_header = list(records[start])
        for first, width in _check_spans(self.raw_header):  # a check's columns are the tool's: not read
            for rec in records:
                for c in range(first, min(first + width, len(rec))):
                    rec[c] = ""
        built = build_sheet("xlsx", records, renames, {}, where=where, header_row=self.header_row,
                            sheet_name=self.title)
        rows_out = []
        for row in built.rows:
            found = numbers.get(row.number - 1)
            rows_out.append(with_problems(row, number_problems(built.columns, found, SHEET_ID_NUMBER)) if found
                            else row)
        return Sheet(built.kind, built.columns, rows_out, sheet_name=self.title, warnings=built.warnings,
                     header_row=built.header_row, origin=f"Feishu sheet {self.title!r}")

    async def _pick(self, api: DocsApi, link: Link) -> tuple[str, int, int]:
        answer = await api.retrying("sheets_query", "GET", f"/open-apis/sheets/v3/spreadsheets/{link.token}"
                                    "/sheets/query")
        doing = f"read the spreadsheet {link.token}"
        if answer.code != 0 or not isinstance(answer.data, dict):
            raise refusal(answer, doing, READ_GRANT)
        sheets = [s for s in answer.data.get("sheets") or [] if isinstance(s, dict) and s.get("sheet_id")]
        if not sheets:
            raise InputError(f"the spreadsheet {link.token} has no sheet to read")
        chosen = next((s for s in sheets if s["sheet_id"] == link.sheet), None) if link.sheet else sheets[0]
        if chosen is None:
            listed = ", ".join(f"{s['sheet_id']} ({s.get('title', '')})" for s in sheets)
            raise InputError(f"the spreadsheet {link.token} has no sheet {link.sheet!r}; its sheets are {listed}")
        if self.sheet is not None:
            chosen = pick_sheet(sheets, self.sheet, chosen if link.sheet else None)
        self.title = str(chosen.get("title") or chosen["sheet_id"])
        grid = chosen.get("grid_properties") or {}
        return str(chosen["sheet_id"]), int(grid.get("row_count") or 0), int(grid.get("column_count") or 0)

    async def _values(self, api: DocsApi, link: Link, rows: int, columns: int) -> list[list[Any]]:
        last = column_letter(max(columns, 1) - 1)
        values: list[list[Any]] = []
        first, step = 1, ROWS_A_READ
        while first <= max(rows, 1):
            end = min(first + step - 1, max(rows, 1))
            cells = f"{link.sheet}!A{first}:{last}{end}"
            answer = await api.retrying("values_get", "GET", f"/open-apis/sheets/v2/spreadsheets/{link.token}/values/"
                                        f"{quote(cells, safe='')}", params={
                                            "valueRenderOption": "FormattedValue",
                                            "dateTimeRenderOption": "FormattedString"})
            if answer.code == TOO_LARGE and step > 1:
                step //= 2  # the answer is over 10 MB: read fewer rows at a time
                continue
            if answer.code != 0 or not isinstance(answer.data, dict):
                raise refusal(answer, f"read the sheet {self.title!r}", READ_GRANT)
            got = (answer.data.get("valueRange") or {}).get("values") or []
            values.extend(row if isinstance(row, list) else [] for row in got)
            values.extend([] for _ in range(end - first + 1 - len(got)))  # rows the answer left out
            first = end + 1
        return values

    # -- writing ------------------------------------------------------------------------------
    def results(self, kind: str, header: Sequence[str] | None = None) -> Results:
        """A run's result columns (those of `--write-back`), a check's (`check`, `check msg`) or a
        plan's (`header`): right of the used range, or over the block of the same kind an earlier
        run wrote."""
        assert self.loaded is not None and self.target is not None, "load() first"
        own = own_columns(self.loaded)
        values_of: Any = None
        if kind == RESULTS:
            names: Sequence[str] = results_block([], own).header
            values_of = sheet_run_values
            spans = block_spans(self.raw_header, RESULTS)
        elif kind == "check":
            names, values_of, spans = CHECK_HEADER, check_values, _check_spans(self.raw_header)
        else:
            names, spans = tuple(header or ()), block_spans(self.raw_header, PLAN)
        first = placement(self.used, spans, len(names))
        return Results(SheetsWriter(self, first), names, self.open_api, values_of)


def sheet_run_values(outcome: Outcome) -> Values:
    return tuple(results_block([outcome]).rows[0])


def check_values(outcome: Outcome) -> Values:
    return (outcome.result.value, outcome.msg)


class SheetsWriter:
    """The sheet's rows, from column `first` (0-based): at most 5,000 rows a call, one call at a
    time (§9.7); rows next to each other go in one range."""

    limit = 5000

    def __init__(self, source: SheetsSource, first: int) -> None:
        assert source.loaded is not None and source.target is not None
        self.source, self.first = source, first
        self.link = source.target
        self.numbers = [row.number for row in source.loaded.rows]
        self.header_row = source.loaded.header_row
        self.width = 0
        self.what = f"the sheet {source.title!r}"

    def _range(self, first_row: int, last_row: int) -> str:
        return (f"{self.link.sheet}!{column_letter(self.first)}{first_row}:"
                f"{column_letter(self.first + self.width - 1)}{last_row}")

    async def prepare(self, api: DocsApi, header: Sequence[str]) -> None:
        self.width = len(header)
        answer = await self._post(api, [{"range": self._range(self.header_row, self.header_row),
                                         "values": [list(header)]}])
        if answer.code != 0:
            raise refusal(answer, f"write the result columns' header to {self.what}", WRITE_GRANT)

    async def write(self, api: DocsApi, rows: Sequence[tuple[int, Values]]) -> Answer:
        ranges: list[dict[str, Any]] = []
        for index, values in sorted(rows, key=lambda item: self.numbers[item[0]]):
            number = self.numbers[index]
            cells = ["" if v is None else v for v in values]
            last = ranges[-1] if ranges else None
            if last is not None and last["_end"] == number - 1:
                last["values"].append(cells)
                last["_end"] = number
            else:
                ranges.append({"_start": number, "_end": number, "values": [cells]})
        body = [{"range": self._range(r["_start"], r["_end"]), "values": r["values"]} for r in ranges]
        return await self._post(api, body)

    async def _post(self, api: DocsApi, value_ranges: list[dict[str, Any]]) -> Answer:
        return await api.retrying("values_batch_update", "POST",
                                  f"/open-apis/sheets/v2/spreadsheets/{self.link.token}/values_batch_update",
                                  body={"valueRanges": value_ranges})

    def failed(self, answer: Answer, rows: int) -> str:
        return str(refusal(answer, f"write {counted(rows, 'result')} to {self.what}", WRITE_GRANT))

