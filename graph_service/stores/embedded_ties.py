"""The embedded store's reads of ties: by their ends, counted, as keys, by key (a mixin for
EmbeddedStore, which gives it the connection). The reach search walks on these."""

# S608: every SQL text here is assembled from fixed column names and "?" marks; values are
# always parameters.
# ruff: noqa: S608

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from graph_service.records import Edge
from graph_service.stores.base import Direction
from graph_service.stores.embedded_rows import edge_from_row

# SQLite allows 32766 host parameters; stay far below it and keep statements small.
_CHUNK = 500

_COLUMNS: dict[Direction, list[str]] = {"out": ["src"], "in": ["dst"], "both": ["src", "dst"]}


def chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def marks(count: int) -> str:
    return ",".join("?" * count)


class EmbeddedTies:
    """Tie reads of EmbeddedStore."""

    if TYPE_CHECKING:

        @property
        def _db(self) -> sqlite3.Connection: ...

    def edges(
        self,
        ids: Sequence[str],
        types: Sequence[str] | None = None,
        direction: Direction = "both",
    ) -> list[Edge]:
        unique = list(dict.fromkeys(ids))
        type_filter = ""
        type_args: list[str] = []
        if types is not None:
            type_filter = f" AND type IN ({marks(len(types))})"
            type_args = list(types)
        found: dict[tuple[str, str, str], Edge] = {}
        columns = _COLUMNS[direction]
        for chunk in chunks(unique):
            for column in columns:
                sql = (
                    "SELECT src, type, dst, body FROM edges "
                    f"WHERE {column} IN ({marks(len(chunk))}){type_filter}"
                )
                for row in self._db.execute(sql, [*chunk, *type_args]):
                    edge = edge_from_row(row)
                    found[edge.key] = edge
        return [found[key] for key in sorted(found)]

    def count_edges(
        self, ids: Sequence[str], types: Sequence[str], direction: Direction, limit: int
    ) -> int:
        """How many ties `edges(ids, types, direction)` would read, counted on the indexes
        (no bodies) and only up to about `limit`: the reach search sizes its next layer."""
        total = 0
        columns = _COLUMNS[direction]
        for chunk in chunks(list(dict.fromkeys(ids))):
            for column in columns:
                sql = (
                    "SELECT COUNT(*) FROM (SELECT 1 FROM edges "
                    f"WHERE {column} IN ({marks(len(chunk))}) "
                    f"AND type IN ({marks(len(types))}) LIMIT ?)"
                )
                total += self._db.execute(sql, [*chunk, *types, limit - total + 1]).fetchone()[0]
                if total > limit:
                    return total
        return total

    def edge_keys(
        self, ids: Sequence[str], types: Sequence[str], direction: Direction
    ) -> list[tuple[str, str, str]]:
        """The keys `edges(ids, types, direction)` would return, read from the indexes alone
        (no body is decoded): the reach search walks on keys and reads bodies of answers only."""
        found: dict[tuple[str, str, str], None] = {}  # ordered as read: a stable order
        columns = _COLUMNS[direction]
        for chunk in chunks(list(dict.fromkeys(ids))):
            for column in columns:
                sql = (
                    "SELECT src, type, dst FROM edges "
                    f"WHERE {column} IN ({marks(len(chunk))}) AND type IN ({marks(len(types))})"
                )
                found.update(dict.fromkeys(self._db.execute(sql, [*chunk, *types])))
        return list(found)

    def edges_by_key(
        self, keys: Sequence[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], Edge]:
        """The stored ties among `keys`, read by their start nodes (the primary key's prefix)."""
        wanted = set(keys)
        found: dict[tuple[str, str, str], Edge] = {}
        for chunk in chunks(sorted({key[0] for key in wanted})):
            sql = f"SELECT src, type, dst, body FROM edges WHERE src IN ({marks(len(chunk))})"
            for row in self._db.execute(sql, chunk):
                if (row[0], row[1], row[2]) in wanted:
                    edge = edge_from_row(row)
                    found[edge.key] = edge
        return found

    def iter_edges(self) -> Iterator[Edge]:
        sql = "SELECT src, type, dst, body FROM edges ORDER BY src, type, dst"
        for row in self._db.execute(sql):
            yield edge_from_row(row)
