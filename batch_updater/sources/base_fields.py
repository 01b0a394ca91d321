"""Which fields of a Base table the tool writes its results into (a run's, a check's, a plan's),
beside the table's own. Pure.

As for a file (sheet/blocks.tool_columns): fields are taken as the tool's only when its whole
block is there as Text fields (`result`, `code`, `msg`, `finished_at` for a run: an earlier run's).
Otherwise a field of the table's own that has one of those names (a Number `result`, a Text `msg`
holding the team's notes) is left alone, and the tool's is named apart: `msg (run)`; the next run
finds its block again under those names. A name the job itself gives (`[result_fields]`) is the
user's choice: written as named (when Text, else named apart too).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

TEXT = 1


@dataclass(frozen=True)
class Placed:
    """Each name's field (in the order of the names), and those of them to create."""

    fields: tuple[str, ...]
    create: tuple[str, ...]


def place_fields(names: Sequence[str], types: Mapping[str, int], *, core: Collection[str] | None = None,
                 apart: str = " (run)", given: Collection[str] = ()) -> Placed:
    """Where each of `names` is written, in a table whose fields are `types` (name -> type).
    `core`: the names that make the block (all of `names` when None); the others are the tool's
    own whatever is there (a plan's `status (now)`): written when Text, else named apart.
    `given`: names the job chose; written as they are when Text or missing."""
    block = [n for n in names if (core is None or n in core) and n not in given]

    def found(name: str) -> str | None:
        """The tool's field for `name` as an earlier run left it: named apart, else as it is; Text."""
        for candidate in (name + apart, name):
            if types.get(candidate) == TEXT:
                return candidate
        return None

    whole = all(found(n) is not None for n in block)
    fields: list[str] = []
    for name in names:
        if name in block and whole:
            used = found(name)
        elif name in block and types.get(name + apart) == TEXT:
            used = name + apart  # an earlier run's field, named apart from the table's own
        elif name in block and name in types:
            used = free(name, apart, types)  # the table's own: left alone
        else:
            used = name if types.get(name, TEXT) == TEXT else free(name, apart, types)
        assert used is not None
        fields.append(used)
    return Placed(tuple(fields), tuple(dict.fromkeys(f for f in fields if f not in types)))


def free(name: str, apart: str, types: Mapping[str, int]) -> str:
    """`name` named apart (`msg (run)`), or `msg (run 2)`... when a field of the table's own (not
    Text) already has that name."""
    candidate, n = name + apart, 2
    while candidate in types and types[candidate] != TEXT:
        candidate = f"{name}{apart[:-1]} {n})"
        n += 1
    return candidate
