"""Plans and runs started from the console: each on a thread of its own through the same
`run_job` / `plan_job` as the command line, with a Stop button (as Ctrl-C) and a snapshot the
page is pushed. A run outlives the browser tab that started it; the list of runs, and their
files, survive a restart of the server (runs.json, written when a run starts and when it ends:
a run the server did not see end, because it crashed or was killed, is listed as interrupted,
with what its job's journal knows). One run sends at a time: every run of a console goes to
the same helpdesk, and two at once could post one comment twice (copies of one sheet)."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from batch_updater.console.controls import in_words
from batch_updater.console.history import interrupted_counts, interrupted_message
from batch_updater.console.tables import plan_rows, result_rows
from batch_updater.console.uploads import Upload
from batch_updater.control import RunControl, RunProgress
from batch_updater.errors import INTERRUPTED, BatchUpdaterError
from batch_updater.i18n import tr
from batch_updater.jobs.config import options_from
from batch_updater.jobs.options import RunOptions
from batch_updater.paths import atomic_path, private_dir
from batch_updater.run.job import RunResult, run_job
from batch_updater.run.plan import PlanResult, plan_job
from batch_updater.run.prepare import check_options
from batch_updater.run.rows import journal_of
from batch_updater.sheet.read import EXCEL_SUFFIXES

FILES = ("report", "retry", "unknown", "undo", "undo_comments")  # what a finished run offers to download
RUNNING = ("starting", "reading", "sending")
TABLES_KEPT = 10  # the rows of the latest finished plans and runs, for the page's tables
ROWS_FILE = "rows.json"  # a finished plan's or run's rows for the page, in its folder: it opens again later


@dataclass
class RunRecord:
    """A plan or a run started from the page: its progress while it runs, its result after."""

    id: str
    kind: str  # "plan" or "run"
    upload_id: str
    upload_name: str
    options: dict[str, Any]
    started_at: str
    control: RunControl = field(default_factory=RunControl, repr=False)
    state: str = "starting"  # starting, reading, sending; then finished, stopped, refused, failed or interrupted
    progress: RunProgress | None = None
    series: list[list[float]] = field(default_factory=list)  # [second, rows answered, throttled, rate]
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # what the run warned of (other runs on these tickets...)
    exit_code: int | None = None
    message: str = ""
    files: dict[str, str] = field(default_factory=dict)  # kind -> path, for downloads
    finished_at: str = ""
    settled: float | None = None  # the rate a run ended at (auto: just under the API's limit)
    limit_found: bool = False
    achieved: float | None = None  # answers the API let through per second of sending
    resumed: int = 0  # rows an earlier run of the same sheet had done: not sent again
    table: list[dict[str, Any]] | None = field(default=None, repr=False)  # its rows for the page, built once
    journal: str = ""  # the job's journal (a run's): what an interrupted run is told from
    folder: str = ""  # where its files are, its rows for the page (rows.json) among them
    version: int = 0  # bumped on every change: what the event stream watches
    _clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    _t0: float = 0.0
    _last: tuple[int, int] = (0, 0)  # rows answered and throttles at the last second mark

    def observe(self, progress: RunProgress) -> None:
        """A progress update from the run's thread."""
        now = self._clock()
        if self.progress is not None and self.progress.reading != progress.reading:
            self.series, self._t0, self.progress = [], 0.0, None  # a new phase: its own chart, from 0
        if not self._t0:
            self._t0 = now
        second = int(now - self._t0)
        if not self.series or self.series[-1][0] != second:
            self._last = (self.progress.done, self.progress.throttles) if self.progress else (0, 0)
            self.series.append([second, 0, 0, progress.rate])
        point = self.series[-1]
        point[1] = max(0, progress.done - self._last[0])
        point[2] = max(0, progress.throttles - self._last[1])
        point[3] = progress.rate
        del self.series[:-600]  # the last ten minutes are enough for the chart
        self.progress = progress
        self.state = "reading" if progress.reading else "sending"
        self.version += 1

    def snapshot(self) -> dict[str, Any]:
        p = self.progress
        running = self.state in RUNNING
        shared = bool(p and p.shared_with and p.own_rate is not None)
        rate = (p.own_rate if shared else p.rate) if p else 0.0  # this run's: others may share the budget
        left = (p.total - p.done) / rate if p and running and rate else None
        return {
            "id": self.id, "kind": self.kind, "upload": self.upload_id, "name": self.upload_name,
            "options": self.options, "started_at": self.started_at, "finished_at": self.finished_at,
            "state": self.state, "running": running, "stop_pressed": self.control.presses,
            "done": p.done if p else 0, "total": p.total if p else 0, "live_counts": dict(p.counts) if p else {},
            "rate": p.rate if p else 0.0, "paused": p.paused if p else False, "reading": p.reading if p else False,
            "throttles": p.throttles if p else 0, "pauses": p.pauses if p else 0,
            "own_rate": p.own_rate if p else None, "shared_with": p.shared_with if shared and p else 0,
            "seconds_left": round(left) if left is not None else None, "series": self.series[-120:],
            "counts": self.counts, "warnings": self.warnings, "exit_code": self.exit_code, "message": self._message(),
            "files": sorted(self.files), "settled": self.settled, "limit_found": self.limit_found,
            "achieved": self.achieved, "resumed": self.resumed, "has_rows": self.has_rows,
        }

    def _message(self) -> str:
        """Its message; a run the server did not see end is told in the language of the page asking."""
        return interrupted_message(self.kind, self.counts) if self.state == "interrupted" else self.message

    @property
    def has_rows(self) -> bool:
        """Its rows can be shown (kept in memory, or in its folder's rows.json)."""
        if self.table is not None:
            return True
        return self.state not in RUNNING and bool(self.folder) and (Path(self.folder) / ROWS_FILE).is_file()


class Runs:
    """The console's plans and runs, their files under `folder`, with the credentials of `env`."""

    def __init__(self, folder: Path, env: Mapping[str, str], *, run: Callable[..., RunResult] = run_job,
                 plan: Callable[..., PlanResult] = plan_job, shown: Callable[[str], str] = str) -> None:
        self.folder = private_dir(folder)
        self.env = dict(env)
        self._run, self._plan = run, plan
        self.records: dict[str, RunRecord] = {}
        self._lock = threading.Lock()
        self._save_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._used: list[str] = []  # the runs whose rows are in memory, the one shown last at the end
        self.closing = False
        self.shown = shown  # a message for the page: the server's folders taken out of its paths
        self._load()
        if any(r.state == "interrupted" for r in self.records.values()):
            self._save()

    def active_for(self, upload_id: str) -> RunRecord | None:
        return next((r for r in list(self.records.values()) if r.upload_id == upload_id and r.state in RUNNING),
                    None)

    def sending(self) -> RunRecord | None:
        """The run sending now, if any (every run of this console goes to the same helpdesk)."""
        return next((r for r in list(self.records.values()) if r.kind == "run" and r.state in RUNNING), None)

    def start(self, kind: str, upload: Upload, choices: Mapping[str, Any]) -> RunRecord:
        """Start a plan or a run of `upload` on a thread; refused while one of it is running, and
        a run while any other run is sending."""
        if self.closing:
            raise BusyError(tr("the console is stopping: no new run starts"))
        with self._lock:  # two clicks at once: one starts
            busy = self.active_for(upload.id)
            if busy is not None:
                at = shown_time(busy.started_at)
                raise BusyError(tr("a plan of this sheet is running already (started {at}); stop it or wait for it "
                                   "to end", at=at) if busy.kind == "plan" else
                                tr("a run of this sheet is running already (started {at}); stop it or wait for it "
                                   "to end", at=at))
            other = self.sending() if kind == "run" else None
            if other is not None:
                raise BusyError(tr("a run of {name} is sending to this helpdesk (started {at}): one run at a time "
                                   "per helpdesk, so that no comment is posted twice; wait for it to end, or stop it "
                                   "(Earlier runs: Stop)", name=other.upload_name, at=shown_time(other.started_at)))
            run_id = uuid.uuid4().hex[:12]
            options = self._options(kind, upload, choices, run_id)
            record = RunRecord(run_id, kind, upload.id, upload.name, _shown(options), _now(),
                               journal=self._journal(kind, options, upload),
                               folder=str(options.report.parent) if options.report else "")
            self.records[record.id] = record
        self._save()  # listed from now on: if the server dies, the run shows as interrupted
        # the run speaks the page's words (its messages, warnings and rows' messages): its context
        thread = threading.Thread(target=in_words(self._work, record, options), name=f"{kind}-{record.id}")
        self._threads.append(thread)
        thread.start()
        return record

    def _options(self, kind: str, upload: Upload, choices: Mapping[str, Any], run_id: str) -> RunOptions:
        folder = private_dir(self.folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{run_id}")
        stem = Path(upload.name).stem or "sheet"
        kind_suffix = ".xlsx" if upload.link or upload.path.suffix.lower() in EXCEL_SUFFIXES \
            else upload.path.suffix.lower()
        report = folder / f"{stem}-{kind}{'.csv' if kind_suffix == '.txt' else kind_suffix}"
        return self.options(kind, upload, choices, report)

    def options(self, kind: str, upload: Upload, choices: Mapping[str, Any], report: Path | None = None
                ) -> RunOptions:
        """A plan's or a run's options, built as the command line's and a job file's are: the
        sheet's choices and, for a run, the page's (a bad rate refused now)."""
        page = {"rate": str(choices.get("rate") or "auto"), "skip_unchanged": bool(choices.get("skip_unchanged")),
                "undo": bool(choices.get("undo")), "retry_comments": bool(choices.get("retry_comments"))}
        options = options_from(None, input=upload.input, sheet=upload.sheet, columns=dict(upload.columns),
                               values={k: dict(v) for k, v in upload.values.items()},
                               report=report, encoding=upload.encoding if upload.text else None,
                               **(page if kind == "run" else {}))
        check_options(options)  # a bad rate is refused now, not on the run's thread
        return options

    def _journal(self, kind: str, options: RunOptions, upload: Upload) -> str:
        if kind != "run" or upload.checked is None or upload.link:
            return ""  # a link's job is the table or sheet it names, known once read
        try:
            return str(journal_of(options, upload.checked.sheet_name, self.env))
        except BatchUpdaterError:  # a bad FEISHU_BASE_URL: the run says so
            return ""

    def _work(self, record: RunRecord, options: RunOptions) -> None:
        job = self._plan if record.kind == "plan" else self._run
        try:
            result = job(options, env=self.env, on_progress=record.observe, control=record.control,
                         on_warning=lambda text: record.warnings.append(self.shown(text)))
        except BatchUpdaterError as e:
            record.state, record.exit_code, record.message = ("refused", e.exit_code, self.shown(str(e)))
        except Exception as e:  # noqa: BLE001 - a bug: the page says so, the server goes on
            record.state, record.exit_code, record.message = "failed", 1, self.shown(f"{type(e).__name__}: {e}")
        else:
            record.table = plan_rows(result) if isinstance(result, PlanResult) else result_rows(result)
            record.exit_code = result.exit_code
            record.state = "stopped" if result.exit_code == INTERRUPTED else "finished"
            record.message = self.shown(result.stop_reason or "")
            record.counts = _counts(result)
            record.files = _files(result)
            if isinstance(result, RunResult):
                record.resumed = result.resumed
                if result.sent is not None:
                    record.settled, record.limit_found = result.sent.final_rate, result.sent.limit_found
                    record.achieved = result.sent.achieved_rate
        record.finished_at = _now()
        if record.table is not None and record.folder:
            with contextlib.suppress(OSError), atomic_path(Path(record.folder) / ROWS_FILE) as tmp:
                tmp.write_text(json.dumps(record.table, ensure_ascii=False))
        record.version += 1
        self._forget_old_tables()
        self._save()

    def table(self, run_id: str) -> list[dict[str, Any]]:
        """A finished plan's or run's rows: in memory, or read again from its folder (after a
        restart, or once newer runs took its place in memory); KeyError when it has none."""
        record = self.records[run_id]
        table = record.table
        if table is None:
            try:
                table = json.loads((Path(record.folder) / ROWS_FILE).read_text()) if record.folder else None
            except (OSError, ValueError):
                table = None
            if not isinstance(table, list):
                raise KeyError(run_id)
            record.table = table
            record.finished_at = record.finished_at or _now()
            self._forget_old_tables()
        return table

    def _forget_old_tables(self) -> None:
        """Keep the rows of the TABLES_KEPT plans and runs used last in memory (the others stay on disk)."""
        with self._lock:
            self._used = [i for i in self._used if i in self.records and self.records[i].table is not None]
            for record in self.records.values():
                if record.table is not None and record.id not in self._used:
                    self._used.append(record.id)
            for old in self._used[:-TABLES_KEPT]:
                self.records[old].table = None
            del self._used[:-TABLES_KEPT]

    def touch(self, run_id: str) -> None:
        """A table just shown: the last to leave memory."""
        with self._lock:
            if run_id in self._used:
                self._used.remove(run_id)
                self._used.append(run_id)

    def stop_all(self, wait: float | None = None) -> None:
        """The server is stopping: no new run starts, every run stops as with Ctrl-C (called
        again, as a second Ctrl-C) and writes its report; waits for them (at most `wait` s)."""
        self.closing = True
        for record in list(self.records.values()):
            if record.state in RUNNING:
                record.control.stop()
        deadline = None if wait is None else time.monotonic() + wait
        for thread in list(self._threads):
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))

    # --- the list of runs, kept across restarts --------------------------------------------------

    def _save(self) -> None:
        """runs.json, whole or not at all; runs that end at once write it one after another."""
        with self._save_lock:
            with self._lock:
                records = list(self.records.values())
            keep = [dict(r.snapshot(), files={k: str(v) for k, v in r.files.items()}, series=[], journal=r.journal,
                         folder=r.folder) for r in records]
            with contextlib.suppress(OSError), atomic_path(self.folder / "runs.json") as tmp:
                tmp.write_text(json.dumps(keep[-200:], ensure_ascii=False))

    def _load(self) -> None:
        try:
            saved = json.loads((self.folder / "runs.json").read_text())
        except (OSError, ValueError):
            return
        for item in saved if isinstance(saved, list) else []:
            with contextlib.suppress(KeyError, TypeError):
                record = RunRecord(item["id"], item["kind"], item["upload"], item["name"], item["options"],
                                   item["started_at"], state=item["state"], counts=item["counts"],
                                   exit_code=item["exit_code"], message=item["message"],
                                   files=dict(item["files"]), finished_at=item["finished_at"],
                                   resumed=item.get("resumed") or 0, journal=item.get("journal") or "",
                                   folder=item.get("folder") or "")
                if record.state in RUNNING:  # the server stopped without seeing it end
                    self._interrupted(record)
                self.records[record.id] = record

    def _interrupted(self, record: RunRecord) -> None:
        record.state = "interrupted"
        record.counts = interrupted_counts(Path(record.journal)) if record.journal else {}
        record.message = interrupted_message(record.kind, record.counts)

    def file(self, run_id: str, kind: str) -> Path:
        """A finished run's file, only if it lies in the working folder."""
        record = self.records[run_id]
        path = Path(record.files[kind]).resolve()
        if not path.is_relative_to(self.folder.resolve()) or not path.is_file():
            raise KeyError(kind)
        return path


class BusyError(BatchUpdaterError):
    exit_code = 75


def shown_time(iso: str) -> str:
    """A time as the page shows it: `2026-12-07 11:17:17`, the server's clock (no ISO `T`, no offset)."""
    return iso.replace("T", " ")[:19]


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _counts(result: RunResult | PlanResult) -> dict[str, int]:
    if isinstance(result, PlanResult):
        return dict(result.summary.by_kind)
    return dict(result.summary.by_result)


def _files(result: RunResult | PlanResult) -> dict[str, str]:
    if isinstance(result, PlanResult):
        return {"report": str(result.report_path)}
    paths = {"report": result.report_path, "retry": result.retry_path, "unknown": result.unknown_path,
             "undo": result.undo_path, "undo_comments": result.undo_comments_path}
    return {kind: str(path) for kind, path in paths.items() if path is not None}


def _shown(options: RunOptions) -> dict[str, Any]:
    return {"rate": options.rate, "skip_unchanged": options.skip_unchanged, "undo": options.undo,
            "retry_comments": options.retry_comments, "sheet": options.sheet}
