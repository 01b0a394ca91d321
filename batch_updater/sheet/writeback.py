"""Results written back into the user's own file: a copy of it, `<name>-results.<ext>` beside
it (`<name>-plan.<ext>` for a plan, `<name>-check.<ext>` for a dry run), with the result
columns added to the right of the sheet that was read, each result on the row it came from,
and nothing else changed.

Checked before anything is sent (`check_write_back`): the kind of file (an .xls cannot be
edited), the target's folder, and that the workbook opens for editing. The input's bytes are
kept from then on, so the results land on the rows as they were read even if the file is
edited during the run. An earlier block of the same columns (a results file run again) is
replaced, not repeated. The Excel half (openpyxl) is in workbook.py; the text half is here.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from batch_updater.errors import ReportPlaceError, UsageError, why_not_written
from batch_updater.logs import warn
from batch_updater.model import Row
from batch_updater.naming import option
from batch_updater.paths import atomic_path, report_names, state_subdir, write_back_path
from batch_updater.schema.sheet import Sheet
from batch_updater.sheet.blocks import Block, WriteBack, block_spans, placement
from batch_updater.sheet.write import inert_row, probe_folder

EDITABLE = {".xlsx", ".xlsm", ".csv", ".tsv", ".txt"}


def check_write_back(input_path: Path, sheet: Sheet, kind: str, report: Path | None,
                     on_warning: Callable[[str], None] | None, tag: str | None = None) -> WriteBack:
    """Before anything is sent: the input can be edited, and the copy can be written beside it
    (`<name>-<tag>`, the kind's own tag unless given: a dry run's is `check`, so that it never
    replaces a run's results) and is not the report or a file beside it. What the copy will lack,
    as warnings. Raises UsageError or InputError (exit 2)."""
    suffix = input_path.suffix.lower()
    back = option("write_back")
    if suffix == ".xls":
        raise _refused(f"{back} cannot edit {input_path.name}: an .xls (the old Excel format) cannot be edited in "
                       f"place; save it as .xlsx in Excel and run that, or run without {back} (nothing was sent)")
    if suffix not in EDITABLE:
        raise needs_a_file()
    tag = tag or kind
    target = write_back_path(input_path.resolve(), tag)
    if target.resolve() == input_path.resolve():  # a name cut to fit could come back to the input's
        raise _refused(f"{back}: {input_path.name} is too long a name to add -{tag} to; rename it shorter "
                       "(nothing was sent)")
    if any(other.resolve() == target.resolve() for other in (report_names(report) if report is not None else [])):
        raise ReportPlaceError(f"{option('report')} {report} would write over the {back} file {target.name}: "
                               f"choose another place with {option('report')}", path=report)
    if target.is_dir():
        raise _refused(f"{back}: {target} is a folder (nothing was sent)")
    problem = probe_folder(target.parent, target.name)
    if problem:
        raise _refused(f"{back}: cannot write {target.name} in {target.parent}: {problem}; copy the input to a "
                       f"folder you can write in, or run without {back} (nothing was sent)")
    try:
        data = input_path.read_bytes()
        mode = stat.S_IMODE(input_path.stat().st_mode)
    except OSError as e:
        raise _refused(f"{back}: cannot read {input_path.name} again: {e.strerror or e}") from None
    if suffix in (".xlsx", ".xlsm"):
        from batch_updater.sheet.workbook import check_book

        for warning in check_book(data, input_path.name, sheet.sheet_name, macros=suffix == ".xlsm"):
            warn(warning, on_warning)
    return WriteBack(target, data, suffix in (".xlsx", ".xlsm"), sheet.sheet_name, sheet.header_row,
                     sheet.encoding, sheet.delimiter, mode)


def needs_a_file() -> UsageError:
    """A write-back asked of an input that has no file the tool can edit (a DataFrame, an .xls...)."""
    return _refused(f"{option('write_back')} needs an input file (.xlsx, .xlsm, .csv, .tsv or .txt)")


def _refused(message: str) -> UsageError:
    return UsageError(message, option="write_back", value=True)


def write_back(back: WriteBack, rows: Sequence[Row], block: Block, env: Mapping[str, str],
               on_warning: Callable[[str], None] | None) -> tuple[Path | None, str | None]:
    """Write the copy with `block` beside the user's columns. Where it was written, and what went
    wrong (None: nothing): a folder that fails now is replaced by the state folder, as the
    report's is; a workbook that cannot be saved after all is said, never raised, for what was
    sent is in the report already."""
    try:
        _write(back, back.target, rows, block, on_warning)
        return back.target, None
    except OSError as e:
        first = f"cannot write {back.target} ({why_not_written(e, back.target.parent)})"
    except Exception as e:  # noqa: BLE001 - openpyxl failing on a workbook it opened: the report still holds it all
        why = f"cannot write the results into {back.target.name} ({type(e).__name__}: {e}); the report has every row"
        warn(why, on_warning)
        return None, why
    fallback: Path | None = None
    try:
        fallback = state_subdir(env, "reports").resolve() / back.target.name
        _write(back, fallback, rows, block, on_warning)
        why = f"{first}; the results file is in {fallback} instead"
    except OSError as again:
        where = fallback.parent if fallback is not None else "the state folder"
        why = f"{first} nor in {where} ({why_not_written(again, where)}); the report has every row"
        fallback = None
    warn(why, on_warning)
    return fallback, why


def _write(back: WriteBack, path: Path, rows: Sequence[Row], block: Block,
           on_warning: Callable[[str], None] | None) -> None:
    with atomic_path(path) as tmp:
        if back.excel:
            from batch_updater.sheet.workbook import write_book

            for warning in write_book(back, [row.number for row in rows], block, tmp):
                warn(warning, on_warning)
        else:
            _write_text(back, tmp, [row.number for row in rows], block)
        if back.mode is not None and path == back.target:  # beside the input: as shared as the input is
            os.chmod(tmp, back.mode)


# --- CSV / TSV ---------------------------------------------------------------------------


def _write_text(back: WriteBack, path: Path, numbers: Sequence[int], block: Block) -> None:
    """The input's text with the block's columns added, in its own encoding and separator,
    streamed: two passes over the text, no copy of all its rows."""
    encoding, bom = _codec(back.data, back.encoding or "utf-8")
    text = back.data[len(bom):].decode(encoding)
    delimiter = back.delimiter or ","
    header = next(itertools.islice(_records(text, delimiter), back.header_row - 1, None))
    spans = block_spans(header, block.kind)
    ours = {c for start, width in spans for c in range(start, start + width)}
    used = max((c + 1 for record in _records(text, delimiter) for c, cell in enumerate(record)
                if cell and c not in ours), default=0)  # the earlier blocks' columns do not count
    start = placement(used, spans, len(block.header))
    end = start + len(block.header)
    written = {back.header_row - 1: block.header, **{n - 1: cells for n, cells in zip(numbers, block.rows)}}
    with path.open("wb") as fp:
        fp.write(bom)
        out = io.TextIOWrapper(fp, encoding=encoding, errors="replace", newline="")
        writer = csv.writer(out, delimiter=delimiter, lineterminator=_line_end(text))
        for index, record in enumerate(_records(text, delimiter)):
            for column in ours.intersection(range(len(record))):
                record[column] = ""
            cells = written.get(index)
            if cells is None:
                while len(record) > start and not record[-1]:
                    record.pop()  # an earlier block's cells, now empty, on a row without a result
            else:
                record.extend([""] * (end - len(record)))
                record[start:end] = inert_row([str(c) for c in cells])
            writer.writerow(record)
        out.flush()
        out.detach()


def _records(text: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _codec(data: bytes, encoding: str) -> tuple[str, bytes]:
    """The codec to write with and the byte-order mark to put first: the input's own."""
    name = codecs.lookup(encoding).name
    if name == "utf-8-sig":
        return "utf-8", codecs.BOM_UTF8
    if name == "utf-16":
        if data.startswith(codecs.BOM_UTF16_BE):
            return "utf-16-be", codecs.BOM_UTF16_BE
        return "utf-16-le", codecs.BOM_UTF16_LE
    return encoding, b""


def _line_end(text: str) -> str:
    at = text.find("\n")
    if at > 0 and text[at - 1] == "\r":
        return "\r\n"
    return "\n" if at >= 0 or "\r" not in text else "\r"
