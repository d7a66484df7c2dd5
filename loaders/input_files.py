"""Input files: a file's bytes checked (sha256, encoding, shape) before anything is written,
and its records streamed with their row numbers. A file of the wrong shape is refused whole
(`WrongShape`), naming what it lacks."""

from __future__ import annotations

import abc
import csv
import io
import operator
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from loaders.reading import Encoding, clean, detect, invalid_cell, invalid_reason
from loaders.values import RowError, text

if TYPE_CHECKING:
    from loaders.chunks import ChunkOutput
    from loaders.claims import LoadContext, RowOutput

_CLEAN_CACHE = 100_000  # distinct cell texts remembered by a picker
_MISS: Any = object()


class WrongShape(ValueError):
    """A file that is not what its loader reads: refused whole, before anything is written."""

    def __init__(self, path: Path, message: str, missing: Sequence[str] = ()) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.missing = list(missing)


# -- input files ----------------------------------------------------------------------------------


class InputFile(abc.ABC):
    """One input file: its records, how a record becomes graph records, and its Source."""

    format_name: str = ""
    source_kind: str = "dataset"
    # Records cite a Source node for the file (False for re-loading exports, which carry theirs).
    cite_file: bool = True
    publisher: str | None = None

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = path.stat().st_size
        self.sha256, self.reading = _fingerprint(path)
        self.encoding = self.reading.codec

    @abc.abstractmethod
    def records(self) -> Iterator[tuple[int, Any]]:
        """(row number, record) pairs, streamed."""

    def build(self, record: Any, out: RowOutput) -> None:
        """Turn one record into nodes and ties on `out`; raise RowError for a bad record (a
        format built a chunk at a time overrides `build_chunk` instead)."""
        raise NotImplementedError(type(self).__name__)

    def build_chunk(self, ctx: LoadContext, numbers: Sequence[int], records: Sequence[Any]
                    ) -> ChunkOutput:
        """A chunk of records' claims (loaders/chunks.py); by default one record at a time."""
        from loaders.chunks import ChunkOutput
        from loaders.claims import RowOutput

        result = ChunkOutput()
        name = self.path.name
        for number, record in zip(numbers, records, strict=True):
            out = RowOutput(ctx)
            ctx.record = f"{name}:{number}"
            try:
                self.build(record, out)
            except RowError as exc:
                result.rejects.append((number, exc.field, exc.reason))
                continue
            result.loaded.append(number)
            result.outputs.append(out)
        return result

    def position(self) -> int:
        """Bytes consumed so far, for the progress bar."""
        return self.size

    def title(self) -> str:
        return self.path.name


# A cell this long is read (and then refused by validation, naming its row and field) rather
# than stopping the csv module, whose default limit is 128 KiB.
csv.field_size_limit(64 * 1024 * 1024)


def _fingerprint(path: Path) -> tuple[str, Encoding]:
    """sha256 of the bytes, and how to read them (loaders/reading.py)."""
    return detect(path)


def read_text(path: Path) -> str:
    """A whole file as text (for JSON inputs); invalid bytes of a UTF-8 file stay as
    surrogate escapes, for the reader to reject the records holding them."""
    encoding = _fingerprint(path)[1]
    return path.read_text(encoding=encoding.codec, errors=encoding.errors)


class CsvFile(InputFile):
    """A CSV file read as lists; `required` columns must all be in the header."""

    required: tuple[str, ...] = ()
    delimiter: str = ","  # a subclass or instance may read tab- or semicolon-separated files

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._raw: io.BufferedReader | None = None
        try:
            with self._open() as handle:
                header = next(csv.reader(handle, delimiter=self.delimiter), None)
        except csv.Error as exc:
            raise WrongShape(path, f"the header row is not readable CSV: {exc}") from exc
        if not header:
            raise WrongShape(path, "the file is empty (no header row)")
        self.header = [clean(h).strip() for h in header]
        self.columns = {name: i for i, name in enumerate(self.header)}
        missing = [c for c in self.required if c not in self.columns]
        if missing:
            raise WrongShape(
                path, f"not a {self.format_name} file: missing columns {', '.join(missing)}",
                missing,
            )

    def _open(self) -> TextIO:
        raw = self.path.open("rb")
        self._raw = raw
        return io.TextIOWrapper(raw, encoding=self.encoding, errors=self.reading.errors,
                                newline="")

    def records(self) -> Iterator[tuple[int, Any]]:
        width = len(self.header)
        with self._open() as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            next(reader, None)
            # Row numbers count records as a spreadsheet shows them: the header is row 1.
            number = 1
            check_bytes = self.reading.invalid_bytes > 0  # rows of a clean file are not scanned
            while True:
                number += 1
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:  # the reader goes on with the next line
                    yield number, RowError("(row)", f"is not readable CSV: {exc}")
                    continue
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # blank line
                if len(row) != width:
                    yield number, RowError(
                        "(row)", f"has {len(row)} fields where the header has {width}"
                    )
                    continue
                if check_bytes and (bad := invalid_cell(row)) is not None:
                    yield number, RowError(self.header[bad], invalid_reason(row[bad]))
                    continue
                yield number, row

    def position(self) -> int:
        try:
            return self._raw.tell() if self._raw is not None else 0
        except (OSError, ValueError):
            return self.size

    def picker(self, columns: Sequence[str]) -> Callable[[list[str]], dict[str, str | None]]:
        """A fast reader of several columns at once: row -> {column: text or None} (None for
        blanks and for columns the header lacks)."""
        present = [c for c in columns if c in self.columns]
        absent = dict.fromkeys(c for c in columns if c not in self.columns)
        fetch = operator.itemgetter(*(self.columns[c] for c in present)) if present else None

        # Most cells repeat (agency names, codes, cities, dates): clean each distinct text once.
        # Bounded so memory does not grow with the file.
        cleaned: dict[str, str | None] = {}

        def clean(value: str) -> str | None:
            if len(cleaned) >= _CLEAN_CACHE:
                cleaned.clear()
            result = cleaned[value] = text(value)
            return result

        def pick(row: list[str]) -> dict[str, str | None]:
            values = fetch(row) if fetch is not None else ()
            if len(present) == 1:
                values = (values,)
            get = cleaned.get
            picked = {
                c: v if (v := get(raw, _MISS)) is not _MISS else clean(raw)
                for c, raw in zip(present, values, strict=True)
            }
            picked.update(absent)
            return picked

        return pick

    def getter(self, column: str) -> Callable[[list[str]], str]:
        """A fast accessor for one column (stripped; '' when the column is absent)."""
        index = self.columns.get(column)
        if index is None:
            return lambda row: ""
        return lambda row: row[index].strip()
