"""Reach questions as reports ask them: filters on the reaching chains and an order.

The stores answer reach (every subject, its chain contracts, money and shortest paths); this
module narrows those answers, store-neutrally, with batched reads of the chain contracts'
ties. A contract filter (technology or product, agency state, date window) keeps the chain
contracts that pass it; a subject stays when one does, or, for technology/product/state, when
one of its evidence paths runs through a matching node (reported use has no contract). Money
and paths are then those of the kept contracts. Answers from the reach cache are never
changed in place.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

import strawberry

from graph_service.api.context import ApiError
from graph_service.domain_model import DomainModel
from graph_service.records import Node
from graph_service.stores.base import GraphStore, ReachAnswer
from graph_service.text import fold

ReachOrderField = Literal["subject", "obligated", "contracts", "name"]


class BadUserInput(ApiError):
    """A question the API cannot answer as asked (never a silent empty answer)."""

    code = "BAD_USER_INPUT"


@dataclass(frozen=True)
class ReachFilter:
    technology: str | None = None
    product: str | None = None
    min_amount: float | None = None
    text: str | None = None
    agency_state: str | None = None
    since: str | None = None  # contracts in force at some time in [since, until]
    until: str | None = None

    @property
    def on_contracts(self) -> bool:
        return any(v is not None for v in (self.technology, self.product, self.agency_state,
                                           self.since, self.until))

    @property
    def active(self) -> bool:
        return self.on_contracts or self.min_amount is not None or self.text is not None


@strawberry.enum(description="Sort keys of reach answers")
class ReachOrderKey(enum.Enum):
    SUBJECT = "subject"
    OBLIGATED = "obligated"
    CONTRACTS = "contracts"
    NAME = "name"


@strawberry.input
class ReachOrderBy:
    field: ReachOrderKey = ReachOrderKey.SUBJECT
    descending: bool = False


@strawberry.input(description="Reach answers: all conditions must hold. Technology, product, "
                  "agencyState and the date window keep the chain contracts that pass (and "
                  "paths through a matching node); money and paths are then theirs")
class ReachFilterInput:
    technology: strawberry.ID | None = strawberry.field(
        default=None, description="A chain contract of it (directly or by a covered product), "
        "or a path through it")
    product: strawberry.ID | None = strawberry.field(
        default=None, description="A chain contract covering it, or a path through it")
    min_amount: float | None = strawberry.field(
        default=None, description="Obligated total (of the kept contracts) >= this")
    text: str | None = strawberry.field(default=None, description="Subject's name contains it")
    agency_state: str | None = strawberry.field(
        default=None, description="A chain contract awarded or funded by an agency of that "
        "state, or a path through one")
    since: date | None = strawberry.field(
        default=None, description="A chain contract in force on or after this day")
    until: date | None = strawberry.field(
        default=None, description="A chain contract in force on or before this day")


def reach_filter(value: ReachFilterInput | None) -> ReachFilter:
    if value is None:
        return ReachFilter()
    return ReachFilter(
        technology=str(value.technology) if value.technology else None,
        product=str(value.product) if value.product else None,
        min_amount=value.min_amount, text=value.text, agency_state=value.agency_state,
        since=value.since.isoformat() if value.since else None,
        until=value.until.isoformat() if value.until else None,
    )


def check(model: DomainModel, from_kinds: list[str], target: str, flt: ReachFilter) -> None:
    """Refuse what reach cannot answer, naming what it can."""
    kind = model.kind_for_id(target)
    if kind is None:
        raise BadUserInput(f"{target!r} is not a node id ('<prefix>:<slug>')")
    if not model.rules_between(set(from_kinds), kind):
        able = sorted({r.from_kind for r in model.reach if r.to_kind == kind})
        raise BadUserInput(f"no reach rule joins {', '.join(from_kinds)} to a {kind}; "
                           f"kinds that reach a {kind}: {', '.join(able) or 'none'}")
    for name, value, wanted in (("technology", flt.technology, "Technology"),
                                ("product", flt.product, "Product")):
        if value is None:
            continue
        if model.kind_for_id(value) != wanted:
            raise BadUserInput(f"filter {name} must be a {wanted} id, got {value!r}")
        if wanted in from_kinds or kind == wanted:
            raise BadUserInput(f"filter {name} cannot apply when the subjects or the target "
                               f"are {wanted} nodes: ask reach from or to it instead")
    if flt.since and flt.until and flt.since > flt.until:
        raise BadUserInput("the date window's since is after its until")
    if flt.text is not None and not fold(flt.text):
        raise BadUserInput("the text filter is empty")


def _in_window(node: Node, flt: ReachFilter) -> bool:
    start, end = node.properties.get("start_date"), node.properties.get("end_date")
    if flt.until and start is not None and str(start) > flt.until:
        return False
    return not (flt.since and end is not None and str(end) < flt.since)


def _passing_contracts(store: GraphStore, ids: list[str], flt: ReachFilter) -> set[str]:
    """The chain contracts that pass every contract filter (batched reads)."""
    contracts = store.get_nodes(ids)
    keep = {i for i, node in contracts.items() if _in_window(node, flt)}
    if flt.technology or flt.product:
        ties = store.edges(sorted(keep), ["OF_TECHNOLOGY", "COVERS"], "out")
        products = sorted({t.target for t in ties if t.type == "COVERS"})
        product_techs: dict[str, set[str]] = defaultdict(set)
        for tie in store.edges(products, ["OF_TECHNOLOGY"], "out") if products else []:
            product_techs[tie.source].add(tie.target)
        reached: dict[str, set[str]] = defaultdict(set)  # contract -> products and technologies
        for tie in ties:
            reached[tie.source] |= {tie.target, *product_techs.get(tie.target, ())}
        wanted = {v for v in (flt.technology, flt.product) if v}
        keep = {c for c in keep if wanted <= reached[c]}
    if flt.agency_state:
        ties = store.edges(sorted(keep), ["AWARDED_BY", "FUNDED_BY"], "out")
        agencies = store.get_nodes(sorted({t.target for t in ties}))
        state = flt.agency_state.strip().upper()
        keep = {t.source for t in ties if t.source in keep and t.target in agencies
                and str(agencies[t.target].properties.get("state", "")).upper() == state}
    return keep


def _path_match(store: GraphStore, answer: ReachAnswer, flt: ReachFilter) -> list[int]:
    """Indexes of the answer's paths that run through the filtered technology/product/state
    (checked only when no date window is asked: a path without contract has no dates)."""
    if flt.since or flt.until:
        return []
    wanted = {v for v in (flt.technology, flt.product) if v}
    hits = []
    for index, path in enumerate(answer.paths):
        nodes = set(path.nodes)
        if not wanted <= nodes:
            continue
        if flt.agency_state:
            found = store.get_nodes([n for n in path.nodes if n.startswith("agency:")])
            state = flt.agency_state.strip().upper()
            if not any(str(a.properties.get("state", "")).upper() == state
                       for a in found.values()):
                continue
        hits.append(index)
    return hits


def refine(store: GraphStore, answers: list[ReachAnswer], flt: ReachFilter,
           paths_per_subject: int) -> list[ReachAnswer]:
    """The answers that pass `flt`, with their contracts, money and paths narrowed."""
    if not flt.active:
        return answers
    keep: set[str] = set()
    if flt.on_contracts:
        keep = _passing_contracts(store, sorted({c for a in answers for c in a.contracts}), flt)
    names = store.get_nodes([a.subject for a in answers]) if flt.text else {}
    needle = fold(flt.text or "")
    out = []
    for answer in answers:
        if flt.text:
            node = names.get(answer.subject)
            terms = [node.name, *node.aliases] if node else []
            if not any(needle in fold(term) for term in terms):
                continue
        if flt.on_contracts:
            contracts = [c for c in answer.contracts if c in keep]
            hits = _path_match(store, answer, flt)
            if not contracts and not hits:
                continue
            paths = [p for i, p in enumerate(answer.paths)
                     if i in hits or any(n in keep for n in p.nodes)]
            amounts = store.get_nodes(contracts)
            known = [float(v) for c in contracts
                     if isinstance(v := amounts[c].properties.get("obligated"), int | float)]
            answer = replace(answer, contracts=contracts, paths=paths[:paths_per_subject],
                             total_obligated=round(sum(known), 2) if known else None)
        if flt.min_amount is not None and (answer.total_obligated or 0.0) < flt.min_amount:
            continue
        out.append(answer)
    return out


def ordered(store: GraphStore, answers: list[ReachAnswer], field: ReachOrderField,
            descending: bool) -> list[ReachAnswer]:
    """Sorted by the field (missing money last whichever way), then by subject id."""
    if field == "subject":
        return sorted(answers, key=lambda a: a.subject, reverse=descending)
    if field == "name":
        names = store.get_nodes([a.subject for a in answers])
        key = {a.subject: fold(names[a.subject].name) if a.subject in names else ""
               for a in answers}
        by_id = sorted(answers, key=lambda a: a.subject)
        return sorted(by_id, key=lambda a: key[a.subject], reverse=descending)
    sign = -1.0 if descending else 1.0

    def value(answer: ReachAnswer) -> tuple[bool, float, str]:
        amount = answer.total_obligated if field == "obligated" else len(answer.contracts)
        return (amount is None, sign * float(amount or 0.0), answer.subject)

    return sorted(answers, key=value)
