"""Spending rows from a store's reads, shared by both stores so they group alike: the keys of
each contract (agency, recipient, top parent, technology), its fiscal-year shares (by its
actions' dates when it has actions), then the sums per group (query_types.SpendingRow)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import product
from typing import Protocol

from graph_service.records import Edge
from graph_service.stores.base import Direction
from graph_service.stores.query_types import (
    PARENT_DEPTH,
    GroupKey,
    SpendingRow,
    fiscal_year,
    sort_rows,
)

# (contract id, obligated, potential, fiscal_year, start_date)
ContractRow = tuple[str, object, object, object, object]
Share = tuple[int | None, float, float, str | None]  # (fiscal year, obligated, potential, basis)


class _Edges(Protocol):
    def edges(self, ids: Sequence[str], types: Sequence[str] | None = None,
              direction: Direction = "both") -> list[Edge]: ...


def pairs(rows: Iterable[Sequence[object]]) -> dict[str, list[str]]:
    """(contract, key) rows -> each contract's distinct keys, sorted."""
    found: dict[str, set[str]] = defaultdict(set)
    for contract, key in rows:
        found[str(contract)].add(str(key))
    return {contract: sorted(keys) for contract, keys in found.items()}


def top_parents(store: _Edges, companies: set[str]) -> dict[str, str]:
    """Each company's farthest SUBSIDIARY_OF ancestor within PARENT_DEPTH (the smallest id
    among equally far ones), or the company itself when it has no parent."""
    parents: dict[str, list[str]] = defaultdict(list)
    frontier, seen = sorted(companies), set(companies)
    for _ in range(PARENT_DEPTH):
        ties = store.edges(frontier, ["SUBSIDIARY_OF"], "out")
        layer = set()
        for tie in ties:
            parents[tie.source].append(tie.target)
            layer.add(tie.target)
        frontier = sorted(layer - seen)
        seen |= layer
        if not frontier:
            break

    def farthest(company: str, depth: int, used: frozenset[tuple[str, str]]) -> tuple[int, str]:
        best = (depth, company)
        if depth == PARENT_DEPTH:
            return best
        for parent in parents.get(company, []):
            if (company, parent) in used:
                continue
            found = farthest(parent, depth + 1, used | {(company, parent)})
            if (-found[0], found[1]) < (-best[0], best[1]):
                best = found
        return best

    return {company: farthest(company, 0, frozenset())[1] for company in companies}


def action_years(rows: Iterable[Sequence[object]]) -> dict[str, list[Share]]:
    """(contract, action date, obligation) rows -> per contract with actions: (fiscal year, sum
    of its actions that year, 0, 'actions'), earliest year first."""
    sums: dict[str, dict[int | None, float]] = defaultdict(lambda: defaultdict(float))
    for contract, day, amount in rows:
        sums[str(contract)][fiscal_year(None, day)] += float(amount or 0.0)  # type: ignore[arg-type]
    return {c: [(fy, years[fy], 0.0, "actions")
                for fy in sorted(years, key=lambda y: (y is None, y or 0))]
            for c, years in sums.items()}


def _pos(group_by: Sequence[GroupKey], group: GroupKey) -> int:
    """Index of a non-fiscal-year group among the non-fiscal-year groups."""
    others: list[str] = [g for g in group_by if g != "fiscal_year"]
    return others.index(group)


def group_rows(group_by: Sequence[GroupKey], rows: Iterable[ContractRow],
               keys: dict[str, dict[str, list[str]]], by_year: dict[str, list[Share]]
               ) -> list[SpendingRow]:
    """The spending rows of contracts `rows`, with their `keys` per group and action years."""
    groups: dict[tuple[object, ...], tuple[set[str], list[float], list[float]]] = {}
    for contract, obligated, potential, year, start in rows:
        shares = by_year.get(contract) or [
            (fiscal_year(year, start), float(obligated or 0.0),  # type: ignore[arg-type]
             float(potential or 0.0),  # type: ignore[arg-type]
             "award start" if "fiscal_year" in group_by else None)]
        if contract in by_year:
            first = shares[0]
            shares[0] = (first[0], first[1], float(potential or 0.0), first[3])  # type: ignore[arg-type]
        choices: list[list[str | int | None]] = []
        for group in group_by:
            if group != "fiscal_year":
                choices.append(list(keys[group].get(contract, [])) or [None])
        for fy, amount, share_potential, basis in shares:
            for combo in product(*choices):
                full = tuple(fy if g == "fiscal_year" else combo[_pos(group_by, g)]
                             for g in group_by)
                members, obligations, potentials = groups.setdefault(
                    (*full, basis), (set(), [], []))
                if contract not in members:
                    members.add(contract)
                    obligations.append(amount)
                    potentials.append(share_potential)
    return sort_rows([
        SpendingRow(
            keys=dict(zip(group_by, combo[:-1], strict=True)),  # type: ignore[arg-type]
            count=len(members),
            obligated=round(sum(obligations), 2),
            potential=round(sum(potentials), 2),
            basis=str(combo[-1]) if combo[-1] is not None else None,
        )
        for combo, (members, obligations, potentials) in groups.items()
    ])
