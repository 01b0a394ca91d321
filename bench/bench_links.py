"""A Feishu Base table and a Sheets sheet of 10,000 rows as the input (issue 20), against the
sandbox on 127.0.0.1 at its documented rates (records/search 20/s at 500 a page, batch_update 50/s
at 1,000 records a call, values 100/s, values_batch_update 100/s at 5,000 rows a call; each write
taking 20 ms), the update API held at --rate (50/s by default), beside the same rows from a CSV
file: the whole run's wall time, the time spent sending, the time beyond it (reading the link,
writing results back), and the documents' API calls.

The aim (issue 20): reading + writing back add < 10% to a run at 50 rows/s. Usage:
    .venv/bin/python bench/bench_links.py [--rows 10000] [--rate 50/s]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from batch_updater import RunOptions, run_job  # noqa: E402
from batch_updater.sandbox import SandboxConfig  # noqa: E402
from batch_updater.sandbox.bitable import TEXT  # noqa: E402
from tests.support.send_harness import ThreadSandbox  # noqa: E402


def one(kind: str, rows: int, rate: str, folder: Path) -> dict[str, object]:
    ids = [str(7300000000000000001 + i * 7919) for i in range(rows)]
    per_s = float(rate.split("/")[0])
    config = SandboxConfig(ticket_ids=ids, rates=[(int(per_s), 1.0)])
    table = [{"ticket_id": tid, "status": "closed", "tag_names": f"bench,{i % 7}"} for i, tid in enumerate(ids)]
    with ThreadSandbox(config) as ts:
        if kind == "csv":
            source: object = folder / "changes.csv"
            (folder / "changes.csv").write_text("ticket_id,status,tag_names\n" + "".join(
                f'{r["ticket_id"]},{r["status"]},"{r["tag_names"]}"\n' for r in table), encoding="utf-8")
        elif kind == "base":
            base, tbl = ts.call(lambda sb: sb.docs.add_base("Tickets", [("ticket_id", TEXT), ("status", TEXT),
                                                                         ("tag_names", TEXT)], table))
            source = f"https://bench.feishu.cn/base/{base.app_token}?table={tbl.table_id}"
        else:
            cells = [["ticket_id", "status", "tag_names"], *[[r["ticket_id"], r["status"], r["tag_names"]]
                                                              for r in table]]
            book = ts.call(lambda sb: sb.docs.add_spreadsheet("Changes", [("Tickets", cells)]))
            source = f"https://bench.feishu.cn/sheets/{book.token}?sheet={book.sheets[0].sheet_id}"
        start = time.perf_counter()
        result = run_job(RunOptions(input=source, rate=rate, report=folder / f"{kind}-report.csv"), env=ts.env())
        wall = time.perf_counter() - start
        docs = ts.call(lambda sb: sb.docs.stats.snapshot())
    ok = sum(o.result.value == "ok" for o in result.outcomes)
    sending = result.sent.elapsed if result.sent else 0.0
    return {"kind": kind, "ok": ok, "wall": wall, "sending": sending, "beyond": wall - sending,
            "calls": docs["calls"], "overlapping": docs["overlapping_writes"], "throttled": docs["throttled"]}


def main() -> None:
    os.environ["BATCH_UPDATER_STATE_DIR"] = tempfile.mkdtemp(prefix="bench-state-")
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rate", default="50/s", help="the update API's rate, N/s (the run is held to it)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-links-"))
    results = [one(kind, args.rows, args.rate, folder) for kind in ("csv", "base", "sheet")]
    base_beyond = results[0]["beyond"]
    print(f"{args.rows} rows, update API at {args.rate}")
    print("| input | ok | wall (s) | sending (s) | beyond sending (s) | added to the file's run | documents' calls |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        added = (r["beyond"] - base_beyond) / r["sending"] * 100 if r["sending"] else 0.0  # type: ignore[operator]
        calls = ", ".join(f"{k} {v}" for k, v in sorted(r["calls"].items())) or "none"  # type: ignore[attr-defined]
        print(f"| {r['kind']} | {r['ok']} | {r['wall']:.1f} | {r['sending']:.1f} | {r['beyond']:.2f} | "
              f"{'' if r['kind'] == 'csv' else f'{added:+.1f}%'} | {calls}; overlapping writes "
              f"{r['overlapping']}, throttled {r['throttled'] or 0} |")


if __name__ == "__main__":
    main()
