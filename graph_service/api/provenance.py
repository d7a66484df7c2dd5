"""Provenance over GraphQL: for any property of a node or tie, the value the view shows, the
statement (source and record) that gave it, and what other sources said.

Conflicts are shown, never hidden: `alternatives` lists every other value a source stated, with
its source and record, and `conflict` says whether there is one. The view's value is chosen by
the policy of schema/model.yaml (`rule`), so the chosen statement is the best-ranked one stating
exactly that value.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON

from graph_service.api.context import ApiError, context_of
from graph_service.domain_model import load_model
from graph_service.statements import Statement
from graph_service.stores.action_sums import DERIVED
from graph_service.text import excerpt

if TYPE_CHECKING:
    from graph_service.api.evidence import Source

MODEL = load_model()
_SourceRef = Annotated["Source", strawberry.lazy("graph_service.api.evidence")]


@strawberry.type(name="Statement", description="What one source record says about one value")
class StatementType:
    record_: strawberry.Private[Statement]
    value: JSON | None
    entity: strawberry.ID = strawberry.field(description="The id the source gave the entity")
    record: str = strawberry.field(description="Where in the source, e.g. 'file.csv:12'")
    origin: str = strawberry.field(description="The policy's class of the source")
    rank: int = strawberry.field(description="The origin's place in the policy (higher wins)")

    @strawberry.field
    async def source(self, info: strawberry.Info[Any, Any]) -> _SourceRef | None:
        from graph_service.api.evidence import Source

        if not self.record_.source:
            return None
        node = await context_of(info).loaders.nodes.load(self.record_.source)
        return Source(id=strawberry.ID(self.record_.source), record=node)

    @strawberry.field
    def first_seen(self) -> str | None:
        return self.record_.first_seen

    @strawberry.field
    def last_seen(self) -> str | None:
        return self.record_.last_seen


@strawberry.type(description="One property's value and the statements behind it")
class Provenance:
    property: str
    value: JSON | None
    rule: str = strawberry.field(description="How the policy chose it: precedence, min, max ...")
    chosen: StatementType | None
    alternatives: list[StatementType] = strawberry.field(
        description="Other values other statements gave (each value once per source)")
    conflict: bool = strawberry.field(description="Whether any source stated another value")
    derived: str | None = strawberry.field(
        default=None, description="For values the view derives (a contract's money from its "
        "actions): how, e.g. 'sum of 3 actions: 799.75'")


def _stated(statement: Statement, prop: str) -> Any:
    if prop == "name":
        return statement.name
    if prop == "status":
        return statement.status
    if prop == "aliases":
        return statement.aliases or None
    return statement.properties.get(prop)


def _statement(statement: Statement, value: Any) -> StatementType:
    return StatementType(record_=statement, value=value, entity=strawberry.ID(statement.entity),
                         record=statement.record, origin=statement.origin, rank=statement.rank)


def provenance_of(owner: str, view: dict[str, Any], statements: list[Statement],
                  wanted: str | None) -> list[Provenance]:
    """`view`: the property values the view shows (name, status, aliases and the kind's
    properties); `statements` best first. One Provenance per property stated or shown."""
    props = sorted({*view, *(k for s in statements for k in s.properties)}
                   | ({"name"} if "name" in view else set()))
    if wanted is not None:
        if wanted not in props and wanted not in view:
            known = ", ".join(props)
            raise ApiError(f"{owner} has no stated property {excerpt(wanted)} (stated: {known})")
        props = [wanted]
    answers = []
    for prop in props:
        shown = view.get(prop)
        chosen: StatementType | None = None
        others: list[StatementType] = []
        seen: set[tuple[str, str]] = set()
        for statement in statements:
            value = _stated(statement, prop)
            if value is None:
                continue
            if chosen is None and value == shown:
                chosen = _statement(statement, value)
                continue
            key = (repr(value), statement.source)
            if value != shown and key not in seen:
                seen.add(key)
                others.append(_statement(statement, value))
        rule: str = ("union" if prop == "aliases" else "reported-if-any" if prop == "status"
                else "precedence" if prop == "name" else MODEL.resolve_rule(owner, prop))
        derived = _derived(owner, prop, view)
        if derived is not None and (prop != "obligated" or chosen is None):
            rule = "derived"
        answers.append(Provenance(property=prop, value=shown, rule=rule, chosen=chosen,
                                  alternatives=others, conflict=bool(others), derived=derived))
    return answers


def _derived(owner: str, prop: str, view: dict[str, Any]) -> str | None:
    """How the view derived a contract's action money (graph_service/stores/action_sums.py);
    for a stated `obligated`, the actions' sum beside it."""
    if owner != "Contract" or "actions_count" not in view:
        return None
    if prop in ("obligated", "actions_obligated"):
        count = view["actions_count"]
        noun = "action" if count == 1 else "actions"
        return f"sum of {count} {noun}: {view.get('actions_obligated')}"
    if prop in DERIVED:
        return f"from {view['actions_count']} actions"
    return None


async def statements_of(info: strawberry.Info[Any, Any], key: str) -> list[Statement]:
    store = context_of(info).store
    return await asyncio.to_thread(store.statements, [key])
