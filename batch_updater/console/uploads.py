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
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from batch_updater.console.budget import Budget, Choices, TooBig, check_count, check_size
from batch_updater.console.checked import Checked
from batch_updater.errors import EncodingUnclear, InputError
from batch_updater.i18n import tr
from batch_updater.jobs.options import RunOptions
from batch_updater.paths import atomic_path, private_dir, upload_name
from batch_updater.run.job import RunResult
from batch_updater.schema.columns import NoTicketIdColumn
from batch_updater.sheet.read import EXCEL_SUFFIXES, TEXT_SUFFIXES, sheet_names
from batch_updater.sources.links import parse_link

SUFFIXES = sorted(EXCEL_SUFFIXES | set(TEXT_SUFFIXES))
# offered when a text file needs one
ENCODINGS = ("utf-8", "gb18030", "big5", "shift_jis", "utf-16", "utf-16-le", "utf-16-be", "cp1252")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
KEEP_FOR_S = 30 * 60  # an upload unused this long leaves memory (its files stay)
KEEP_MOST = 10  # uploads kept in memory at most
LINK_SUFFIX = ".link"  # a pasted link, kept as a small file holding it (its name: the object it names)


@dataclass
class Upload:
    """One sheet and its latest check (a dry run with the page's sheet, renames and encoding)."""

    id: str
    name: str  # the file's name, made safe: also the file's name on disk (messages name it)
    path: Path
    sheets: list[str]
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # the sheet's header -> ours
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # the sheet's header -> its value map
    encoding: str | None = None
    checked: Checked | None = None
    checked_at: str = ""
    problem: str = ""  # why the check could not read it as it is (a choice on the page can fix it)
    headers: tuple[str, ...] = ()  # with no ticket id column: the header row, to choose one from
    kept: dict[str, Any] | None = None  # the choices carried over from the earlier upload of this name
    kept_from: str = ""  # which file the choices were loaded from (a job file), if not the earlier upload

    @property
    def text(self) -> bool:
        return self.path.suffix.lower() in TEXT_SUFFIXES

    @property
    def link(self) -> str | None:
        """A pasted link (a Base table, a sheet): kept as a `.link` file holding it; None for a sheet file."""
        if self.path.suffix.lower() != LINK_SUFFIX:
            return None
        try:
            return self.path.read_text(encoding="utf-8").strip()
        except OSError:
            return None

    @property
    def input(self) -> Path | str:
        """What a run of it reads: the link, or the file."""
        return self.link or self.path

    @property
    def choices(self) -> Choices:
        return Choices(self.sheet, self.encoding if self.text else None, self.columns, self.values)


def safe_name(name: str) -> str:
    """The file name a browser gave, as a name for a file of ours: no folders, no odd characters."""
    base = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip(" .") or "sheet"
    stem, suffix = os.path.splitext(base)
    if suffix.lower() not in SUFFIXES:
        raise InputError(tr("{name}: not a spreadsheet the tool reads; use {suffixes}",
                            name=Path(name).name or tr("the file"), suffixes=", ".join(SUFFIXES)))
    return upload_name(stem, suffix.lower())  # it and every name derived from it fit in a file name


class Uploads:
    """The console's sheets under `folder`, checked with `check_run` (run_job, dry run); a sheet
    over `budget` is refused. In memory: the sheets used in the last `keep_for` seconds (by
    `clock`), at most `keep_most` of them; the others stay on disk and are read again when asked
    for. `on_checked` is told of each sheet a check could read (the sandbox learns its ids)."""

    def __init__(self, folder: Path, check_run: Callable[..., RunResult], env: Mapping[str, str], *,
                 budget: Budget = Budget(), sandbox: bool = False, keep_for: float = KEEP_FOR_S,
                 keep_most: int = KEEP_MOST, clock: Callable[[], float] = time.monotonic,
                 on_checked: Callable[[Upload], None] | None = None) -> None:
        self.folder = private_dir(folder)
        self._run, self._env = check_run, env
        self.budget, self._sandbox = budget, sandbox
        self._keep_for, self._keep_most, self._clock = keep_for, keep_most, clock
        self.on_checked = on_checked
        self._known: dict[str, Upload] = {}
        self._used: dict[str, float] = {}  # id -> when last asked for
        self._lock = threading.Lock()  # guards the two dicts above and `_names`
        self._names: dict[str, threading.Lock] = {}  # one per sheet: its files change under it only

    @staticmethod
    def id_of(name: str) -> str:
        return hashlib.sha256(name.encode()).hexdigest()[:12]

    def incoming(self, name: str) -> tuple[str, Path]:
        """Where an upload of `name` is written while it arrives (not over the one it replaces)."""
        return self.incoming_name(safe_name(name))

    def incoming_name(self, safe: str) -> tuple[str, Path]:
        upload_id = self.id_of(safe)
        staging = private_dir(self.folder / upload_id / f".incoming-{uuid.uuid4().hex[:8]}")
        return upload_id, staging / safe

    def add(self, upload_id: str, arrived: Path) -> Upload:
        """Check the sheet that arrived; keep it (in place of an earlier one of the same name, and
        with that one's choices: its sheet, renames and encoding) if it can be read, or could be
        with a choice; otherwise forget it and raise the reason. The staging copy is gone after,
        whatever happens; uploads of one name at once are taken one after another (the last wins)."""
        try:
            with self._name_lock(upload_id):
                upload = Upload(upload_id, arrived.name, arrived, sheet_names(arrived))
                earlier = self._earlier(upload_id)
                if earlier is not None:
                    self._check_with_earlier(upload, earlier)
                else:
                    self._check(upload, Choices())
                self._move_in(upload, arrived)
                self._save(upload)
                self._remember(upload)
                return upload
        finally:
            discard(arrived)

    def add_link(self, text: str) -> Upload:
        """A pasted Base or Sheets link: kept as the console keeps a sheet (one per object it names:
        pasting it again is the same job) and checked at once, reading it without writing to it."""
        link = parse_link(text)
        name = upload_name("-".join(p for p in (link.kind, link.token, link.table or link.sheet) if p), LINK_SUFFIX)
        upload_id, staging = self.incoming_name(name)
        staging.write_text(link.text, encoding="utf-8")
        return self.add(upload_id, staging)

    def check(self, upload: Upload, sheet: str | None = None, columns: Mapping[str, str] | None = None,
              encoding: str | None = None, values: Mapping[str, Mapping[str, str]] | None = None,
              loaded_from: str = "") -> Upload:
        """The dry run, as `run --dry-run` does it, with the page's choices (None: as before). A
        problem a choice can fix is kept on the upload; any other is raised, and the upload is
        left as it was. `loaded_from`: the job file the choices come from (the page says so)."""
        choices = Choices(upload.sheet if sheet is None else (sheet or None),
                          upload.encoding if encoding is None else (encoding or None),
                          dict(upload.columns if columns is None else columns),
                          _value_maps(upload.values if values is None else values))
        with self._name_lock(upload.id):
            self._check(upload, choices)
            upload.kept = _kept(choices, upload.checked_at) if loaded_from else None  # else: chosen on the page now
            upload.kept_from = loaded_from
            self._save(upload)
        return upload

    def get(self, upload_id: str) -> Upload:
        """A sheet by id: in memory, or as kept on disk (after a restart, or evicted), checked again."""
        with self._name_lock(upload_id):  # not read twice at once, nor while a new copy arrives
            with self._lock:
                found = self._known.get(upload_id)
            if found is None:
                found = self._from_disk(upload_id)
            self._remember(found)
        return found

    # --- checking ------------------------------------------------------------------------------

    def _check(self, upload: Upload, choices: Choices) -> None:
        """Check `upload` with `choices` and, unless that raises, keep both on it."""
        options = RunOptions(input=upload.input, dry_run=True, sheet=choices.sheet, columns=dict(choices.columns or {}),
                             values=_value_maps(choices.values), encoding=choices.encoding if upload.text else None,
                             report=upload.path.parent / "check.csv",
                             write_back=False)  # a link is only read by the page's check (a run writes to it)
        checked: Checked | None
        headers: tuple[str, ...]
        try:
            check_size(upload.path, choices, self.budget, sandbox=self._sandbox)
            result = self._run(options, env=self._env)
            check_count(upload.name, len(result.outcomes), choices, self.budget, sandbox=self._sandbox)
            checked, problem, headers = Checked.of(result, choices.values), "", ()
        except NoTicketIdColumn as e:
            checked, problem, headers = None, str(e), e.header
        except TooBig as e:
            if len(upload.sheets) < 2:
                raise
            checked, problem, headers = None, str(e), ()  # another sheet of the workbook may do
        except InputError as e:
            if not (upload.text and isinstance(e, EncodingUnclear)) and len(upload.sheets) < 2:
                raise
            checked, problem, headers = None, str(e), ()
        upload.sheet, upload.encoding, upload.columns = choices.sheet, choices.encoding, dict(choices.columns or {})
        upload.values = _value_maps(choices.values)
        upload.checked, upload.problem, upload.headers = checked, problem, headers
        upload.checked_at = datetime.now().astimezone().isoformat(timespec="seconds")
        if checked is not None and self.on_checked is not None:
            self.on_checked(upload)

    def _check_with_earlier(self, upload: Upload, earlier: Mapping[str, Any]) -> None:
        """A new copy of a sheet the console had: checked with the earlier copy's choices (a
        column mapped on the page stays mapped, so its rows are the same job's rows); if they no
        longer fit (a sheet since renamed, say), without them."""
        sheet = earlier.get("sheet")
        choices = Choices(sheet if sheet in upload.sheets else None, earlier.get("encoding") if upload.text else None,
                          dict(earlier.get("columns") or {}), _value_maps(earlier.get("values")))
        if choices == Choices(None, None, {}, {}):
            self._check(upload, choices)
            return
        try:
            self._check(upload, choices)
        except TooBig:
            raise
        except InputError:
            self._check(upload, Choices())
            return
        upload.kept = _kept(choices, earlier.get("checked_at", ""))

    # --- on disk and in memory ---------------------------------------------------------------------

    def _name_lock(self, upload_id: str) -> threading.Lock:
        with self._lock:
            return self._names.setdefault(upload_id, threading.Lock())

    def _earlier(self, upload_id: str) -> dict[str, Any] | None:
        """The choices of the copy of this sheet the console has (in memory, or on disk)."""
        with self._lock:
            found = self._known.get(upload_id)
        if found is not None:
            return {"sheet": found.sheet, "columns": found.columns, "encoding": found.encoding,
                    "values": found.values, "checked_at": found.checked_at}
        try:
            kept = json.loads((self.folder / upload_id / "upload.json").read_text())
        except (OSError, ValueError):
            return None
        return kept if isinstance(kept, dict) else None

    def _move_in(self, upload: Upload, arrived: Path) -> None:
        """The sheet that arrived, and its check's files, in place of the earlier copy's."""
        folder = self.folder / upload.id
        for old in folder.glob("check*"):  # the check of the sheet it replaces
            old.unlink(missing_ok=True)
        for item in arrived.parent.iterdir():
            os.replace(item, folder / item.name)
        upload.path = folder / arrived.name

    def _from_disk(self, upload_id: str) -> Upload:
        try:
            kept = json.loads((self.folder / upload_id / "upload.json").read_text())
            path = self.folder / upload_id / kept["name"]
        except (OSError, ValueError, KeyError, TypeError):
            raise KeyError(upload_id) from None
        if not path.is_file() or path.parent.name != upload_id:
            raise KeyError(upload_id)
        upload = Upload(upload_id, path.name, path, sheet_names(path))
        self._check(upload, Choices(kept.get("sheet"), kept.get("encoding"), kept.get("columns") or {},
                                    _value_maps(kept.get("values"))))
        upload.kept, upload.kept_from = kept.get("kept"), str(kept.get("kept_from") or "")
        return upload

    def _save(self, upload: Upload) -> None:
        kept = {"name": upload.name, "sheet": upload.sheet, "columns": upload.columns, "encoding": upload.encoding,
                "values": upload.values, "checked_at": upload.checked_at, "kept": upload.kept,
                "kept_from": upload.kept_from}
        with contextlib.suppress(OSError), atomic_path(upload.path.parent / "upload.json") as tmp:
            tmp.write_text(json.dumps(kept, ensure_ascii=False))

    def _remember(self, upload: Upload) -> None:
        """Keep `upload` in memory as just used; forget those unused for long, and the least
        recently used beyond the count (their files stay: `get` reads them again)."""
        now = self._clock()
        with self._lock:
            self._known[upload.id] = upload
            self._used.pop(upload.id, None)
            self._used[upload.id] = now  # the dict's order: least recently used first
            for old, when in list(self._used.items()):
                if now - when > self._keep_for or len(self._used) > self._keep_most:
                    del self._used[old], self._known[old]

    def in_memory(self) -> list[str]:
        with self._lock:
            return list(self._known)

    def listed(self) -> list[dict[str, Any]]:
        """Every sheet the console keeps (in memory or on disk), the latest checked first: to reopen one."""
        found = []
        for saved in self.folder.glob("*/upload.json"):
            try:
                kept = json.loads(saved.read_text())
                found.append({"id": saved.parent.name, "name": str(kept["name"]), "checked_at": kept.get("checked_at")
                              or "", "link": (saved.parent / kept["name"]).suffix.lower() == LINK_SUFFIX})
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return sorted(found, key=lambda item: item["checked_at"], reverse=True)


def _value_maps(values: Any) -> dict[str, dict[str, str]]:
    """Value maps as kept: each column's non-empty entries, as text (a column left with none is dropped)."""
    maps: dict[str, dict[str, str]] = {}
    for column, table in (values or {}).items() if isinstance(values, Mapping) else ():
        if isinstance(table, Mapping):
            entries = {str(k): str(v) for k, v in table.items() if str(k).strip()}
            if entries:
                maps[str(column)] = entries
    return maps


def _kept(choices: Choices, checked_at: str) -> dict[str, Any]:
    return {"sheet": choices.sheet, "renames": dict(choices.columns or {}), "encoding": choices.encoding,
            "values": _value_maps(choices.values), "checked_at": checked_at}


def discard(arrived: Path) -> None:
    """An upload that was refused leaves nothing behind: its staging folder, and the sheet's folder
    when nothing else is in it (no earlier upload of that name, no other arriving)."""
    for item in arrived.parent.glob("*"):
        item.unlink(missing_ok=True)
    for folder in (arrived.parent, arrived.parent.parent):
        with contextlib.suppress(OSError):
            folder.rmdir()


def describe(upload: Upload) -> dict[str, Any]:
    """An upload for the page: what was read, its columns, the check's counts and warnings; or
    its problem and what could fix it; and the choices kept from an earlier copy, if any."""
    base = {"id": upload.id, "name": upload.name, "sheets": upload.sheets, "sheet": upload.sheet,
            "renames": upload.columns, "encoding": upload.encoding, "text": upload.text,
            "encodings": list(ENCODINGS) if upload.text else [], "checked_at": upload.checked_at,
            "problem": upload.problem, "kept": upload.kept, "kept_from": upload.kept_from, "link": upload.link,
            "values": upload.values}
    if upload.checked is None:
        return {**base, "columns": [], "unknown": list(upload.headers), "warnings": [], "counts": {}, "rows": 0,
                "tickets": 0, "comments": 0, "repeated": 0, "source": "", "no_ticket_id": bool(upload.headers),
                "samples": []}
    return {**base, **upload.checked.described}
