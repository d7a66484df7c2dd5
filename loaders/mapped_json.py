"""JSON records read through a mapping: each record (an object of a `results` list, or one
document) is flattened to columns, dotted for nested objects ("Recipient Location.city_name",
"period_of_performance.start_date"), and the mapping reads those columns as it reads a CSV's
(loaders/mapping.py builds them a chunk at a time)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from loaders.input_files import InputFile
from loaders.mapping import MappedRecords
from loaders.mapping_spec import Mapping
from loaders.reading import invalid_where
from loaders.values import RowError

# A JSON NaN is a failed computation, not a blank: kept as text no blank reading swallows, so
# an amount column holding it is rejected (naming the key).
NOT_A_NUMBER = "NaN (not a number)"


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """A JSON object as columns: nested objects by dotted keys, lists as their JSON text,
    numbers and booleans as Python writes them, null as blank."""
    flat: dict[str, str] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = json.dumps(value, ensure_ascii=False)
        elif value is None:
            flat[name] = ""
        elif isinstance(value, float) and math.isnan(value):
            flat[name] = NOT_A_NUMBER
        else:
            flat[name] = value if isinstance(value, str) else str(value)
    return flat


class MappedJson(MappedRecords, InputFile):
    """JSON results read through a Mapping: their flattened keys, in the order first seen, are
    the columns."""

    def __init__(self, path: Path, mapping: Mapping, results: list[Any],
                 format_name: str) -> None:
        self._use(mapping, format_name)
        InputFile.__init__(self, path)
        self.results = results
        self._done = 0
        keys: dict[str, None] = {}
        for record in results:
            if isinstance(record, dict):
                keys.update(dict.fromkeys(flatten(record)))
        self.header = list(keys)
        self.columns = {name: i for i, name in enumerate(self.header)}
        self._ready()

    def records(self) -> Iterator[tuple[int, Any]]:
        header = self.header
        for number, record in enumerate(self.results, start=1):
            self._done = number
            if not isinstance(record, dict):
                yield number, RowError("(record)", "is not a JSON object")
                continue
            if self.reading.invalid_bytes and (where := invalid_where(record)) is not None:
                yield number, RowError(where, "invalid UTF-8; the rest of the file is UTF-8")
                continue
            flat = flatten(record)
            yield number, [flat.get(name, "") for name in header]

    def position(self) -> int:
        return self.size * self._done // max(len(self.results), 1)
