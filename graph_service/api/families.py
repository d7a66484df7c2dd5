"""Corporate families in rankings: a parent and its subsidiaries counted once (issue 12.5).

The Company reach rules step down SUBSIDIARY_OF ties (a parent reaches through its
subsidiaries' contracts), so a parent and each reaching subsidiary used to answer as separate
rows with the same money. `PARENT` folds every reaching company into its family's row (the
family: companies joined by the SUBSIDIARY_OF ties above them); `NONE` answers each company
with only its own ties, by the same traversal over the rules without their SUBSIDIARY_OF
steps. Both read through the GraphStore interface, so every store answers alike.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import strawberry

from graph_service.domain_model import DomainModel, ReachRule
from graph_service.stores import traversal
from graph_service.stores.base import GraphStore, Path, ReachAnswer
from graph_service.stores.query_types import GroupKey, SpendingRow

# How far up SUBSIDIARY_OF chains are read (one batched read per level; cycles stop anyway).
MAX_LEVELS = 32


@strawberry.enum(description="How corporate families are counted in rankings")
class RollUp(enum.Enum):
    PARENT = "parent"  # one row per family, under its top parent, each contract once
    NONE = "none"  # each company alone, with only its own contracts and ties


def parents_above(store: GraphStore, companies: Sequence[str]) -> dict[str, set[str]]:
    """Each company's SUBSIDIARY_OF parents, for the companies and every ancestor above them."""
    parents: dict[str, set[str]] = defaultdict(set)
    seen = set(companies)
    frontier = sorted(seen)
    for _ in range(MAX_LEVELS):
        if not frontier:
            break
        for tie in store.edges(frontier, ["SUBSIDIARY_OF"], "out"):
            parents[tie.source].add(tie.target)
        above = {p for c in frontier for p in parents.get(c, ())}
        frontier = sorted(above - seen)
        seen |= above
    return parents


def _ancestors(company: str, parents: dict[str, set[str]]) -> set[str]:
    found: set[str] = set()
    stack = [company]
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in found:
                found.add(parent)
                stack.append(parent)
    found.discard(company)  # a cycle back to itself
    return found


def families(store: GraphStore, companies: Sequence[str]) -> dict[str, list[str]]:
    """Head -> the other companies of its family, for the given (reaching) companies.

    Companies joined through SUBSIDIARY_OF ties above them (a parent, a grandparent, a shared
    parent) form one family, so no contract can count in two rows. The head is a member with
    no member above it (the smallest id when there are several, or in a cycle)."""
    members = set(companies)
    parents = parents_above(store, sorted(members))
    root: dict[str, str] = {}

    def find(node: str) -> str:
        while root.setdefault(node, node) != node:
            root[node] = root[root[node]]
            node = root[node]
        return node

    for child, above in parents.items():
        for parent in above:
            root[find(child)] = find(parent)
    groups: dict[str, list[str]] = defaultdict(list)
    for company in sorted(members):
        groups[find(company)].append(company)
    out: dict[str, list[str]] = {}
    for group in groups.values():
        tops = [c for c in group if not (_ancestors(c, parents) & members)] or group
        head = min(tops)
        out[head] = [c for c in group if c != head]
    return out


def roll_up(store: GraphStore, answers: list[ReachAnswer], paths_per_subject: int
            ) -> list[ReachAnswer]:
    """One answer per family: the head's row with every member's contracts, money (each
    contract once), sources and rules; its paths first, then the members' shortest."""
    model = store.model
    companies = [a.subject for a in answers if model.kind_for_id(a.subject) == "Company"]
    if not companies:
        return answers
    by_subject = {a.subject: a for a in answers}
    heads = families(store, companies)
    folded = {m for ms in heads.values() for m in ms}
    merged = [c for head, ms in heads.items() if ms
              for c in {*by_subject[head].contracts, *(x for m in ms
                                                       for x in by_subject[m].contracts)}]
    nodes = store.get_nodes(sorted(set(merged))) if merged else {}
    out = []
    for answer in answers:
        if answer.subject in folded:
            continue
        others = heads.get(answer.subject, [])
        if others:
            answer = _merge(answer, [by_subject[m] for m in others], nodes, paths_per_subject)
        out.append(answer)
    return out


def _merge(head: ReachAnswer, members: list[ReachAnswer], nodes: dict[str, Any],
           paths_per_subject: int) -> ReachAnswer:
    contracts = sorted({c for a in (head, *members) for c in a.contracts})
    known = [float(v) for c in contracts if c in nodes
             and isinstance(v := nodes[c].properties.get("obligated"), int | float)]
    theirs = sorted((p for m in members for p in m.paths), key=lambda p: (len(p.edges), p.key))
    paths: dict[tuple[str, ...], Path] = {}
    for path in [*head.paths, *theirs]:
        paths.setdefault(path.key, path)
    return ReachAnswer(
        subject=head.subject, paths=list(paths.values())[:paths_per_subject],
        contracts=contracts, total_obligated=round(sum(known), 2) if known else None,
        sources=sorted({s for a in (head, *members) for s in a.sources}),
        rules=sorted({r for a in (head, *members) for r in a.rules}),
        members=sorted(m.subject for m in members))


def _own_rule(rule: ReachRule) -> ReachRule:
    steps = tuple(s for s in rule.steps if s.types != ("SUBSIDIARY_OF",))
    return rule if len(steps) == len(rule.steps) else rule.model_copy(update={"steps": steps})


def own_ties_model(model: DomainModel) -> DomainModel:
    """The model with the SUBSIDIARY_OF steps taken out of its reach rules (rollUp NONE)."""
    return model.model_copy(update={"reach": tuple(_own_rule(r) for r in model.reach)})


def reach_alone(store: GraphStore, from_kinds: Sequence[str], to: str, as_of: str | None,
                max_hops: int | None, paths_per_subject: int) -> list[ReachAnswer]:
    """Reach where each company counts only its own ties: the store-neutral traversal over
    the same store, on the rules without SUBSIDIARY_OF steps (not cached: rarely asked)."""
    model = own_ties_model(store.model)
    return traversal.reach(store, model, from_kinds, to, as_of, max_hops, paths_per_subject)


def spending_groups(group_by: Sequence[GroupKey], roll: RollUp) -> list[GroupKey]:
    """Under PARENT a company group is its recipient's top parent (the store's own rule)."""
    if roll is RollUp.NONE or "company" not in group_by:
        return list(group_by)
    swapped = ["parent_company" if g == "company" else g for g in group_by]
    return list(dict.fromkeys(swapped))


def spending_rolled(store: GraphStore, group_by: Sequence[GroupKey], flt: Any, roll: RollUp
                    ) -> list[tuple[SpendingRow, list[str]]]:
    """Spending rows, each with the family members (recipients) it counts under PARENT.

    The sums come from the store grouped by top parent (each contract once); a second read
    grouped by recipient too only names the members of each row."""
    groups = spending_groups(group_by, roll)
    rows = store.spending(groups, flt)
    if groups == list(group_by):
        return [(row, []) for row in rows]
    members: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    for row in store.spending([*groups, "company"], flt):
        company = row.keys.get("company")
        if company is not None and company != row.keys.get("parent_company"):
            members[tuple(row.keys.get(g) for g in groups)].add(str(company))
    out = []
    for row in rows:
        keys = dict(row.keys)
        keys["company"] = keys["parent_company"]
        shown = SpendingRow(keys={g: keys[g] for g in group_by}, count=row.count,
                            obligated=row.obligated, potential=row.potential)
        out.append((shown, sorted(members.get(tuple(row.keys.get(g) for g in groups), ()))))
    return out
