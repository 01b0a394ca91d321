"""Sources whose results are written back into them as the run goes (a Base table, a sheet), and
the link that names one (links.py) made into its source."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from batch_updater.errors import UsageError
from batch_updater.feishu.credentials import api_origin
from batch_updater.naming import option
from batch_updater.schema.sheet import Sheet
from batch_updater.sources.base import Source
from batch_updater.sources.docsource import resolve, run_sync
from batch_updater.sources.links import Link, check_api, parse_link

if TYPE_CHECKING:
    from batch_updater.sources.results import Results


@runtime_checkable
class WritesResults(Protocol):
    """A source that takes its rows' results back (after `load`): a run's (kind "results"), a
    check's ("check") or a plan's ("plan", its columns `header`)."""

    def results(self, kind: str, header: Sequence[str] | None = None) -> Results: ...


def link_source(text: str, env: Mapping[str, str], base_url: str | None, *, timeout: float = 30.0,
                result_fields: Mapping[str, str] | None = None, header_row: int | None = None,
                sheet: str | None = None) -> Source:
    """The Base table or the sheet `text` names (a wiki link: the one its page shows, found when
    it is loaded), read and written at `base_url` (else $FEISHU_BASE_URL, else Feishu's): a Lark
    link needs Lark's API, a Feishu link Feishu's (refused here, before anything is read).
    `sheet`: the sheet of a Sheets link without `?sheet=` (by name or position); refused for a Base."""
    from batch_updater.sources.base_table import BaseTableSource
    from batch_updater.sources.sheets import SheetsSource

    link = parse_link(text)
    check_api(link, api_origin(base_url, env))
    if link.kind == "sheets":
        return SheetsSource(link, env, base_url, timeout=timeout, header_row=header_row, sheet=sheet)
    if link.kind == "base":
        no_sheet(sheet, header_row)
        return BaseTableSource(link, env, base_url, timeout=timeout, result_fields=result_fields)
    return WikiSource(link, env, base_url, timeout=timeout, result_fields=result_fields, header_row=header_row,
                      sheet=sheet)


def no_sheet(sheet: str | None, header_row: int | None = None) -> None:
    """A Base link names its table, whose field names are its header: a `sheet` or `header_row`
    option with it is refused, never ignored."""
    if header_row is not None:
        raise UsageError(f"{option('header_row')} {header_row}: a Base table has no header row (its field names "
                         f"are the columns): {option('header_row')} is for a file or a Sheets link",
                         option="header_row", value=header_row)
    if sheet is not None:
        raise UsageError(f"{option('sheet')} {sheet}: a Base link names its table with ?table= (and its view with "
                         f"&view=): {option('sheet')} picks a sheet of a workbook or of a Sheets link",
                         option="sheet", value=sheet)


class WikiSource:
    """A wiki link: the Base table or sheet its page shows, known once loaded (`get_node`); until
    then, its label is the link."""

    def __init__(self, link: Link, env: Mapping[str, str], base_url: str | None, *, timeout: float = 30.0,
                 result_fields: Mapping[str, str] | None = None, header_row: int | None = None,
                 sheet: str | None = None) -> None:
        self.link, self.env, self.base_url, self.timeout = link, env, base_url, timeout
        self.result_fields, self.header_row, self.sheet = result_fields, header_row, sheet
        self.inner: Source | None = None

    @property
    def label(self) -> str:
        return self.link.text

    @property
    def stem(self) -> str | None:
        return self.inner.stem if self.inner is not None else f"wiki-{self.link.token}"

    @property
    def write_back(self) -> None:
        return None

    def load(self, renames: Mapping[str, str]) -> Sheet:
        from batch_updater.feishu.docs import open_docs
        from batch_updater.sources.base_table import BaseTableSource
        from batch_updater.sources.sheets import SheetsSource

        async def found() -> Link:
            async with open_docs(self.env, self.base_url, timeout=self.timeout) as api:
                return await resolve(api, self.link)

        if self.inner is None:
            shown = run_sync(found())
            if shown.kind == "base":
                no_sheet(self.sheet, self.header_row)
            self.inner = (BaseTableSource(shown, self.env, self.base_url, timeout=self.timeout,
                                          result_fields=self.result_fields) if shown.kind == "base"
                          else SheetsSource(shown, self.env, self.base_url, timeout=self.timeout,
                                            header_row=self.header_row, sheet=self.sheet))
        return self.inner.load(renames)

    def identity(self, sheet: Sheet) -> dict[str, str]:
        assert self.inner is not None, "load() first"
        return self.inner.identity(sheet)

    def results(self, kind: str, header: Sequence[str] | None = None) -> Results:
        assert isinstance(self.inner, WritesResults), "load() first"
        return self.inner.results(kind, header)
