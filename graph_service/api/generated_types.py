"""Each kind's GraphQL type, generated from schema/model.yaml.

A kind's type carries its schema properties (typed scalars) and one field per neighbour field
the relationships declare (`forward`/`reverse`): to-one fields are a node or null, list fields
are a list (at most `first`) and a connection (`<name>Connection`: totalCount, pageInfo,
cursors, nodes). A property or tie added to the model shows here with no other edit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

import strawberry

from graph_service.api import ownership_fields
from graph_service.api.connections import connection_of
from graph_service.api.evidence import Source
from graph_service.api.loaders import Hop
from graph_service.api.node_base import MODEL, TYPES, Direction, Info, as_date
from graph_service.api.types import HOPS, PAGED_HOPS, NodeInterface, follow, follow_page
from graph_service.domain_model import DomainModel, NeighbourField, PropertySpec

# -- scalar properties --------------------------------------------------------------------------


def _reader(key: str, convert: Callable[[Any], Any], returns: Any) -> Callable[..., Any]:
    def resolve(root: NodeInterface) -> Any:
        return convert(root.record.properties.get(key))

    resolve.__annotations__ = {"root": NodeInterface, "return": returns}
    return resolve


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _strings(value: Any) -> list[str] | None:
    return [str(v) for v in value] if isinstance(value, list) else None


# Schema property type -> (conversion, GraphQL-facing Python type). Datetimes stay ISO text.
_SCALARS: dict[str, tuple[Callable[[Any], Any], Any]] = {
    "string": (_text, str | None),
    "datetime": (_text, str | None),
    "float": (_float, float | None),
    "integer": (_int, int | None),
    "boolean": (_bool, bool | None),
    "date": (as_date, date | None),
    "list": (_strings, list[str] | None),
}


def _scalar(key: str, spec: PropertySpec) -> tuple[Any, Any]:
    convert, returns = _SCALARS[spec.type]
    resolver = _reader(key, convert, returns)
    return returns, strawberry.field(resolver=resolver, description=spec.description or None)


# -- neighbour fields ---------------------------------------------------------------------------


def _one(hop: Hop, name: str, description: str) -> Any:
    def resolve(root: NodeInterface, info: Info) -> Any:
        return follow(info, root.record.id, hop, None)

    HOPS[resolve] = hop
    return strawberry.field(resolver=resolve, name=name, description=description)


def _many(hop: Hop, name: str, description: str) -> Any:
    def resolve(root: NodeInterface, info: Info, first: int | None = None) -> Any:
        return follow(info, root.record.id, hop, first)

    HOPS[resolve] = hop
    return strawberry.field(resolver=resolve, name=name, description=description)


def _paged(hop: Hop, name: str, description: str) -> Any:
    def resolve(root: NodeInterface, info: Info, first: int | None = None,
                after: str | None = None) -> Any:
        return follow_page(info, root.record.id, hop, first, after)

    PAGED_HOPS[resolve] = hop
    return strawberry.field(resolver=resolve, name=name, description=description)


def _either_way(field: NeighbourField, name: str, description: str, paged: bool) -> Any:
    """A symmetric tie (SHARES_DATA_WITH): the caller picks the direction, BOTH by default.
    Not read ahead (the hop depends on an argument): the loaders batch it."""
    types = tuple(sorted(field.types))

    def hop(direction: Direction) -> Hop:
        return Hop(types, direction.value, field.kind_filter)

    def resolve_list(root: NodeInterface, info: Info, first: int | None = None,
                     direction: Direction = Direction.BOTH) -> Any:
        return follow(info, root.record.id, hop(direction), first)

    def resolve_page(root: NodeInterface, info: Info, first: int | None = None,
                     after: str | None = None, direction: Direction = Direction.BOTH) -> Any:
        return follow_page(info, root.record.id, hop(direction), first, after)

    return strawberry.field(resolver=resolve_page if paged else resolve_list, name=name,
                            description=description)


def _filtered(hop: Hop, argument: str, prop: str, name: str, description: str,
              paged: bool) -> Any:
    """A neighbour field with a tie filter (Agency.suppliers(technology:)): the ties whose list
    `prop` holds the argument. Not read ahead (the hop depends on an argument): the loaders
    batch it, and the unfiltered ties they read are shared with the plain field."""
    arg = strawberry.argument(name=argument, description=f"Only ties whose {prop} list this id")

    def narrowed(value: strawberry.ID | None) -> Hop:
        return hop if value is None else replace(hop, where=(prop, str(value)))

    def resolve_list(root: NodeInterface, info: Info, first: int | None = None,
                     value: strawberry.ID | None = None) -> Any:
        return follow(info, root.record.id, narrowed(value), first)

    def resolve_page(root: NodeInterface, info: Info, first: int | None = None,
                     after: str | None = None, value: strawberry.ID | None = None) -> Any:
        return follow_page(info, root.record.id, narrowed(value), first, after)

    # The argument's GraphQL name comes from the model: annotated here, not in the source.
    for resolver in (resolve_list, resolve_page):
        resolver.__annotations__["value"] = Annotated[strawberry.ID | None, arg]
    return strawberry.field(resolver=resolve_page if paged else resolve_list, name=name,
                            description=description)


def _describe(model: DomainModel, field: NeighbourField) -> str:
    if field.description:
        return field.description
    what = "; ".join(dict.fromkeys(model.relationships[t].description or t for t in field.types))
    way = {"out": "", "in": ", followed in", "both": ""}[field.direction]
    return f"{what} ({', '.join(field.types)}{way})"


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _neighbours(model: DomainModel, kind: str, classes: dict[str, type]) -> dict[str, Any]:
    """attribute -> (annotation, field) for the kind's neighbour fields."""
    out: dict[str, Any] = {}
    for field in model.neighbour_fields(kind):
        far: Any = classes[field.far_kinds[0]] if len(field.far_kinds) == 1 else NodeInterface
        text = _describe(model, field)
        hop = Hop(tuple(sorted(field.types)), field.direction, field.kind_filter, field.one)
        attr = _snake(field.name)
        if field.one:
            out[attr] = (far | None, _one(hop, field.name, text))
            continue
        listed = f"{text}. At most `first` (default 100): {field.name}Connection has the " \
                 "total and cursors"
        paged = f"{text}: a page with the total and cursors"
        if field.tie_filter:
            [(argument, prop)] = field.tie_filter  # one filter a field (the model's check)
            out[attr] = (list[far], _filtered(hop, argument, prop, field.name, listed, False))
            out[f"{attr}_connection"] = (connection_of(far), _filtered(
                hop, argument, prop, f"{field.name}Connection", paged, True))
        elif field.both:
            out[attr] = (list[far], _either_way(field, field.name, listed, False))
            out[f"{attr}_connection"] = (connection_of(far), _either_way(
                field, f"{field.name}Connection", paged, True))
        else:
            out[attr] = (list[far], _many(hop, field.name, listed))
            out[f"{attr}_connection"] = (connection_of(far),
                                         _paged(hop, f"{field.name}Connection", paged))
    return out


# -- hand-written extras ------------------------------------------------------------------------


def _as_source(root: NodeInterface) -> Source:
    return Source(id=strawberry.ID(root.record.id), record=root.record)


def _company_extras(classes: dict[str, type]) -> dict[str, tuple[Any, Any]]:
    company = classes["Company"]
    return {
        "parent": (company | None, strawberry.field(
            resolver=ownership_fields.parent, graphql_type=company | None,
            description="Its parent (SUBSIDIARY_OF) in force on asOf (the one most recently "
            "stated by then), else the latest stated")),
        "parents": (list[ownership_fields.ParentTie], strawberry.field(
            resolver=ownership_fields.parents,
            description="Every parent any source states, with dates and sources")),
    }


_EXTRAS: dict[str, Callable[[dict[str, type]], dict[str, tuple[Any, Any]]]] = {
    "Source": lambda classes: {"as_source": (Source, strawberry.field(
        resolver=_as_source,
        description="Nodes this source supports are listed by the stores' ties"))},
    "Company": _company_extras,
}


def build_types(model: DomainModel) -> dict[str, type]:
    """One strawberry type per kind of `model`, implementing the Node interface."""
    classes = {kind: type(spec.api_name or kind, (NodeInterface,), {"__module__": __name__})
               for kind, spec in model.kinds.items()}
    for kind, cls in classes.items():
        spec = model.kinds[kind]
        members = {key: _scalar(key, prop) for key, prop in spec.properties.items()}
        members.update(_neighbours(model, kind, classes))
        if kind in _EXTRAS:
            members.update(_EXTRAS[kind](classes))
        cls.__annotations__ = {name: annotation for name, (annotation, _) in members.items()}
        for name, (_, value) in members.items():
            setattr(cls, name, value)
        strawberry.type(cls, name=spec.api_name or kind, description=spec.description)
    return classes


TYPES.update(build_types(MODEL))
# Module attributes, for imports and strawberry.lazy references (types.Reach.contracts); to
# the type checker they are the interface.
if TYPE_CHECKING:
    Company: TypeAlias = NodeInterface
    Product: TypeAlias = NodeInterface
    Agency: TypeAlias = NodeInterface
    Contract: TypeAlias = NodeInterface
else:
    Company, Product, Agency, Contract = (TYPES[k] for k in
                                          ("Company", "Product", "Agency", "Contract"))
