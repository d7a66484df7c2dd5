"""The mapping document's shape, checked in one place before its meaning (loaders/mapping.py).

A mapping comes from users (a file, or text through the GraphQL `load` mutation), so reading it
is bounded: at most MAX_MAPPING_BYTES of UTF-8 text, YAML parsed WITHOUT anchors or aliases (an
alias bomb of a few hundred bytes expands to gigabytes), at most MAX_YAML_NODES nodes nested at
most MAX_YAML_DEPTH deep. The document is then validated by pydantic models; a MappingError
names the file, the path inside it (`nodes.vendor.kind`, `edges[0].from`) and what was
expected, and quotes at most a short excerpt of any value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from graph_service.text import excerpt

MAX_MAPPING_BYTES = 256 * 1024  # the shipped mappings are under 2 KB
MAX_YAML_NODES = 20_000
MAX_YAML_DEPTH = 40


class MappingError(ValueError):
    """The mapping file itself is wrong (named with the offending key)."""


def _plain(value: Any) -> Any:
    """Text must be encodable and free of NUL bytes (YAML escapes can make either)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text with a NUL byte")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError("text with a lone surrogate (not valid Unicode)") from exc
    return value


def _template(value: Any) -> Any:
    """A template string; a number or true/false is a constant and reads as its text."""
    if isinstance(value, bool | int | float):
        return str(value)
    if not isinstance(value, str):
        raise ValueError("expected a template string (text; a number is read as a constant)")
    return _plain(value)


def _name(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("expected a name (text)")
    return _plain(value)


Text = Annotated[str, BeforeValidator(_name)]
Template = Annotated[str, BeforeValidator(_template)]


class _Section(BaseModel):
    # Unknown keys are refused: a misspelt key would otherwise be silently ignored.
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_keys_are_absent(cls, data: Any) -> Any:
        """`edges:` with nothing after it means no edges, as it always did."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


class SourceDoc(_Section):
    title: Text | None = None
    publisher: Text | None = None
    source_kind: Text = "dataset"


class RecordSourceDoc(_Section):
    url: Template
    name: Template | None = None
    key: Template | None = None  # the Source's id ('source:<key>'); default: a hash of the url
    # Default: the mapping's `source` publisher and kind; `published`: a date, left out when the
    # cell is not one (a loose date on a link does not make the row wrong).
    publisher: Template | None = None
    source_kind: Template | None = None
    published: Template | None = None


class DeriveDoc(_Section):
    function: Text  # one of loaders/derive.py FUNCTIONS
    source: list[Text] = Field(alias="from", min_length=1)
    # A function giving several values (a split cell): the nth of them, blank past the last;
    # without `item`, the values as a list ('a||b', as a list property reads them).
    item: int | None = Field(default=None, ge=1)


class TagDoc(_Section):
    description: Template | None = None
    psc: Template | None = None
    psc_description: Template | None = None
    naics: Template | None = None
    naics_description: Template | None = None
    vendors: list[Text] = Field(default_factory=list)

    def templates(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump(exclude={"vendors"}).items() if v is not None}


class NodeDoc(_Section):
    kind: Text
    id: Template | None = None
    name: Template | None = None
    required: bool = False
    properties: dict[Text, Template] = Field(default_factory=dict)
    aliases: list[Template] = Field(default_factory=list)
    domains_from: Template | None = None
    tag: TagDoc | None = None
    # More tag sets, each applied to the rows where one of its texts is not blank (a
    # transaction's own text tags its award besides the award's description).
    also_tag: list[TagDoc] = Field(default_factory=list)
    # Company and Agency: identifiers handed to the resolver (uei, duns; code, state), which
    # states them as the resolved entity's; no other claim is made of them.
    resolve_by: dict[Text, Template] = Field(default_factory=dict)
    # Which Sources the node cites: the row's document ('record') or the file alone ('file');
    # by default a Contract found by PIID cites the record, anything else the file.
    cite: Literal["record", "file"] | None = None
    # The id is a list ('a||b', a derived column of several values): one node per item, and
    # its ties one per item.
    many: bool = False


class EdgeDoc(_Section):
    type: Text
    source: Text = Field(alias="from")
    # One node, or several: the first one the row has (a sub-agency, else its agency).
    target: Text | list[Text] = Field(alias="to")
    status: Literal["reported", "inferred"] = "reported"
    properties: dict[Text, Template] = Field(default_factory=dict)
    cite: Literal["record", "file"] = "record"
    basis_from: Text | None = None  # the end whose resolution (uei, name...) is the tie's basis


class MappingDoc(_Section):
    source: SourceDoc = Field(default_factory=SourceDoc)
    required_columns: list[Text] = Field(default_factory=list)
    blank_values: list[Template] = Field(default_factory=list)
    # The row's documents as Sources (a permalink, an article link): one, or a list.
    record_source: RecordSourceDoc | list[RecordSourceDoc] | None = None
    derive: dict[Text, DeriveDoc] = Field(default_factory=dict)
    # 'blank': columns the header lacks read as blank (bulk downloads drop columns over the
    # years); by default every column the mapping uses must be in the header.
    missing_columns: Literal["error", "blank"] = "error"
    # How slashed dates read: 'day-first' (DD/MM/YYYY), the default month first, or 'detect':
    # each file's order read from its first rows' dates (loaders/values.py day_first_order).
    dates: Literal["day-first", "month-first", "detect"] | None = None
    nodes: dict[Text, NodeDoc] = Field(min_length=1)
    edges: list[EdgeDoc] = Field(default_factory=list)


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases (nothing is ever expanded) and counts nodes
    and depth as it composes them."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.nodes_seen = 0
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        mark = event.start_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        if isinstance(event, yaml.AliasEvent):
            raise MappingError(f"{where}: YAML aliases (*name) are not allowed in a mapping")
        if getattr(event, "anchor", None) is not None:
            raise MappingError(f"{where}: YAML anchors (&name) are not allowed in a mapping")
        self.nodes_seen += 1
        if self.nodes_seen > MAX_YAML_NODES:
            raise MappingError(f"{where}: more than {MAX_YAML_NODES:,} YAML nodes")
        self.depth += 1
        try:
            if self.depth > MAX_YAML_DEPTH:
                raise MappingError(f"{where}: nested more than {MAX_YAML_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def read_mapping_text(path: Path) -> str:
    """The mapping's text: bounded in size, strictly UTF-8."""
    with path.open("rb") as handle:
        data = handle.read(MAX_MAPPING_BYTES + 1)  # never more, whatever the file is
    if len(data) > MAX_MAPPING_BYTES:
        raise MappingError(f"{path}: larger than {MAX_MAPPING_BYTES // 1024} KiB; a mapping is "
                           "a few lines of YAML")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MappingError(f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02X} at offset "
                           f"{exc.start})") from exc


_MESSAGES = {  # pydantic's words for the YAML author's
    "extra_forbidden": "unknown key (misspelt? see docs/loading.md)",
    "dict_type": "expected a YAML mapping (key: value lines or {key: value})",
    "list_type": "expected a YAML list ([a, b] or - lines)",
    "bool_type": "expected true or false",
    "missing": "is missing",
}


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def parse_mapping(text: str, where: str) -> MappingDoc:
    """The validated document; MappingError names `where`, the path inside and the problem."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_MAPPING_BYTES:
        raise MappingError(f"{where}: larger than {MAX_MAPPING_BYTES // 1024} KiB")
    try:
        raw = yaml.load(text, Loader=_BoundedLoader)  # a SafeLoader subclass
    except MappingError as exc:
        raise MappingError(f"{where}: {exc}") from None
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())
        raise MappingError(f"{where}: not valid YAML: {excerpt(problem, 300)[1:-1]}") from exc
    except (ValueError, RecursionError) as exc:  # e.g. an integer of 5,000 digits
        raise MappingError(f"{where}: a value YAML cannot read: {excerpt(str(exc))}") from exc
    if not isinstance(raw, dict):
        raise MappingError(f"{where}: a mapping is a YAML mapping with a 'nodes' section "
                           f"(see docs/loading.md), not {type(raw).__name__} {excerpt(raw)}")
    try:
        return MappingDoc.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = exc.error_count() - 1
        message = _MESSAGES.get(first["type"], first["msg"].removeprefix("Value error, "))
        got = "" if first["type"] == "missing" else f" (got {excerpt(first.get('input'))})"
        raise MappingError(
            f"{where}: {_location(first['loc'])}: {message}{got}"
            + (f"; and {more} more problem(s)" if more > 0 else "")) from None
