"""The console's Export step (issue 21's `batch-updater export`, from the page): the tickets the
page's filters select, read through the same library function (helpdesk/export.py,
`export_tickets`) and written as a workbook the page offers as a download, or takes as the sheet
in use (an upload like any other: check, map, plan, run; export_routes.py). Parses and presents
only; nothing here knows HTTP."""

from __future__ import annotations

import json
import re
import shutil
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from batch_updater.errors import BatchUpdaterError, UsageError
from batch_updater.helpdesk.export import ExportOptions, ExportResult, export_tickets
from batch_updater.helpdesk.filters import KEYS, Filters, filters_from
from batch_updater.i18n import N_, tr
from batch_updater.paths import private_dir

PAGE_FILTERS = tuple(k for k in KEYS if k != "ids")  # the page's filters: every one but a file of ids
_CREATED_SINCE, _CREATED_BEFORE = N_("created-since={at}"), N_("created-before={at}")
_UPDATED_SINCE, _UPDATED_BEFORE = N_("updated-since={at}"), N_("updated-before={at}")
_ID = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$")


class Exports:
    """Exports made from the page, each in a folder of its own under `folder` (kept there: a
    download still works after a restart)."""

    def __init__(self, folder: Path, env: Mapping[str, str], *, shown: Callable[[str], str] = str,
                 export: Callable[..., ExportResult] = export_tickets) -> None:
        self.folder = folder
        self._env, self._shown, self._export = env, shown, export

    def make(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Export the tickets `given` (the page's filters: names as the command line's flags,
        `created_since` or `created-since`) select; what the page shows of it."""
        unknown = [k for k in given if str(k).replace("_", "-") not in PAGE_FILTERS]
        if unknown:
            raise UsageError(tr("not a filter: {names}; use {filters}", names=", ".join(map(str, unknown)),
                                filters=", ".join(PAGE_FILTERS)))
        filters = filters_from({k: v for k, v in given.items() if v not in (None, "", [])})
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        export_id = f"{stamp}-{uuid.uuid4().hex[:6]}"
        path = private_dir(self.folder / export_id) / f"tickets-{stamp}.xlsx"
        warnings: list[str] = []
        try:
            result = self._export(ExportOptions(path, filters), env=self._env, on_warning=warnings.append)
        except BaseException:
            shutil.rmtree(path.parent, ignore_errors=True)
            raise
        s = result.selected
        if result.path is None:  # stopped before anything was written
            shutil.rmtree(path.parent, ignore_errors=True)
            reason = s.stop_reason or tr("interrupted")
            raise BatchUpdaterError(self._shown(tr("the export stopped early: {reason}; nothing was written",
                                                   reason=reason)))
        found = {"id": export_id, "name": path.name, "tickets": result.tickets, "requests": s.requests,
                 "elapsed": round(result.elapsed, 1), "complete": s.complete,
                 "selected": selected(filters) if filters != Filters() else "",  # "": every ticket (the page says it)
                 "warnings": [self._shown(w) for w in warnings]}
        (path.parent / "export.json").write_text(json.dumps(found, ensure_ascii=False))
        return found

    def file(self, export_id: str) -> Path:
        """An export's workbook (KeyError: no such export)."""
        if not _ID.match(export_id):
            raise KeyError(export_id)
        found = sorted((self.folder / export_id).glob("tickets-*.xlsx"))
        if not found:
            raise KeyError(export_id)
        return found[0]


def selected(filters: Filters) -> str:
    """The page's filters as the page says them: in English as a --select string
    (`status=1 tag=billing`, as Filters.describe), in Chinese in words (状态=1 标签=billing)."""
    parts = []
    if filters.statuses:
        parts.append(tr("status={statuses}", statuses=",".join(map(str, filters.statuses))))
    parts += [tr("tag={tag}", tag=tag) for tag in filters.tags]
    if filters.agent is not None:
        parts.append(tr("agent={agent}", agent=filters.agent))
    if filters.channel is not None:
        parts.append(tr("channel={channel}", channel=filters.channel))
    if filters.solved is not None:
        parts.append(tr("solved={solved}", solved=filters.solved))
    for said, ms in ((_CREATED_SINCE, filters.created_since), (_CREATED_BEFORE, filters.created_before),
                     (_UPDATED_SINCE, filters.updated_since), (_UPDATED_BEFORE, filters.updated_before)):
        if ms is not None:
            parts.append(tr(said, at=datetime.fromtimestamp(ms / 1000).astimezone().isoformat(timespec="seconds")))
    text = parts[0] if parts else tr("every ticket")
    for part in parts[1:]:
        text = tr("{filters} {filter}", filters=text, filter=part)
    return text
