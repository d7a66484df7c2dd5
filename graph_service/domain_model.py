"""The domain model, read from schema/model.yaml: kinds, properties, relationship types, reach.

Everything that names a label, a relationship type or a property key takes it from here, so
nothing outside the schema ever reaches a query as an identifier.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

PropertyType = Literal["string", "integer", "float", "boolean", "date", "datetime", "list"]
ResolveRule = Literal["precedence", "min", "max", "union"]
Direction = Literal["out", "in"]

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def schema_dir() -> Path:
    """The schema/ folder: beside the package in a checkout, inside it in an installed wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "schema", here / "_schema"):
        if (candidate / "model.yaml").is_file():
            return candidate
    raise FileNotFoundError("schema/model.yaml not found beside graph_service")


class PropertySpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    type: PropertyType = "string"
    required: bool = False
    indexed: bool = False
    enum: tuple[str, ...] | None = None
    resolve: ResolveRule | None = None  # None: the policy's default for the type
    description: str = ""


class ResolutionPolicy(BaseModel):
    """How the view chooses a value among statements (schema/model.yaml, `resolution:`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    precedence: tuple[str, ...]
    defaults: dict[PropertyType, ResolveRule]

    def rank(self, origin: str | None) -> int:
        """Higher is more trusted; an unknown origin ranks below every listed one."""
        if origin in self.precedence:
            return len(self.precedence) - self.precedence.index(origin)
        return 0


class KindStyle(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    color: str
    shape: str


class KindSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    prefix: str
    description: str = ""
    style: KindStyle
    api_name: str | None = None  # its GraphQL type name, when not the kind's own name
    identifiers: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    # Source ids '<prefix>:<base>~<qualifier>' (a name, then the identifier the record stated)
    # of one base are one entity by name, unless a conflicting identifier keeps them apart.
    qualified_ids: bool = False
    properties: dict[str, PropertySpec] = Field(default_factory=dict)


class FieldSpec(BaseModel):
    """A typed neighbour field the API shows for one end of a relationship type.

    `forward` fields sit on the `from` kinds and follow the tie out; `reverse` fields sit on
    the `to` kinds and follow it in. Fields of one name on one kind are one field over all
    their types (Agency.contracts: AWARDED_BY and FUNDED_BY)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str  # the GraphQL name, camelCase
    one: bool = False  # to-one: the smallest id, should there be several ties
    kinds: tuple[str, ...] | None = None  # keep only far-end nodes of these kinds
    both: bool = False  # a symmetric tie: either direction, chosen by a `direction` argument
    # {argument: list tie property}: an ID argument keeping only ties whose list holds it
    tie_filter: dict[str, str] = Field(default_factory=dict)
    description: str = ""


def _field_specs(value: Any) -> Any:
    """`name`, `{name: ..., one: true}` or a list of either -> a tuple of FieldSpec inputs."""
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else [value]
    return tuple({"name": item} if isinstance(item, str) else item for item in items)


class RelationshipSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)
    name: str
    from_kinds: tuple[str, ...] = Field(alias="from")
    to_kinds: tuple[str, ...] = Field(alias="to")
    description: str = ""
    forward: tuple[FieldSpec, ...] = ()
    reverse: tuple[FieldSpec, ...] = ()

    @field_validator("forward", "reverse", mode="before")
    @classmethod
    def _specs(cls, value: Any) -> Any:
        return _field_specs(value)


@dataclass(frozen=True)
class NeighbourField:
    """One typed neighbour field of a kind, merged over the relationship types it follows."""

    name: str
    types: tuple[str, ...]
    direction: Direction | Literal["both"]
    far_kinds: tuple[str, ...]  # the kinds at the other end, in schema order
    kind_filter: tuple[str, ...] | None  # None: every node the ties reach
    one: bool
    both: bool
    description: str
    tie_filter: tuple[tuple[str, str], ...] = ()  # (argument, list tie property)


class ReachStep(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    types: tuple[str, ...]
    direction: Direction
    min: int = 1
    max: int = 1

    @model_validator(mode="after")
    def _bounds(self) -> ReachStep:
        if not 0 <= self.min <= self.max:
            raise ValueError(f"reach step bounds must satisfy 0 <= min <= max, got {self}")
        return self


class ReachRule(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)
    name: str
    from_kind: str = Field(alias="from")
    to_kind: str = Field(alias="to")
    steps: tuple[ReachStep, ...]

    @property
    def max_length(self) -> int:
        return sum(step.max for step in self.steps)

    @property
    def min_length(self) -> int:
        return sum(step.min for step in self.steps)


class DomainModel(BaseModel):
    """The whole schema, validated for internal consistency when loaded."""

    model_config = ConfigDict(frozen=True)
    version: int
    node_properties: dict[str, PropertySpec]
    relationship_properties: dict[str, PropertySpec]
    kinds: dict[str, KindSpec]
    relationships: dict[str, RelationshipSpec]
    reach: tuple[ReachRule, ...]
    resolution: ResolutionPolicy

    @model_validator(mode="after")
    def _consistent(self) -> DomainModel:
        names = list(self.kinds) + list(self.relationships)
        for name in names:
            if not _IDENTIFIER.match(name):
                raise ValueError(f"schema name {name!r} is not a plain identifier")
        for spec in self.kinds.values():
            for key in spec.properties:
                if not _IDENTIFIER.match(key) or key in self.node_properties:
                    raise ValueError(f"{spec.name}.{key}: bad or shadowing property name")
            for key in spec.identifiers + spec.conflicts:
                if key not in spec.properties:
                    raise ValueError(f"{spec.name}: identifier {key!r} is not a property")
        for rel in self.relationships.values():
            for kind in rel.from_kinds + rel.to_kinds:
                if kind not in self.kinds:
                    raise ValueError(f"relationship {rel.name} names unknown kind {kind}")
        for kind in self.kinds:
            self.neighbour_fields(kind)  # raises on a clash
        for rule in self.reach:
            if rule.from_kind not in self.kinds or rule.to_kind not in self.kinds:
                raise ValueError(f"reach rule {rule.name} names an unknown kind")
            for step in rule.steps:
                for rel_type in step.types:
                    if rel_type not in self.relationships:
                        raise ValueError(f"reach rule {rule.name} names unknown type {rel_type}")
        return self

    # -- lookups -------------------------------------------------------------------------------

    def kind_for_id(self, node_id: str) -> str | None:
        prefix, _, rest = node_id.partition(":")
        if not rest:
            return None
        return self.prefixes.get(prefix)

    @functools.cached_property
    def prefixes(self) -> dict[str, str]:
        return {spec.prefix: name for name, spec in self.kinds.items()}

    @functools.cached_property
    def identity_props(self) -> dict[str, tuple[tuple[str, int], ...]]:
        """Per kind, the properties its identity statements hold: (property, 1 for an
        identifier, 0 for a conflict value)."""
        return {kind: tuple((prop, int(prop in spec.identifiers))
                            for prop in dict.fromkeys(spec.identifiers + spec.conflicts))
                for kind, spec in self.kinds.items()}

    @functools.cached_property
    def ranks(self) -> dict[str | None, int]:
        """`resolution.rank` of each origin the policy lists (any other ranks 0)."""
        return {origin: self.resolution.rank(origin) for origin in self.resolution.precedence}

    def node_property(self, kind: str, key: str) -> PropertySpec | None:
        return self.kinds[kind].properties.get(key) or self.node_properties.get(key)

    def resolve_rule(self, owner: str, key: str) -> ResolveRule:
        """The policy rule for property `key` of a kind or relationship type `owner`."""
        if owner in self.kinds:
            spec = self.node_property(owner, key)
        else:
            spec = self.relationship_properties.get(key)
        if spec is None:
            raise KeyError(f"{owner} has no property {key!r}")
        return spec.resolve or self.resolution.defaults[spec.type]

    def neighbour_fields(self, kind: str) -> list[NeighbourField]:
        """The typed neighbour fields of `kind`, declared by `forward`/`reverse` in the
        relationships, in declaration order."""
        merged: dict[str, dict[str, Any]] = {}
        for rel in self.relationships.values():
            ends = ((rel.forward, rel.from_kinds, rel.to_kinds, "out"),
                    (rel.reverse, rel.to_kinds, rel.from_kinds, "in"))
            for specs, near, far, direction in ends:
                if kind not in near:
                    continue
                for spec in specs:
                    wanted = spec.kinds or far
                    if not set(wanted) <= set(far):
                        raise ValueError(f"{rel.name}.{spec.name}: kinds {wanted} not at that end")
                    way = "both" if spec.both else direction
                    entry = merged.setdefault(spec.name, {
                        "types": [], "direction": way, "far": [], "filtered": False,
                        "one": spec.one, "both": spec.both, "description": spec.description,
                        "tie_filter": {}})
                    if (entry["direction"], entry["one"]) != (way, spec.one):
                        raise ValueError(f"{kind}.{spec.name} mixes directions or to-one")
                    entry["types"].append(rel.name)
                    entry["far"] += [k for k in wanted if k not in entry["far"]]
                    entry["filtered"] |= len(wanted) < len(far)
                    entry["description"] = entry["description"] or spec.description
                    entry["tie_filter"].update(self._tie_filter(rel.name, spec))
        fields = []
        for name, entry in merged.items():
            if not _IDENTIFIER.match(name) or _snake(name) in self.kinds[kind].properties \
                    or _snake(name) in self.node_properties:
                raise ValueError(f"{kind}.{name}: bad name or shadows a property")
            far = tuple(k for k in self.kinds if k in entry["far"])
            fields.append(NeighbourField(
                name=name, types=tuple(entry["types"]), direction=entry["direction"],
                far_kinds=far, kind_filter=far if entry["filtered"] else None,
                one=entry["one"], both=entry["both"], description=entry["description"],
                tie_filter=tuple(sorted(entry["tie_filter"].items()))))
        return fields

    def _tie_filter(self, rel: str, spec: FieldSpec) -> dict[str, str]:
        if len(spec.tie_filter) > 1:
            raise ValueError(f"{rel}.{spec.name}: one tie_filter a field")
        for argument, prop in spec.tie_filter.items():
            known = self.relationship_properties.get(prop)
            if known is None or known.type != "list" or not _IDENTIFIER.match(argument):
                raise ValueError(f"{rel}.{spec.name}: tie_filter {argument}: {prop} is not a "
                                 "list tie property")
        return dict(spec.tie_filter)

    def rules_between(self, from_kinds: set[str], to_kind: str) -> list[ReachRule]:
        return [r for r in self.reach if r.from_kind in from_kinds and r.to_kind == to_kind]


def _snake(name: str) -> str:
    """camelCase -> snake_case (GraphQL names -> Python attributes)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _taken_last(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rules whose last step may be skipped (`PART_OF` 0..4 to reach an agency or its parent)
    become two: one that takes it at least once and one that ends before it. The reach
    search then always lands on the target with a taken step, whichever end it starts from.
    Both keep the declared name: answers name the rule of schema/model.yaml, not a half."""
    out: list[dict[str, Any]] = []
    pending = list(rules)
    while pending:
        rule = pending.pop(0)
        steps = list(rule["steps"])
        last = steps[-1]
        if last.get("min", 1) >= 1 or len(steps) == 1:
            out.append(rule)
            continue
        pending.insert(0, {**rule, "steps": steps[:-1]})
        out.append({**rule, "steps": [*steps[:-1], {**last, "min": 1}]})
    return out


def _parse(raw: dict[str, Any]) -> DomainModel:
    kinds = {name: {"name": name, **spec} for name, spec in raw["kinds"].items()}
    rels = {name: {"name": name, **spec} for name, spec in raw["relationships"].items()}
    reach = _taken_last(list(raw.get("reach") or []))
    return DomainModel.model_validate({**raw, "kinds": kinds, "relationships": rels,
                                       "reach": reach})


@functools.cache
def load_model(path: Path | None = None) -> DomainModel:
    """Read and validate schema/model.yaml (cached: the schema does not change at run time)."""
    source = path or schema_dir() / "model.yaml"
    with source.open(encoding="utf-8") as handle:
        return _parse(yaml.safe_load(handle))
