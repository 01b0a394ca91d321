"""A job an earlier version started (its journal named after the input's content, rows by
position) resumes after the upgrade: its rows are carried over once, nothing done is sent again."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from batch_updater.jobs.options import RunOptions
from batch_updater.jobs.upgrade import first_layout_id
from batch_updater.run.job import run_job
from batch_updater.sandbox import SandboxConfig
from tests.support.send_harness import ThreadSandbox
from tests.support.sheets import write_csv

IDS = [str(7100000000000000001 + i * 7919) for i in range(3)]
FIRST_LAYOUT = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE rows (idx INTEGER PRIMARY KEY, ticket_id TEXT NOT NULL, has_comment INTEGER NOT NULL,
    state TEXT NOT NULL, final INTEGER NOT NULL DEFAULT 0, result TEXT, http_status INTEGER, code INTEGER,
    msg TEXT, log_id TEXT, attempts INTEGER, finished_at TEXT);
CREATE TABLE preimage (ticket_id TEXT PRIMARY KEY, state TEXT NOT NULL);
"""


def test_a_first_layout_journal_is_carried_over_once(tmp_path):
    path = write_csv(tmp_path / "in.csv", [["ticket_id", "comment"], *[[tid, f"note {i}"] for i, tid in enumerate(IDS)]])
    with ThreadSandbox(SandboxConfig(ticket_ids=IDS, rates=[(1000, 1.0)])) as ts:
        env = ts.env()
        settings = {"sheet": None, "encoding": None, "columns": {}, "defaults": {},
                    "base_url": env["FEISHU_BASE_URL"], "helpdesk": env["FEISHU_HELPDESK_ID"]}
        old = Path(os.environ["BATCH_UPDATER_STATE_DIR"]) / "jobs" / f"{first_layout_id(path.read_bytes(), settings)}.sqlite"
        old.parent.mkdir(parents=True)
        with sqlite3.connect(old) as db:  # the earlier version sent rows 0 and 1 (their comments are posted)
            db.executescript(FIRST_LAYOUT)
            db.executemany("INSERT INTO rows VALUES (?, ?, 1, 'done', 1, 'ok', 200, 0, 'success', '', 1, 't')",
                           [(0, IDS[0]), (1, IDS[1])])
        for i in (0, 1):
            ts.call(lambda sb, i=i: sb.core.tickets.apply(sb.tickets[IDS[i]], {"comment": f"note {i}"}, "earlier"))
        warnings: list[str] = []
        result = run_job(RunOptions(input=path, rate="1000/s", report=tmp_path / "out.csv"), env=env,
                         on_warning=warnings.append)
        again = run_job(RunOptions(input=path, rate="1000/s", report=tmp_path / "out2.csv"), env=env)
        stats = ts.stats()
    assert result.resumed == 2 and [o.result.value for o in result.outcomes] == ["ok", "ok", "ok"]
    assert any("earlier version" in w and "2 rows" in w for w in warnings)
    assert stats["applied"] == 3 and stats["tickets_with_duplicate_comments"] == 0  # 2 by hand above, 1 sent
    assert again.resumed == 3 and not old.exists()
