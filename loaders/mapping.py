"""`survgraph load csv PATH --mapping FILE`: any spreadsheet, mapped by a YAML file.

The mapping names, for each row, the nodes to make (kind, id or entity resolution, name,
properties from columns or constants) and the ties between them. Templates are strings where
`{column}` is a cell's value and `{column|slug}` its slug; a string without braces is a constant.
See docs/loading.md for the whole format and loaders/mappings/ for examples.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph_service.domain_model import load_model
from graph_service.records import Value
from graph_service.text import fold
from loaders.catalogs import load_catalogs
from loaders.chunks import Builder, Cell, ChunkOutput, Columns, Made, Part, build_chunk
from loaders.claims import LoadContext, RowOutput, record_source
from loaders.input_files import CsvFile
from loaders.mapping_column_ties import TieColumns
from loaders.mapping_doc import MappingError
from loaders.mapping_nodes import LIST, NodeBuilder
from loaders.mapping_resolved import ResolvedColumns
from loaders.mapping_spec import (
    Derived,
    EdgeSpec,
    Mapping,
    NodeSpec,
    TagSpec,
    Template,
    compile_template,
    read_mapping,
)
from loaders.values import (
    RowError,
    day_first_order,
    parse_date,
    text,
)

_SCAN_ROWS = 2000  # rows read to decide a file's date order (`dates: detect`)

__all__ = ["MappedCsv", "MappedRecords", "Mapping", "MappingError", "compile_template",
           "read_mapping"]


class MappedRecords(ResolvedColumns, TieColumns, NodeBuilder):
    """The mapping executor, over any records of cells: a CSV's rows, flattened JSON
    (loaders/mapped_json.py). The input file gives `path`, `columns` and `records()`."""

    path: Path
    columns: dict[str, int]

    if TYPE_CHECKING:  # the input file's
        def records(self) -> Iterator[tuple[int, Any]]: ...

    def _use(self, mapping: Mapping, format_name: str) -> None:
        """Set what the input file says of itself from the mapping (before reading it)."""
        self.mapping = mapping
        self.source_kind = mapping.source_kind
        self.publisher = mapping.publisher
        self.format_name = format_name

    def _ready(self) -> None:
        """Compile the parts (after the input file has its columns)."""
        self.model = load_model()
        self.catalogs = load_catalogs()
        mapping = self.mapping
        self.day_first = self._detect_dates() if mapping.detect_dates else mapping.day_first
        self._documents = tuple(f"@record_source{n}" for n in range(len(mapping.record_sources)))
        self._compile_nodes()
        self._parts = self.parts()
        self._parsed = {}
        self._answers = {}
        # Cells cleaned and columns derived once per distinct text for the whole file.
        self._derivations = {name: (self._bind(d), d.inputs)
                             for name, d in mapping.derived.items()}
        self._cells: dict[str, dict[Any, str | None]] = {}
        self._longest_blank = max(map(len, mapping.blank_values), default=0)
        # Printable ASCII longer than this, without outer or double spaces, is clean as it is
        # (text() tests words shorter than 7 for blanks such as 'N/A').
        self._plain_above = max(self._longest_blank, 6)

    def title(self) -> str:
        return self.mapping.title or self.path.name

    def _detect_dates(self) -> bool:
        """The file's date order, from the dates of its first rows (`dates: detect`)."""
        model = self.model
        typed = [t for spec in self.mapping.nodes.values() for p, t in spec.properties.items()
                 if model.kinds[spec.kind].properties[p].type == "date"]
        typed += [t for edge in self.mapping.edges for p, t in edge.properties.items()
                  if model.relationship_properties[p].type == "date"]
        columns = _columns(typed)
        files = dict.fromkeys(f for c in columns for f in self.mapping.file_columns(c))
        positions = [self.columns[f] for f in files if f in self.columns]
        values: list[str] = []
        for count, (_, row) in enumerate(self.records()):
            if count >= _SCAN_ROWS:
                break
            if isinstance(row, list):
                values += [row[i].strip() for i in positions]
        return day_first_order(values)

    def parts(self) -> list[Part]:
        """What a row says, part by part (loaders/chunks.py builds each once per distinct key):
        the row's document Source, each node, each tie, each node's tags."""
        parts: list[Part] = []
        for number, link in enumerate(self.mapping.record_sources):
            parts.append(Part(f"@record_source{number}", _columns(link.values()),
                              self._record_source(link),
                              columnar=self._record_source_columns(link)))
        # A part's key holds the row's document Sources only where it cites them: a tie or node
        # citing the file alone (an agency's PART_OF, an IDV) is then built once per distinct
        # key, not once per row.
        documents = self._documents
        for spec in self.mapping.nodes.values():
            cites = (spec.kind == "Contract" and spec.cite != "file") or spec.cite == "record"
            parts.append(Part(spec.key, self._read(spec.templates()), self._node_part(spec),
                              uses=documents if cites else (),
                              columnar=self._node_columns(spec)
                              or self._company_columns(spec)))
        for index, edge in enumerate(self.mapping.edges):
            basis = (f"{edge.basis_from}#basis",) if edge.basis_from else ()
            cited = documents if edge.cite == "record" else ()
            parts.append(Part(f"@edge{index}", self._read(edge.properties.values()),
                              self._edge_part(edge),
                              uses=(edge.source, *edge.targets, *cited, *basis),
                              columnar=self._edge_columns(edge)))
        for spec in self.mapping.nodes.values():
            sets = [TagSpec(spec.tag, tuple(spec.tag_vendors))] if spec.tag else []
            for number, tags in enumerate([*sets, *spec.also_tag]):
                vendors = [self.mapping.nodes[ref].name for ref in tags.vendors
                           if ref in self.mapping.nodes]
                templates = [*tags.templates.values(), *(t for t in vendors if t is not None)]
                always = number == 0 and bool(sets)
                parts.append(Part(f"@tags{number}.{spec.key}", _columns(templates),
                                  self._tag_part(spec, tags, always),
                                  uses=(spec.key, *documents),
                                  columnar=self._tag_columns(spec, tags, always)))
        return parts

    def _read(self, templates: Iterable[Template]) -> tuple[str, ...]:
        """A part's columns: its templates', and the file columns their derived columns are
        made of (a bad value is then named by the column holding it, a derived id that finds
        nothing by the cell it was made from)."""
        listed = list(templates)
        extra = [f for t in listed for c in t.columns if c in self.mapping.derived
                 for f in self.mapping.file_columns(c)]
        return tuple(dict.fromkeys([*_columns(listed), *extra]))

    def build_chunk(self, ctx: LoadContext, numbers: Sequence[int], records: Sequence[Any]
                    ) -> ChunkOutput:
        columns = Columns(records, self.columns, self._clean, self._derivations, self._cells,
                          self._plain_above)
        return build_chunk(ctx, self.path.name, numbers, columns, self._parts)

    def _clean(self, raw: str) -> str | None:
        if (len(raw) > self._plain_above and raw.isascii() and raw.isprintable()
                and raw[0] != " " and raw[-1] != " " and "  " not in raw):
            return raw  # what text() and the blank test give such a cell: itself
        value = text(raw.strip())
        if value is None or (value.isascii() and len(value) > self._longest_blank):
            return value  # folding ASCII keeps its length: too long to be a blank
        return None if fold(value) in self.mapping.blank_values else value

    def _bind(self, derived: Derived) -> Callable[..., str | None]:
        """A derived column's function as the chunk calls it: given the file's date order, and
        for one giving several values, the `item` asked for or all of them as a list."""
        function = derived.function
        if derived.dated:
            function = functools.partial(function, day_first=self.day_first)
        if not derived.several:
            return function
        item = derived.item

        def pick(*values: str | None) -> str | None:
            found: tuple[str, ...] = function(*values)
            if item is None:
                return LIST.join(found) or None
            return found[item - 1] if len(found) >= item else None
        return pick

    def _sources(self, out: RowOutput, used: dict[str, str]) -> list[str]:
        sources = [out._ctx.file_source]
        for document in self._documents:
            if document in used:
                sources.append(used[document])
        return sources

    def _record_source(self, link: dict[str, Template]) -> Builder:
        def build(cell: Cell, used: dict[str, str], out: RowOutput) -> Made:
            url = link["url"].render(cell)
            if not url or not url.lower().startswith(("http://", "https://")):
                return None
            values = {k: t.render(cell) for k, t in link.items()}
            try:
                published = parse_date(values.get("published"), "published")
            except RowError:
                published = None  # a loose date on a link does not make the row wrong
            # A link's own publisher or kind, when it maps one (even blank), else the file's.
            publisher = values["publisher"] if "publisher" in link else self.mapping.publisher
            kind = values["source_kind"] if "source_kind" in link else self.mapping.source_kind
            try:
                return record_source(out, url, values.get("name") or url, publisher, kind,
                                     published, key=values.get("key"))
            except RowError as exc:  # named by the columns the link's field is made from
                template = link.get(exc.field) or link["url"]
                files = [f for c in template.columns for f in self.mapping.file_columns(c)]
                raise RowError(",".join(dict.fromkeys(files)) or exc.field, exc.reason) \
                    from exc
        return build

    def _node_part(self, spec: NodeSpec) -> Builder:
        def build(cell: Cell, used: dict[str, str], out: RowOutput) -> Made:
            return self._node(spec, cell, out, self._sources(out, used))
        return build

    def _edge_part(self, edge: EdgeSpec) -> Builder:
        basis_key = f"{edge.basis_from}#basis" if edge.basis_from else None
        types = self.model.relationship_properties
        typed = [(prop, template, types[prop].type) for prop, template in edge.properties.items()]

        nodes = self.mapping.nodes
        rel_type, status, source_key = edge.type, edge.status, edge.source
        source_spec, cites = nodes[source_key], edge.cite == "record"
        field_name = f"edge {edge.type}"

        def build(cell: Cell, used: dict[str, str], out: RowOutput) -> Made:
            if source_key not in used:
                return None  # an optional end was blank in this row
            for target in edge.targets:
                if target in used:
                    break
            else:
                return None
            props: dict[str, Value] = {}
            if basis_key and (basis := used.get(basis_key)):
                props["basis"] = basis
            if typed:
                props.update(self._typed(typed, cell))
            sources = self._sources(out, used) if cites else []
            target_spec = nodes[target]
            for start in _ids(used[source_key], source_spec):
                for end in _ids(used[target], target_spec):
                    out.edge(rel_type, start, end, props, status, sources, field_name)
            return None
        return build

    def _tag_part(self, spec: NodeSpec, tags: TagSpec, always: bool) -> Builder:
        def build(cell: Cell, used: dict[str, str], out: RowOutput) -> Made:
            if spec.key not in used:
                return None
            values = {k: t.render(cell) for k, t in tags.templates.items()}
            if not always and not any(values.values()):
                return None  # an extra tag set without text says nothing
            vendor_names: list[str | None] = []
            for ref in tags.vendors:
                ref_spec = self.mapping.nodes.get(ref)
                if ref_spec is not None and ref_spec.name is not None:
                    vendor_names.append(ref_spec.name.render(cell))
            out.tags(used[spec.key], values.get("description"), values.get("psc"),
                     values.get("psc_description"), values.get("naics"),
                     values.get("naics_description"), tuple(vendor_names),
                     self._sources(out, used))
            return None
        return build


def _columns(templates: Iterable[Template]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for t in templates for c in t.columns))


class MappedCsv(MappedRecords, CsvFile):
    """A CSV read through a Mapping."""

    format_name = "mapped-csv"

    def __init__(self, path: Path, mapping: Mapping, delimiter: str = ",",
                 format_name: str | None = None) -> None:
        self.delimiter = delimiter
        self.required = tuple(mapping.header_columns())
        self._use(mapping, format_name or f"csv via {mapping.path.name}")
        CsvFile.__init__(self, path)
        self._ready()


def _ids(made: str, spec: NodeSpec) -> list[str]:
    """The ids a node part made: one, or a node of several ids' list."""
    return made.split(LIST) if spec.many else [made]
