"""Building a chunk of rows at once: each part of a row's claims is built once per distinct key.

Most of what a bulk row says repeats across rows: the same vendor, agency, tag text or Source
appears in thousands of them. A builder declares its parts (`Part`): the cells a part reads and
how to build its claims from those cells. For a chunk, each part's cells are gathered column-wise
(`Columns`), the rows are grouped by the part's key (the tuple of its cells, and the ids the parts
before it made), and the part is built once per key; its claims are the key's statements, with
the first accepted row of the key as their record. A row whose key fails (a bad amount, a blank
required name) is rejected with the part's field and reason; the claims of a key no accepted row
uses are dropped, so a rejected row leaves nothing behind.

This makes the loader's cost grow with the distinct keys (vendors, agencies, descriptions), not
with the rows, for everything but what is unique to a row (the award itself).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from loaders.claims import LoadContext, RowOutput
from loaders.values import RowError

Cell = Callable[[str], str | None]
# What a part made: an id, or an id and the basis it was resolved on (read by later parts as
# '<part>#basis'), or None when its cells say nothing.
Made = str | tuple[str, str] | None
# A part's builder: (cells of its key, ids made by earlier parts, the row's output) -> Made.
Builder = Callable[[Cell, dict[str, str], RowOutput], Made]


# A derived column: a function of other columns (loaders/derive.py), and those columns.
Derivation = tuple[Callable[..., str | None], tuple[str, ...]]


@dataclass(frozen=True)
class Part:
    """One part of what a row says: `columns` it reads, the earlier parts whose ids it uses
    (`uses`), and `build`."""

    name: str
    columns: tuple[str, ...]
    build: Builder
    uses: tuple[str, ...] = ()


@dataclass
class ChunkOutput:
    """What a chunk of rows became: the claims of its distinct keys, the row numbers loaded and
    the rows rejected (number, field, reason)."""

    outputs: list[RowOutput] = field(default_factory=list)
    loaded: list[int] = field(default_factory=list)
    rejects: list[tuple[int, str, str]] = field(default_factory=list)


class Columns:
    """A chunk's cells, one list per column, each distinct text cleaned (and each distinct tuple
    of a derived column's inputs derived) once. `memo` holds those answers per column, and a
    file passes the same one to all its chunks, for the columns whose values repeat: a column
    of mostly distinct values (an award key, an amount) is remembered for one chunk only
    (`UNIQUE` marks it), so memory and look-ups stay those of a chunk."""

    _MEMO = 100_000
    UNIQUE: dict[Any, str | None] = {}  # the marker of a column not remembered across chunks

    def __init__(self, rows: Sequence[Sequence[str]], index: dict[str, int],
                 clean: Callable[[str], str | None],
                 derived: dict[str, Derivation] | None = None,
                 memo: dict[str, dict[Any, str | None]] | None = None) -> None:
        self._rows = rows
        self._index = index
        self._clean = clean
        self._derived = derived or {}
        self._memo = {} if memo is None else memo
        self._columns: dict[str, list[str | None]] = {}

    def _answers(self, column: str) -> dict[Any, str | None]:
        done = self._memo.setdefault(column, {})
        if done is Columns.UNIQUE:
            return {}
        if len(done) > self._MEMO:
            done.clear()
        return done

    def _learn(self, column: str, done: dict[Any, str | None], before: int) -> None:
        """Stop remembering a column across chunks when most of this chunk's values were new."""
        if done is not Columns.UNIQUE and len(done) - before > len(self._rows) // 2:
            self._memo[column] = Columns.UNIQUE

    def __getitem__(self, column: str) -> list[str | None]:
        found = self._columns.get(column)
        if found is None and column in self._derived:
            # A derived column: its function once per distinct tuple of its inputs.
            function, inputs = self._derived[column]
            done = self._answers(column)
            before = len(done)
            given = list(zip(*(self[c] for c in inputs), strict=True))
            for values in set(given).difference(done):
                done[values] = function(*values)
            found = list(map(done.__getitem__, given))
            self._learn(column, done, before)
            self._columns[column] = found
        elif found is None:
            position = self._index.get(column)
            if position is None:
                found = [None] * len(self._rows)
            else:
                seen = self._answers(column)
                before = len(seen)
                clean = self._clean
                raws = list(map(operator.itemgetter(position), self._rows))
                for raw in set(raws).difference(seen):
                    seen[raw] = clean(raw)
                found = list(map(seen.__getitem__, raws))
                self._learn(column, seen, before)
            self._columns[column] = found
        return found


def _all_distinct(values: list[str | None], known: dict[int, bool]) -> bool:
    """Whether every row has a value of this column (or part) and no two the same; remembered
    by the list's identity, which the chunk keeps alive."""
    found = known.get(id(values))
    if found is None:
        found = known[id(values)] = None not in values and len(set(values)) == len(values)
    return found


def build_chunk(ctx: LoadContext, label: str, numbers: Sequence[int], columns: Columns,
                parts: Sequence[Part]) -> ChunkOutput:
    """Build every part of every row of a chunk, once per distinct key (see the module doc)."""
    count = len(numbers)
    failed: dict[int, tuple[str, str]] = {}
    blank: list[str | None] = [None] * count
    made: dict[str, list[str | None]] = {}  # part (or '<part>#basis') -> per row
    groups: list[tuple[RowOutput, list[int]]] = []
    records = [f"{label}:{number}" for number in numbers]
    unique: dict[int, bool] = {}  # id of a column's list -> each row's value is its own
    for part in parts:
        cells = [columns[c] for c in part.columns] + [made.get(u, blank) for u in part.uses]
        keys: dict[tuple[Any, ...], list[int]] | list[tuple[tuple[Any, ...], list[int]]]
        if any(_all_distinct(c, unique) for c in cells):
            # A key holding a value no other row has (an award's own id): a key per row,
            # without grouping.
            keys = [(key, [i]) for i, key in enumerate(zip(*cells, strict=True))
                    if not failed or i not in failed]
        else:
            keys = {}
            for i, key in enumerate(zip(*cells, strict=True) if cells else [()] * count):
                if not failed or i not in failed:
                    found = keys.get(key)
                    if found is None:
                        keys[key] = [i]
                    else:
                        found.append(i)
        width = len(part.columns)
        columns_of, uses = part.columns, part.uses
        ids: list[str | None] = [None] * count
        bases: list[str | None] = [None] * count
        for key, rows in keys.items() if isinstance(keys, dict) else keys:
            values = dict(zip(columns_of, key, strict=False))  # the key's first `width`
            used = {}
            if uses:
                made_ids = key[width:]
                used = dict(zip(uses, made_ids, strict=True)) if None not in made_ids else {
                    u: v for u, v in zip(uses, made_ids, strict=True) if v is not None}
            ctx.record = records[rows[0]]
            out = RowOutput(ctx)
            try:
                made_id = part.build(values.get, used, out)
            except RowError as exc:
                for i in rows:
                    failed[i] = (exc.field, exc.reason)
                continue
            if made_id is not None:
                made_id, basis = made_id if isinstance(made_id, tuple) else (made_id, None)
                for i in rows:
                    ids[i] = made_id
                    bases[i] = basis
            if out.nodes or out.edges:
                groups.append((out, rows))
        made[part.name] = ids
        made[f"{part.name}#basis"] = bases
    result = ChunkOutput()
    for out, rows in groups:
        accepted = [i for i in rows if i not in failed] if failed else rows
        if not accepted:
            continue
        if accepted[0] != rows[0]:  # the key's first row was rejected: cite the first kept
            record = records[accepted[0]]
            out.nodes = [replace(f, record=record) for f in out.nodes]
            out.edges = [replace(f, record=record) for f in out.edges]
        result.outputs.append(out)
    for i, number in enumerate(numbers):
        if i in failed:
            result.rejects.append((number, *failed[i]))
        else:
            result.loaded.append(number)
    return result
