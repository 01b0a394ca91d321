"""Sheets uploaded to the console, one per file name: uploading `tickets.xlsx` again (fixed, say)
replaces it, and it is the same job as before, as running the same file again is on the command
line: its rows already done are recognised, and its lock keeps two runs of it apart. Each is
checked at once by a dry run; a sheet the tool cannot read as it is, but could with a choice
(another sheet, an encoding, which column holds the ticket id), is kept with its problem."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from batch_updater.errors import InputError
from batch_updater.jobs.options import RunOptions
from batch_updater.model import Result
from batch_updater.paths import private_dir, upload_name
from batch_updater.run.job import RunResult
from batch_updater.sheet.columns import NoTicketIdColumn
from batch_updater.sheet.read import EXCEL_SUFFIXES, TEXT_SUFFIXES, sheet_names

SUFFIXES = sorted(EXCEL_SUFFIXES | set(TEXT_SUFFIXES))
# offered when a text file needs one
ENCODINGS = ("utf-8", "gb18030", "big5", "shift_jis", "utf-16", "utf-16-le", "utf-16-be", "cp1252")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


@dataclass
class Upload:
    """One sheet and its latest check (a dry run with the page's sheet, renames and encoding)."""

    id: str
    name: str  # the file's name, made safe: also the file's name on disk (messages name it)
    path: Path
    sheets: list[str]
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # the sheet's header -> ours
    encoding: str | None = None
    checked: RunResult | None = None
    checked_at: str = ""
    problem: str = ""  # why the check could not read it as it is (a choice on the page can fix it)
    headers: tuple[str, ...] = ()  # with no ticket id column: the header row, to choose one from

    @property
    def text(self) -> bool:
        return self.path.suffix.lower() in TEXT_SUFFIXES


def safe_name(name: str) -> str:
    """The file name a browser gave, as a name for a file of ours: no folders, no odd characters."""
    base = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip(" .") or "sheet"
    stem, suffix = os.path.splitext(base)
    if suffix.lower() not in SUFFIXES:
        raise InputError(f"{Path(name).name or 'the file'}: not a spreadsheet the tool reads; use "
                         f"{', '.join(SUFFIXES)}")
    return upload_name(stem, suffix.lower())  # it and every name derived from it fit in a file name


class Uploads:
    """The console's sheets under `folder`, checked with `check_run` (run_job, dry run)."""

    def __init__(self, folder: Path, check_run: Callable[..., RunResult], env: Mapping[str, str]) -> None:
        self.folder = private_dir(folder)
        self._run, self._env = check_run, env
        self._known: dict[str, Upload] = {}
        self._lock = threading.Lock()

    @staticmethod
    def id_of(name: str) -> str:
        return hashlib.sha256(name.encode()).hexdigest()[:12]

    def incoming(self, name: str) -> tuple[str, Path]:
        """Where an upload of `name` is written while it arrives (not over the one it replaces)."""
        safe = safe_name(name)
        upload_id = self.id_of(safe)
        staging = private_dir(self.folder / upload_id / f".incoming-{uuid.uuid4().hex[:8]}")
        return upload_id, staging / safe

    def add(self, upload_id: str, arrived: Path) -> Upload:
        """Check the sheet that arrived; keep it (in place of an earlier one of the same name) if it
        can be read, or could be with a choice; otherwise forget it and raise the reason."""
        upload = Upload(upload_id, arrived.name, arrived, sheet_names(arrived))
        try:
            self.check(upload, save=False)
        except InputError:
            discard(arrived)
            raise
        folder = self.folder / upload_id
        for old in folder.glob("check*"):  # the check of the sheet it replaces
            old.unlink()
        for item in arrived.parent.iterdir():  # the sheet, and its check's files beside it
            os.replace(item, folder / item.name)
        arrived.parent.rmdir()
        upload.path = folder / arrived.name
        self._save(upload)
        with self._lock:
            self._known[upload_id] = upload
        return upload

    def check(self, upload: Upload, sheet: str | None = None, columns: Mapping[str, str] | None = None,
              encoding: str | None = None, *, save: bool = True) -> Upload:
        """The dry run, as `run --dry-run` does it, with the page's choices. A problem a choice can
        fix is kept on the upload; any other is raised."""
        upload.sheet = upload.sheet if sheet is None else (sheet or None)
        upload.columns = dict(upload.columns if columns is None else columns)
        upload.encoding = upload.encoding if encoding is None else (encoding or None)
        options = RunOptions(input=upload.path, dry_run=True, sheet=upload.sheet, columns=upload.columns,
                             encoding=upload.encoding if upload.text else None,
                             report=upload.path.parent / "check.csv")
        try:
            upload.checked, upload.problem, upload.headers = self._run(options, env=self._env), "", ()
        except NoTicketIdColumn as e:
            upload.checked, upload.problem, upload.headers = None, str(e), e.header
        except InputError as e:
            if not (upload.text and "--encoding" in str(e)) and len(upload.sheets) < 2:
                raise
            upload.checked, upload.problem, upload.headers = None, str(e), ()
        upload.checked_at = datetime.now().astimezone().isoformat(timespec="seconds")
        if save:
            self._save(upload)
        return upload

    def get(self, upload_id: str) -> Upload:
        """A sheet by id: in memory, or as kept on disk (after a restart), checked again."""
        with self._lock:
            found = self._known.get(upload_id)
        if found is not None:
            return found
        try:
            kept = json.loads((self.folder / upload_id / "upload.json").read_text())
            path = self.folder / upload_id / kept["name"]
        except (OSError, ValueError, KeyError, TypeError):
            raise KeyError(upload_id) from None
        if not path.is_file() or path.parent.name != upload_id:
            raise KeyError(upload_id)
        upload = Upload(upload_id, path.name, path, sheet_names(path), kept.get("sheet"), kept.get("columns") or {},
                        kept.get("encoding"))
        self.check(upload, save=False)
        with self._lock:
            self._known[upload_id] = upload
        return upload

    def _save(self, upload: Upload) -> None:
        kept = {"name": upload.name, "sheet": upload.sheet, "columns": upload.columns, "encoding": upload.encoding}
        with contextlib.suppress(OSError):
            (upload.path.parent / "upload.json").write_text(json.dumps(kept, ensure_ascii=False))

def discard(arrived: Path) -> None:
    """An upload that was refused leaves nothing behind."""
    for item in arrived.parent.glob("*"):
        item.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        arrived.parent.rmdir()


def valid_ids(result: RunResult) -> list[str]:
    """The ticket ids of a dry run's valid rows."""
    sheet = result.sheet
    index = sheet.columns.index("ticket_id") if sheet is not None else None
    if sheet is None or index is None:
        return []
    return [row.cells[index].strip() for row, out in zip(sheet.rows, result.outcomes) if out.result is Result.VALID]


def describe(upload: Upload) -> dict[str, Any]:
    """An upload for the page: what was read, its columns, the check's counts and warnings; or
    its problem and what could fix it."""
    base = {"id": upload.id, "name": upload.name, "sheets": upload.sheets, "sheet": upload.sheet,
            "renames": upload.columns, "encoding": upload.encoding, "text": upload.text,
            "encodings": list(ENCODINGS) if upload.text else [], "checked_at": upload.checked_at,
            "problem": upload.problem}
    result = upload.checked
    if result is None or result.sheet is None:
        return {**base, "columns": [], "unknown": list(upload.headers), "warnings": [], "counts": {}, "rows": 0,
                "tickets": 0, "comments": 0, "repeated": 0, "source": "", "no_ticket_id": bool(upload.headers)}
    sheet = result.sheet
    roles = [r if r is None or isinstance(r, str) else f"custom:{r.field_id}" for r in sheet.columns.roles]
    comment = sheet.columns.index("comment")
    valid = [row for row, out in zip(sheet.rows, result.outcomes) if out.result is Result.VALID]
    return {
        **base, "sheet": sheet.sheet_name, "source": sheet.source, "no_ticket_id": False,
        "columns": [{"header": h, "role": r} for h, r in zip(sheet.columns.header, roles)],
        "unknown": [h for h, r in zip(sheet.columns.header, roles) if r is None and h.strip()],
        "warnings": list(result.warnings), "counts": dict(result.summary.by_result), "rows": len(result.outcomes),
        "tickets": len(set(valid_ids(result))), "repeated": result.summary.repeated_tickets,
        "comments": sum(1 for row in valid if comment is not None and row.cells[comment].strip()),
    }
