"""Excel's cell limit (32,767 characters) in the files the tool writes. A cell is never cut
silently: a retry or unknown file, which is fed back in, is written as a CSV instead when one of
its cells would not fit (a cut comment would be posted as another comment); in an Excel report a
cut cell is named in its row's `msg`. Cells up to 131,072 characters are valid input (a CSV's, or
a workbook a program wrote), so these are rare but real."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

EXCEL_CELL_MAX = 32_767  # characters in one cell (Excel's specification; xlsxwriter cuts the rest)
SHOWN_MAX = f"{EXCEL_CELL_MAX:,}"


def too_long(value: object) -> bool:
    return isinstance(value, str) and len(value) > EXCEL_CELL_MAX


def any_too_long(rows: Iterable[Sequence[Any]]) -> bool:
    return any(too_long(value) for row in rows for value in row)


def column_letter(index: int) -> str:
    """`A` for 0, `Z` for 25, `AA` for 26..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def marked(rows: Iterable[list[Any]], result_col: int, msg_col: int, also: Mapping[str, str]
           ) -> Iterator[list[Any]]:
    """The report's rows (the first on the sheet's line 2), each whose cells an Excel file will cut
    saying so in its `msg`, before the cut: "cell C2 is cut to 32,767 characters in this Excel
    file", then what `also` says for the row's result ("the retry file is a CSV"). A msg too long
    itself gets the note at its start, where the cut leaves it."""
    for line, row in enumerate(rows, 2):
        cut = [j for j, value in enumerate(row) if too_long(value)]
        if not cut:
            yield row
            continue
        msg = row[msg_col] if isinstance(row[msg_col], str) else ""
        extra = also.get(str(row[result_col]), "")
        note = _note(cut, line, extra)
        if msg_col not in cut and len(msg) + len(note) + 2 > EXCEL_CELL_MAX:
            note = _note(sorted([*cut, msg_col]), line, extra)
        joined = f"{msg}; {note}" if msg else note
        yield [*row[:msg_col], joined if len(joined) <= EXCEL_CELL_MAX else f"{note}; {msg}", *row[msg_col + 1:]]


def _note(cut: Sequence[int], line: int, extra: str) -> str:
    cells = [f"{column_letter(j)}{line}" for j in cut]
    named = f"cell {cells[0]} is" if len(cells) == 1 else f"cells {', '.join(cells[:-1])} and {cells[-1]} are"
    return f"{named} cut to {SHOWN_MAX} characters in this Excel file (Excel's limit){'; ' + extra if extra else ''}"
