"""CSV files for `neo4j-admin database import full`: typed header files and their data files.

Every value keeps the Neo4j type the driver would give it on the incremental path (str ->
string, int -> long, float -> double, bool -> boolean, a list of one of those -> an array), so
an imported property is the same as one written by Cypher. Each group of files has one header;
a row whose value is of another type than its column (an int where the schema says float) goes
to a group of its own with that column retyped, since a header cannot name a key twice. The
importer cannot write an empty array (it reads an empty field as "no property"), so empty
lists are left out here and counted (`BulkTable.empties`) for the step after the import.
Strings are always quoted (a quoted empty field is the empty string, an unquoted one is
absent); array elements are joined by a delimiter no element contains (checked per value).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from graph_service.output_paths import check_output

# What a Python value of the incremental path becomes in Neo4j (the driver's mapping).
_SCALAR = {str: "string", bool: "boolean", int: "long", float: "double"}
# The Python type of a column's values on the fast path (others are checked one by one).
_PYTHON: dict[str, type] = {"string": str, "boolean": bool, "long": int, "double": float,
                            "string[]": list, "long[]": list, "double[]": list,
                            "boolean[]": list}
# The schema's property types as import column types.
SCHEMA_TYPES = {"string": "string", "date": "string", "datetime": "string", "integer": "long",
                "float": "double", "boolean": "boolean", "list": "string[]"}


class DelimiterClash(ValueError):
    """An array element holds the array delimiter: the files must be written with another."""


def value_type(value: Any) -> str:
    """The import type of a (non-None) value, or ValueError for what Neo4j cannot store."""
    scalar = _SCALAR.get(type(value))
    if scalar is not None:
        return scalar
    if type(value) is list:
        types = {_SCALAR.get(type(item)) for item in value}
        if len(types) == 1 and None not in types:
            return f"{types.pop()}[]"
        if not value:
            return ""  # empty: any array column takes it (as "no property", counted)
    raise ValueError(f"Neo4j cannot store the value {value!r:.80} as a property")


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.name}.part")


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _scalar(value: Any) -> str:
    if type(value) is str:
        return _quote(value)
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) is float:
        return repr(value)  # the shortest text that parses back to the same double
    return str(value)


@dataclass
class _Group:
    header: Path
    data: Path
    columns: list[tuple[str, str]]
    handle: IO[str]
    rows: int = 0
    multiline: bool = False


@dataclass
class BulkTable:
    """The files of one kind of import record: nodes of some labels, or ties of one type.

    `lead` are the header's first fields (`id:ID(Entity)`, `:START_ID(Entity)`, ...): values
    given positionally to `write`; `columns` are (property key, import type) for the rest,
    given as a dict. Rows are streamed to disk as they come."""

    workdir: Path
    name: str
    lead: Sequence[str]
    columns: Sequence[tuple[str, str]]
    array_delimiter: str
    store: Path
    force: bool = False
    # Keys whose empty lists are only counted (set by one pass over a label afterwards).
    counted: frozenset[str] = frozenset()
    # property key -> the identities (`write`'s `ident`) of the rows whose value was [], or
    # for `counted` keys one None per row
    empties: dict[str, list[Any]] = field(default_factory=dict)
    groups: dict[tuple[tuple[str, str], ...], _Group] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self._expected = [_PYTHON[kind] for _key, kind in self.columns]
        self._width = len(self.columns)

    def _group(self, variant: tuple[tuple[str, str], ...]) -> _Group:
        found = self.groups.get(variant)
        if found is not None:
            return found
        retyped = dict(variant)
        columns = [(key, retyped.get(key, kind)) for key, kind in self.columns]
        stem = f"{self.name}-{len(self.groups)}"
        header = self._output(f"{stem}-header.csv")
        data = self._output(f"{stem}.csv")
        fields = [*self.lead, *(f"{key}:{kind}" for key, kind in columns)]
        header.write_text(",".join(fields) + "\n", encoding="utf-8")
        # Written under a temporary name, renamed on close: a reader never sees half a file.
        handle = _partial(data).open("w", encoding="utf-8", newline="")
        group = _Group(header, data, columns, handle)
        self.groups[variant] = group
        return group

    def _output(self, name: str) -> Path:
        path = self.workdir / name
        return check_output(path, store=self.store, inputs=[self.store], force=self.force)

    def write(self, lead: Sequence[Any], values: Sequence[Any], ident: Any = None) -> None:
        """One row: `lead` values, then one value per column (None: absent). `ident` names the
        row for the step after the import (an empty list's fix-up)."""
        if len(values) != self._width:
            raise ValueError(f"{self.name}: {len(values)} values for {self._width} columns")
        cells = [_scalar(v) for v in lead]
        variant: list[tuple[str, str]] | None = None
        delimiter = self.array_delimiter
        for index, value in enumerate(values):
            if value is None:
                cells.append("")
                continue
            kind = type(value)
            if kind is str:
                cells.append('"' + value.replace('"', '""') + '"')
            elif kind is list:
                if not value:
                    key = self.columns[index][0]
                    self.empties.setdefault(key, []).append(
                        None if key in self.counted else ident)
                    cells.append("")
                    continue
                texts = [v if type(v) is str else _scalar(v) for v in value]
                joined = delimiter.join(texts)
                if joined.count(delimiter) != len(texts) - 1:
                    raise DelimiterClash(f"an array element contains U+{ord(delimiter):04X}")
                cells.append('"' + joined.replace('"', '""') + '"')
            else:
                cells.append(_scalar(value))
            if kind is not self._expected[index] or (
                    kind is list and any(type(v) is not str for v in value)):
                actual = value_type(value)
                if actual != self.columns[index][1]:
                    variant = [*(variant or []), (self.columns[index][0], actual)]
        group = self._group(tuple(variant or ()))
        line = ",".join(cells)
        if "\n" in line or "\r" in line:
            group.multiline = True
        group.handle.write(line + "\n")
        group.rows += 1

    def close(self, keep: bool = True) -> None:
        """Close the data files: renamed into place (keep), or removed."""
        for group in self.groups.values():
            group.handle.close()
            if keep:
                os.replace(_partial(group.data), group.data)
            else:
                _partial(group.data).unlink(missing_ok=True)
                group.header.unlink(missing_ok=True)

    def paths(self) -> list[Path]:
        """Every header and data file of the table."""
        return [path for g in self.groups.values() for path in (g.header, g.data)]

    def file_groups(self) -> list[tuple[Path, Path, bool]]:
        """(header, data, has multi-line fields) of every group that holds rows."""
        return [(g.header, g.data, g.multiline) for g in self.groups.values() if g.rows]
