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

A part with a column builder (`Part.columnar`, loaders/mapping_columns.py) is built from whole
columns (`ColumnRows`): once per distinct key at the key's first row, or at every row where the
key holds a value no other row has; a key its column checks refuse is built by `build`, so
errors are made in one place.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from graph_service.statements import Fragment, IdentityRow
from loaders.claims import LoadContext, RowOutput
from loaders.values import RowError

if TYPE_CHECKING:
    from loaders.mapping_spec import Template

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
    # The part from whole columns (loaders/mapping_columns.py), `build` only for the keys it
    # refuses; None: every key built by `build`.
    columnar: Callable[[ColumnRows], None] | None = None


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
                 memo: dict[str, dict[Any, str | None]] | None = None,
                 plain_above: int | None = None) -> None:
        self._rows = rows
        self._index = index
        self._clean = clean
        self._derived = derived or {}
        self._memo = {} if memo is None else memo
        self._columns: dict[str, list[str | None]] = {}
        # Printable ASCII longer than this, without outer or double spaces, is clean as it is
        # (`clean` says so too): a column of distinct values is cleaned without a call a cell.
        self._plain_above = plain_above
        self._transposed: list[tuple[str, ...]] | None = None
        # What column builders made of this chunk's columns (templates rendered, properties
        # typed), shared by the parts reading the same ones (an award's dates: five parts).
        self.made: dict[Any, Any] = {}

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

    def _raw(self, position: int) -> Sequence[str]:
        """A column's raw cells: the chunk's rows transposed in one pass when they all have
        the header's width (a CSV's do), else picked row by row."""
        if self._transposed is None:
            rows = self._rows
            width = len(rows[0]) if rows and isinstance(rows[0], list) else -1
            self._transposed = list(zip(*rows, strict=True)) if width > 0 and all(
                type(row) is list and len(row) == width for row in rows) else []
        if self._transposed:
            return self._transposed[position]
        return list(map(operator.itemgetter(position), self._rows))

    def __getitem__(self, column: str) -> list[str | None]:
        found = self._columns.get(column)
        if found is None and column in self._derived:
            # A derived column: its function once per distinct tuple of its inputs.
            function, inputs = self._derived[column]
            given = list(zip(*(self[c] for c in inputs), strict=True))
            if self._memo.get(column) is Columns.UNIQUE:  # distinct per row: no memo
                found = [function(*values) for values in given]
            else:
                done = self._answers(column)
                before = len(done)
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
                clean = self._clean
                raws = self._raw(position)
                above = self._plain_above
                if above is not None and self._memo.get(column) is Columns.UNIQUE:
                    found = [raw if (len(raw) > above and raw.isascii() and raw.isprintable()
                                     and raw[0] != " " and raw[-1] != " " and "  " not in raw)
                             else clean(raw) for raw in raws]
                else:
                    seen = self._answers(column)
                    before = len(seen)
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


class ColumnRows:
    """A part whose key is unique to each row, built column-wise (loaders/mapping_columns.py):
    its cells and the earlier parts' ids as whole columns, the ids it makes per row, and the
    statement rows it states with the row each belongs to. A row a column check refuses is
    built by the part's row builder (`fallback`), so its error is the one it always was."""

    __slots__ = ("bases", "count", "ctx", "edge_rows", "edges", "fallback", "identity",
                 "identity_rows", "ids", "made", "members", "node_rows", "nodes", "records",
                 "rows", "shared", "_columns")

    def __init__(self, ctx: LoadContext, rows: list[int], columns: Columns,
                 made: dict[str, list[str | None]], records: list[str], count: int,
                 fallback: Callable[[int, ColumnRows], None],
                 members: dict[int, list[int]]) -> None:
        # `rows`: the first row of each distinct key, which the builder reads and states its
        # claims at; `members`: the rows of a key that has several (the chunk copies the ids).
        self.ctx, self.rows, self._columns, self.made = ctx, rows, columns, made
        self.records, self.count, self.fallback = records, count, fallback
        self.members = members
        self.ids: list[str | None] = [None] * count
        self.bases: list[str | None] = [None] * count
        self.nodes: list[Fragment] = []
        self.node_rows: list[int] = []
        self.edges: list[Fragment] = []
        self.edge_rows: list[int] = []
        self.identity: list[IdentityRow] = []
        self.identity_rows: list[int] = []
        self.shared: dict[Any, Any] = columns.made  # per chunk (Columns.made)

    def column(self, name: str) -> list[str | None]:
        return self._columns[name]

    def used(self, part: str) -> list[str | None]:
        """An earlier part's ids (or '<part>#basis'), per row."""
        return self.made.get(part) or [None] * self.count

    def render(self, template: Template) -> list[str | None]:
        """A template's text per row: a lone column is the column itself; otherwise rendered
        once per distinct tuple of its cells."""
        if template.lone is not None:
            return self._columns[template.lone]
        found = self.shared.get(template)
        if found is None:
            if template.constant:
                found = [template.render(_nothing)] * self.count
            elif len(set(template.columns)) == 1:  # one column: its distinct values
                name = template.columns[0]
                cells = self._columns[name]
                one = {value: template.render({name: value}.get) for value in set(cells)}
                found = list(map(one.__getitem__, cells))
            else:
                names = template.columns
                given = list(zip(*(self._columns[c] for c in names), strict=True))
                done = {values: template.render(dict(zip(names, values, strict=True)).get)
                        for values in set(given)}
                found = list(map(done.__getitem__, given))
            self.shared[template] = found
        return found

    def output(self, failed: dict[int, tuple[str, str]]) -> RowOutput:
        """The statements of the keys no part refused, each citing the key's first row kept."""
        out = RowOutput(self.ctx)
        if not failed:
            out.nodes, out.edges, out.identity = self.nodes, self.edges, self.identity
            return out
        cite: dict[int, str | None] = {}  # a key's first row refused -> the first kept, or None
        for first in set(self.node_rows + self.edge_rows + self.identity_rows) & failed.keys():
            kept = [i for i in self.members.get(first, ()) if i not in failed]
            cite[first] = self.records[kept[0]] if kept else None
        for claims, rows, into in ((self.nodes, self.node_rows, out.nodes),
                                   (self.edges, self.edge_rows, out.edges)):
            for frag, i in zip(claims, rows, strict=True):
                if i not in cite:
                    into.append(frag)
                elif (record := cite[i]) is not None:
                    into.append(replace(frag, record=record))
        out.identity = [r for r, i in zip(self.identity, self.identity_rows, strict=True)
                        if i not in cite or cite[i] is not None]
        return out

def _nothing(column: str) -> None:
    return None


def build_chunk(ctx: LoadContext, label: str, numbers: Sequence[int], columns: Columns,
                parts: Sequence[Part]) -> ChunkOutput:
    """Build every part of every row of a chunk, once per distinct key (see the module doc); a
    part whose key is unique to each row and that has a column builder, column-wise."""
    count = len(numbers)
    failed: dict[int, tuple[str, str]] = {}
    blank: list[str | None] = [None] * count
    made: dict[str, list[str | None]] = {}  # part (or '<part>#basis') -> per row
    groups: list[tuple[RowOutput, list[int]] | ColumnRows] = []
    records = [f"{label}:{number}" for number in numbers]
    unique: dict[int, bool] = {}  # id of a column's list -> each row's value is its own
    for part in parts:
        cells = [columns[c] for c in part.columns] + [made.get(u, blank) for u in part.uses]
        width = len(part.columns)
        columns_of, uses = part.columns, part.uses
        ids: list[str | None]
        bases: list[str | None]

        def build_key(key: tuple[Any, ...], rows: list[int], ids: list[str | None],
                      bases: list[str | None], part: Part = part, width: int = width,
                      columns_of: tuple[str, ...] = columns_of,
                      uses: tuple[str, ...] = uses) -> RowOutput | None:
            """The part built once for a key (its rows): the claims, or None if it failed."""
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
                return None
            if made_id is not None:
                made_id, basis = made_id if isinstance(made_id, tuple) else (made_id, None)
                for i in rows:
                    ids[i] = made_id
                    bases[i] = basis
            return out

        if part.columnar is not None:
            # Column-wise: each distinct key once (its first row stands for the rest), or
            # every row where the key holds a value no other row has; a refused key is built
            # by the row builder.
            members: dict[int, list[int]] = {}
            if any(_all_distinct(c, unique) for c in cells):
                firsts = [i for i in range(count) if i not in failed] if failed \
                    else list(range(count))
            else:
                grouped: dict[tuple[Any, ...], list[int]] = {}
                for i, key in enumerate(zip(*cells, strict=True) if cells else [()] * count):
                    if not failed or i not in failed:
                        found = grouped.get(key)
                        if found is None:
                            grouped[key] = [i]
                        else:
                            found.append(i)
                firsts = [rows[0] for rows in grouped.values()]
                members = {rows[0]: rows for rows in grouped.values() if len(rows) > 1}

            def fallback(i: int, col: ColumnRows, cells: list[list[Any]] = cells,
                         build_key: Callable[..., RowOutput | None] = build_key,
                         members: dict[int, list[int]] = members) -> None:
                out = build_key(tuple(c[i] for c in cells), members.get(i) or [i], col.ids,
                                col.bases)
                if out is not None:
                    col.nodes += out.nodes
                    col.node_rows += [i] * len(out.nodes)
                    col.edges += out.edges
                    col.edge_rows += [i] * len(out.edges)
                    col.identity += out.identity
                    col.identity_rows += [i] * len(out.identity)

            col = ColumnRows(ctx, firsts, columns, made, records, count, fallback, members)
            part.columnar(col)
            groups.append(col)
            ids, bases = col.ids, col.bases
            for first, rows in members.items():
                made_id, basis = ids[first], bases[first]
                for i in rows:
                    ids[i] = made_id
                    bases[i] = basis
        else:
            keys: dict[tuple[Any, ...], list[int]] | list[tuple[tuple[Any, ...], list[int]]]
            if any(_all_distinct(c, unique) for c in cells):
                # A key holding a value no other row has: a key per row, without grouping.
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
            ids, bases = [None] * count, [None] * count
            for key, rows in keys.items() if isinstance(keys, dict) else keys:
                out = build_key(key, rows, ids, bases)
                if out is not None and (out.nodes or out.edges):
                    groups.append((out, rows))
        made[part.name] = ids
        made[f"{part.name}#basis"] = bases
    result = ChunkOutput()
    for group in groups:
        if isinstance(group, ColumnRows):
            result.outputs.append(group.output(failed))
            continue
        out, rows = group
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
