"""The console's uploads: one sheet per name under concurrent uploads, the row budget, eviction
from memory (on an injected clock), the rows of a check built once, and choices kept for the
next upload of the same name."""

from __future__ import annotations

import asyncio

import pytest
import xlsxwriter

from batch_updater.console import checked
from batch_updater.console.budget import Budget, Choices, TooBig, check_size
from batch_updater.console.tables import result_rows
from batch_updater.run.job import RunResult
from batch_updater.sandbox import Sandbox, SandboxConfig
from tests.console.test_web import IDS, follow, login, make_client, upload  # noqa: F401 - make_client: a fixture
from tests.support.sheets import csv_bytes, write_xlsx


async def test_concurrent_uploads_of_one_name_all_answer_and_leave_no_staging_copy(make_client):  # noqa: F811
    client, console = await make_client()
    await login(client)
    sheets = [csv_bytes([["ticket_id", "status", "comment"], *[[IDS[k % 6], "2", f"v{i} r{k}"] for k in range(20)]])
              for i in range(30)]
    answers = await asyncio.gather(*(upload(client, "same.csv", data) for data in sheets))
    assert [a.status for a in answers] == [200] * 30, [await a.text() for a in answers if a.status != 200]
    ids = {(await a.json())["id"] for a in answers}
    assert len(ids) == 1
    folder = console.uploads.folder / ids.pop()
    assert sorted(p.name for p in folder.iterdir()) == ["check.csv", "same.csv", "upload.json"]
    kept = (folder / "same.csv").read_bytes()
    assert kept in sheets
    page = await (await client.get(f"/api/uploads/{(await answers[0].json())['id']}/rows?size=25")).json()
    assert page["total"] == 20


async def test_an_upload_cut_off_midway_leaves_no_staging_copy(make_client):  # noqa: F811
    client, console = await make_client()
    await login(client)
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    cookie = "; ".join(f"{c.key}={c.value}" for c in client.session.cookie_jar)
    head = (f"POST /api/uploads HTTP/1.1\r\nHost: {client.server.host}:{client.server.port}\r\n"
            f"Origin: http://{client.server.host}:{client.server.port}\r\nCookie: {cookie}\r\n"
            "Content-Type: multipart/form-data; boundary=XX\r\nContent-Length: 500000\r\n\r\n"
            '--XX\r\nContent-Disposition: form-data; name="file"; filename="cut.csv"\r\n\r\n')
    writer.write(head.encode() + b"ticket_id,status\r\n" + b"7100000000000000001,2\r\n" * 2000)
    await writer.drain()
    folder = console.uploads.folder / console.uploads.id_of("cut.csv")
    for _ in range(500):  # until the server has the part (its staging folder is there)
        if folder.is_dir() and any(folder.iterdir()):
            break
        await asyncio.sleep(0.01)
    assert any(folder.iterdir())
    writer.close()
    for _ in range(500):  # until the server has seen the connection go
        if not folder.exists():
            break
        await asyncio.sleep(0.01)
    assert not folder.exists()  # trial F7.4: not even the sheet's folder, empty (was: left behind)


def rows_of(n, comment=lambda i: f"c{i}"):
    return [["ticket_id", "status", "comment"], *[[IDS[i % 6], "2", comment(i)] for i in range(n)]]


async def test_a_sheet_over_the_row_budget_is_sent_to_the_command_line(make_client, tmp_path):  # noqa: F811
    client, console = await make_client(budget=Budget(rows=100))
    await login(client)
    assert (await upload(client, "fits.csv", csv_bytes(rows_of(100)))).status == 200
    refused = await upload(client, "big(1).csv", csv_bytes(rows_of(101)))
    message = (await refused.json())["error"]
    assert refused.status == 400 and "more than 100 rows, more than this console takes" in message
    assert "`batch-updater run 'big(1).csv' --dry-run` checks it" in message
    assert not (console.uploads.folder / console.uploads.id_of("big(1).csv")).exists() or not any(
        (console.uploads.folder / console.uploads.id_of("big(1).csv")).iterdir())
    # a comment over three lines is one row: the budget counts rows, not lines
    multi = await upload(client, "lines.csv", csv_bytes(rows_of(90, lambda i: f"line 1\nline 2\nline {i}")))
    assert multi.status == 200 and (await multi.json())["rows"] == 90
    # a workbook: the sheet read is counted, another sheet of it may be larger
    book = write_xlsx(tmp_path / "b.xlsx", {"Tickets": rows_of(50), "Archive": rows_of(5000)})
    fits = await (await upload(client, "b.xlsx", book.read_bytes())).json()
    assert fits["rows"] == 50 and fits["problem"] == ""
    other = await (await client.post(f"/api/uploads/{fits['id']}/check", json={"sheet": "Archive"})).json()
    assert "sheet 'Archive' has more than 100 rows" in other["problem"]
    assert "batch-updater run b.xlsx --sheet Archive --dry-run" in other["problem"]
    alone = write_xlsx(tmp_path / "a.xlsx", {"Only": rows_of(5000)})
    refused = await upload(client, "a.xlsx", alone.read_bytes())
    assert refused.status == 400 and "sheet 'Only' has more than 100 rows" in (await refused.json())["error"]


def test_the_quick_count_reads_no_further_than_the_budget(tmp_path):
    """A small workbook that unzips to many rows is refused before it is read, and the count stops
    at the budget: a budget of 1,000 over 200,000 rows takes a fraction of reading them."""
    path = tmp_path / "many.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("S")
    for r in range(200_000):
        sheet.write_string(r, 0, "x")
    book.close()
    with pytest.raises(TooBig, match="more than 1,000 rows"):
        check_size(path, Choices(), Budget(rows=1000))
    check_size(path, Choices(), Budget(rows=200_000))  # exactly: the header and 199,999 rows
    text = tmp_path / "many.csv"
    text.write_bytes(b"ticket_id,comment\r\n" + b'7100000000000000001,"a\r\nb"\r\n' * 3000)
    check_size(text, Choices(), Budget(rows=3000))
    with pytest.raises(TooBig, match="more than 2,999 rows"):
        check_size(text, Choices(), Budget(rows=2999))
    wide = tmp_path / "wide.csv"
    wide.write_text("\n".join(",".join(["x"] * 100) for _ in range(300)))
    with pytest.raises(TooBig, match="more than 20,000 cells"):
        check_size(wide, Choices(), Budget(rows=1000, cells=20_000))
    utf16 = tmp_path / "u16.csv"
    utf16.write_bytes("ticket_id,comment\r\n".encode("utf-16") + "7100000000000000001,x\r\n".encode("utf-16-le") * 50)
    with pytest.raises(TooBig, match="more than 40 rows"):
        check_size(utf16, Choices(), Budget(rows=40))


async def test_uploads_unused_for_a_while_or_beyond_the_count_leave_memory(make_client):  # noqa: F811
    now = [0.0]
    client, console = await make_client(clock=lambda: now[0])
    uploads = console.uploads
    uploads._keep_for, uploads._keep_most = 60.0, 2
    await login(client)
    ids = []
    for name in ("a.csv", "b.csv", "c.csv"):
        ids.append((await (await upload(client, name, csv_bytes(rows_of(5)))).json())["id"])
        now[0] += 1
    assert uploads.in_memory() == ids[1:]  # beyond the count: the least recently used went
    again = await (await client.get(f"/api/uploads/{ids[0]}")).json()  # read again from disk
    assert again["rows"] == 5 and uploads.in_memory() == [ids[2], ids[0]]
    now[0] += 61
    await client.get(f"/api/uploads/{ids[2]}")
    assert uploads.in_memory() == [ids[2]]  # the other was not used for a minute


async def test_paging_slices_the_rows_of_the_check_built_once(make_client, monkeypatch):  # noqa: F811
    built = []
    monkeypatch.setattr(checked, "result_rows", lambda result: built.append(1) or result_rows(result))
    client, console = await make_client()
    await login(client)
    u = await (await upload(client, "in.csv", csv_bytes(rows_of(120)))).json()
    pages = [await (await client.get(f"/api/uploads/{u['id']}/rows?size=25&page={n}")).json() for n in (1, 2, 5)]
    assert [p["rows"][0]["row"] for p in pages] == [2, 27, 102] and len(built) == 1
    kept = console.uploads.get(u["id"])
    assert not any(isinstance(value, RunResult) for value in vars(kept.checked).values())  # not the sheet's cells


async def test_a_fixed_sheet_uploaded_again_keeps_the_pages_choices_and_resumes(make_client):  # noqa: F811
    """The page mapped `New State` to status; the sheet is fixed and uploaded again: the mapping is
    kept (and said so), the rows done are recognised, only the fixed row is sent."""
    async with Sandbox(SandboxConfig(ticket_ids=IDS, rates=[(1000, 1.0)], get_rates=[(1000, 1.0)])) as sb:
        client, console = await make_client(env=sb.credentials)
        await login(client)
        rows = [["ticket_id", "New State", "comment"], *[[tid, "2", f"note {i}"] for i, tid in enumerate(IDS)]]
        rows[-1][1] = "bogus"
        first = await (await upload(client, "tickets.csv", csv_bytes(rows))).json()
        assert first["unknown"] == ["New State"] and first["kept"] is None
        mapped = await (await client.post(f"/api/uploads/{first['id']}/check",
                                          json={"renames": {"New State": "status"}})).json()
        assert mapped["counts"] == {"valid": 5, "invalid": 1}
        run = await (await client.post(f"/api/uploads/{first['id']}/runs", json={"rate": "1000/s"})).json()
        assert (await follow(client, run["id"], lambda s: False))["counts"] == {"ok": 5, "invalid": 1}
        rows[-1][1] = "2"  # fixed
        again = await (await upload(client, "tickets.csv", csv_bytes(rows))).json()
        assert again["kept"]["renames"] == {"New State": "status"} and again["renames"] == {"New State": "status"}
        assert again["counts"] == {"valid": 6}
        run = await (await client.post(f"/api/uploads/{first['id']}/runs", json={"rate": "1000/s"})).json()
        done = await follow(client, run["id"], lambda s: False)
        assert done["counts"] == {"ok": 6} and done["resumed"] == 5
        stats = sb.stats()
        assert stats["applied"] == 6 and stats["tickets_with_duplicate_comments"] == 0
        forgotten = await (await client.post(f"/api/uploads/{first['id']}/check", json={"renames": {}})).json()
        assert forgotten["kept"] is None and forgotten["unknown"] == ["New State"]
        await asyncio.get_running_loop().run_in_executor(None, console.stop_all)


def test_a_sheet_sent_to_the_command_line_is_told_what_the_command_line_takes(tmp_path):
    """Trial F3: the message said the command line "takes any size"; it has limits of its own."""
    text = tmp_path / "big.csv"
    text.write_text("ticket_id,status\n" + "7100000000000000001,2\n" * 50)
    with pytest.raises(TooBig) as refused:
        check_size(text, Choices(), Budget(rows=40))
    assert "any size" not in str(refused.value)
    assert ("run it from the command line, which takes far bigger sheets (a text file up to 256 MiB, a workbook "
            "whose parts unpack to 512 MiB): `batch-updater run big.csv --dry-run` checks it") in str(refused.value)


async def test_a_refused_upload_leaves_no_empty_folder(make_client):  # noqa: F811
    """Trial F7.4: each refused upload (too many rows, a zip bomb...) left an empty sheets/<id>/ folder."""
    client, console = await make_client(budget=Budget(rows=10))
    await login(client)
    refused = await upload(client, "big.csv", csv_bytes(rows_of(11)))
    assert refused.status == 400
    assert not (console.uploads.folder / console.uploads.id_of("big.csv")).exists()
    assert (await upload(client, "fits.csv", csv_bytes(rows_of(5)))).status == 200
    assert (await upload(client, "fits.csv", csv_bytes(rows_of(11)))).status == 400
    kept = console.uploads.folder / console.uploads.id_of("fits.csv")
    assert sorted(p.name for p in kept.iterdir()) == ["check.csv", "fits.csv", "upload.json"]  # the earlier one stays
